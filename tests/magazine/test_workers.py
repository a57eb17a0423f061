"""Publishing an issue reaches the MAGAZINE block of every cached page, on two gunicorn workers
sharing Kisha's page cache and the fragment cache."""

import datetime as dt
import time

import pytest

from kisha.magazine.factories import IssuePageFactory, MagazineIndexPageFactory
from tests.processes import wagtail_initial_data_restore


@pytest.fixture(autouse=True)
def wagtail_initial_data(transactional_db):
    wagtail_initial_data_restore()


def test_a_new_issue_replaces_the_block_on_cached_pages(app_server, article, home):
    magazine = MagazineIndexPageFactory(parent=home)
    IssuePageFactory(
        parent=magazine, title="中国経済の岐路", number=43, cover_date=dt.date(2025, 10, 28)
    )
    server = app_server()
    for path in (article.url, "/"):
        server.get(path)
        response = server.get(path)
        assert response.headers.get("X-Kisha-Cache") == "HIT"
        assert "中国経済の岐路" in response.text
    issue = IssuePageFactory.build(
        title="AIと雇用の未来",
        volume=40,
        number=99,
        cover_date=dt.date(2025, 11, 4),
        cover_date_end=dt.date(2025, 11, 11),
        on_sale_date=dt.date(2025, 10, 28),
        slug="2025-11-04",
    )
    magazine.add_child(instance=issue)
    issue.save_revision().publish()
    for path in (article.url, "/"):
        start = time.monotonic()
        while "AIと雇用の未来" not in server.get(path).text:
            assert time.monotonic() - start < 2.0, f"{path} still shows the old issue"
            time.sleep(0.02)
        assert all(
            "2025年11月 4日/2025年11月11日号(10/28発売)" in r.text
            for r in server.get_many([path] * 8)
        )
