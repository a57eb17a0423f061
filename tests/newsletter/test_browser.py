"""In Chromium: a reader signs up from the sidebar, confirms from the mail's link, gets a
digest whose HTML part renders well on a phone (light and dark), and unsubscribes in one click
from it. Screenshots go to artifacts/screenshots/ for a human look."""

from __future__ import annotations

import re

import pytest

from django.utils import timezone

from kisha.news.factories import ArticlePageFactory
from kisha.newsletter.factories import MailingFactory
from kisha.newsletter.models import Mailing, Subscription
from kisha.newsletter.sending import mailing_send, mailing_start
from kisha.rankings.models import Ranking
from tests.browser.conftest import (  # noqa: F401
    DESKTOP,
    PHONE,
    browser,
    page_at,
    screenshot,
    wagtail_initial_data,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_subscribe_confirm_receive_and_unsubscribe(
    live_server,
    settings,
    smtp,
    morning,
    article,
    business,
    page_at,  # noqa: F811
    screenshot,  # noqa: F811
):
    settings.KISHA_SITE_URL = live_server.url
    business_articles = [
        ArticlePageFactory(
            parent=business,
            title=f"日銀、追加利上げを見送り　物価の先行きを慎重に見極め（{n + 1}）",
            short_headline=f"日銀が利上げ見送り（{n + 1}）",
            lead="日本銀行は金融政策決定会合で、政策金利の据え置きを決めた。円相場への影響を注視する。",
        )
        for n in range(7)
    ]
    # The week's ranking as the rankings app stores it, so the digest shows that part too.
    Ranking.objects.create(
        window="week",
        entries=[[a.id, 900 - 100 * i] for i, a in enumerate([article, *business_articles[:4]])],
        computed_at=timezone.now(),
    )
    page = page_at(PHONE)
    page.goto(live_server.url + "/")
    block = page.locator(".nl-block")
    block.scroll_into_view_if_needed()
    screenshot(page, "newsletter-home-phone")
    page.fill("#nl-block-email", "hanako@example.jp")
    page.click(".nl-block .nl-form__button")
    page.wait_for_url("**/newsletter/sent/")
    assert "確認メールをお送りしました" in page.text_content("h1")
    screenshot(page, "newsletter-sent-phone")

    text = smtp.received[-1].message.get_body(("plain",)).get_content()
    confirm = re.search(r"(http://\S+/newsletter/confirm/\S+/)", text).group(1)
    page.goto(confirm)
    screenshot(page, "newsletter-confirm-phone")
    page.click("text=登録を確定する")
    page.wait_for_selector("text=登録が完了しました")
    assert Subscription.objects.get().state == "confirmed"

    mailing = MailingFactory(
        newsletter=morning,
        subject="毎朝のニュース　12月1日（火）",
        intro="おはようございます。週刊キシャ編集部です。\n\n今朝は米朝協議の行方と、日銀の決定をお届けします。",
    )
    mailing_start(mailing_id=mailing.id)
    mailing_send(mailing_id=mailing.id)
    mail = smtp.received[-1].message
    html = mail.get_body(("html",)).get_content()
    assert "今週の人気ランキング" in html and "ビジネスの最新記事" in html
    unsubscribe = mail["List-Unsubscribe"].strip()[1:-1]

    for name, viewport, scheme in (
        ("newsletter-mail-phone", PHONE, "light"),
        ("newsletter-mail-phone-dark", PHONE, "dark"),
        ("newsletter-mail-desktop", DESKTOP, "light"),
    ):
        mail_page = page_at(viewport)
        mail_page.emulate_media(color_scheme=scheme)
        mail_page.set_content(html)
        # Nothing wider than the phone: no sideways scrolling in a mail app.
        width = mail_page.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport["width"], name
        screenshot(mail_page, name)

    # The visible link in the mail: a page with a button (GET changes nothing), then done.
    mail_page = page_at(PHONE)
    mail_page.set_content(html)
    href = mail_page.get_attribute("a:has-text('配信を停止する')", "href")
    assert href == unsubscribe
    mail_page.goto(href)
    assert Subscription.objects.get().state == "confirmed"
    mail_page.click("button:has-text('配信を停止する')")
    mail_page.wait_for_selector("text=配信を停止しました")
    screenshot(mail_page, "newsletter-unsubscribed-phone")
    assert Subscription.objects.get().state == "unsubscribed"


def test_signup_page(live_server, morning, weekly, page_at, screenshot):  # noqa: F811
    for viewport, name in (
        (PHONE, "newsletter-signup-phone"),
        (DESKTOP, "newsletter-signup-desktop"),
    ):
        page = page_at(viewport)
        page.goto(live_server.url + "/newsletter/")
        assert page.is_checked(f"input[value='{morning.id}']")
        assert not page.is_checked(f"input[value='{weekly.id}']")
        screenshot(page, name)
    page.fill("#nl-page-email", "これは違う")
    page.click("text=確認メールを送る")
    page.wait_for_selector(".nl-errors")
    assert "メールアドレスの形式が正しくありません。" in page.text_content(".nl-errors")
    screenshot(page, "newsletter-signup-error-desktop")


def test_the_newsroom_mailing_page(
    live_server,
    settings,
    smtp,
    morning,
    article,
    django_user_model,
    page_at,  # noqa: F811
    screenshot,  # noqa: F811
):
    """An editor writes a mailing, sees the preview, test-sends to themselves and sends it;
    the page shows the progress. The admin's CSP refuses nothing (page_at checks)."""
    from kisha.newsletter.factories import SubscriberFactory, SubscriptionFactory

    settings.KISHA_SITE_URL = live_server.url
    for i in range(3):
        SubscriptionFactory(
            newsletter=morning, subscriber=SubscriberFactory(email=f"d{i}@example.jp")
        )
    password = "correct-horse-battery-staple"
    django_user_model.objects.create_superuser("desk", "desk@kisha.example", password)
    page = page_at(DESKTOP)
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", "desk")
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(live_server.url + "/admin/")
    page.goto(live_server.url + "/admin/newsletter/mailings/new/")
    page.select_option("#id_newsletter", str(morning.id))
    page.fill("#id_subject", "毎朝のニュース　12月1日")
    page.fill("#id_intro", "おはようございます。")
    page.locator("form[method=post] button[type=submit]").last.click()
    page.wait_for_url(live_server.url + "/admin/newsletter/mailings/")
    mailing_id = Mailing.objects.get().id
    page.goto(f"{live_server.url}/admin/newsletter/mailings/inspect/{mailing_id}/")
    page.click("[data-nl-test]")
    page.wait_for_selector("text=にテスト送信しました")
    assert smtp.received[-1].rcpt_tos == ["desk@kisha.example"]
    frame = page.frame_locator("iframe[title='メールのプレビュー']")
    assert frame.locator("text=米朝、非核化で合意できず").count() >= 1
    screenshot(page, "newsletter-admin-mailing-desktop")
    page.click("[data-nl-send]")
    page.wait_for_selector("text=配信を開始しました")
    page.wait_for_selector("text=送信済み 3 / 3 通（100%）")
    screenshot(page, "newsletter-admin-sent-desktop")
