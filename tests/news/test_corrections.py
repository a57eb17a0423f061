"""訂正・おわび and the 更新 stamp: what the editor's choices show readers, feeds and sitemaps.
Every edit goes through Wagtail's own edit form, as an editor's browser would post it."""

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET

import pytest

from django.urls import reverse
from django.utils import timezone

from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from kisha.news.factories import ArticlePageFactory, publish_at
from kisha.news.models import ArticleCorrection, ArticlePage

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def editor(client, django_user_model):
    user = django_user_model.objects.create_superuser("desk", "desk@example.com", "pw-12345")
    client.force_login(user)
    return client


def article_form(page, *, corrections=(), substantive=False, **extra):
    data = {
        "title": page.title,
        "slug": page.slug,
        "short_headline": page.short_headline,
        "lead": page.lead,
        "hero_caption": page.hero_caption,
        "body": streamfield(
            [("paragraph", rich_text("<p>関係者によると、協議は年内にも再開される見通しだ。</p>"))]
        ),
        "tags": "",
        "wire_credit": page.wire_credit,
        "original_headline": page.original_headline,
        "original_author": page.original_author,
        "author_links": inline_formset([]),
        "corrections": inline_formset(list(corrections)),
        "seo_title": "",
        "search_description": "",
        "listing_title": "",
        "listing_summary": "",
        "social_text": "",
        "action-publish": "publish",
        **extra,
    }
    if substantive:
        data["substantive_update"] = "on"
    return nested_form_data(data)


def edit(editor, page, data):
    response = editor.post(reverse("wagtailadmin_pages:edit", args=(page.id,)), data)
    assert response.status_code == 302, re.findall(
        r"error-message[^>]*>\s*<p>([^<]*)", response.content.decode()
    )
    return ArticlePage.objects.get(pk=page.pk)


@pytest.fixture
def published(world):
    page = ArticlePageFactory(
        parent=world, title="市議会、新庁舎の建設案を可決", slug="council-vote"
    )
    page.save_revision().publish()
    page = ArticlePage.objects.get(pk=page.pk)
    publish_at(page, timezone.now() - dt.timedelta(hours=3))
    return ArticlePage.objects.get(pk=page.pk)


def test_a_typo_fix_republished_later_shows_no_update(editor, client, published):
    page = edit(editor, published, article_form(published))
    assert page.last_published_at > page.first_published_at + dt.timedelta(hours=2)
    assert page.substantive_update_at is None and page.updated_at is None
    client.logout()
    html = client.get(page.url).content.decode()
    assert "更新）" not in html


