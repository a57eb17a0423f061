"""執筆者 in the editor's order: the chooser's search (name or reading), the byline's order
everywhere readers see it, hostile input in the editor's form, old drafts after an author is
deleted, and the migration from the plain many-to-many."""

import json
import re

import pytest

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from wagtail.models import Revision
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from kisha.news.factories import ArticlePageFactory, AuthorFactory
from kisha.news.forms import MAX_AUTHORS
from kisha.news.models import ArticleAuthor, ArticlePage, Author, AuthorIndexPage

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client, django_user_model):
    user = django_user_model.objects.create_superuser("desk", "desk@example.com", "pw-12345")
    client.force_login(user)
    return client


@pytest.fixture
def writers(home):
    home.add_child(instance=AuthorIndexPage(title="執筆者", slug="authors"))
    return [
        AuthorFactory(name="山田花子", name_reading="やまだはなこ", slug="yamada-hanako"),
        AuthorFactory(name="佐藤一郎", name_reading="さとういちろう", slug="sato-ichiro"),
        AuthorFactory(name="Anna Berg", name_reading="あんなべるく", slug="anna-berg"),
    ]


@pytest.fixture
def story(world):
    page = ArticlePageFactory(parent=world, title="港の再開発、住民説明会を開催", slug="harbour")
    page.save_revision().publish()
    return ArticlePage.objects.get(pk=page.pk)


def form(page, author_ids, **extra):
    """The edit form as the browser posts it: the article's current 執筆者 rows deleted (the
    editor's ×), then the chosen ones in order."""
    current = list(ArticleAuthor.objects.filter(page=page).values_list("id", "author_id"))
    rows = [{"id": pk, "author": a, "DELETE": "1"} for pk, a in current]
    rows += [{"author": a} for a in author_ids]
    return nested_form_data(
        {
            "title": page.title,
            "slug": page.slug,
            "short_headline": "",
            "lead": page.lead,
            "hero_caption": "",
            "body": streamfield([("paragraph", rich_text("<p>説明会には約百人が集まった。</p>"))]),
            "tags": "",
            "wire_credit": "",
            "original_headline": "",
            "original_author": "",
            "author_links": inline_formset(rows, initial=len(current)),
            "corrections": inline_formset([]),
            "seo_title": "",
            "search_description": "",
            "listing_title": "",
            "listing_summary": "",
            "social_text": "",
            "action-publish": "publish",
            **extra,
        }
    )


def post(editor, page, data):
    return editor.post(reverse("wagtailadmin_pages:edit", args=(page.id,)), data)


def byline_on_page(client, page) -> list[str]:
    html = client.get(page.url).content.decode()
    (line,) = re.findall(r'<p class="article__byline">文：(.*?)</p>', html)
    return re.findall(r">([^<]+)</a>", line)


def choose(editor, q: str) -> str:
    url = reverse("wagtailsnippetchoosers_news_author:choose_results")
    response = editor.get(url, {"q": q})
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    ("query", "found", "not_found"),
    [
        ("山田", "山田花子", "佐藤一郎"),
        ("やまだ", "山田花子", "佐藤一郎"),
        ("さとう", "佐藤一郎", "山田花子"),
        ("ＡＮＮＡ", "Anna Berg", "山田花子"),
    ],
)
def test_the_chooser_finds_authors_by_name_or_reading(editor, writers, query, found, not_found):
    html = choose(editor, query)
    assert found in html
    assert not_found not in html


def test_the_chooser_survives_hostile_queries(editor, writers):
    for q in [
        "",
        "'; DROP TABLE news_author; --",
        "<script>alert(1)</script>",
        "あ" * 200,
        "\x00",
    ]:
        html = choose(editor, q)
        assert "<script>alert(1)</script>" not in html
    assert Author.objects.count() == 3


