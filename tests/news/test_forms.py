"""The admin sets characters in house style on save and tells the editor what changed; readings
for 五十音 order are filled from SudachiPy and can be corrected (kisha.news.forms)."""

import pytest

from django.urls import reverse

from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from kisha.news.factories import TopicPageFactory
from kisha.news.models import ArticlePage, Author, TopicPage


@pytest.fixture
def editor(client, django_user_model):
    user = django_user_model.objects.create_superuser("editor", "editor@example.com", "pw-12345")
    client.force_login(user)
    return client


def article_form(**fields):
    data = {
        "title": "見出し",
        "slug": "reading-test",
        "short_headline": "",
        "lead": "",
        "hero_caption": "",
        "body": streamfield([]),
        "tags": "",
        "wire_credit": "",
        "original_headline": "",
        "original_author": "",
        "listing_title": "",
        "listing_summary": "",
        "social_text": "",
        "seo_title": "",
        "search_description": "",
        "author_links": inline_formset([]),
        "corrections": inline_formset([]),
        "action-publish": "publish",
    }
    data.update(fields)
    return nested_form_data(data)


def add_article(editor, section, **fields):
    url = reverse("wagtailadmin_pages:add", args=("news", "articlepage", section.id))
    return editor.post(url, article_form(**fields), follow=True)


def test_saving_sets_house_style_and_says_what_changed(editor, world):
    response = add_article(
        editor,
        world,
        title="ｽﾏｰﾄﾌｫﾝで動く小型ＡＩ　詳細は https://ｅｘ.jp/ＡＩ で",
        short_headline="小型ＡＩを発表",
        lead="ＡＩ（人工知能）が２０２６年に普及する。",
        hero_caption="発表する社長（右）",
    )
    assert response.status_code == 200
    page = ArticlePage.objects.get(slug="reading-test")
    assert (
        page.title == "スマートフォンで動く小型AI　詳細は https://ｅｘ.jp/ＡＩ で"
    )  # URL as typed
    assert page.short_headline == "小型AIを発表"
    assert page.lead == "AI（人工知能）が2026年に普及する。"
    assert page.hero_caption == "発表する社長（右）"  # nothing to change: no message for it
    html = response.content.decode()
    assert "表記を統一しました" in html
    assert "「小型ＡＩ」→「小型AI」" in html or "ＡＩ」→「" in html
    assert "見出し：" in html and "リード：" in html and "キャプション：" not in html


def test_text_already_in_house_style_gives_no_message(editor, world):
    html = add_article(editor, world, title="生成AIの著作権ルール").content.decode()
    assert "表記を統一しました" not in html
    assert ArticlePage.objects.get(slug="reading-test").title == "生成AIの著作権ルール"


def test_hostile_titles_are_kept_whole(editor, world):
    title = "😀👩‍👩‍👧 ＡＩ\u0301 <script>alert(1)</script> ｶﾞ"
    response = add_article(editor, world, title=title)
    assert response.status_code == 200
    page = ArticlePage.objects.get(slug="reading-test")
    assert page.title == "😀👩‍👩‍👧 AI\u0301 <script>alert(1)</script> ガ"
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_an_oversized_title_is_refused_not_cut(editor, world):
    response = add_article(editor, world, title="ｱ" * 300)
    assert response.status_code == 200
    assert not ArticlePage.objects.filter(slug="reading-test").exists()


def test_a_topic_gets_its_reading_and_the_editor_can_correct_it(editor, topic):
    index = topic.get_parent()
    url = reverse("wagtailadmin_pages:add", args=("news", "topicpage", index.id))
    data = {"title": "働き方改革", "slug": "work-style", "reading": "", "description": ""}
    data.update({"action-publish": "publish", "listing_title": "", "listing_summary": ""})
    data.update({"social_text": "", "seo_title": "", "search_description": ""})
    assert editor.post(url, nested_form_data(data)).status_code == 302
    page = TopicPage.objects.get(slug="work-style")
    assert page.reading == "はたらきかたかいかく"
    data["reading"] = "はたらきかた"
    edit = reverse("wagtailadmin_pages:edit", args=(page.id,))
    assert editor.post(edit, nested_form_data(data)).status_code == 302
    page.refresh_from_db()
    assert page.reading == "はたらきかた"  # a correction stays


def test_an_author_gets_a_reading(editor):
    url = reverse("wagtailsnippets_news_author:add")
    data = {"name": "早瀬 遼", "name_reading": "", "slug": "hayase", "role": "", "bio": ""}
    assert editor.post(url, data).status_code == 302
    assert Author.objects.get(slug="hayase").name_reading == "はやせ りょう"


def test_topics_are_listed_in_gojuon_order(client, topic):
    index = topic.get_parent()
    for title, reading, slug in [
        ("プロスポーツ", "ぷろすぽーつ", "sports"),
        ("働き方改革", "はたらきかたかいかく", "work"),
        ("半導体", "はんどうたい", "chips"),
        ("移住", "いじゅう", "migration"),
    ]:
        TopicPageFactory(parent=index, title=title, slug=slug, reading=reading)
    TopicPage.objects.filter(id=topic.id).update(reading="べいちょうかんけい")
    html = client.get(index.url).content.decode()
    order = ["移住", "働き方改革", "半導体", "プロスポーツ", "米朝関係"]
    positions = [html.index(f">{title}<") for title in order]
    assert positions == sorted(positions)
