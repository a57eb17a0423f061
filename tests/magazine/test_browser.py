# ruff: noqa: F811 - the browser fixtures are imported by name, then requested as arguments
"""The magazine's pages in Chromium, phone and desktop: no axe-core violation, nothing wider
than the phone's screen, no Content-Security-Policy refusal (the stylesheet is a static file)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from kisha.magazine.factories import (
    IssuePageFactory,
    IssueTocEntryFactory,
    MagazineIndexPageFactory,
    PrintProductPageFactory,
    ProductIndexPageFactory,
    ProductRetailerLinkFactory,
)
from kisha.magazine.models import today_jst
from tests.browser.conftest import (  # noqa: F401
    DESKTOP,
    PHONE,
    browser,
    page_at,
    wagtail_initial_data,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[1] / "browser" / "vendor" / "axe.min.js"


@pytest.fixture
def magazine_site(home, article, image):
    magazine = MagazineIndexPageFactory(parent=home)
    issue = IssuePageFactory(
        parent=magazine,
        title="AIと雇用の未来",
        number=44,
        cover_date=dt.date(2025, 11, 4),
        cover_date_end=dt.date(2025, 11, 11),
        on_sale_date=dt.date(2025, 10, 28),
        cover_image=image,
    )
    IssueTocEntryFactory(issue=issue, section="【編集長から】", title="AI時代の編集")
    IssueTocEntryFactory(issue=issue, section="Special Report", article=article, title="")
    IssuePageFactory(parent=magazine, cover_date=dt.date(2025, 10, 28), number=99)
    products = ProductIndexPageFactory(parent=home)
    product = PrintProductPageFactory(
        parent=products, title="MOOK 図解 世界経済", kind="mook", on_sale_date=today_jst()
    )
    ProductRetailerLinkFactory(product=product)
    PrintProductPageFactory(
        parent=products, title="別冊 来年の論点", on_sale_date=today_jst() + dt.timedelta(days=9)
    )
    return [magazine.url, issue.url, f"{magazine.url}archive/2025/", products.url, article.url]


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_magazine_pages_in_a_browser(browser, page_at, live_server, magazine_site, viewport):
    page = page_at(viewport)  # under the site's CSP: a refusal fails the test
    for path in magazine_site:
        assert page.goto(live_server.url + path).status == 200, path
        assert page.locator(".magazine-block").count() == 1
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport["width"], f"{path} is {width}px wide"
    context = browser.new_context(viewport=viewport, locale="ja-JP", bypass_csp=True)
    try:
        page = context.new_page()
        found = {}
        for path in magazine_site:
            page.goto(live_server.url + path)
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
            assert result["passes"] > 20, path
            if result["violations"]:
                found[path] = result["violations"]
        assert found == {}, json.dumps(found, ensure_ascii=False, indent=1)
    finally:
        context.close()
