"""Build the demo site: home, sections, topics, authors, photos and fictional articles.

`demo_build` is idempotent. Everything is looked up before it is made (pages by slug under their
parent, authors by slug, images by title), so running it twice changes nothing and a larger
`articles` count only adds the missing stories.

Articles are published the normal Wagtail way (a revision, then publish) so the admin shows a
history. For benchmark-sized runs `fast=True` saves pages directly as live, without revisions or
log entries: about three times faster (20 ms against 55–60 ms a story on SQLite), and still
through treebeard's `add_child`, so paths stay correct and the time grows linearly with the count.
Editing such a page in the admin works; its history is just empty.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from dataclasses import dataclass
from io import BytesIO

from django.core.files.images import ImageFile
from django.db import transaction
from django.utils import timezone

from kisha.core.characters import reading_for
from kisha.core.memo import generation_bump
from kisha.core.models import KishaImage
from kisha.core.text import JST
from kisha.news.models import (
    ArticleAuthor,
    ArticlePage,
    Author,
    AuthorIndexPage,
    HomePage,
    HomeTopStory,
    SectionPage,
    TopicIndexPage,
    TopicPage,
)
from kisha.news.services import article_normalise_text, site_ensure_home

from . import content as c
from .images import image_draw, image_specs
from .writer import ArticleDraft, article_draft

DEFAULT_SEED = 20251111
SPREAD = dt.timedelta(days=60)
# Stories go out between 06:00 and 23:00 in Tokyo, like a real newsroom's day.
FIRST_HOUR, LAST_HOUR = 6, 23


@dataclass(frozen=True)
class DemoSummary:
    home: HomePage
    sections: int
    topics: int
    authors: int
    images: int
    articles: int
    articles_created: int
    seconds: float


def demo_build(
    *, articles: int = 120, seed: int = DEFAULT_SEED, fast: bool = False, stdout=None
) -> DemoSummary:
    """Build (or complete) the demo site with `articles` fictional stories."""
    started = time.monotonic()

    def say(message: str) -> None:
        if stdout is not None:
            stdout.write(message)

    home = site_ensure_home(title=c.SITE_TITLE)
    with transaction.atomic():
        sections = _ensure_sections(home)
        topics = _ensure_topics(home)
        _ensure_author_index(home)
        images = _ensure_images(seed)
        authors = _ensure_authors()
    say(
        f"セクション {len(sections)}、トピック {len(topics)}、執筆者 {len(authors)}、画像 {len(images)}"
    )

    # Article slugs are unique across the demo (topic + number), so one set finds them all.
    existing = set(ArticlePage.objects.descendant_of(home).values_list("slug", flat=True))
    now = timezone.now().replace(second=0, microsecond=0)
    created = 0
    for index in range(articles):
        draft = article_draft(seed=seed, index=index)
        if draft.slug in existing:
            continue
        published = _published_at(seed=seed, index=index, total=articles, now=now)
        with transaction.atomic():
            _article_create(
                draft,
                section=sections[draft.section],
                topic=topics[draft.topic],
                images=images,
                authors=authors,
                published=published,
                now=now,
                fast=fast,
            )
        created += 1
        if created % 100 == 0:
            say(f"記事 {created} 本を作成しました…")

    _ensure_top_stories(home)
    summary = DemoSummary(
        home=home,
        sections=len(sections),
        topics=len(topics),
        authors=len(authors),
        images=len(images),
        articles=ArticlePage.objects.descendant_of(home).count(),
        articles_created=created,
        seconds=time.monotonic() - started,
    )
    say(f"記事 {summary.articles} 本（今回 {created} 本を作成、{summary.seconds:.1f} 秒）")
    return summary


def _child(parent, model, slug: str):
    return model.objects.child_of(parent).filter(slug=slug).first()


def _add_published(parent, page):
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def _ensure_sections(home: HomePage) -> dict[str, SectionPage]:
    result = {}
    for spec in c.SECTIONS:
        page = _child(home, SectionPage, spec.slug)
        if page is None:
            page = SectionPage(
                title=spec.title,
                slug=spec.slug,
                short_label=spec.short_label if spec.short_label != spec.title else "",
                description=spec.description,
            )
            _add_published(home, page)
        result[spec.slug] = page
    return result


def _ensure_topics(home: HomePage) -> dict[str, TopicPage]:
    index = _child(home, TopicIndexPage, "topics")
    if index is None:
        index = _add_published(home, TopicIndexPage(title="トピック", slug="topics"))
    result = {}
    for spec in c.TOPICS:
        page = _child(index, TopicPage, spec.slug)
        if page is None:
            page = _add_published(
                index,
                TopicPage(
                    title=spec.title,
                    slug=spec.slug,
                    description=spec.description,
                    reading=reading_for(spec.title),
                ),
            )
        result[spec.slug] = page
    return result


def _ensure_author_index(home: HomePage) -> AuthorIndexPage:
    index = _child(home, AuthorIndexPage, "authors")
    if index is None:
        index = _add_published(home, AuthorIndexPage(title="執筆者", slug="authors"))
    return index


def _ensure_images(seed: int) -> list[KishaImage]:
    result = []
    for spec in image_specs(seed=seed):
        image = KishaImage.objects.filter(title=spec.title).first()
        if image is None:
            data = image_draw(seed=seed, position=spec.position, kind=spec.kind)
            image = KishaImage(
                title=spec.title,
                file=ImageFile(BytesIO(data), name=spec.filename),
                credit_year=spec.year,
                credit_agency=spec.agency,
                credit_photographer=spec.photographer,
                default_alt_text=spec.alt,
            )
            image.save()
        result.append(image)
    return result


def _ensure_authors() -> dict[str, Author]:
    result = {}
    for spec in c.AUTHORS:
        author, _ = Author.objects.get_or_create(
            slug=spec.slug,
            defaults={
                "name": spec.name,
                "name_reading": spec.reading,
                "role": spec.role,
                "bio": spec.bio,
            },
        )
        result[spec.slug] = author
    return result


def _published_at(*, seed: int, index: int, total: int, now: dt.datetime) -> dt.datetime:
    """Index 0 is the newest; stories spread evenly over the last 60 days, in Tokyo's day."""
    rng = random.Random(seed * 7 + index)
    step = SPREAD / max(total, 1)
    moment = now - dt.timedelta(minutes=5) - step * (index + rng.random() * 0.9)
    local = moment.astimezone(JST)
    if not FIRST_HOUR <= local.hour < LAST_HOUR:
        # Night-time slots move into the evening before, keeping the order of the day.
        local = local.replace(hour=rng.randint(FIRST_HOUR + 1, LAST_HOUR - 1))
        if local > now:
            local -= dt.timedelta(days=1)
    return local.replace(second=0, microsecond=0)


