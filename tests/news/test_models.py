"""What a reader sees on the home, section, topic, author and article pages."""

import datetime as dt

import pytest

from django.utils import timezone

from kisha.news.factories import ArticlePageFactory, page_update, publish_at
from kisha.news.models import HomeTopStory
from tests.html import unphrase

pytestmark = pytest.mark.django_db


def test_article_page_shows_every_reference_element(client, article):
    publish_at(article, dt.datetime(2019, 12, 10, 6, 0, tzinfo=dt.UTC))
    response = client.get(article.url)
    assert response.status_code == 200
    html = unphrase(response.content)
    assert '<html lang="ja">' in html
    assert "米朝首脳、非核化の行程で合意できず" in html
    assert "2019年12月10日(火)15時00分" in html
    assert 'datetime="2019-12-10T15:00:00+09:00"' in html
    assert ">米朝関係</a>" in html  # topic label
    assert "会談に臨む両首脳。(2019年 ロイター/Kevin Lamarque)" in html  # caption + credit
    assert "米国務省の高官は" in html  # lead
    assert '<h2 class="article__subheading">交渉の焦点</h2>' in html  # 小見出し
    assert "［ロイター］" in html  # wire credit
    assert "山田花子" in html  # byline
    assert "約1分で読めます" in html
    assert "最新記事" in html


def test_updated_time_shown_only_after_a_real_edit(client, article):
    first = timezone.now() - dt.timedelta(hours=5)
    publish_at(article, first)
    assert "更新" not in unphrase(client.get(article.url).content)
    # A republication alone (a typo fix) is not an update readers are told of.
    page_update(article, last_published_at=first + dt.timedelta(hours=2))
    assert "更新）" not in unphrase(client.get(article.url).content)
    # The editor's 更新を表示 (tests/news/test_corrections.py posts the form).
    page_update(article, substantive_update_at=first + dt.timedelta(hours=2))
    assert "更新）" in unphrase(client.get(article.url).content)


def test_translated_wire_story_shows_original_headline(client, world):
    page = ArticlePageFactory(
        parent=world,
        wire_credit="ロイター",
        original_headline="Talks stall over sanctions relief",
        original_author="Jane Doe",
    )
    html = unphrase(client.get(page.url).content)
    assert "原題：" in html and "Talks stall over sanctions relief" in html and "Jane Doe" in html


def test_home_page_lists_top_and_latest(client, home, world):
    now = timezone.now()
    pages = []
    for n in range(30):
        page = ArticlePageFactory(parent=world, title=f"記事見出し{n:02d}")
        publish_at(page, now - dt.timedelta(minutes=n))
        pages.append(page)
    html = unphrase(client.get("/").content)
    assert "最新記事" in html
    assert "記事見出し00" in html  # the newest leads
    assert html.index("記事見出し00") < html.index("記事見出し05")
    # 5 top stories + 20 latest, never the same article twice
    for n in range(25):
        assert html.count(f"記事見出し{n:02d}</h3>") == 1
    assert "記事見出し27" not in html


def test_editor_picked_top_story_leads(client, home, world):
    old = ArticlePageFactory(parent=world, title="編集部が選んだ特集記事")
    publish_at(old, timezone.now() - dt.timedelta(days=20))
    for n in range(25):
        ArticlePageFactory(parent=world, title=f"新しい記事{n}")
    HomeTopStory.objects.create(home=home, article=old, sort_order=0)
    html = unphrase(client.get("/").content)
    assert html.index("編集部が選んだ特集記事") < html.index("新しい記事")


def test_section_page_paginates(client, world, settings):
    settings.KISHA_LISTING_PAGE_SIZE = 5
    for n in range(12):
        ArticlePageFactory(parent=world, title=f"ワールド記事{n}")
    first = client.get(world.url)
    assert first.status_code == 200
    assert "1 / 3 ページ" in unphrase(first.content)
    assert client.get(world.url + "?page=3").status_code == 200
    assert client.get(world.url + "?page=4").status_code == 404
    assert client.get(world.url + "?page=abc").status_code == 404
    assert client.get(world.url + "?page=-1").status_code == 404


def test_section_lists_only_its_own_articles(client, world, business):
    ArticlePageFactory(parent=world, title="ワールドの記事")
    ArticlePageFactory(parent=business, title="ビジネスの記事")
    html = unphrase(client.get(business.url).content)
    assert "ビジネスの記事" in html and "ワールドの記事" not in html


def test_topic_and_author_pages_list_their_articles(client, article, topic, author, home):
    from kisha.news.models import AuthorIndexPage

    home.add_child(instance=AuthorIndexPage(title="執筆者", slug="authors"))
    assert article.title in unphrase(client.get(topic.url).content)
    response = client.get(author.url)
    assert response.status_code == 200
    html = unphrase(response.content)
    assert "ワシントン特派員" in html and article.title in html
    assert client.get("/authors/").status_code == 200
    assert client.get("/authors/no-such-writer/").status_code == 404


def test_header_navigation_lists_sections(client, world, business):
    html = unphrase(client.get(world.url).content)
    assert 'aria-label="セクション"' in html
    assert 'href="/world/" aria-current="page">ワールド' in html
    assert 'href="/business/">ビジネス' in html


def test_empty_sidebar_renders_nothing(client, article):
    html = unphrase(client.get(article.url).content)
    assert "layout__side" not in html


