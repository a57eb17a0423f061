"""Short, stable article URLs: a new article gets `YYYYMMDD-N` (JST date, that day's number)
instead of its headline, whatever the headline is; a renamed or moved article keeps its old URL
as a redirect."""

import datetime as dt
import re

import pytest

from django.urls import reverse

from wagtail.contrib.redirects.models import Redirect
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from kisha.core.text import JST
from kisha.news.factories import ArticlePageFactory, SectionPageFactory
from kisha.news.models import ArticlePage
from kisha.news.services import article_slug_new

pytestmark = pytest.mark.django_db

SHORT = re.compile(r"[0-9]{8}-[0-9]+")


@pytest.fixture
def editor(client, django_user_model):
    user = django_user_model.objects.create_superuser("desk", "desk@example.com", "pw-12345")
    client.force_login(user)
    return client


def add(editor, parent, *, title, slug="", publish=True):
    data = nested_form_data(
        {
            "title": title,
            "slug": slug,
            "lead": "リード",
            "body": streamfield([("paragraph", rich_text("<p>本文です。</p>"))]),
            "tags": "",
            "author_links": inline_formset([]),
            "corrections": inline_formset([]),
            **({"action-publish": "publish"} if publish else {}),
        }
    )
    return editor.post(
        reverse("wagtailadmin_pages:add", args=("news", "articlepage", parent.id)), data
    )


def today() -> str:
    from django.utils import timezone

    return timezone.now().astimezone(JST).strftime("%Y%m%d")


@pytest.mark.parametrize(
    "title",
    [
        "北朝鮮が短距離弾道ミサイル発射、日本のEEZ外に落下か　防衛省が分析急ぐ" * 4,  # ~200 chars
        "G7サミット開幕",  # ASCII slugify would leave "g7"
        "🎉祝・創刊100年🎉",
        "%E6%97%A5%E6%9C%AC",
        "<script>alert(1)</script>",
    ],
)
def test_a_new_article_gets_a_short_slug_from_any_headline(editor, world, title):
    response = add(editor, world, title=title)
    assert response.status_code == 302
    page = ArticlePage.objects.get(title=title)
    assert SHORT.fullmatch(page.slug) and page.slug.startswith(today())
    assert page.url == f"/world/{page.slug}/" and page.url.isascii()
    assert editor.get(page.url).status_code == 200


def test_numbers_count_up_and_never_repeat(editor, world, business):
    add(editor, world, title="一本目の記事")
    add(editor, business, title="二本目の記事")
    add(editor, world, title="三本目の記事", publish=False)  # a draft takes its number too
    slugs = [
        ArticlePage.objects.get(title=t).slug
        for t in ("一本目の記事", "二本目の記事", "三本目の記事")
    ]
    assert slugs == [f"{today()}-1", f"{today()}-2", f"{today()}-3"]
    # A number someone typed by hand is skipped.
    ArticlePageFactory(parent=world, slug=f"{today()}-4")
    add(editor, world, title="四本目の記事")
    assert ArticlePage.objects.get(title="四本目の記事").slug == f"{today()}-5"


def test_the_slug_counter_uses_the_jst_date(db):
    late_utc = dt.datetime(2026, 3, 31, 15, 30, tzinfo=dt.UTC)  # 2026-04-01 00:30 JST
    assert article_slug_new(when=late_utc) == "20260401-1"
    assert article_slug_new(when=late_utc) == "20260401-2"


def test_a_typed_ascii_slug_is_kept_and_a_bad_one_refused(editor, world):
    assert (
        add(editor, world, title="台風10号、九州に上陸へ", slug="typhoon-no10").status_code == 302
    )
    assert ArticlePage.objects.filter(slug="typhoon-no10").exists()
    for bad in ("a/b", "x" * 300, "100%", "a b"):
        response = add(editor, world, title=f"不正なスラッグ{bad[:3]}", slug=bad)
        assert response.status_code == 200, bad
        assert not ArticlePage.objects.filter(title=f"不正なスラッグ{bad[:3]}").exists()
    # A second article with a typed slug already used in the section: Wagtail's own error.
    response = add(editor, world, title="別の台風記事", slug="typhoon-no10")
    assert response.status_code == 200
    assert ArticlePage.objects.filter(slug="typhoon-no10").count() == 1


def test_the_title_field_does_not_fill_the_slug(editor, world):
    html = editor.get(
        reverse("wagtailadmin_pages:add", args=("news", "articlepage", world.id))
    ).content.decode()
    title_input = re.search(r'<input[^>]*name="title"[^>]*>', html).group(0)
    assert 'data-w-sync-target-value=""' in title_input


def test_a_published_slug_stays_when_the_headline_changes(editor, world):
    add(editor, world, title="最初の見出し")
    page = ArticlePage.objects.get(title="最初の見出し")
    page.title = "書き換えた見出し"
    page.save_revision().publish()
    assert ArticlePage.objects.get(pk=page.pk).slug == page.slug


def test_renaming_and_moving_redirect_the_old_url(
    client, world, business, django_capture_on_commit_callbacks
):
    page = ArticlePageFactory(parent=world, slug="old-name")
    page.save_revision().publish()
    page.slug = "new-name"
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    assert Redirect.objects.filter(old_path="/world/old-name").exists()
    response = client.get("/world/old-name/")
    assert response.status_code == 301 and response["Location"].endswith("/world/new-name/")
    page = ArticlePage.objects.get(pk=page.pk)
    with django_capture_on_commit_callbacks(execute=True):
        page.move(business, pos="last-child")
    response = client.get("/world/new-name/")
    assert response.status_code == 301 and response["Location"].endswith("/business/new-name/")


def test_a_section_slug_is_untouched(home):
    section = SectionPageFactory(parent=home, title="スポーツ", slug="sports")
    assert section.slug == "sports"
