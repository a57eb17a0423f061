"""The four newsroom roles as Django groups, their Wagtail permissions and the desk workflow.

Every function takes the app registry (`apps`) so the data migration runs it with historical
models and the signal and the `newsroom_roles` command with the real ones; each is idempotent.

Page permissions in Wagtail are inherited down the tree, so a role is a list of permissions on
the page where its reach starts: the root for 編集長 and Web編集, each SectionPage (and the
topics index) for 記者 and デスク. A section created later gets its grants from
`signals.py`; `manage.py newsroom_roles` applies everything again.
"""

from __future__ import annotations

from django.apps import apps as global_apps

WRITER = "記者"
DESK = "デスク"
CHIEF = "編集長"
WEB = "Web編集"
ROLES = (WRITER, DESK, CHIEF, WEB)

WORKFLOW = "デスク審査"
TASK = "デスク確認"
# Wagtail's own first migration assigns this workflow to the root; ours replaces it.
WAGTAIL_DEFAULT_WORKFLOW = "Moderators approval"

# Page permissions (wagtailcore codenames), per role, on each section page.
SECTION_PAGE_PERMISSIONS = {
    # A writer adds articles and edits what they wrote (Wagtail: "add" covers one's own pages),
    # and submits them to the desk; publishing is the desk's.
    WRITER: ("add_page",),
    DESK: ("add_page", "change_page", "publish_page", "lock_page", "unlock_page"),
}
# ... and on the root, where the role's reach is the whole site.
ROOT_PAGE_PERMISSIONS = {
    CHIEF: (
        "add_page",
        "change_page",
        "publish_page",
        "bulk_delete_page",
        "lock_page",
        "unlock_page",
    ),
    # The web desk runs the home page's top stories and fixes headlines online, anywhere.
    WEB: ("change_page", "publish_page", "lock_page", "unlock_page"),
}
# Collection permissions on the root collection (images and documents).
COLLECTION_PERMISSIONS = {
    WRITER: (
        "wagtailimages.add_image",
        "wagtailimages.choose_image",
        "wagtaildocs.choose_document",
    ),
    DESK: (
        "wagtailimages.add_image",
        "wagtailimages.change_image",
        "wagtailimages.choose_image",
        "wagtaildocs.add_document",
        "wagtaildocs.change_document",
        "wagtaildocs.choose_document",
    ),
    CHIEF: (
        "wagtailimages.add_image",
        "wagtailimages.change_image",
        "wagtailimages.delete_image",
        "wagtailimages.choose_image",
        "wagtaildocs.add_document",
        "wagtaildocs.change_document",
        "wagtaildocs.delete_document",
        "wagtaildocs.choose_document",
    ),
    WEB: (
        "wagtailimages.add_image",
        "wagtailimages.change_image",
        "wagtailimages.choose_image",
        "wagtaildocs.choose_document",
    ),
}
# Model permissions (snippets, the wire desk, newsletters, redirects).
MODEL_PERMISSIONS = {
    WRITER: ("news.view_author", "wire.view_wireitem"),
    DESK: (
        "news.view_author",
        "news.view_articlekill",
        "news.add_author",
        "news.change_author",
        "wire.view_wireitem",
        "wire.change_wireitem",
        "wire.view_wiresource",
        "wire.view_wireingestrun",
    ),
    CHIEF: (
        "news.view_author",
        "news.view_articlekill",
        "news.add_author",
        "news.change_author",
        "news.delete_author",
        "wire.view_wireitem",
        "wire.change_wireitem",
        "wire.view_wiresource",
        "wire.add_wiresource",
        "wire.change_wiresource",
        "wire.delete_wiresource",
        "wire.view_wireingestrun",
        "newsletter.view_mailing",
        "newsletter.add_mailing",
        "newsletter.change_mailing",
        "newsletter.delete_mailing",
        "newsletter.view_newsletterlist",
        "newsletter.add_newsletterlist",
        "newsletter.change_newsletterlist",
        "newsletter.view_subscriber",
        "newsletter.change_subscriber",
        "wagtailredirects.add_redirect",
        "wagtailredirects.change_redirect",
        "wagtailredirects.delete_redirect",
        "recommend.view_recommendrule",
        "recommend.add_recommendrule",
        "recommend.change_recommendrule",
        "recommend.delete_recommendrule",
    ),
    WEB: (
        "news.view_author",
        "news.view_articlekill",
        "wire.view_wireitem",
        "wire.change_wireitem",
        "wire.view_wiresource",
        "wire.view_wireingestrun",
        "newsletter.view_mailing",
        "newsletter.add_mailing",
        "newsletter.change_mailing",
        "newsletter.view_newsletterlist",
        "newsletter.view_subscriber",
        "wagtailredirects.add_redirect",
        "wagtailredirects.change_redirect",
        "recommend.view_recommendrule",
        "recommend.add_recommendrule",
        "recommend.change_recommendrule",
    ),
}


