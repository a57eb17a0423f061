"""The issue's "done when", end to end: a writer's article goes through desk review to a
scheduled publication that happens within two seconds of its time, with the scheduler
restarted in between.

Every step goes through the admin's own views (the edit form as the browser posts it, the
workflow's approve action) as the writer and the desk; the mails go to a real SMTP server;
the publication is made by real `kisha_scheduler` processes: one running when the desk
approves, stopped, and a new one started before the time."""

from __future__ import annotations

import datetime as dt

import pytest

from django.urls import reverse
from django.utils import timezone

from wagtail.models import PageLogEntry, TaskState

from kisha.news.factories import ArticlePageFactory
from kisha.news.models import ArticlePage
from tests.core.test_scheduler import is_live, lateness, schedulers, wait_until
from tests.news.test_corrections import article_form
from tests.processes import wagtail_initial_data_restore

# From the desk's approval to the go-live time: long enough to stop the scheduler and start
# another (a few seconds; more on a loaded machine), short enough for a test.
LEAD = dt.timedelta(seconds=40)


@pytest.fixture(autouse=True)
def wagtail_initial_data(transactional_db):
    wagtail_initial_data_restore()


def edit(client, page, data) -> None:
    response = client.post(reverse("wagtailadmin_pages:edit", args=(page.pk,)), data)
    assert response.status_code == 302, response.content.decode()[-2000:]


def test_a_writers_article_is_reviewed_scheduled_and_published_on_time_across_a_restart(
    manage_process, smtp, client, world, writer, desk, chief
):
    first = schedulers(manage_process, 1)[0]

    # The writer's draft, sent to the desk from the edit form (デスク審査に提出する).
    article = ArticlePageFactory(
        parent=world, owner=writer, live=False, title="県立図書館、夜間開館を試行　来月から"
    )
    ArticlePage.objects.filter(pk=article.pk).update(
        first_published_at=None, last_published_at=None
    )
    article.refresh_from_db()
    client.force_login(writer)
    data = article_form(article)
    del data["action-publish"]
    data["action-submit"] = "submit"
    edit(client, article, data)
    client.logout()
    state = TaskState.objects.get(workflow_state__object_id=str(article.pk), status="in_progress")
    smtp.wait_for(2)
    assert {r.rcpt_tos[0] for r in smtp.received} == {desk.email, chief.email}

    # The desk sets 公開予定 (JST, to the second) and saves, then approves with a comment.
    client.force_login(desk)
    go_live = (timezone.now() + LEAD).replace(microsecond=0)
    jst = timezone.localtime(go_live).strftime("%Y-%m-%d %H:%M:%S")
    data = article_form(article, go_live_at=jst)
    del data["action-publish"]
    edit(client, article, data)
    url = reverse("wagtailadmin_pages:workflow_action", args=(article.pk, "approve", state.pk))
    response = client.post(url, {"comment": "夜間開館の時間を本文に足しました。"})
    assert response.status_code == 302
    state.refresh_from_db()
    assert state.status == "approved"
    article.refresh_from_db()
    assert not article.live
    assert article.get_latest_revision().approved_go_live_at == go_live
    smtp.wait_for(3)
    assert writer.email in {r.rcpt_tos[0] for r in smtp.received}  # the writer is told

    # The scheduler is restarted before the time: the new one publishes at it.
    first.stop()
    second = schedulers(manage_process, 1)[0]
    assert timezone.now() < go_live - dt.timedelta(seconds=2), "restart took too long: raise LEAD"
    assert not is_live(article)
    assert wait_until(lambda: is_live(article), timeout=LEAD.total_seconds() + 20, step=0.05), (
        second.output()
    )
    assert 0 <= lateness(article) < 2.0, lateness(article)
    assert (
        PageLogEntry.objects.filter(page=article, action="wagtail.publish.scheduled").count() == 1
    )
    assert client.get(article.url).status_code == 200
