"""Reads for the newsroom dashboard. Each costs a fixed number of queries, whatever the number
of rows (tests/newsroom/test_dashboard.py counts them)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from wagtail.models import Page, Revision, TaskState

from kisha.core.text import JST
from kisha.news.selectors import article_pages
from kisha.rankings.selectors import rankings_get
from kisha.wire.selectors import wire_items_unpromoted

SHOWN = 8


@dataclass(frozen=True)
class ReviewItem:
    page: Page
    submitted_by: object  # the user who submitted, or None
    submitted_at: dt.datetime
    task: str


@dataclass(frozen=True)
class ScheduledItem:
    page: Page
    go_live_at: dt.datetime


def my_drafts(*, user, limit: int = SHOWN):
    """The user's articles with changes not yet published (new drafts and edits of live ones),
    the latest first: one query."""
    return list(
        article_pages()
        .filter(owner=user, has_unpublished_changes=True)
        .defer_streamfields()
        .only("id", "title", "live", "latest_revision_created_at", "go_live_at")
        .order_by("-latest_revision_created_at", "-id")[:limit]
    )


def awaiting_review(*, user, limit: int = SHOWN) -> list[ReviewItem]:
    """Pages in a workflow task this user may approve, the oldest submission first, so the
    desk works down the queue: one query per active task (one in Kisha) and one for the pages."""
    states = list(
        TaskState.objects.reviewable_by(user)
        .filter(workflow_state__base_content_type__model="page")
        .select_related("task", "workflow_state", "workflow_state__requested_by")
        .order_by("started_at")[:limit]
    )
    pages = Page.objects.in_bulk([int(state.workflow_state.object_id) for state in states])
    items = []
    for state in states:
        page = pages.get(int(state.workflow_state.object_id))
        if page is not None:
            items.append(
                ReviewItem(
                    page=page,
                    submitted_by=state.workflow_state.requested_by,
                    submitted_at=state.started_at,
                    task=state.task.name,
                )
            )
    return items


def jst_day(now: dt.datetime | None = None) -> tuple[dt.datetime, dt.datetime]:
    """Start and end of the JST calendar day containing `now`."""
    local = (now or timezone.now()).astimezone(JST)
    start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return start, start + dt.timedelta(days=1)


def scheduled_today(*, now: dt.datetime | None = None, limit: int = 20) -> list[ScheduledItem]:
    """Pages whose approved publication falls in today's JST day (Wagtail keeps it on the
    revision as `approved_go_live_at`), in time order: two queries."""
    start, end = jst_day(now)
    revisions = list(
        Revision.page_revisions.filter(approved_go_live_at__gte=start, approved_go_live_at__lt=end)
        .order_by("approved_go_live_at")
        .values_list("object_id", "approved_go_live_at")[:limit]
    )
    pages = Page.objects.in_bulk([int(object_id) for object_id, _ in revisions])
    return [
        ScheduledItem(page=pages[int(object_id)], go_live_at=go_live_at)
        for object_id, go_live_at in revisions
        if int(object_id) in pages
    ]


def wire_to_promote(*, now: dt.datetime | None = None, hours: int = 24, limit: int = SHOWN):
    """Usable wire items of the last `hours` not yet made into an article, the most urgent
    first (IPTC urgency 1 is the highest), then the newest: one query."""
    return wire_items_unpromoted(now=now, hours=hours, limit=limit)


def reading_now(*, limit: int = 5):
    """The 24-hour most-read list the site's sidebar shows (kisha.rankings): two queries."""

    return rankings_get(limit=limit).get("24h", [])
