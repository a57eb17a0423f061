"""Every admin screen the newsroom uses, for every role and for nobody signed in: who gets in
(200), who is turned away (302 to the login or the dashboard, or 403). One parametrised test."""

import pytest

from django.urls import reverse

from kisha.magazine.factories import MagazineIndexPageFactory, ProductIndexPageFactory
from kisha.news.factories import ArticlePageFactory, AuthorFactory
from kisha.newsroom.roles import CHIEF, DESK, WEB, WRITER

pytestmark = pytest.mark.django_db

ANON = "anonymous"
ROLES = (ANON, WRITER, DESK, CHIEF, WEB)
OK, NO = 200, "no"
# Wagtail opens the explorer of a user whose pages all lie in one section at that section.
TO_SECTION = "to section"
# マガジン and 出版物 open the explorer at their index page; the explorer then decides.
TO_EXPLORER = "to explorer"
EVERYONE = {WRITER: OK, DESK: OK, CHIEF: OK, WEB: OK}

# (screen, url builder, {role: expected}); a role left out is expected to be refused.
SCREENS = [
    (
        "dashboard",
        lambda o: reverse("wagtailadmin_home"),
        {WRITER: OK, DESK: OK, CHIEF: OK, WEB: OK},
    ),
    (
        "explorer",
        lambda o: reverse("wagtailadmin_explore_root"),
        {WRITER: TO_SECTION, DESK: TO_SECTION, CHIEF: OK, WEB: OK},
    ),
    (
        "section listing",
        lambda o: reverse("wagtailadmin_explore", args=(o["world"].id,)),
        {WRITER: OK, DESK: OK, CHIEF: OK, WEB: OK},
    ),
    (
        "new article",
        lambda o: reverse("wagtailadmin_pages:add", args=("news", "articlepage", o["world"].id)),
        {WRITER: OK, DESK: OK, CHIEF: OK},
    ),
    (
        "own article edit",
        lambda o: reverse("wagtailadmin_pages:edit", args=(o["own"].id,)),
        {WRITER: OK, DESK: OK, CHIEF: OK, WEB: OK},
    ),
    (
        "colleague's article edit",
        lambda o: reverse("wagtailadmin_pages:edit", args=(o["other"].id,)),
        {DESK: OK, CHIEF: OK, WEB: OK},
    ),
    (
        "home page edit",
        lambda o: reverse("wagtailadmin_pages:edit", args=(o["home"].id,)),
        {CHIEF: OK, WEB: OK},
    ),
    (
        "article delete",
        lambda o: reverse("wagtailadmin_pages:delete", args=(o["other"].id,)),
        {DESK: OK, CHIEF: OK, WEB: OK},
    ),
    (
        "section delete",
        lambda o: reverse("wagtailadmin_pages:delete", args=(o["world"].id,)),
        {CHIEF: OK},
    ),
    (
        "images",
        lambda o: reverse("wagtailimages:index"),
        {WRITER: OK, DESK: OK, CHIEF: OK, WEB: OK},
    ),
    (
        "image upload",
        lambda o: reverse("wagtailimages:add"),
        {WRITER: OK, DESK: OK, CHIEF: OK, WEB: OK},
    ),
    ("documents", lambda o: reverse("wagtaildocs:index"), {DESK: OK, CHIEF: OK}),
    (
        "authors",
        lambda o: reverse("wagtailsnippets_news_author:list"),
        {WRITER: OK, DESK: OK, CHIEF: OK, WEB: OK},
    ),
    ("author add", lambda o: reverse("wagtailsnippets_news_author:add"), {DESK: OK, CHIEF: OK}),
    (
        "author edit",
        lambda o: reverse("wagtailsnippets_news_author:edit", args=(o["author"].pk,)),
        {DESK: OK, CHIEF: OK},
    ),
    (
        "author delete",
        lambda o: reverse("wagtailsnippets_news_author:delete", args=(o["author"].pk,)),
        {CHIEF: OK},
    ),
    (
        "wire items",
        lambda o: reverse("wire_items:index"),
        {WRITER: OK, DESK: OK, CHIEF: OK, WEB: OK},
    ),
    ("wire sources", lambda o: reverse("wire_sources:index"), {DESK: OK, CHIEF: OK, WEB: OK}),
    ("wire source add", lambda o: reverse("wire_sources:add"), {CHIEF: OK}),
    ("wire runs", lambda o: reverse("wire_runs:index"), {DESK: OK, CHIEF: OK, WEB: OK}),
    ("mailings", lambda o: reverse("newsletter_mailings:index"), {CHIEF: OK, WEB: OK}),
    ("mailing add", lambda o: reverse("newsletter_mailings:add"), {CHIEF: OK, WEB: OK}),
    ("newsletter lists", lambda o: reverse("newsletter_lists:index"), {CHIEF: OK, WEB: OK}),
    ("subscribers", lambda o: reverse("newsletter_subscribers:index"), {CHIEF: OK, WEB: OK}),
    # 編集部 → 記事取り消し: the record of kills, read-only, for those who may publish.
    ("kills", lambda o: reverse("newsroom_kills:index"), {DESK: OK, CHIEF: OK, WEB: OK}),
    ("rankings", lambda o: reverse("rankings_report"), {WRITER: OK, DESK: OK, CHIEF: OK, WEB: OK}),
    ("redirects", lambda o: reverse("wagtailredirects:index"), {CHIEF: OK, WEB: OK}),
    ("users", lambda o: reverse("wagtailusers_users:index"), {}),
    ("groups", lambda o: reverse("wagtailusers_groups:index"), {}),
    ("sites", lambda o: reverse("wagtailsites:index"), {}),
    ("workflows", lambda o: reverse("wagtailadmin_workflows:index"), {}),
    ("collections", lambda o: reverse("wagtailadmin_collections:index"), {}),
    ("magazine", lambda o: reverse("magazine_explore"), dict.fromkeys(EVERYONE, TO_EXPLORER)),
    ("products", lambda o: reverse("magazine_products"), dict.fromkeys(EVERYONE, TO_EXPLORER)),
    # Wagtail's reports list only what the user may see, so every role has them; locked pages
    # only for those who may lock.
    ("report aging pages", lambda o: reverse("wagtailadmin_reports:aging_pages"), EVERYONE),
    (
        "report locked pages",
        lambda o: reverse("wagtailadmin_reports:locked_pages"),
        {DESK: OK, CHIEF: OK, WEB: OK},
    ),
    ("report page types", lambda o: reverse("wagtailadmin_reports:page_types_usage"), EVERYONE),
    ("report site history", lambda o: reverse("wagtailadmin_reports:site_history"), EVERYONE),
    ("report workflows", lambda o: reverse("wagtailadmin_reports:workflow"), EVERYONE),
    (
        "report workflow tasks",
        lambda o: reverse("wagtailadmin_reports:workflow_tasks"),
        EVERYONE,
    ),
    (
        "recommend rules",
        lambda o: reverse("wagtailsnippets_recommend_recommendrule:list"),
        {CHIEF: OK, WEB: OK},
    ),
    ("workflow tasks", lambda o: reverse("wagtailadmin_workflows:task_index"), {}),
    (
        "account",
        lambda o: reverse("wagtailadmin_account"),
        {WRITER: OK, DESK: OK, CHIEF: OK, WEB: OK},
    ),
]


