"""factory_boy factories for series, used by tests and the benchmark."""

from __future__ import annotations

import factory
import wagtail_factories

from .models import SeriesIndexPage, SeriesItem, SeriesPage, SeriesSeason


class SeriesIndexPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = SeriesIndexPage

    title = "連載・まとめ"
    slug = "series"


class SeriesPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = SeriesPage

    title = factory.Sequence(lambda n: f"連載{n}")
    slug = factory.Sequence(lambda n: f"series-{n}")
    kicker = "連載"
    description = "編集部が選んだ記事をまとめて読めます。"


class SeriesSeasonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SeriesSeason

    number = factory.Sequence(lambda n: n + 1)


class SeriesItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SeriesItem

    sort_order = factory.Sequence(lambda n: n)


def series_fill(series: SeriesPage, pages, *, season: int | None = None) -> None:
    """Append `pages` to a series in order (after what it already holds)."""
    start = series.items.count()
    SeriesItem.objects.bulk_create(
        SeriesItem(series=series, page=page, season=season, sort_order=start + i)
        for i, page in enumerate(pages)
    )
