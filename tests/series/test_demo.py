"""The demo's three series, built from the demo's own articles; a second run changes nothing."""

from kisha.demo.services import demo_build
from kisha.series.demo import demo_series
from kisha.series.models import SeriesIndexPage, SeriesPage


def test_demo_series(db, client):
    demo_build(articles=60, seed=3, fast=True)
    assert demo_series() == 3
    index = SeriesIndexPage.objects.get()
    series = {s.slug: s for s in SeriesPage.objects.child_of(index).live()}
    assert set(series) == {"hayama-cabinet", "local-line-journey", "ai-and-work"}
    travel = series["local-line-journey"]
    assert sorted(travel.seasons.values_list("number", flat=True)) == [1, 2]
    assert all(item.season in (1, 2) for item in travel.items.all())
    html = client.get(travel.url).content.decode()
    assert "シーズン1" in html and "シーズン2" in html
    member = series["hayama-cabinet"].items.first().page
    assert "この連載の他の記事" in client.get(member.url).content.decode()

    counts = {s.slug: s.items.count() for s in series.values()}
    assert demo_series() == 3
    assert SeriesPage.objects.count() == 3
    assert {s.slug: s.items.count() for s in SeriesPage.objects.all()} == counts
