"""The demo's three メールマガジン: a morning digest and a weekly ranking that draft their own
mailings at their times (an editor adds the 前書き and sends), and 速報 for breaking alerts.
Idempotent: a second run leaves lists an editor has changed as they are. Called from
`manage.py demo_site`."""

from __future__ import annotations

import datetime as dt

from .models import AutoMailing, NewsletterList, Schedule, Weekday

SENDER = {"sender_name": "週刊キシャ編集部", "sender_email": "newsletter@kisha.example"}
LISTS = [
    {
        "slug": "morning",
        "name": "毎朝のニュース",
        "description": "前日から今朝までの主なニュースを、毎朝7時にお届けします。",
        "schedule": Schedule.DAILY,
        "send_time": dt.time(7, 0),
        "auto_mailing": AutoMailing.DRAFT,
        "in_sidebar": True,
        "sort_order": 1,
    },
    {
        "slug": "weekly-ranking",
        "name": "週間ランキング",
        "description": "この1週間によく読まれた記事を、毎週土曜の朝にまとめてお届けします。",
        "schedule": Schedule.WEEKLY,
        "weekday": Weekday.SAT,
        "send_time": dt.time(9, 0),
        "auto_mailing": AutoMailing.DRAFT,
        "sort_order": 2,
    },
    {
        "slug": "breaking",
        "name": "速報",
        "description": "大きなニュースが入ったときに、すぐにお知らせします。",
        "schedule": Schedule.ALERT,
        "sort_order": 3,
    },
]


def demo_newsletters() -> int:
    """Create the demo's lists that are missing; returns how many lists there are."""
    for spec in LISTS:
        fields = {**SENDER, **spec}
        slug = fields.pop("slug")
        NewsletterList.objects.get_or_create(slug=slug, defaults=fields)
    return NewsletterList.objects.count()
