"""Series fixtures: the /series/ index and a handful of published articles in one section."""

import datetime as dt

import pytest

from django.utils import timezone

from kisha.news.factories import ArticlePageFactory, publish_at
from kisha.series.factories import SeriesIndexPageFactory, SeriesPageFactory, series_fill


@pytest.fixture
def series_index(home):
    return SeriesIndexPageFactory(parent=home)


@pytest.fixture
def make_articles(world):
    base = timezone.now() - dt.timedelta(days=30)

    def make(count: int, *, prefix: str = "連載記事") -> list:
        pages = []
        for n in range(count):
            page = ArticlePageFactory(parent=world, title=f"{prefix}{n + 1}")
            publish_at(page, base + dt.timedelta(hours=len(pages) + n))
            pages.append(page)
        return pages

    return make


@pytest.fixture
def series(series_index, make_articles):
    page = SeriesPageFactory(
        parent=series_index, title="葉山内閣の一年　まとめ", slug="hayama", kicker="まとめ"
    )
    series_fill(page, make_articles(5))
    return page
