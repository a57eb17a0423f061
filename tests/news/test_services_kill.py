"""記事取り消し: an editor with publish rights withdraws a live article from everywhere, with a
410 notice and the reason if wanted; the partner feed lists it as taken down."""

import pytest

from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from wagtail.models import GroupPagePermission

from kisha.news.factories import ArticlePageFactory
from kisha.news.models import ArticleKill, ArticlePage
from kisha.news.services import ArticleKillError, article_kill

pytestmark = pytest.mark.django_db


@pytest.fixture
def chief(django_user_model):
    return django_user_model.objects.create_superuser("chief", "chief@example.com", "pw-12345")


@pytest.fixture
def writer(django_user_model, home):
    """May edit articles, not publish them: the newsroom's 記者 (kisha.newsroom), with add and
    change on the whole tree for this test."""
    group, _ = Group.objects.get_or_create(name="記者")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    for codename in ("add_page", "change_page"):
        GroupPagePermission.objects.get_or_create(
            group=group, page=home, permission=Permission.objects.get(codename=codename)
        )
    user = django_user_model.objects.create_user("writer", "writer@example.com", "pw-12345")
    user.groups.add(group)
    return user


@pytest.fixture
def story(world):
    page = ArticlePageFactory(parent=world, title="誤報となった記事の見出し", slug="wrong-story")
    page.save_revision().publish()
    return ArticlePage.objects.get(pk=page.pk)


def kill_url(page):
    return reverse("news_kill", args=[page.id])


def test_kill_with_notice_from_the_admin(client, chief, story, django_capture_on_commit_callbacks):
    url = story.url
    assert client.get(url).status_code == 200
    client.force_login(chief)
    edit_page = client.get(reverse("wagtailadmin_pages:edit", args=[story.id])).content.decode()
    assert kill_url(story) in edit_page and "記事を取り消す" in edit_page
    form = client.get(kill_url(story)).content.decode()
    assert 'name="reason"' in form and 'name="show_notice"' in form
    reason = "取材に基づく事実確認が不十分でした。\n<b>おわび</b>します。"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            kill_url(story), {"reason": reason, "show_notice": "on", "confirm": "on"}
        )
    assert response.status_code == 302
    kill = ArticleKill.objects.get()
    assert kill.killed_by == chief and kill.path == url and kill.reason == reason.strip()
    assert not ArticlePage.objects.get(pk=story.pk).live
    client.logout()

    response = client.get(url)
    assert response.status_code == 410
    html = response.content.decode()
    assert "この記事は取り消しました" in html and "誤報となった記事の見出し" in html
    assert "取材に基づく事実確認が不十分でした。<br>&lt;b&gt;おわび&lt;/b&gt;します。" in html
    assert client.get(f"{url}2/").status_code == 410
    assert "誤報となった記事の見出し" not in client.get("/").content.decode()
    assert "誤報となった記事の見出し" not in client.get("/feeds/rss/").content.decode()
    partner = client.get("/feeds/partner/").content.decode()
    assert (
        f"<kisha:id>{story.id}</kisha:id>" in partner
        or f'"{story.id}"' in partner
        or str(story.id) in partner
    )


def test_kill_without_notice_is_a_plain_404(chief, story, client):
    article_kill(article=story, user=chief, reason="社内の判断", show_notice=False)
    response = client.get(story.url if story.url else "/world/wrong-story/")
    assert client.get("/world/wrong-story/").status_code == 404
    assert "社内の判断" not in response.content.decode()


def test_republishing_takes_the_notice_down(chief, story, client):
    article_kill(article=story, user=chief, reason="誤り")
    assert client.get("/world/wrong-story/").status_code == 410
    ArticlePage.objects.get(pk=story.pk).save_revision().publish()
    assert client.get("/world/wrong-story/").status_code == 200


def test_hostile_urls_are_plain_404s(chief, story, client):
    article_kill(article=story, user=chief, reason="誤り")
    for url in (
        "/world/%00/",
        "/world/wrong-story/%00/",
        "/world/" + "x" * 600 + "/",
        "/world/wrong-story/2/3/",
    ):
        assert client.get(url).status_code == 404, url


def test_a_deleted_article_keeps_its_notice(chief, story, client):
    article_kill(article=story, user=chief, reason="誤り")
    ArticlePage.objects.get(pk=story.pk).delete()
    assert client.get("/world/wrong-story/").status_code == 410


def test_only_editors_who_may_publish_can_kill(client, writer, story):
    client.force_login(writer)
    edit_page = client.get(reverse("wagtailadmin_pages:edit", args=[story.id])).content.decode()
    assert kill_url(story) not in edit_page
    # Wagtail's admin answers PermissionDenied with a redirect to its dashboard and a message.
    for response in (
        client.get(kill_url(story)),
        client.post(kill_url(story), {"reason": "x", "confirm": "on"}),
    ):
        assert response.status_code == 302 and response["Location"] == "/admin/"
    with pytest.raises(ArticleKillError):
        article_kill(article=story, user=writer)
    assert ArticlePage.objects.get(pk=story.pk).live and not ArticleKill.objects.exists()


