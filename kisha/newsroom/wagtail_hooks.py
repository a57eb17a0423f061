"""The newsroom's admin: the dashboard's panels (Wagtail's own review panel gives way to
確認待ち, which lists the same tasks in a fixed number of queries)."""

from wagtail import hooks

from .panels import (
    AwaitingReviewPanel,
    MyDraftsPanel,
    ReadingNowPanel,
    ScheduledTodayPanel,
    WireToPromotePanel,
)

REPLACED = {"workflow_objects_to_moderate"}


@hooks.register("construct_homepage_panels")
def newsroom_panels(request, panels):
    panels[:] = [panel for panel in panels if getattr(panel, "name", "") not in REPLACED]
    panels.append(AwaitingReviewPanel())
    panels.append(MyDraftsPanel())
    panels.append(ScheduledTodayPanel())
    if request.user.has_perm("wire.view_wireitem"):
        panels.append(WireToPromotePanel())
    panels.append(ReadingNowPanel())