def _article_create(
    draft: ArticleDraft,
    *,
    section: SectionPage,
    topic: TopicPage,
    images: list[KishaImage],
    authors: dict[str, Author],
    published: dt.datetime,
    now: dt.datetime,
    fast: bool,
) -> ArticlePage:
    body = []
    for block in draft.body:
        if block["type"] == "image":
            value = dict(block["value"], image=images[block["value"]["image"]].pk)
            block = dict(block, value=value)
        body.append(block)
    last = published
    if draft.updated:
        later = published + dt.timedelta(hours=random.Random(draft.index).randint(1, 9))
        last = later if later < now else published
    article = ArticlePage(
        title=draft.headline,
        slug=draft.slug,
        short_headline=draft.short_headline,
        lead=draft.lead,
        listing_summary=draft.lead,
        hero_image=images[draft.hero_image] if draft.hero_image is not None else None,
        hero_caption=draft.hero_caption,
        body=body,
        primary_topic=topic,
        wire_credit=draft.wire_credit,
        original_headline=draft.original_headline,
        original_author=draft.original_author,
        author_links=[
            ArticleAuthor(author=authors[slug], sort_order=n)
            for n, slug in enumerate(draft.authors)
        ],
        # An updated demo story was a substantive edit: it shows 更新 (docs/corrections.md).
        substantive_update_at=last if last > published else None,
    )
    article_normalise_text(article=article)  # as the admin form would (ｽﾏｰﾄﾌｫﾝ → スマートフォン)
    article.tags.set(draft.tags)
    if fast:
        article.live = True
        article.has_unpublished_changes = False
        article.first_published_at = published
        article.last_published_at = last
        section.add_child(instance=article)
    else:
        article.live = False
        section.add_child(instance=article)
        article.save_revision().publish()
        ArticlePage.objects.filter(pk=article.pk).update(
            first_published_at=published,
            last_published_at=last,
            substantive_update_at=article.substantive_update_at,
        )
        generation_bump()  # a raw update sends no signal (kisha.core.memo)
    return article


def _ensure_top_stories(home: HomePage) -> None:
    """Five recent stories with photos from different sections, picked once."""

    if home.top_stories.exists():
        return
    picked: list[ArticlePage] = []
    seen_sections: set[str] = set()
    recent = (
        ArticlePage.objects.live()
        .descendant_of(home)
        .exclude(hero_image=None)
        .order_by("-first_published_at")[:40]
    )
    for article in recent:
        section = article.path[: len(article.path) - ArticlePage.steplen]
        if section in seen_sections:
            continue
        picked.append(article)
        seen_sections.add(section)
        if len(picked) == HomePage.TOP_STORIES:
            break
    if not picked:
        return
    home = HomePage.objects.get(pk=home.pk)
    home.top_stories = [HomeTopStory(article=article) for article in picked]
    home.save_revision().publish()
