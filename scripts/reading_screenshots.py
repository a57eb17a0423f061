"""Screenshots of the pages issue 18 (読みやすさ) changes, at 390 px and 1280 px.

`python scripts/reading_screenshots.py http://127.0.0.1:PORT before|after` writes small PNGs to
docs/reading/ (the top of each page, where headlines, cards, the ticker and the ranking sit).
"""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright

OUT = Path(__file__).resolve().parents[1] / "docs" / "reading"
SIZES = {"390": {"width": 390, "height": 1200}, "1280": {"width": 1280, "height": 900}}


def shrink(path: Path) -> None:
    """A 64-colour palette keeps a text-heavy screenshot under ~150 KB and still legible."""
    Image.open(path).convert("RGB").quantize(64).save(path, optimize=True)


def main() -> None:
    base, label = sys.argv[1].rstrip("/"), sys.argv[2]
    pages = {"home": "/", "topics": "/topics/", "sokuho": "/sokuho/"}
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        page = browser.new_page()
        page.goto(base + "/")
        # An article with a captioned photo: the first card on the home page has one.
        pages["article"] = page.eval_on_selector(".card__link", "a => new URL(a.href).pathname")
        for name, path in pages.items():
            for size, viewport in SIZES.items():
                page.set_viewport_size(viewport)
                page.goto(base + path)
                page.wait_for_load_state("networkidle")
                target = OUT / f"{label}-{name}-{size}.png"
                page.screenshot(path=str(target), type="png")
                shrink(target)
                print(target, target.stat().st_size)
        # The sidebar alone on a phone: the ticker and the ranking, where the examples are.
        page.set_viewport_size(SIZES["390"])
        page.goto(base + pages["article"])
        page.wait_for_load_state("networkidle")
        for part in (".wire-ticker", ".rankings"):
            element = page.query_selector(part)
            if element:
                target = OUT / f"{label}-{part.strip('.')}-390.png"
                element.screenshot(path=str(target))
                shrink(target)
                print(target, target.stat().st_size)
        browser.close()


if __name__ == "__main__":
    main()
