"""At 390 px no demo headline, card, ranking entry, ticker entry or caption breaks inside a
phrase (issue 18). The demo site is built, each page is opened on a phone, and every line box of
the server-split text (`.phrases`) is measured: a line may only end where the server put a
`<wbr>` or at a space. Chromium here; see docs/reading.md for the other engines."""

from __future__ import annotations

import io

import pytest

from django.core.management import call_command

from .conftest import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# For every `.phrases` box on the page: the breaks that fall inside one text node (a phrase),
# other than after whitespace. Each character's line is the top of its own client rectangle.
MEASURE = """
() => {
  const bad = [];
  let boxes = 0, lines = 0;
  for (const box of document.querySelectorAll('.phrases')) {
    if (!box.getClientRects().length) continue;  // hidden (another ranking tab)
    boxes += 1;
    const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
    const tops = new Set();
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.data;
      let previous = null;
      for (let i = 0; i < text.length; i++) {
        if (/[\\uDC00-\\uDFFF]/.test(text[i])) continue;  // second half of a surrogate pair
        const range = document.createRange();
        range.setStart(node, i);
        range.setEnd(node, i + (/[\\uD800-\\uDBFF]/.test(text[i]) ? 2 : 1));
        const rect = range.getClientRects()[0];
        if (!rect) continue;
        tops.add(Math.round(rect.top));
        if (previous !== null && rect.top > previous + 4 && !/\\s/.test(text[i - 1])) {
          bad.push(text.slice(0, i) + ' / ' + text.slice(i));
        }
        previous = rect.top;
      }
    }
    lines += tops.size;
  }
  return {bad, boxes, lines};
}
"""


@pytest.fixture
def demo(home):
    call_command("demo_site", "--articles", "40", stdout=io.StringIO())


def pages_to_check(page, base: str) -> list[str]:
    page.goto(base + "/")
    articles = page.eval_on_selector_all(
        ".card__link", "links => links.slice(0, 12).map(a => new URL(a.href).pathname)"
    )
    wire = page.eval_on_selector_all(
        ".wire-ticker__link", "links => links.slice(0, 3).map(a => new URL(a.href).pathname)"
    )
    return ["/", "/sokuho/", *dict.fromkeys(articles), *wire]


def test_no_line_breaks_inside_a_phrase_at_390px(live_server, page_at, screenshot, demo):
    page = page_at(PHONE)
    checked, total_lines, problems = 0, 0, []
    for path in pages_to_check(page, live_server.url):
        page.goto(live_server.url + path)
        # Every ranking tab, not only the visible one.
        # (through the CSSOM: the page's CSP refuses an added <style>)
        page.evaluate(
            "document.querySelectorAll('.rankings__panel').forEach(p => {"
            " p.hidden = false; p.style.setProperty('display', 'block', 'important'); })"
        )
        result = page.evaluate(MEASURE)
        checked += result["boxes"]
        total_lines += result["lines"]
        problems += [f"{path}: {line}" for line in result["bad"]]
    screenshot(page, "reading-line-breaks-phone")
    assert checked > 100, checked  # headlines, cards, rankings, ticker and captions were there
    assert total_lines > checked  # and many of them wrap, so the check means something
    assert problems == [], "\n".join(problems)
