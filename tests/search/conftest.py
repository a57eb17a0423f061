"""Search fixtures: a few articles with the words the tests look for."""

import datetime as dt

import pytest

from kisha.core.text import JST
from kisha.news.factories import ArticlePageFactory, publish_at


@pytest.fixture
def stories(world, business):
    kim = ArticlePageFactory(
        parent=world,
        title="金正恩氏、非核化の協議に応じる姿勢",
        lead="北朝鮮の最高指導者が、非核化をめぐる協議に応じる考えを示した。",
        slug="kim",
    )
    stocks = ArticlePageFactory(
        parent=business,
        title="日本株が続伸、半導体に買い",
        lead="東京市場で株価が上昇した。ＡＩ関連の銘柄が相場を押し上げた。",
        slug="stocks",
    )
    moving = ArticlePageFactory(
        parent=business,
        title="引越しシーズン、業者の予約が逼迫",
        lead="春の引っ越し需要で料金が上がっている。",
        slug="moving",
    )
    publish_at(kim, dt.datetime(2026, 3, 1, 9, tzinfo=JST))
    publish_at(stocks, dt.datetime(2026, 4, 1, 9, tzinfo=JST))
    publish_at(moving, dt.datetime(2026, 5, 1, 9, tzinfo=JST))
    return {"kim": kim, "stocks": stocks, "moving": moving}
