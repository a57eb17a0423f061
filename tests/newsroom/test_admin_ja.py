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
