"""The demo site generator: content that reads like a magazine, built idempotently and served."""

from __future__ import annotations

import datetime as dt
import re
from io import StringIO

import pytest

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone

from wagtail.models import Page, Revision

from kisha.core.models import KishaImage
from kisha.demo import content
from kisha.demo.services import demo_build
from kisha.demo.writer import LEAD_CHARS, SHORT_HEADLINE_MAX, article_draft
from kisha.news.models import ArticlePage, Author, HomePage, HomeTopStory, SectionPage, TopicPage

SEED = 20251111


@pytest.fixture(autouse=True)
def demo_settings(settings, tmp_path):
    """Photos and renditions go to a throwaway MEDIA_ROOT; cached nav from other tests is dropped."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.BASE_DIR = tmp_path  # var/demo-admin-password lands here, not in the checkout
    cache.clear()
    yield
    cache.clear()


def _sentences(html: str) -> list[str]:
    text = re.sub(r"<[^>]+>", "", html)
    return [s for s in re.split(r"(?<=。)", text) if s]


# --- The writer (no database) ------------------------------------------------------------------


def test_drafts_have_magazine_shape():
    drafts = [article_draft(seed=SEED, index=i) for i in range(200)]
    for draft in drafts:
        assert 20 <= len(draft.headline) <= 45, draft.headline
        assert len(draft.short_headline) <= SHORT_HEADLINE_MAX, draft.short_headline
        assert LEAD_CHARS[0] <= len(draft.lead) <= LEAD_CHARS[1], draft.lead
        types = [block["type"] for block in draft.body]
        assert 4 <= types.count("paragraph") <= 12
        assert 1 <= types.count("heading") <= 3
        assert 1 <= len(draft.tags) <= 3
        assert bool(draft.wire_credit) != bool(draft.authors)
        sentences = [draft.lead] + [
            s
            for block in draft.body
            if block["type"] == "paragraph"
            for s in _sentences(block["value"])
        ]
        assert len(sentences) == len(set(sentences)), draft.slug
        for block in draft.body:
            if block["type"] == "paragraph":
                assert block["value"].startswith("<p>") and block["value"].endswith("</p>")
    wire = [d for d in drafts if d.wire_credit]
    assert 0.3 < len(wire) / len(drafts) < 0.5
    assert all(d.original_headline.isascii() and d.original_author for d in wire)
    multi = [d for d in drafts if d.pages > 1]
    assert 0.05 < len(multi) / len(drafts) < 0.15
    assert all(d.pages in (2, 3) for d in multi)
    assert len({d.slug for d in drafts}) == len(drafts)


def test_drafts_are_deterministic_and_independent_of_count():
    assert article_draft(seed=SEED, index=7) == article_draft(seed=SEED, index=7)
    assert article_draft(seed=SEED, index=7) != article_draft(seed=SEED + 1, index=7)


def test_vocabulary_has_the_words_search_tests_need():
    drafts = [article_draft(seed=SEED, index=i) for i in range(400)]
    corpus = "\n".join(
        [d.headline + d.short_headline + d.lead for d in drafts]
        + [str(b["value"]) for d in drafts for b in d.body]
    )
    for word in (
        "金正恩",
        "習近平",
        "非核化",
        "台風",
        "株価",
        "引っ越し",
        "引越し",
        "打ち合わせ",
        "打合せ",
        "ｽﾏｰﾄﾌｫﾝ",
        "ＡＩ",
        "AI",
    ):
        assert word in corpus, word
    assert len(content.SECTIONS) >= 6
    assert len(content.TOPICS) >= 12
    assert len(content.AUTHORS) >= 8
    assert all(t.slug.isascii() for t in content.TOPICS)


# --- The build --------------------------------------------------------------------------------


def _counts() -> dict[str, int]:
    return {
        "pages": Page.objects.count(),
        "articles": ArticlePage.objects.count(),
        "sections": SectionPage.objects.count(),
        "topics": TopicPage.objects.count(),
        "authors": Author.objects.count(),
        "images": KishaImage.objects.count(),
        "top": HomeTopStory.objects.count(),
        "revisions": Revision.objects.count(),
    }


@pytest.mark.django_db
def test_build_makes_a_whole_site():
    summary = demo_build(articles=12, seed=SEED)
    assert summary.articles == summary.articles_created == 12
    assert SectionPage.objects.live().count() >= 6
    assert TopicPage.objects.live().count() >= 12
    assert Author.objects.count() >= 8
    assert KishaImage.objects.count() == 24
    image = KishaImage.objects.first()
    assert (image.width, image.height) == (1600, 900)
    assert image.credit_year and image.credit_agency and image.default_alt_text

    articles = list(ArticlePage.objects.live())
    assert len(articles) == 12
    assert all(len(a.body) >= 5 and a.lead and a.primary_topic_id for a in articles)
    assert all(a.tags.exists() for a in articles)
    wire = [a for a in articles if a.wire_credit]
    assert wire and all(a.original_headline and a.original_author for a in wire)
    assert all(a.authors.exists() for a in articles if not a.wire_credit)
    assert any(len(a.split_body()) > 1 for a in articles)

    now = timezone.now()
    for article in articles:
        assert now - dt.timedelta(days=61) < article.first_published_at < now
        assert article.last_published_at >= article.first_published_at
    assert any(a.updated_at for a in articles)

    home = HomePage.objects.get()
    assert home.top_stories.count() == HomePage.TOP_STORIES
    assert home.get_latest_revision().content["top_stories"]  # what the admin editor shows


@pytest.mark.django_db
def test_build_twice_changes_nothing():
    demo_build(articles=12, seed=SEED)
    before = _counts()
    summary = demo_build(articles=12, seed=SEED)
    assert summary.articles_created == 0
    assert _counts() == before
    demo_build(articles=14, seed=SEED)
    assert ArticlePage.objects.count() == 14


@pytest.mark.django_db
def test_fast_build_makes_live_pages_with_a_valid_tree():
    demo_build(articles=12, seed=SEED, fast=True)
    assert ArticlePage.objects.live().count() == 12
    assert all(problems == [] for problems in Page.find_problems())


@pytest.mark.django_db
def test_every_article_is_served(client):
    demo_build(articles=12, seed=SEED)
    assert client.get("/").status_code == 200
    for article in ArticlePage.objects.live():
        response = client.get(article.url)
        assert response.status_code == 200, article.url
        assert article.title in response.content.decode()
        for number in range(2, len(article.split_body()) + 1):
            assert client.get(f"{article.url}{number}/").status_code == 200
    multi = next(a for a in ArticlePage.objects.live() if len(a.split_body()) > 1)
    assert client.get(f"{multi.url}2/").status_code == 200
    for section in SectionPage.objects.live():
        assert client.get(section.url).status_code == 200


# --- The command ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_command_prints_credentials_and_logs_in(client):
    out = StringIO()
    call_command("demo_site", "--articles", "3", "--admin-password", "demo-secret-42", stdout=out)
    printed = out.getvalue()
    assert "admin" in printed and "demo-secret-42" in printed
    assert "http://127.0.0.1:8000/" in printed and "http://127.0.0.1:8000/admin/" in printed
    assert "パスワード" in printed and "Password" in printed
    user = get_user_model().objects.get(username="admin")
    assert user.is_superuser and user.check_password("demo-secret-42")
    # The newsletter lists readers can sign up for, the morning one in the sidebar.
    from kisha.newsletter.models import NewsletterList

    lists = {n.slug: n for n in NewsletterList.objects.all()}
    assert set(lists) == {"morning", "weekly-ranking", "breaking"}
    for newsletter in lists.values():
        newsletter.full_clean()  # each schedule is one the admin accepts
    assert "メールマガジン 3 種類" in printed
    # Through the login form: django-axes needs the request, which client.login() doesn't pass.
    response = client.post(
        "/admin/login/", {"username": "admin", "password": "demo-secret-42", "next": "/admin/"}
    )
    assert response.status_code == 302 and response["Location"] == "/admin/"


@pytest.mark.django_db
def test_command_keeps_a_generated_password(monkeypatch, settings):
    monkeypatch.delenv("DEMO_ADMIN_PASSWORD", raising=False)
    first, second = StringIO(), StringIO()
    call_command("demo_site", "--articles", "2", stdout=first)
    call_command("demo_site", "--articles", "2", stdout=second)

    def password(text: str) -> str:
        return re.search(r"Password:\s*(\S+)", text).group(1)

    assert password(first.getvalue()) == password(second.getvalue())
    assert (settings.BASE_DIR / "var" / "demo-admin-password").exists()
    assert get_user_model().objects.filter(username="admin").count() == 1
