"""The newsroom's side: write a mailing, preview it, test-send to oneself, schedule or send now,
watch its progress; bad input gets a Japanese message, never a 500."""

from __future__ import annotations

import pytest

from django.contrib.messages import get_messages
from django.urls import reverse

from kisha.newsletter.factories import MailingFactory, SubscriberFactory, SubscriptionFactory
from kisha.newsletter.models import Mailing

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(admin_user, client):
    admin_user.email = "editor@kisha.example"
    admin_user.save()
    client.force_login(admin_user)
    return client


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_create_preview_test_send_and_send_now(editor, smtp, morning, article):
    for i in range(3):
        SubscriptionFactory(
            newsletter=morning, subscriber=SubscriberFactory(email=f"a{i}@example.jp")
        )
    response = editor.post(
        reverse("newsletter_mailings:add"),
        {
            "newsletter": morning.id,
            "subject": "毎朝のニュース　12月1日",
            "intro": "おはようございます。",
        },
    )
    assert response.status_code == 302
    mailing = Mailing.objects.get()
    page = editor.get(reverse("newsletter_mailings:inspect", args=[mailing.id]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "配信対象の購読者: 3 人" in html and "自分にテスト送信" in html

    preview = editor.get(reverse("newsletter_mailings:preview", args=[mailing.id]))
    assert preview.status_code == 200 and article.card_title in preview.content.decode()
    text = editor.get(reverse("newsletter_mailings:preview", args=[mailing.id]) + "?format=text")
    assert "おはようございます。" in text.content.decode()

    action = reverse("newsletter_mailings:action", args=[mailing.id])
    response = editor.post(action, {"action": "test", "email": "editor@kisha.example"})
    assert "editor@kisha.example にテスト送信しました。" in _messages(response)
    assert smtp.received[-1].message["Subject"].strip().startswith("[テスト]")
    assert Mailing.objects.get().state == "draft"

    response = editor.post(action, {"action": "send"})
    assert any("配信を開始しました" in m for m in _messages(response))
    mailing.refresh_from_db()
    assert mailing.state == "sent"
    assert len(smtp.received) == 4
    page = editor.get(reverse("newsletter_mailings:inspect", args=[mailing.id])).content.decode()
    assert "送信済み 3 / 3 通（100%）" in page
    response = editor.post(action, {"action": "send"})
    assert "この配信はすでに送信を始めています。" in _messages(response)


@pytest.mark.parametrize(
    "when, message",
    [
        ("", "配信日時を「2026-12-01 07:00」の形で入力してください。"),
        ("2026-13-45T25:00", "配信日時を「2026-12-01 07:00」の形で入力してください。"),
        ("x" * 10000, "配信日時を「2026-12-01 07:00」の形で入力してください。"),
        ("2001-01-01T00:00", "過去の日時には予約できません。"),
        ("07:00 2026/12/01", "配信日時を「2026-12-01 07:00」の形で入力してください。"),
    ],
)
def test_schedule_bad_input(editor, morning, when, message):
    mailing = MailingFactory(newsletter=morning)
    response = editor.post(
        reverse("newsletter_mailings:action", args=[mailing.id]),
        {"action": "schedule", "when": when},
    )
    assert response.status_code == 302
    assert message in _messages(response)
    assert Mailing.objects.get().state == "draft"


def test_schedule_in_jst_and_cancel(editor, morning):
    mailing = MailingFactory(newsletter=morning)
    action = reverse("newsletter_mailings:action", args=[mailing.id])
    response = editor.post(action, {"action": "schedule", "when": "2099-12-01T07:00"})
    assert "2099年12月1日(火)07時00分に配信を予約しました。" in _messages(response)
    mailing.refresh_from_db()
    assert (
        mailing.state == "scheduled"
        and mailing.scheduled_at.isoformat() == "2099-11-30T22:00:00+00:00"
    )
    editor.post(action, {"action": "cancel"})
    assert Mailing.objects.get().state == "canceled"
    response = editor.post(action, {"action": "send"})
    assert "この配信はすでに送信を始めています。" in _messages(response)


def test_test_send_errors_are_japanese(editor, morning, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    mailing = MailingFactory(newsletter=morning)
    action = reverse("newsletter_mailings:action", args=[mailing.id])
    response = editor.post(action, {"action": "test", "email": "bad\r\naddress"})
    assert any(m.startswith("テスト送信先:") for m in _messages(response))
    response = editor.post(action, {"action": "test", "email": "editor@kisha.example"})
    assert any("テスト送信に失敗しました" in m for m in _messages(response))
    response = editor.post(action, {"action": "nonsense"})
    assert "不明な操作です。" in _messages(response)
    assert (
        editor.post(
            reverse("newsletter_mailings:action", args=[99999]), {"action": "send"}
        ).status_code
        == 404
    )
    assert editor.get(reverse("newsletter_mailings:preview", args=[99999])).status_code == 404


def test_actions_need_permission(client, morning, django_user_model):
    mailing = MailingFactory(newsletter=morning)
    user = django_user_model.objects.create_user(username="reader", password="x" * 12)
    client.force_login(user)
    response = client.post(
        reverse("newsletter_mailings:action", args=[mailing.id]), {"action": "send"}
    )
    assert response.status_code in (302, 403)
    assert Mailing.objects.get().state == "draft"


def test_lists_and_subscribers_index(editor, morning):
    SubscriptionFactory(newsletter=morning)
    assert editor.get(reverse("newsletter_lists:index")).status_code == 200
    assert editor.get(reverse("newsletter_subscribers:index") + "?q=example").status_code == 200
    assert editor.get(reverse("newsletter_mailings:index")).status_code == 200
