"""デスク審査 end to end through the admin's own views, with Wagtail's notification mails sent
by Django's SMTP backend to a real SMTP server (aiosmtpd)."""

import datetime as dt

import pytest

from django.urls import reverse
from django.utils import timezone

from wagtail.models import TaskState, WorkflowState

from kisha.news.factories import ArticlePageFactory
from kisha.newsroom.roles import WORKFLOW

pytestmark = pytest.mark.django_db


def _draft(world, writer, *, go_live_at=None):
    article = ArticlePageFactory(
        parent=world, owner=writer, live=False, title="大雨で在来線が運転見合わせ　午後に再開へ"
    )
    article.go_live_at = go_live_at
    article.save_revision(user=writer)
    return article


def _submit(client, article, writer):
    """The writer presses デスク審査に提出する on the edit page: Wagtail starts the workflow of
    the page's nearest ancestor with one (ours, on the root)."""
    client.force_login(writer)
    workflow = article.get_workflow()
    assert workflow.name == WORKFLOW
    workflow.start(article, writer)
    client.logout()
    return TaskState.objects.get(workflow_state__object_id=str(article.pk), status="in_progress")


def _mails_to(smtp, address):
    return [r.message for r in smtp.received if address in r.rcpt_tos]


def test_desk_approves_with_a_comment_and_the_scheduled_article_waits_for_its_time(
    smtp, client, world, writer, desk, chief, web
):
    go_live = (timezone.now() + dt.timedelta(hours=3)).replace(microsecond=0)
    article = _draft(world, writer, go_live_at=go_live)
    state = _submit(client, article, writer)

    smtp.wait_for(2)
    submitted = {r.rcpt_tos[0] for r in smtp.received}
    # The desk and the chief are the task's groups; the writer and the web desk are not told.
    assert submitted == {desk.email, chief.email}
    assert article.title in str(_mails_to(smtp, desk.email)[0]["Subject"])

    # A writer cannot approve their own article.
    client.force_login(writer)
    url = reverse("wagtailadmin_pages:workflow_action", args=(article.pk, "approve", state.pk))
    response = client.post(url, {"comment": "自分で承認"})
    assert response.status_code in (302, 403)
    state.refresh_from_db()
    assert state.status == "in_progress"
    client.logout()

    client.force_login(desk)
    response = client.post(url, {"comment": "見出しを短くしました。3時間後に公開します。"})
    assert response.status_code == 302
    state.refresh_from_db()
    assert state.status == "approved" and state.comment.startswith("見出しを短く")

    article.refresh_from_db()
    assert not article.live
    revision = article.latest_revision
    assert revision.approved_go_live_at == go_live
    assert WorkflowState.objects.get(pk=state.workflow_state_id).status == "approved"

    smtp.wait_for(3)
    approved = _mails_to(smtp, writer.email)
    assert len(approved) == 1
    body = approved[0].get_body(("plain",)).get_content()
    assert article.title in body


def test_desk_requests_changes_and_the_writer_is_told(smtp, client, world, writer, desk):
    article = _draft(world, writer)
    state = _submit(client, article, writer)
    smtp.wait_for(1)
    before = len(smtp.received)

    client.force_login(desk)
    url = reverse("wagtailadmin_pages:workflow_action", args=(article.pk, "reject", state.pk))
    response = client.post(url, {"comment": "数字の出典を本文に入れてください。"})
    assert response.status_code == 302
    state.refresh_from_db()
    assert state.status == "rejected"
    article.refresh_from_db()
    assert not article.live

    smtp.wait_for(before + 1)
    rejected = _mails_to(smtp, writer.email)
    assert len(rejected) == 1
    assert article.title in str(rejected[0]["Subject"])
    # The writer sees the desk's comment on the edit page.
    client.logout()
    client.force_login(writer)
    page = client.get(reverse("wagtailadmin_pages:edit", args=(article.pk,)))
    assert page.status_code == 200


def test_desk_approval_without_a_date_publishes_at_once(smtp, client, world, writer, desk):
    article = _draft(world, writer)
    state = _submit(client, article, writer)
    client.force_login(desk)
    url = reverse("wagtailadmin_pages:workflow_action", args=(article.pk, "approve", state.pk))
    assert client.post(url, {"comment": ""}).status_code == 302
    article.refresh_from_db()
    assert article.live
