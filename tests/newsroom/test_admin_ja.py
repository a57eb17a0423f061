"""The admin's Japanese: Kisha's catalogue is compiled and wins over Wagtail's, and the page
create form never autosaves (an abandoned form would otherwise leave a draft page behind)."""

import re
from pathlib import Path

import pytest

from django.urls import reverse
from django.utils import translation

from kisha.news.models import ArticlePage

pytestmark = pytest.mark.django_db

LOCALE = (
    Path(__file__).resolve().parents[2] / "kisha" / "newsroom" / "locale" / "ja" / "LC_MESSAGES"
)


def _entries(path: Path):
    """(msgid, msgstr) of the catalogue's singular entries."""
    text = path.read_text(encoding="utf-8")
    for block in text.split("\n\n"):
        lines = [line for line in block.splitlines() if not line.startswith("#")]
        msgid = next((ln[6:] for ln in lines if ln.startswith("msgid ")), None)
        msgstr = next((ln[7:] for ln in lines if ln.startswith("msgstr ")), None)
        if (
            msgid
            and msgid != '""'
            and msgstr
            and not any(ln.startswith("msgid_plural") for ln in lines)
        ):
            yield eval(msgid), eval(msgstr)  # noqa: S307 - our own file of string literals


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_the_compiled_catalogue_matches_the_po_file(domain):
    """A .po edited without `make messages` fails here: the .mo is what Django reads."""
    entries = list(_entries(LOCALE / f"{domain}.po"))
    assert len(entries) > 10
    if domain == "django":
        with translation.override("ja"):
            for msgid, msgstr in entries:
                assert translation.gettext(msgid) == msgstr, msgid
    else:
        import gettext

        with (LOCALE / "djangojs.mo").open("rb") as mo:
            catalogue = gettext.GNUTranslations(mo)
        for msgid, msgstr in entries:
            assert catalogue.gettext(msgid) == msgstr, msgid


def test_wagtails_gaps_and_our_fixes_read_in_japanese():
    with translation.override("ja"):
        assert translation.gettext("Set schedule") == "公開予定を設定"
        assert translation.gettext("Schedule to publish") == "予約公開"


def test_the_create_form_has_no_autosave_and_editing_keeps_it(client, world, roles, staff):
    desk = staff("デスク", "autosave_desk")
    client.force_login(desk)
    create = client.get(reverse("wagtailadmin_pages:add", args=("news", "articlepage", world.id)))
    assert create.status_code == 200
    form = re.search(r'<form\s[^>]*id="page-edit-form"[^>]*>', create.content.decode(), re.S)
    assert form and "w-autosave" not in form.group(0)
    assert ArticlePage.objects.count() == 0

    article = ArticlePage(title="既存の記事", slug="existing", owner=desk, live=False)
    world.add_child(instance=article)
    edit = client.get(reverse("wagtailadmin_pages:edit", args=(article.id,)))
    form = re.search(r'<form\s[^>]*id="page-edit-form"[^>]*>', edit.content.decode(), re.S)
    assert form and "w-autosave" in form.group(0)


def test_the_create_view_keeps_wagtails_login_check(client, world):
    response = client.get(reverse("wagtailadmin_pages:add", args=("news", "articlepage", world.id)))
    assert response.status_code == 302 and reverse("wagtailadmin_login") in response["Location"]


def test_go_live_and_expiry_are_entered_to_the_second_in_jst(client, world, roles, staff):
    """The schedule dialog's fields show and take seconds, in Japan time."""
    import datetime as dt

    from django.utils import timezone

    from kisha.news.factories import ArticlePageFactory

    desk = staff("デスク", "desk_seconds", password=None)
    client.force_login(desk)
    page = ArticlePageFactory(parent=world, live=False, title="予約の秒")
    go_live = dt.datetime(2031, 4, 1, 0, 0, 42, tzinfo=dt.UTC)  # 09:00:42 in Japan
    page.go_live_at = go_live
    page.save_revision()
    html = client.get(reverse("wagtailadmin_pages:edit", args=(page.pk,))).content.decode()
    field = re.search(r'<input[^>]*name="go_live_at"[^>]*>', html).group(0)
    assert 'value="2031-04-01 09:00:42"' in field
    assert "Y-m-d H:i:s" in html  # the picker's format

    # Typed with seconds (JST) and saved with the draft: kept to the second.
    from wagtail.test.utils.form_data import (
        inline_formset,
        nested_form_data,
        rich_text,
        streamfield,
    )

    data = nested_form_data(
        {
            "title": page.title,
            "slug": page.slug,
            "lead": page.lead,
            "body": streamfield([("paragraph", rich_text("<p>本文。</p>"))]),
            "author_links": inline_formset([]),
            "corrections": inline_formset([]),
            "go_live_at": "2031-04-01 09:15:07",
            "expire_at": "2031-04-02 18:30:59",
        }
    )
    response = client.post(reverse("wagtailadmin_pages:edit", args=(page.pk,)), data)
    assert response.status_code == 302
    draft = ArticlePage.objects.get(pk=page.pk).get_latest_revision_as_object()
    assert timezone.localtime(draft.go_live_at).strftime("%H:%M:%S") == "09:15:07"
    assert draft.go_live_at == dt.datetime(2031, 4, 1, 0, 15, 7, tzinfo=dt.UTC)
    assert timezone.localtime(draft.expire_at).strftime("%m-%d %H:%M:%S") == "04-02 18:30:59"


def test_the_group_screen_labels_permissions_in_japanese(client, roles, django_user_model):
    """Permission names are stored in English ("Can add group"): the group screen labels them
    from the model's verbose name and the catalogue instead, each checkbox and page grant."""
    admin = django_user_model.objects.create_superuser("perm_admin", "perm@example.jp", None)
    client.force_login(admin)
    html = client.get(
        reverse("wagtailusers_groups:edit", args=(roles["デスク"].pk,))
    ).content.decode()
    for label in ("グループの追加", "ユーザーの変更", "サイトの削除", "ページの追加"):
        assert label in html, label
    assert "どのページも公開できる" in html and "Wagtail 管理画面にアクセスできる" in html
    assert not re.search(r">\s*Can (add|change|delete|view)\b", html)
    assert "Wagtail コア | ページ" not in html


def test_yes_no_cells_and_unnamed_columns_read_in_japanese(client, django_user_model):
    """The users listing: the active flag's icon is titled はい, not "True"; the sites listing's
    columns Wagtail names after their fields ("Port") come through the catalogue."""
    admin = django_user_model.objects.create_superuser("flag_admin", "flag@example.jp", None)
    client.force_login(admin)
    users = client.get(reverse("wagtailusers_users:index")).content.decode()
    assert "はい" in users and ">True<" not in users and '"True"' not in users
    sites = client.get(reverse("wagtailsites:index")).content.decode()
    assert "ポート" in sites and "サイト名" in sites and "ルートページ" in sites