def test_the_editors_order_is_the_byline_everywhere(editor, client, settings, writers, story):
    yamada, sato, anna = writers
    response = post(editor, story, form(story, [sato.pk, anna.pk, yamada.pk]))
    assert response.status_code == 302
    assert byline_on_page(client, story) == ["佐藤一郎", "Anna Berg", "山田花子"]
    html = client.get(story.url).content.decode()
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    article = next(
        d for d in map(json.loads, blocks) if d.get("@type") in ("NewsArticle", "Article")
    )
    assert [p["name"] for p in article["author"]] == ["佐藤一郎", "Anna Berg", "山田花子"]
    feed = client.get("/feeds/rss/").content.decode()
    assert "<dc:creator>佐藤一郎</dc:creator><dc:creator>Anna Berg</dc:creator>" in feed
    # Reordered: the byline follows.
    assert post(editor, story, form(story, [yamada.pk, sato.pk])).status_code == 302
    assert byline_on_page(client, story) == ["山田花子", "佐藤一郎"]
    assert list(ArticlePage.objects.filter(authors=anna)) == []
    assert list(ArticlePage.objects.filter(authors=sato)) == [story]


def test_a_draft_shows_its_own_order_in_preview(editor, writers, story):
    yamada, sato, _ = writers
    post(editor, story, form(story, [yamada.pk, sato.pk]))
    url = reverse("wagtailadmin_pages:preview_on_edit", args=(story.id,))
    data = form(story, [sato.pk, yamada.pk])
    del data["action-publish"]
    assert editor.post(url, data).json()["is_valid"]
    line = re.search(r'article__byline">文：(.*?)</p>', editor.get(url).content.decode())
    assert line.group(1).index("佐藤一郎") < line.group(1).index("山田花子")
    live = [link.author.name for link in ArticlePage.objects.get(pk=story.pk).author_links.all()]
    assert live == ["山田花子", "佐藤一郎"]


def test_an_author_chosen_twice_is_refused_and_nothing_is_saved(editor, writers, story):
    yamada, sato, _ = writers
    post(editor, story, form(story, [sato.pk]))
    response = post(editor, story, form(story, [yamada.pk, sato.pk, yamada.pk]))
    assert response.status_code == 200
    assert "「山田花子」が二度選ばれています。" in response.content.decode()
    assert [a.name for a in ArticlePage.objects.get(pk=story.pk).authors.all()] == ["佐藤一郎"]


def test_too_many_authors_are_refused_and_the_most_are_cheap(editor, client, story):
    many = [
        AuthorFactory(name=f"記者{n:02d}", name_reading=f"きしゃ{n:02d}", slug=f"kisha-{n}")
        for n in range(50)
    ]
    response = post(editor, story, form(story, [a.pk for a in many]))
    assert response.status_code == 200
    assert f"執筆者は{MAX_AUTHORS}人までです（50人が選ばれています）。" in response.content.decode()
    assert not ArticleAuthor.objects.filter(page=story).exists()

    assert post(editor, story, form(story, [many[0].pk])).status_code == 302

    def queries() -> int:
        client.get(story.url)  # warm the caches that live across requests
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(story.url).status_code == 200
        return len(ctx.captured_queries)

    one = queries()
    chosen = list(reversed(many[:MAX_AUTHORS]))
    assert post(editor, story, form(story, [a.pk for a in chosen])).status_code == 302
    assert byline_on_page(client, story) == [a.name for a in chosen]
    assert queries() == one