class TestMultiPageArticles:
    @pytest.fixture
    def long_article(self, world):
        return ArticlePageFactory(
            parent=world,
            slug="long-read",
            body=[
                ("paragraph", "<p>一ページ目の本文。</p>"),
                ("page_break", None),
                ("heading", "二ページ目の見出し"),
                ("paragraph", "<p>二ページ目の本文。</p>"),
                ("page_break", None),
                ("paragraph", "<p>三ページ目の本文。</p>"),
            ],
        )

    def test_pages_split_at_breaks_with_rel_links(self, client, settings, long_article):
        url = settings.KISHA_SITE_URL + long_article.url
        first = unphrase(client.get(long_article.url).content)
        assert "一ページ目の本文" in first and "二ページ目の本文" not in first
        assert f'<link rel="next" href="{url}2/">' in first
        assert 'rel="prev"' not in first
        second = unphrase(client.get(long_article.url + "2/").content)
        assert "二ページ目の本文" in second and "一ページ目の本文" not in second
        assert f'<link rel="prev" href="{url}">' in second
        assert f'<link rel="next" href="{url}3/">' in second
        assert "（2ページ目）" in second
        third = unphrase(client.get(long_article.url + "3/").content)
        assert "三ページ目の本文" in third and 'rel="next"' not in third

    def test_out_of_range_pages_are_404(self, client, long_article):
        assert client.get(long_article.url + "4/").status_code == 404
        assert client.get(long_article.url + "1/").status_code == 404
        assert client.get(long_article.url + "0/").status_code == 404
        assert client.get(long_article.url + "x/").status_code == 404


class TestNotFound:
    def test_missing_slug_is_a_japanese_404(self, client, world):
        response = client.get("/world/no-such-article/")
        assert response.status_code == 404
        assert "ページが見つかりません" in unphrase(response.content)

    @pytest.mark.parametrize(
        "url", ["/%E0%A4%A/", "/world/..%2f..%2fetc/passwd", "/world/%00/", "/" + "あ" * 200 + "/"]
    )
    def test_malformed_urls_are_404(self, client, home, url):
        assert client.get(url).status_code == 404

    def test_draft_is_hidden_from_anonymous_readers(self, client, world):
        draft = ArticlePageFactory(
            parent=world, title="未公開の下書き", slug="draft-story", live=False
        )
        assert client.get("/world/draft-story/").status_code == 404
        assert "未公開の下書き" not in unphrase(client.get(world.url).content)
        assert "未公開の下書き" not in unphrase(client.get("/").content)
        assert draft.pk

    def test_server_error_page_is_japanese_without_a_stack_trace(self, client, settings):
        from django.test import RequestFactory

        from kisha.core.views import server_error

        response = server_error(RequestFactory().get("/"))
        assert response.status_code == 500
        body = unphrase(response.content)
        assert "エラーが発生しました" in body
        assert "Traceback" not in body


def test_public_pages_are_cacheable_but_not_for_editors(client, article, django_user_model):
    response = client.get(article.url)
    assert "public" in response["Cache-Control"] and "s-maxage=60" in response["Cache-Control"]
    assert "csrftoken" not in response.cookies
    editor = django_user_model.objects.create_superuser(
        "editor", "e@example.com", "pw-long-enough-1"
    )
    client.force_login(editor)
    response = client.get(article.url)
    assert "private" in response["Cache-Control"]


def test_restricted_article_is_not_served_to_anonymous_readers(client, world):
    from wagtail.models import PageViewRestriction

    secret = ArticlePageFactory(parent=world, title="会員限定の記事", slug="members-only")
    assert client.get(secret.url).status_code == 200  # fills the cache of restricted paths
    PageViewRestriction.objects.create(page=world, restriction_type="login")
    response = client.get(secret.url)
    assert response.status_code == 302 and "/login" in response["Location"]
    assert "会員限定の記事" not in unphrase(response.content)


def test_site_lookup_follows_a_changed_site(client, settings, home, world, topic, article):
    from wagtail.models import Site

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "news.example.jp"]
    # Asked once, the answer for news.example.jp (the default site: the home page) is remembered.
    response = client.get("/", HTTP_HOST="news.example.jp")
    assert response.context["page"].id == home.id

    # A site of its own for that host, rooted at the world section: served at once.
    site = Site.objects.create(hostname="news.example.jp", port=80, root_page=world)
    response = client.get("/", HTTP_HOST="news.example.jp")
    assert response.status_code == 200
    assert response.context["page"].id == world.id
    html = unphrase(response.content)
    assert "ワールド" in html and "米朝首脳、非核化の行程で合意できず" in html
    response = client.get("/us-dprk-talks/", HTTP_HOST="news.example.jp")
    assert response.context["page"].id == article.id
    assert "米国務省の高官は" in unphrase(response.content)  # the article's lead

    # Edited to root at the topic page: the next request follows the edit.
    site.root_page = topic
    site.save()
    response = client.get("/", HTTP_HOST="news.example.jp")
    assert response.context["page"].id == topic.id
    assert "米朝関係" in unphrase(response.content)

    # Other hosts still get the default site and its home page.
    response = client.get("/", HTTP_HOST="testserver")
    assert response.context["page"].id == home.id
    assert client.get(article.url, HTTP_HOST="testserver").context["page"].id == article.id
