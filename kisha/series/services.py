"""Writes for series: building one from code (the demo, imports). Editors use the admin, whose
checks live in forms.py; this service applies the same rules before it writes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from kisha.core.characters import reading_for

from .models import SeriesIndexPage, SeriesItem, SeriesPage, SeriesSeason


@dataclass(frozen=True)
class SeasonSpec:
    number: int
    title: str = ""
    description: str = ""


def series_index_ensure(
    *, home, title: str = "連載・まとめ", slug: str = "series"
) -> SeriesIndexPage:
    """The /series/ page under `home`, created and published once."""
    existing = SeriesIndexPage.objects.child_of(home).first()
    if existing is not None:
        return existing
    index = SeriesIndexPage(title=title, slug=slug)
    home.add_child(instance=index)
    index.save_revision().publish()
    return index


def series_publish(
    *,
    index: SeriesIndexPage,
    slug: str,
    title: str,
    kicker: str = "",
    description: str = "",
    cover_image=None,
    seasons: Sequence[SeasonSpec] = (),
    entries: Sequence[tuple[int, int | None]] = (),
) -> SeriesPage:
    """Create or replace the series `slug` under `index` with `entries` — (page id, season
    number or None) in order — and publish it. Refuses what the admin refuses (duplicates,
    unknown seasons, the series itself) with a ValidationError in Japanese."""
    numbers = [s.number for s in seasons]
    if len(set(numbers)) != len(numbers):
        raise ValidationError("シーズン番号が重複しています。")
    seen: set[int] = set()
    for page_id, season in entries:
        if page_id in seen:
            raise ValidationError("同じ記事は一つの連載に一度だけ入れられます。")
        seen.add(page_id)
        if (season is None) != (not numbers) or (season is not None and season not in numbers):
            raise ValidationError(f"シーズン{season}の指定が連載のシーズンと合いません。")
    with transaction.atomic():
        series = SeriesPage.objects.child_of(index).filter(slug=slug).first()
        if series is None:
            series = SeriesPage(slug=slug, title=title)
            index.add_child(instance=series)
        if series.id in seen:
            raise ValidationError("連載の中にその連載自身を入れることはできません。")
        series.title = title
        series.reading = series.reading or reading_for(title)
        series.kicker = kicker
        series.description = description
        series.cover_image = cover_image
        series.seasons = [
            SeriesSeason(number=s.number, title=s.title, description=s.description, sort_order=i)
            for i, s in enumerate(seasons)
        ]
        series.items = [
            SeriesItem(page_id=page_id, season=season, sort_order=i)
            for i, (page_id, season) in enumerate(entries)
        ]
        series.save_revision().publish()
    return series
