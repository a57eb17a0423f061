"""The news site every app's tests build on: a home page, two sections, a topic, an author, a
credited image and one article, made with kisha.news.factories."""

import pytest

from kisha.news.factories import (
    ArticlePageFactory,
    AuthorFactory,
    KishaImageFactory,
    SectionPageFactory,
    TopicIndexPageFactory,
    TopicPageFactory,
)
from kisha.news.services import site_ensure_home


@pytest.fixture
def home(db):
    return site_ensure_home(title="週刊キシャ")


@pytest.fixture
def world(home):
    return SectionPageFactory(parent=home, title="ワールド", slug="world")


@pytest.fixture
def business(home):
    return SectionPageFactory(parent=home, title="ビジネス", slug="business")


@pytest.fixture
def topic(home):
    index = TopicIndexPageFactory(parent=home)
    return TopicPageFactory(parent=index, title="米朝関係", slug="us-north-korea")


@pytest.fixture
def author(db):
    return AuthorFactory(name="山田花子", slug="yamada-hanako", role="ワシントン特派員")


@pytest.fixture
def image(db):
    return KishaImageFactory(title="会談に臨む両首脳")


@pytest.fixture
def article(world, topic, image, author):
    page = ArticlePageFactory(
        parent=world,
        title="米朝首脳、非核化の行程で合意できず　協議は継続へ",
        short_headline="米朝、非核化で合意できず",
        slug="us-dprk-talks",
        hero_image=image,
        hero_caption="会談に臨む両首脳。",
        primary_topic=topic,
        wire_credit="ロイター",
    )
    page.authors.add(author)
    page.save()
    return page