def test_a_deleted_author_leaves_bylines_and_old_drafts_working(editor, client, writers, story):
    yamada, sato, anna = writers
    post(editor, story, form(story, [yamada.pk, sato.pk]))
    draft = form(story, [anna.pk, yamada.pk])
    del draft["action-publish"]
    post(editor, story, draft)
    anna_pk = anna.pk
    anna.delete()
    # The draft's row for her is dropped when the draft is opened or published.
    assert editor.get(reverse("wagtailadmin_pages:edit", args=(story.id,))).status_code == 200
    ArticlePage.objects.get(pk=story.pk).get_latest_revision().publish()
    assert byline_on_page(client, story) == ["山田花子"]
    # Chosen in a form opened before she was deleted: a clear error, nothing saved.
    response = post(editor, story, form(story, [sato.pk, anna_pk]))
    assert response.status_code == 200
    assert "正しく選択してください" in response.content.decode()
    assert [a.name for a in ArticlePage.objects.get(pk=story.pk).authors.all()] == ["山田花子"]


def test_malformed_author_ids_are_form_errors(editor, writers, story):
    for bad in ["abc", "-1", "9" * 30, "1 OR 1=1"]:
        response = post(editor, story, form(story, [bad]))
        assert response.status_code == 200, bad
    assert not ArticleAuthor.objects.filter(page=story).exists()


@pytest.mark.django_db(transaction=True)
def test_the_migration_copies_bylines_and_drafts_in_the_order_readers_saw():
    from django.db.migrations.executor import MigrationExecutor

    from tests.processes import wagtail_initial_data_restore

    wagtail_initial_data_restore()  # (an earlier transactional test's flush removed the root)
    before = [("news", "0004_corrections_kill_short_slugs")]
    after = [("news", "0005_article_authors_in_order")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        apps = executor.loader.project_state(before).apps
        OldAuthor = apps.get_model("news", "Author")
        OldPage = apps.get_model("news", "ArticlePage")
        ContentType = apps.get_model("contenttypes", "ContentType")
        OldRevision = apps.get_model("wagtailcore", "Revision")
        page_type, _ = ContentType.objects.get_or_create(app_label="news", model="articlepage")
        sato = OldAuthor.objects.create(name="佐藤一郎", name_reading="さとういちろう", slug="s")
        yamada = OldAuthor.objects.create(name="山田花子", name_reading="やまだはなこ", slug="y")
        abe = OldAuthor.objects.create(name="阿部三郎", name_reading="あべさぶろう", slug="a")
        Page = apps.get_model("wagtailcore", "Page")
        root = Page.objects.get(depth=1)
        page = OldPage.objects.create(
            title="記事",
            slug="kiji",
            path=root.path + "ZZZZ",
            depth=2,
            content_type=page_type,
            locale_id=root.locale_id,
        )
        through = OldPage._meta.get_field("authors").remote_field.through
        for a in (yamada, sato, abe):
            through.objects.create(articlepage_id=page.pk, author_id=a.pk)
        revision = OldRevision.objects.create(
            content_type=page_type,
            base_content_type=page_type,
            object_id=str(page.pk),
            content={"pk": page.pk, "title": "記事", "authors": [yamada.pk, 999999, sato.pk]},
            created_at=timezone.now(),
        )
        executor = MigrationExecutor(connection)
        executor.migrate(after)
        links = ArticleAuthor.objects.filter(page_id=page.pk).order_by("sort_order")
        assert [link.author.name for link in links] == ["阿部三郎", "佐藤一郎", "山田花子"]
        content = Revision.objects.get(pk=revision.pk).content
        assert "authors" not in content
        assert [(row["author"], row["sort_order"]) for row in content["author_links"]] == [
            (sato.pk, 0),
            (yamada.pk, 1),
        ]
        assert all(row["page"] == page.pk and row["pk"] for row in content["author_links"])
        # And back.
        executor = MigrationExecutor(connection)
        executor.migrate(before)
        apps = executor.loader.project_state(before).apps
        assert set(apps.get_model("news", "ArticlePage").objects.get(pk=page.pk).authors.all()) == {
            apps.get_model("news", "Author").objects.get(pk=a.pk) for a in (yamada, sato, abe)
        }
        content = apps.get_model("wagtailcore", "Revision").objects.get(pk=revision.pk).content
        assert content["authors"] == [sato.pk, yamada.pk]
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
