"""series_publish (for code and the demo) keeps the admin's rules."""

import pytest

from django.core.exceptions import ValidationError

from kisha.series.services import SeasonSpec, series_publish


def test_publish_and_replace(series_index, make_articles):
    one, two = make_articles(2)
    series = series_publish(
        index=series_index, slug="s", title="連載", entries=[(one.id, None), (two.id, None)]
    )
    assert series.live and [i.page_id for i in series.items.order_by("sort_order")] == [
        one.id,
        two.id,
    ]
    again = series_publish(index=series_index, slug="s", title="連載", entries=[(two.id, None)])
    assert again.id == series.id and [i.page_id for i in again.items.all()] == [two.id]


@pytest.mark.parametrize(
    "seasons, entries, message",
    [
        ([SeasonSpec(1), SeasonSpec(1)], [], "重複"),
        ([], [("a", None), ("a", None)], "一度だけ"),
        ([SeasonSpec(1)], [("a", 2)], "シーズン2"),
        ([SeasonSpec(1)], [("a", None)], "シーズンNone"),
        ([], [("a", 1)], "シーズン1"),
    ],
)
def test_refusals(series_index, make_articles, seasons, entries, message):
    (article,) = make_articles(1)
    entries = [(article.id, season) for _, season in entries]
    with pytest.raises(ValidationError, match=message):
        series_publish(index=series_index, slug="s", title="連載", seasons=seasons, entries=entries)


def test_a_series_cannot_hold_itself(series, series_index):
    with pytest.raises(ValidationError, match="自身"):
        series_publish(
            index=series_index, slug=series.slug, title=series.title, entries=[(series.id, None)]
        )