def test_a_substantive_edit_shows_update_everywhere(editor, client, published):
    page = edit(editor, published, article_form(published, substantive=True))
    assert page.updated_at is not None
    stamp = page.updated_at
    # The box is never ticked again by itself: the next edit is a typo fix.
    editor_page = editor.get(reverse("wagtailadmin_pages:edit", args=(page.id,))).content.decode()
    assert re.search(r'<input[^>]*name="substantive_update"', editor_page)
    assert not re.search(r'<input[^>]*name="substantive_update"[^>]*checked', editor_page)
    client.logout()
    html = client.get(page.url).content.decode()
    assert "更新）" in html
    ld = [
        json.loads(m)
        for m in re.findall(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', html, re.S)
    ]
    article_ld = next(d for d in ld if d.get("@type") == "NewsArticle")
    assert dt.datetime.fromisoformat(article_ld["dateModified"]) == stamp.replace(microsecond=0)


def test_a_correction_is_shown_at_the_foot_on_the_list_and_in_feeds(editor, client, published):
    when = dt.datetime(2026, 11, 29, 6, 30, tzinfo=dt.UTC)
    text = (
        "初出時、採決の日付を「28日」としていましたが「27日」の誤りでした。訂正しておわびします。"
    )
    page = edit(
        editor,
        published,
        article_form(
            published,
            corrections=[{"kind": "correction", "noted_at": "2026-11-29 15:30", "text": text}],
        ),
    )
    correction = ArticleCorrection.objects.get(article=page)
    assert correction.noted_at == when
    assert page.updated_at is not None  # a correction is substantive
    client.logout()

    html = client.get(page.url).content.decode()
    foot = html[html.index('class="corrections"') :]
    assert "【訂正】" in foot and text in foot
    assert '<time datetime="2026-11-29T15:30:00+09:00">2026年11月29日(日)15時30分</time>' in foot
    assert html.index('class="corrections"') > html.index('class="article__body"')
    ld = [
        json.loads(m)
        for m in re.findall(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', html, re.S)
    ]
    article_ld = next(d for d in ld if d.get("@type") == "NewsArticle")
    assert article_ld["correction"] == [
        {
            "@type": "CorrectionComment",
            "text": f"【訂正】{text}",
            "datePublished": "2026-11-29T15:30:00+09:00",
        }
    ]

    listing = client.get("/corrections/").content.decode()
    assert text in listing and page.title in listing and f'href="{page.url}"' in listing
    footer = client.get("/").content.decode()
    assert 'href="/corrections/">訂正・おわび</a>' in footer

    atom = ET.fromstring(client.get("/feeds/atom/").content)
    entry = next(e for e in atom.iter(f"{ATOM}entry") if e.findtext(f"{ATOM}title") == page.title)
    assert "【訂正】（2026年11月29日(日)15時30分）" in entry.findtext(f"{ATOM}summary")
    assert dt.datetime.fromisoformat(entry.findtext(f"{ATOM}updated")) == page.updated_at
    rss = client.get("/feeds/rss/").content.decode()
    assert text in rss
    partner = client.get("/feeds/partner/").content.decode()
    assert text in partner


def test_corrections_list_is_newest_first_paginated_and_hides_what_is_not_live(client, world):
    now = timezone.now()
    pages = []
    for n in range(3):
        page = ArticlePageFactory(parent=world, title=f"訂正のある記事{n}")
        for m in range(12):
            ArticleCorrection.objects.create(
                article=page,
                noted_at=now - dt.timedelta(hours=n * 12 + m),
                text=f"訂正文{n}-{m:02d}",
            )
        pages.append(page)
    pages[2].unpublish()
    first = client.get("/corrections/").content.decode()
    assert first.index("訂正文0-00") < first.index("訂正文0-01") < first.index("訂正文1-00")
    assert "訂正文2-" not in first
    assert "1 / 1 ページ" not in first  # 24 on one page of 30: no pagination
    for m in range(12):
        ArticleCorrection.objects.create(
            article=pages[1], noted_at=now - dt.timedelta(days=3), text=f"古い訂正{m}"
        )
    assert "次へ" in client.get("/corrections/").content.decode()
    assert "古い訂正" in client.get("/corrections/?page=2").content.decode()
    for bad in ("0", "3", "abc", "9" * 40, "%00"):
        assert client.get(f"/corrections/?page={bad}").status_code == 404


def test_correction_form_rejects_bad_input(editor, published):
    url = reverse("wagtailadmin_pages:edit", args=(published.id,))
    for bad in (
        {"kind": "correction", "noted_at": "2026-11-29 15:30", "text": "あ" * 1001},
        {"kind": "correction", "noted_at": "not a date", "text": "訂正"},
        {"kind": "retraction", "noted_at": "2026-11-29 15:30", "text": "訂正"},
        {"kind": "correction", "noted_at": "2026-11-29 15:30", "text": ""},
    ):
        response = editor.post(url, article_form(published, corrections=[bad]))
        assert response.status_code == 200
        assert (
            "error-message" in response.content.decode()
            or "w-field__errors" in response.content.decode()
        )
    assert not ArticleCorrection.objects.exists()
    assert ArticlePage.objects.get(pk=published.pk).substantive_update_at is None


def test_sitemap_lastmod_follows_the_update_not_the_republication(editor, client, published):
    edit(editor, published, article_form(published))
    client.logout()
    xml = client.get(reverse("seo:sitemap-articles", kwargs={"number": 1})).content.decode()
    first = published.first_published_at
    assert first.astimezone(dt.timezone(dt.timedelta(hours=9))).strftime("%Y-%m-%dT%H:%M:%S") in xml


def test_migration_keeps_updates_shown_before(world):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("kisha.news.migrations.0004_corrections_kill_short_slugs")
    first = timezone.now() - dt.timedelta(days=1)
    edited = ArticlePageFactory(parent=world)
    typo = ArticlePageFactory(parent=world)
    ArticlePage.objects.filter(pk=edited.pk).update(
        first_published_at=first, last_published_at=first + dt.timedelta(hours=1)
    )
    ArticlePage.objects.filter(pk=typo.pk).update(
        first_published_at=first, last_published_at=first + dt.timedelta(minutes=5)
    )
    migration.stamp_earlier_updates(apps, None)
    assert ArticlePage.objects.get(pk=edited.pk).updated_at == first + dt.timedelta(hours=1)
    assert ArticlePage.objects.get(pk=typo.pk).updated_at is None


def test_corrections_list_costs_the_same_queries_at_any_length(client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        from django.core.cache import cache

        cache.clear()  # the page cache would answer without a query
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/corrections/").status_code == 200
        return len(captured)

    page = ArticlePageFactory(parent=world)
    ArticleCorrection.objects.create(article=page, text="一件目")
    few = queries()
    for n in range(10):
        other = ArticlePageFactory(parent=world)
        for m in range(3):
            ArticleCorrection.objects.create(article=other, text=f"訂正{n}-{m}")
    assert queries() == few
