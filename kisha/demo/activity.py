"""Demo activity, so the sidebar of a fresh demo reads like a live site: reading history for the
人気ランキング (30 days of fictional hourly views) and a wire feed for the ニュース速報 ticker.

Both go through the apps' own public entry points — the rankings' `views_import` with a fixed
batch id, the wire app's `wire_demo_source` and `wire_ingest_bytes` — so they are idempotent the same way real
data is: a second run finds the batch already folded and the wire items unchanged.
"""

from __future__ import annotations

import datetime as dt
import json
import random

from django.utils import timezone

from kisha.core.text import JST
from kisha.news.selectors import article_pages, section_pages
from kisha.rankings.services import rankings_refresh, views_import
from kisha.wire.demo import wire_demo_source
from kisha.wire.services import wire_ingest_bytes

from .writer import article_draft

WIRE_SOURCE = "ロイター（デモ配信）"
WIRE_ITEMS = 24
# Wire headlines come from the same writer as the articles, from indexes no demo article uses.
WIRE_INDEX_OFFSET = 900_000


def demo_views(*, seed: int, now: dt.datetime | None = None) -> int:
    """Give the demo's articles 30 days of views, most to a few (a Zipf-like spread, as real
    readership is), and refresh the rankings. Returns the views added (0 when already there)."""
    now = now or timezone.now()
    rng = random.Random(seed)
    articles = list(
        article_pages()
        .live()
        .order_by("-first_published_at")
        .values_list("id", "first_published_at")
    )
    if not articles:
        return 0
    order = list(range(len(articles)))
    rng.shuffle(order)
    rows: list[tuple[int, dt.datetime, int]] = []
    this_hour = now
    for rank, position in enumerate(order):
        page_id, published = articles[position]
        total = int(4000 / (rank + 1) ** 0.9) + rng.randint(5, 40)
        hours = max(1, min(30 * 24, int((now - published).total_seconds() // 3600) + 1))
        # Most of an article's reading comes in its first days.
        for _ in range(min(total, 400)):
            age = min(hours - 1, int(rng.expovariate(1 / max(1.0, hours / 4))))
            rows.append((page_id, this_hour - dt.timedelta(hours=age), max(1, total // 400)))
    applied = views_import(batch_id=f"demo-views-{seed}", rows=rows, source="demo")
    rankings_refresh(now=now)
    return sum(views for _, _, views in rows) if applied else 0


def demo_wire(*, seed: int, now: dt.datetime | None = None) -> int:
    """Ingest a fictional wire batch (ninjs) through a disabled demo source; returns the number
    of items the source holds."""
    now = now or timezone.now()
    sections = {s.slug: s for s in section_pages().live()}
    if not sections:
        return 0
    source = wire_demo_source(
        name=WIRE_SOURCE,
        credit="ロイター",
        sections=sections,
        default_section=sections.get("world") or next(iter(sections.values())),
    )
    if source.items.exists():
        return source.items.count()
    rng = random.Random(seed)
    items = []
    for n in range(WIRE_ITEMS):
        draft = article_draft(seed=seed, index=WIRE_INDEX_OFFSET + n)
        minutes = n * 17 + rng.randint(0, 12)
        when = (now - dt.timedelta(minutes=minutes)).astimezone(JST).isoformat(timespec="seconds")
        items.append(
            {
                "uri": f"urn:kisha:demo:wire:{seed}:{n}",
                "version": "1",
                "type": "text",
                "language": "ja",
                "headline": draft.headline,
                "body_html": f"<p>{draft.lead}</p>",
                "subject": [{"code": draft.section, "name": draft.section}],
                "urgency": 4 if n else 3,
                "pubstatus": "usable",
                "firstcreated": when,
                "versioncreated": when,
            }
        )
    wire_ingest_bytes(
        source=source,
        data=json.dumps(items, ensure_ascii=False).encode(),
        content_type="application/json",
        origin="demo",
        format="ninjs",
    )
    return source.items.count()
