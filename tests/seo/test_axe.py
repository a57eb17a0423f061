# ruff: noqa: F811 - the browser fixtures are imported by name, then requested as arguments
"""axe-core (Deque's accessibility engine, vendored in tests/browser/vendor/ with its licence)
finds no violation on the home, section, topic, author and article pages, on a phone and a
desktop (issue 13, "Scores").

The public Content-Security-Policy rightly refuses a script injected into the page, so these
contexts alone bypass it (`bypass_csp`); every other browser test runs under the policy and
fails on a refusal (tests/browser/conftest.py)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from kisha.news.factories import ArticlePageFactory, publish_at
from kisha.news.models import AuthorIndexPage
from tests.browser.conftest import DESKTOP, PHONE, browser, wagtail_initial_data  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[1] / "browser" / "vendor" / "axe.min.js"


@pytest.fixture
def site(home, article, world, business, author):
    home.add_child(instance=AuthorIndexPage(title="執筆者", slug="authors"))
    publish_at(article, dt.datetime(2019, 12, 10, 6, 0, tzinfo=dt.UTC))
    for n in range(4):
        other = ArticlePageFactory(
            parent=business if n % 2 else world,
            title=f"日銀、金融政策の現状維持を決定　市場は円安を警戒 {n}",
            hero_image=article.hero_image,
        )
        other.authors.add(author)
        other.save()
        publish_at(other, dt.datetime(2019, 12, 9, 1 + n, 0, tzinfo=dt.UTC))
    return article


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_no_axe_violations(browser, live_server, site, topic, viewport):
    context = browser.new_context(viewport=viewport, locale="ja-JP", bypass_csp=True)
    try:
        page = context.new_page()
        found = {}
        for path in ["/", "/world/", topic.url, "/authors/yamada-hanako/", site.url]:
            response = page.goto(live_server.url + path)
            assert response.status == 200, path
            page.add_script_tag(path=str(AXE))
            result = page.evaluate(
                """async () => {
                    const r = await axe.run(document);
                    return {passes: r.passes.length, violations: r.violations.map(v => ({
                        id: v.id, impact: v.impact,
                        nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ")),
                    }))};
                }"""
            )
            assert result["passes"] > 20, path  # axe really ran its rules on the page
            if result["violations"]:
                found[path] = result["violations"]
        assert found == {}, json.dumps(found, ensure_ascii=False, indent=1)
    finally:
        context.close()