@pytest.fixture
def objects(home, world, roles, staff):
    users = {role: staff(role, f"matrix_{n}", password=None) for n, role in enumerate(ROLES[1:])}
    return {
        "home": home,
        "world": world,
        "own": ArticlePageFactory(parent=world, owner=users[WRITER], live=False),
        "other": ArticlePageFactory(parent=world),
        "author": AuthorFactory(),
        "magazine": MagazineIndexPageFactory(parent=home),
        "products": ProductIndexPageFactory(parent=home),
        "users": users,
    }


def _verdict(response, expected, objects) -> bool:
    if expected == TO_SECTION:
        return response.status_code == 302 and response["Location"] == reverse(
            "wagtailadmin_explore", args=(objects["world"].id,)
        )
    if expected == TO_EXPLORER:
        return response.status_code == 302 and response["Location"].startswith(
            reverse("wagtailadmin_explore_root")
        )
    if expected == OK:
        return response.status_code == 200
    # Refused: 403, or a redirect to the login page or back to the dashboard with a message.
    return response.status_code == 403 or (
        response.status_code == 302
        and response["Location"].split("?")[0]
        in (reverse("wagtailadmin_login"), reverse("wagtailadmin_home"))
    )


@pytest.mark.parametrize("role", ROLES)
def test_who_reaches_which_admin_screen(client, objects, role):
    """One role against every screen of the matrix; the failure lists every wrong answer."""
    if role != ANON:
        client.force_login(objects["users"][role])
    wrong = []
    for name, url_of, allowed in SCREENS:
        url = url_of(objects)
        response = client.get(url)
        expected = allowed.get(role, NO)
        if not _verdict(response, expected, objects):
            wrong.append((name, url, expected, response.status_code, response.get("Location")))
    assert wrong == []


def test_the_matrix_covers_every_screen_of_the_admin_menu(rf, objects, django_user_model):
    """Wagtail's menu as a superuser sees it: each entry is a screen of the matrix, so a menu
    item added later fails here until someone decides who may open it."""
    from wagtail.admin.menu import admin_menu

    request = rf.get("/admin/")
    request.user = django_user_model.objects.create_superuser("matrix_super", "s@example.jp", "x")

    def urls(items):
        for item in items:
            submenu = getattr(item, "menu", None)
            if submenu is not None:
                yield from urls(submenu.menu_items_for_request(request))
            else:
                yield item.url

    covered = {url_of(objects) for _, url_of, _ in SCREENS}
    in_admin = {
        url for url in urls(admin_menu.menu_items_for_request(request)) if url.startswith("/admin/")
    }
    missing = sorted(in_admin - covered)
    assert missing == [], missing
