"""The four roles: what the migration made, grants for sections made later (signal and
command), and what each role may do with an article."""

import pytest

from django.contrib.auth.models import Group
from django.core.management import call_command

from wagtail.models import GroupPagePermission, Page, Workflow, WorkflowPage

from kisha.news.factories import ArticlePageFactory, SectionPageFactory
from kisha.newsroom.roles import CHIEF, DESK, ROLES, WORKFLOW, WRITER, roles_ensure

pytestmark = pytest.mark.django_db


def test_the_migration_made_the_groups_and_the_workflow_on_the_root():
    assert set(Group.objects.filter(name__in=ROLES).values_list("name", flat=True)) == set(ROLES)
    root = Page.get_first_root_node()
    assert WorkflowPage.objects.get(page=root).workflow.name == WORKFLOW
    # Wagtail's English default is off, so nobody is offered "Moderators approval".
    assert not Workflow.objects.filter(name="Moderators approval", active=True).exists()
    task = Workflow.objects.get(name=WORKFLOW).tasks.get().specific
    assert set(task.groups.values_list("name", flat=True)) == {DESK, CHIEF}


def test_a_section_created_later_gets_the_writer_and_desk_grants(home):
    section = SectionPageFactory(parent=home, title="経済", slug="economy")
    grants = set(
        GroupPagePermission.objects.filter(page=section).values_list(
            "group__name", "permission__codename"
        )
    )
    assert (WRITER, "add_page") in grants
    assert (DESK, "publish_page") in grants
    assert (WRITER, "publish_page") not in grants


def test_the_command_repairs_missing_grants_and_changes_nothing_twice(world):
    GroupPagePermission.objects.filter(page=world).delete()
    call_command("newsroom_roles")
    count = GroupPagePermission.objects.count()
    assert GroupPagePermission.objects.filter(page=world, group__name=DESK).exists()
    call_command("newsroom_roles")
    roles_ensure()
    assert GroupPagePermission.objects.count() == count


def test_what_each_role_may_do_with_an_article(world, writer, desk, chief, web, home):
    own = ArticlePageFactory(parent=world, owner=writer, live=False)
    other = ArticlePageFactory(parent=world, owner=chief, live=False)

    w = own.permissions_for_user(writer)
    assert w.can_edit() and not w.can_publish()
    assert not other.permissions_for_user(writer).can_edit()
    assert world.permissions_for_user(writer).can_add_subpage()
    assert not home.permissions_for_user(writer).can_edit()

    d = other.permissions_for_user(desk)
    assert d.can_edit() and d.can_publish()
    # Without bulk delete a desk removes single articles, never a section with its articles.
    assert d.can_delete() and not world.permissions_for_user(desk).can_delete()
    assert not home.permissions_for_user(desk).can_edit()

    c = other.permissions_for_user(chief)
    assert c.can_edit() and c.can_publish() and c.can_delete()

    assert home.permissions_for_user(web).can_publish()
    assert not world.permissions_for_user(web).can_add_subpage()

    assert writer.has_perm("wagtailadmin.access_admin")
    assert not writer.has_perm("wire.change_wireitem")
    assert desk.has_perm("wire.change_wireitem") and web.has_perm("newsletter.change_mailing")
    assert not desk.has_perm("newsletter.change_mailing")
