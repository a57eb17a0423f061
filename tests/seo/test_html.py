"""The Nu Html Checker (vnu.jar, the W3C's validator) finds no error on the public pages (issue
13, "Scores"). All pages go to one java run (about 2 s). vnu.jar comes from the npm package
vnu-jar, which `make test-sqlite` and `make test-postgres` install
(scripts/install-quality-tools.sh); Lighthouse runs in `make quality` only (bench/quality.py)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from kisha.news.factories import ArticlePageFactory, publish_at
from kisha.news.models import AuthorIndexPage

pytestmark = pytest.mark.django_db

VNU = Path(__file__).resolve().parents[2] / "bench/quality/node_modules/vnu-jar/build/dist/vnu.jar"


def nu_messages(files: list[Path]) -> list[dict]:
    out = subprocess.run(
        ["java", "-jar", str(VNU), "--format", "json", "--exit-zero-always", *map(str, files)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return json.loads(out.stderr)["messages"]


@pytest.fixture
def checker():
    if not VNU.exists() or not shutil.which("java"):
        pytest.skip(
            "vnu.jar or java missing: run scripts/install-quality-tools.sh (make test does)"
        )
    return nu_messages


@pytest.fixture
def site(home, article, world, business, author):
    home.add_child(instance=AuthorIndexPage(title="執筆者", slug="authors"))
    publish_at(article, dt.datetime(2019, 12, 10, 6, 0, tzinfo=dt.UTC))
    for n in range(3):
        other = ArticlePageFactory(
            parent=business if n % 2 else world,
            title=f"日銀、金融政策の現状維持を決定　市場は円安を警戒 {n}",
            hero_image=article.hero_image,
        )
        other.authors.add(author)
        other.save()
        publish_at(other, dt.datetime(2019, 12, 9, 1 + n, 0, tzinfo=dt.UTC))
    return article


@pytest.fixture
def long_read(world, author, image):
    """Every kind of body block an editor can write (except embeds, which call out to the
    provider), over two pages."""
    page = ArticlePageFactory(
        parent=world,
        slug="long-read",
        hero_image=image,
        hero_caption="会見する担当者。",
        body=[
            (
                "paragraph",
                '<p>本文には<b>強調</b>と<a href="https://example.com/">リンク</a>がある。</p>',
            ),
            ("heading", "現場の声"),
            ("image", {"image": image, "caption": "現地の様子。", "alt": "集まった人々"}),
            ("quote", {"text": "前に進むしかない。\n一歩ずつだ。", "attribution": "担当者"}),
            ("page_break", None),
            ("paragraph", "<ul><li>一つ目</li><li>二つ目</li></ul><ol><li>手順</li></ol>"),
        ],
    )
    page.authors.add(author)
    page.save()
    from kisha.news.models import ArticleCorrection

    ArticleCorrection.objects.create(
        article=page, text="日付を訂正しました。\n関係者におわびします。"
    )
    return page


def test_public_pages_have_no_nu_errors(
    checker, client, settings, site, long_read, topic, tmp_path
):
    settings.KISHA_LISTING_PAGE_SIZE = 2  # so the section has a second page
    paths = {
        "home": "/",
        "section": "/world/",
        "section-page-2": "/world/?page=2",
        "topic": topic.url,
        "topics": topic.get_parent().url,
        "authors": "/authors/",
        "author": "/authors/yamada-hanako/",
        "article": site.url,
        "long-read": long_read.url,
        "long-read-page-2": long_read.url + "2/",
        "search": "/search/?q=日銀",
        "search-empty": "/search/",
        "corrections": "/corrections/",
        "not-found": "/no-such-page/",
    }
    files = {}
    for name, path in paths.items():
        response = client.get(path)
        assert response.status_code == (404 if name == "not-found" else 200), path
        assert response["Content-Type"].startswith("text/html"), path
        files[(tmp_path / f"{name}.html").resolve()] = name
        (tmp_path / f"{name}.html").write_bytes(response.content)
    # A broken page goes to the same java run: the report is really read, not silently clean.
    broken = tmp_path / "broken.html"
    broken.write_text("<!DOCTYPE html><html lang=ja><title>x</title><p><div></p>", "utf-8")
    files[broken.resolve()] = "broken"
    long_read_html = (tmp_path / "long-read.html").read_text("utf-8")
    assert "article__quote" in long_read_html and "article__figure" in long_read_html
    assert 'class="corrections"' in long_read_html
    errors = {}
    for message in checker(list(files)):
        if message["type"] == "error" or message.get("subType") == "fatal":
            name = files[Path(message["url"].removeprefix("file:")).resolve()]
            errors.setdefault(name, []).append(f"{message.get('lastLine')}: {message['message']}")
    assert any("“p” end tag" in m for m in errors.pop("broken", [])), errors
    assert errors == {}, json.dumps(errors, ensure_ascii=False, indent=1)