def _permission(apps, dotted: str):
    app_label, codename = dotted.split(".")
    return apps.get_model("auth", "Permission").objects.get(
        content_type__app_label=app_label, codename=codename
    )


def _groups(apps) -> dict:
    Group = apps.get_model("auth", "Group")
    return {name: Group.objects.get_or_create(name=name)[0] for name in ROLES}


def _page_grants(apps, groups, page, table) -> None:
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    for role, codenames in table.items():
        for codename in codenames:
            GroupPagePermission.objects.get_or_create(
                group=groups[role],
                page_id=page.pk,
                permission=_permission(apps, f"wagtailcore.{codename}"),
            )


def section_grant(*, page, apps=global_apps) -> None:
    """記者 and デスク reach the articles under `page` (a section, or the topics index)."""
    _page_grants(apps, _groups(apps), page, SECTION_PAGE_PERMISSIONS)


def _section_pages(apps):
    """Every section page and the topics index, found by content type (historical models
    have no `specific`)."""
    Page = apps.get_model("wagtailcore", "Page")
    return Page.objects.filter(
        content_type__app_label="news",
        content_type__model__in=("sectionpage", "topicindexpage"),
    )


def _root(apps):
    Page = apps.get_model("wagtailcore", "Page")
    return Page.objects.filter(depth=1).order_by("path").first()


def workflow_ensure(*, apps=global_apps, groups=None):
    """The デスク審査 workflow on the root page: one GroupApprovalTask for デスク and 編集長.
    It replaces Wagtail's default "Moderators approval", which is turned off, not deleted."""
    groups = groups or _groups(apps)
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    Task = apps.get_model("wagtailcore", "Task")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")
    ContentType = apps.get_model("contenttypes", "ContentType")

    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW, defaults={"active": True})
    task = GroupApprovalTask.objects.filter(name=TASK).first()
    if task is None:
        task = GroupApprovalTask.objects.create(
            name=TASK,
            active=True,
            content_type=ContentType.objects.get_for_model(GroupApprovalTask),
        )
    task.groups.add(groups[DESK], groups[CHIEF])
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})

    Workflow.objects.filter(name=WAGTAIL_DEFAULT_WORKFLOW).update(active=False)
    Task.objects.filter(name=WAGTAIL_DEFAULT_WORKFLOW).update(active=False)
    root = _root(apps)
    if root is not None:
        WorkflowPage.objects.update_or_create(page_id=root.pk, defaults={"workflow": workflow})
    return workflow


def roles_ensure(*, apps=global_apps) -> None:
    """Create or complete the four groups, their grants and the workflow."""
    groups = _groups(apps)
    Permission = apps.get_model("auth", "Permission")
    access_admin = Permission.objects.get(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    for role, group in groups.items():
        group.permissions.add(
            access_admin, *(_permission(apps, dotted) for dotted in MODEL_PERMISSIONS[role])
        )

    root = _root(apps)
    if root is not None:
        _page_grants(apps, groups, root, ROOT_PAGE_PERMISSIONS)
    for page in _section_pages(apps):
        _page_grants(apps, groups, page, SECTION_PAGE_PERMISSIONS)

    Collection = apps.get_model("wagtailcore", "Collection")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    collection = Collection.objects.filter(depth=1).order_by("path").first()
    if collection is not None:
        for role, dotted_names in COLLECTION_PERMISSIONS.items():
            for dotted in dotted_names:
                GroupCollectionPermission.objects.get_or_create(
                    group=groups[role],
                    collection_id=collection.pk,
                    permission=_permission(apps, dotted),
                )
    workflow_ensure(apps=apps, groups=groups)
