"""Reads: lists for the forms, a subscriber's subscriptions, a mailing's progress, and the
site's content for a digest (through the news and rankings apps' selectors)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q

from kisha.core.text import jst_datetime, truncate_width
from kisha.news.selectors import (
    article_cards,
    home_listing,
    home_pages,
    section_articles,
    section_for,
    section_pages,
    sections,
)
from kisha.rankings.selectors import rankings_get

from .conf import conf
from .models import Delivery, Mailing, NewsletterList, Subscriber, Subscription


def lists_open() -> list[NewsletterList]:
    return list(NewsletterList.objects.filter(active=True))


def lists_for_sidebar() -> list[NewsletterList]:
    return list(NewsletterList.objects.filter(active=True, in_sidebar=True))


def subscriber_lists(*, subscriber: Subscriber) -> set[int]:
    return set(
        Subscription.objects.filter(
            subscriber=subscriber, state=Subscription.State.CONFIRMED
        ).values_list("newsletter_id", flat=True)
    )


def recipients(*, newsletter: NewsletterList):
    """Subscribers who confirmed this list and whose address still receives mail."""
    return Subscriber.objects.filter(
        status=Subscriber.Status.ACTIVE,
        subscriptions__newsletter=newsletter,
        subscriptions__state=Subscription.State.CONFIRMED,
    )


@dataclass(frozen=True)
class Progress:
    total: int
    sent: int
    pending: int
    failed: int
    uncertain: int

    @property
    def percent(self) -> int:
        return int(100 * (self.total - self.pending) / self.total) if self.total else 0


def mailing_progress(*, mailing: Mailing) -> Progress:
    S = Delivery.State
    row = Delivery.objects.filter(mailing=mailing).aggregate(
        total=Count("id"),
        sent=Count("id", filter=Q(state=S.SENT)),
        pending=Count("id", filter=Q(state__in=[S.PENDING, S.CLAIMED])),
        failed=Count("id", filter=Q(state__in=[S.FAILED, S.BOUNCED])),
        uncertain=Count("id", filter=Q(state=S.UNCERTAIN)),
    )
    return Progress(**row)


def list_subscriber_count(*, newsletter: NewsletterList) -> int:
    return recipients(newsletter=newsletter).count()


@dataclass(frozen=True)
class DigestArticle:
    title: str
    lead: str
    url: str
    section: str
    date: str
    rank: int = 0


def _article(article, *, rank: int = 0) -> DigestArticle:
    section = section_for(article)
    return DigestArticle(
        title=article.card_title,
        lead=truncate_width(article.lead or "", 120),
        url=article.get_full_url() or "",
        section=section.label if section else "",
        date=jst_datetime(article.first_published_at),
        rank=rank,
    )


def digest_content() -> dict:
    """Top stories, the latest of each section and the week's ranking, from the site as readers
    see it (live, public articles only: the news selectors' rules)."""
    top_count = int(conf("KISHA_NEWSLETTER_TOP_STORIES"))
    per_section = int(conf("KISHA_NEWSLETTER_PER_SECTION"))
    home = home_pages().live().first()
    if home is not None:
        top = home_listing(home=home)["top_stories"][:top_count]
    else:
        top = list(article_cards()[:top_count])
    shown = {a.id for a in top}
    by_section = []
    live_sections = {s.id: s for s in section_pages().live().public()}
    for info in sections():
        page = live_sections.get(info.id)
        if page is None:
            continue
        items = [
            a
            for a in section_articles(section=page)[: per_section + len(shown)]
            if a.id not in shown
        ]
        if items:
            by_section.append(
                {"label": info.label, "articles": [_article(a) for a in items[:per_section]]}
            )
    ranking = rankings_get(limit=int(conf("KISHA_NEWSLETTER_RANKING"))).get("week", [])
    return {
        "top": [_article(a) for a in top],
        "sections": by_section,
        "ranking": [_article(item.article, rank=item.rank) for item in ranking],
    }
