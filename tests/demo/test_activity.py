"""The demo's reading history and wire feed fill the sidebar, once."""

import pytest

from kisha.demo.activity import WIRE_ITEMS, demo_views, demo_wire
from kisha.demo.services import demo_build

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings, tmp_path):
    settings.BASE_DIR = tmp_path
    return demo_build(articles=12, seed=7)


def test_views_fill_the_rankings_once(client, demo):
    from kisha.rankings.models import HourlyViews

    added = demo_views(seed=7)
    assert added > 0
    rows = HourlyViews.objects.count()
    assert demo_views(seed=7) == 0
    assert HourlyViews.objects.count() == rows
    html = client.get("/").content.decode()
    assert "人気ランキング" in html


def test_wire_fills_the_ticker_once(client, demo):
    assert demo_wire(seed=7) == WIRE_ITEMS
    assert demo_wire(seed=7) == WIRE_ITEMS
    html = client.get("/").content.decode()
    assert "ニュース速報" in html