def test_bad_kill_input_is_refused_and_loses_nothing(client, chief, story, world):
    client.force_login(chief)
    for data in (
        {"reason": "理由", "show_notice": "on"},  # not confirmed
        {"reason": "あ" * 1001, "confirm": "on"},
        {"reason": "nul\x00byte", "confirm": "on"},
    ):
        response = client.post(kill_url(story), data)
        assert response.status_code == 400
    assert ArticlePage.objects.get(pk=story.pk).live and not ArticleKill.objects.exists()
    assert client.get(reverse("news_kill", args=[world.id])).status_code == 404  # not an article
    assert client.get("/admin/news/kill/999999/").status_code == 404
    article_kill(article=story, user=chief)
    response = client.post(kill_url(story), {"confirm": "on"})
    assert (
        response.status_code == 400
        and "公開されていない記事は取り消せません" in response.content.decode()
    )
    assert ArticleKill.objects.count() == 1


def test_kill_purges_every_cached_copy(
    front_cache, chief, story, client, django_capture_on_commit_callbacks
):
    from kisha.core.frontend_cache import purges_join

    assert client.get("/world/wrong-story/").status_code == 200
    front = front_cache()
    with django_capture_on_commit_callbacks(execute=True):
        article_kill(article=story, user=chief, reason="誤り")
    purges_join()
    assert {"/world/wrong-story/", "/world/", "/", "/corrections/"} <= front.purged()
    assert client.get("/world/wrong-story/").status_code == 410


def _deleted_entries(client) -> dict[str, dict[str, str]]:
    import xml.etree.ElementTree as ET

    root = ET.fromstring(client.get("/feeds/partner/").content)
    return {e.get("id"): dict(e.attrib) for e in root.iter("{urn:kisha:partner-feed:1}deleted")}


def test_the_partner_feed_gives_a_kills_reason(chief, story, world, client):
    plain = ArticlePageFactory(parent=world, title="単に非公開にした記事", slug="plain")
    plain.save_revision().publish()
    again = ArticlePageFactory(parent=world, title="取り消し後に再公開した記事", slug="again")
    again.save_revision().publish()
    reason = "見出しと本文の数字に誤りがありました。\x0b<訂正>"
    article_kill(article=story, user=chief, reason=reason)
    ArticlePage.objects.get(pk=plain.pk).unpublish(user=chief)
    article_kill(article=ArticlePage.objects.get(pk=again.pk), user=chief, reason="一時取り消し")
    ArticlePage.objects.get(pk=again.pk).save_revision().publish()
    ArticlePage.objects.filter(pk=again.pk).first().unpublish(user=chief)  # not a kill

    entries = _deleted_entries(client)
    # The reason as the editor wrote it, less what XML cannot carry (the vertical tab).
    assert entries[str(story.pk)]["reason"] == "見出しと本文の数字に誤りがありました。<訂正>"
    assert "reason" not in entries[str(plain.pk)]
    assert "reason" not in entries[str(again.pk)]


def test_the_kill_list_shows_who_when_why_and_the_article(chief, story, client):
    from django.utils import timezone

    article_kill(article=story, user=chief, reason="事実関係の確認が不十分でした。")
    client.force_login(chief)
    index = reverse("newsroom_kills:index")
    html = client.get(index).content.decode()
    kill = ArticleKill.objects.get()
    assert "誤報となった記事の見出し" in html and "事実関係の確認が不十分でした。" in html
    assert "chief" in html and "/world/wrong-story/" in html
    assert timezone.localtime(kill.killed_at).strftime("%Y") in html
    inspect = client.get(reverse("newsroom_kills:inspect", args=[kill.pk]))
    assert inspect.status_code == 200 and "事実関係の確認" in inspect.content.decode()
    # A record: nothing to add, edit or delete.
    assert client.get(f"{index}new/").status_code == 404
    assert client.get(f"{index}edit/{kill.pk}/").status_code == 404
    assert client.get(f"{index}delete/{kill.pk}/").status_code == 404
    # Search, and hostile searches, answer a page.
    assert "誤報となった" in client.get(index, {"q": "確認"}).content.decode()
    assert "誤報となった" not in client.get(index, {"q": "存在しない語"}).content.decode()
    for q in ["'; DROP TABLE news_articlekill; --", "<script>", "あ" * 100, "\x00"]:
        assert client.get(index, {"q": q}).status_code == 200
    assert client.get(reverse("newsroom_kills:inspect", args=[999999])).status_code == 404
