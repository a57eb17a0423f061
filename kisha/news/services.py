"""Writes and side effects for news pages."""

from __future__ import annotations

import logging
import re

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from wagtail.models import Page, PageLogEntry, Site

from kisha.core import cachetags
from kisha.core.characters import Change
from kisha.core.frontend_cache import purge_after_commit, purge_paths_for, purge_wanted
from kisha.core.text import JST

from .forms import ARTICLE_NORMALISED, normalise_fields
from .models import ArticleKill, ArticlePage, ArticleSlugCounter, HomePage, SectionPage
from .selectors import article_cards, author_index

logger = logging.getLogger(__name__)


def _listing_pages(url: str, listing, article) -> list[str]:
    """`url` and its `?page=2…?page=K`, K being the listing page the article sits on plus one
    (what shifts when it comes or goes), at most KISHA_PURGE_LISTING_PAGES."""
    size = SectionPage.page_size()
    published = article.first_published_at
    if published is None:
        position = 0
    else:
        position = (
            listing.filter(
                Q(first_published_at__gt=published)
                | Q(first_published_at=published, id__gt=article.id)
            )
            .order_by()
            .count()
        )
    last = min(position // size + 2, settings.KISHA_PURGE_LISTING_PAGES)
    return [url, *(f"{url}?page={number}" for number in range(2, last + 1))]


def article_page_count(*, article) -> int:
    """How many pages an article's body is served as, at its last publication before this one
    too: a body that shrank from three pages to two leaves a cached `/3/` to purge."""
    count = len(article.split_body())
    earlier = (
        PageLogEntry.objects.filter(page_id=article.id, action="wagtail.publish")
        .exclude(revision_id=None)
        .exclude(revision_id=article.live_revision_id)
        .order_by("-timestamp", "-id")
        .select_related("revision")
        .first()
    )
    if earlier is not None:
        count = max(count, len(earlier.revision.as_object().split_body()))
    return count


def urls_showing(*, page: Page) -> list[str]:
    """Every full URL whose anonymous rendering shows `page`, for an exact purge.

    The page itself (an article with its continuation pages `<url>2/ … <url>N/`), the home
    page; for an article also its section and topic listings with the `?page=N` pages it can
    have moved, each author's profile (and its pages) and the 執筆者 index, and what other apps
    register (the rankings fragment and API). Works for an unpublished page too: its URL is
    where it was.
    """

    specific = page.specific
    own = specific.get_full_url()
    if not own:  # not routable: no site shows it
        return []
    urls = {own}
    urls.update(url for url in (home.get_full_url() for home in HomePage.objects.live()) if url)
    if isinstance(specific, ArticlePage):
        urls.update(
            f"{own}{number}/" for number in range(2, article_page_count(article=specific) + 1)
        )
        listings = article_cards()
        parent = specific.get_parent()
        if parent is not None:
            parent_url = parent.get_full_url()
            if parent_url:
                urls.update(_listing_pages(parent_url, listings.descendant_of(parent), specific))
        if specific.primary_topic_id:
            topic_url = specific.primary_topic.get_full_url()
            if topic_url:
                urls.update(
                    _listing_pages(
                        topic_url,
                        listings.filter(primary_topic_id=specific.primary_topic_id),
                        specific,
                    )
                )
        index_page = author_index()
        index_url = index_page.get_full_url() if index_page else None
        if index_url:
            urls.add(index_url)
            for author in specific.authors.all():
                urls.update(
                    _listing_pages(
                        f"{index_url}{author.slug}/", listings.filter(authors=author), specific
                    )
                )
    site = specific.get_site()
    if site is not None:
        urls.update(f"{site.root_url}{path}" for path in purge_paths_for(specific))
        if isinstance(specific, ArticlePage):
            urls.add(f"{site.root_url}{reverse('news:corrections')}")
    return sorted(urls)


def tags_showing(*, page: Page) -> list[str]:
    """The cache tags of every response that shows `page` (kisha.core.cachetags).

    An article: itself, its section, its primary topic, its authors' profiles, the home pages,
    the rankings and Wagtail's 404s (it may now be where one was). Any other page (a section,
    a topic, the home page) is named in every page's menus and breadcrumbs: its whole site.
    """

    specific = page.specific
    if not isinstance(specific, ArticlePage):
        site = specific.get_site()
        if site is None:
            return []
        return [cachetags.site_tag(site.id), cachetags.page_tag(specific.id)]
    tags = {
        cachetags.page_tag(specific.id),
        cachetags.CORRECTIONS,
        cachetags.RANKINGS,
        cachetags.MISSING,
        *(cachetags.page_tag(home_id) for home_id in HomePage.objects.values_list("id", flat=True)),
        *(
            cachetags.author_tag(author_id)
            for author_id in specific.authors.values_list("id", flat=True)
        ),
    }
    parent_id = specific.get_parent().id if specific.depth > 1 else None
    if parent_id:
        tags.add(cachetags.page_tag(parent_id))
    if specific.primary_topic_id:
        tags.add(cachetags.page_tag(specific.primary_topic_id))
    return sorted(tags)


def purge_pages_showing(*, page: Page, hard: bool = False) -> None:
    """Purge every cached copy that shows `page`, once the transaction commits: by tag from
    Kisha's page cache and Varnish, by URL from the other fronts (kisha.core.frontend_cache).
    `hard` (an unpublish, a restriction) means no reader may get the old copy again. A purge
    never fails or slows the editor's publish."""

    by_url, by_tag = purge_wanted()
    if by_url or by_tag:
        purge_after_commit(
            urls=urls_showing(page=page) if by_url else [],
            tags=tags_showing(page=page) if by_tag else [],
            hard=hard,
        )


def purge_site(*, page: Page, hard: bool = True) -> None:
    """Purge every cached page of `page`'s site by tag (a view restriction or a move changes
    what every page under it shows); URL-only fronts get the URLs that show `page` and every
    live page under it."""

    by_url, by_tag = purge_wanted()
    site = page.get_site()
    tags = [cachetags.site_tag(site.id)] if by_tag and site is not None else []
    urls: set[str] = set()
    if by_url:
        urls.update(urls_showing(page=page))
        for descendant in page.get_descendants().live().specific().iterator():
            urls.update(urls_showing(page=descendant))
    if urls or tags:
        purge_after_commit(urls=urls, tags=tags, hard=hard)


def purge_author_pages(*, author, hard: bool = False) -> None:
    """Purge an author's profile, the 執筆者 index and the articles that carry the byline."""

    by_url, by_tag = purge_wanted()
    index_page = author_index()
    tags = [cachetags.author_tag(author.id)]
    urls = []
    if index_page is not None:
        tags.append(cachetags.page_tag(index_page.id))
        index_url = index_page.get_full_url() if by_url else None
        if index_url:
            urls = [index_url, f"{index_url}{author.slug}/"]
    if by_url or by_tag:
        purge_after_commit(urls=urls, tags=tags if by_tag else [], hard=hard)


def purge_page_moved_from(*, page: Page, url_path_before: str) -> None:
    """Purge a page's old URL and its continuation pages after its slug changed. The page's
    own tag covers them in every cache, and hard, as for a move: a soft purge would let the
    page cache hand the old copy to readers arriving while the old URL's next render (now a
    redirect or a 404, which may not be stored) is made, again and again."""

    purge_after_commit(tags=[cachetags.page_tag(page.id)], hard=True)
    by_url, _ = purge_wanted()
    if not by_url:
        return
    specific = page.specific
    old = Page(id=specific.id, path=specific.path, depth=specific.depth, url_path=url_path_before)
    own = old.get_full_url()
    if not own:
        return
    urls = [own]
    if isinstance(specific, ArticlePage):
        count = article_page_count(article=specific)
        urls.extend(f"{own}{number}/" for number in range(2, count + 1))
    purge_after_commit(urls=urls)


def site_ensure_home(*, title: str, hostname: str = "localhost", port: int = 80):
    """Make a HomePage the root of the default Site, replacing Wagtail's welcome page.

    Idempotent: a second call returns the existing home page. Returns the HomePage.
    """
    with transaction.atomic():
        home = HomePage.objects.first()
        if home is None:
            root = Page.get_first_root_node()
            # Wagtail's migrations leave a plain "Welcome to your new Wagtail site!" page at the
            # top; it has no content and would take the home page's slug.
            for placeholder in root.get_children().filter(content_type__model="page"):
                Site.objects.filter(root_page=placeholder).update(root_page=root)
                placeholder.delete()
            home = HomePage(title=title, slug="home", seo_title=title)
            root.add_child(instance=home)
            home.save_revision().publish()
        site = Site.objects.filter(is_default_site=True).first()
        if site is None:
            Site.objects.create(
                hostname=hostname, port=port, root_page=home, is_default_site=True, site_name=title
            )
        elif site.root_page_id != home.id:
            site.root_page = home
            site.site_name = title
            site.save()
        Site.clear_site_root_paths_cache()
    return home


def article_normalise_text(*, article) -> list[Change]:
    """Set an article's headline, short headline, listing title, lead and caption in house
    style (kisha.core.characters), as the admin form does; for pages made outside the admin."""
    values = {name: getattr(article, name) for name in ARTICLE_NORMALISED}
    changes = normalise_fields(values, ARTICLE_NORMALISED)
    for name, value in values.items():
        setattr(article, name, value)
    return changes


def article_slug_new(*, when=None) -> str:
    """A new article's short, stable slug: the JST date and that day's next number,
    `20261129-3`, as Japanese news sites number their stories. The number comes from a row
    incremented in the database, so two editors creating articles at once never share one;
    a number some page already carries (a slug typed by hand) is skipped."""
    day = (when or timezone.now()).astimezone(JST).date()
    while True:
        with transaction.atomic():
            try:
                with transaction.atomic():
                    counter, _ = ArticleSlugCounter.objects.get_or_create(day=day)
            except IntegrityError:  # another editor created the day's row at the same moment
                counter = ArticleSlugCounter.objects.get(day=day)
            ArticleSlugCounter.objects.filter(pk=counter.pk).update(last=F("last") + 1)
            number = ArticleSlugCounter.objects.values_list("last", flat=True).get(pk=counter.pk)
        slug = f"{day:%Y%m%d}-{number}"
        if not ArticlePage.objects.filter(slug=slug).exists():
            return slug


class ArticleKillError(Exception):
    """An article that cannot be withdrawn (not live) or a user who may not withdraw it."""


def article_kill(*, article, user, reason: str = "", show_notice: bool = True):
    """記事取り消し: unpublish `article` everywhere (Wagtail's unpublish, so listings, search,
    rankings, recommendations and feeds drop it and the partner feed lists it as taken down),
    purge every cache that showed it (the unpublish signal, hard), and record who withdrew it,
    when and why. With `show_notice` its URL answers 410 with the reason
    (kisha.news.middleware.KillNoticeMiddleware); without, 404."""
    article = article.specific
    if not isinstance(article, ArticlePage):
        raise ArticleKillError("記事ではないページは取り消せません。")
    if not article.live:
        raise ArticleKillError("公開されていない記事は取り消せません。")
    if not article.permissions_for_user(user).can_unpublish():
        raise ArticleKillError("この記事を取り消す権限がありません。")
    url_parts = article.get_url_parts()
    path = url_parts[2] if url_parts else article.url_path
    with transaction.atomic():
        kill = ArticleKill.objects.create(
            page=article,
            title=article.title[:255],
            path=path[:500],
            reason=reason[:1000],
            show_notice=show_notice,
            killed_by=user,
        )
        article.unpublish(user=user, log_action=True)
    return kill


def article_kill_notice(*, path: str):
    """The withdrawal notice to show at `path` (an article's URL or one of its continuation
    pages `<url>N/`), or None: the latest kill there with a notice, unless the page is live
    again."""
    # A stored URL is at most 500 characters and has no NUL (which PostgreSQL refuses to
    # compare): anything else was never an article's URL.
    if len(path) > 500 or "\x00" in path:
        return None
    candidates = [path]
    match = re.fullmatch(r"(.*/)[0-9]+/", path)
    if match:
        candidates.append(match.group(1))
    kill = (
        ArticleKill.objects.filter(path__in=candidates)
        .select_related("page")
        .order_by("-killed_at", "-id")
        .first()
    )
    if kill is None or not kill.show_notice or (kill.page is not None and kill.page.live):
        return None
    return kill


class ArticleDraftError(Exception):
    """A draft that cannot be made (its section is gone); the message is for the editor."""


def article_draft_from_wire(
    *,
    section_id: int,
    title: str,
    lead: str,
    body: list,
    hero_image=None,
    hero_caption: str = "",
    wire_credit: str = "",
    original_headline: str = "",
    original_author: str = "",
    owner=None,
    go_live_at=None,
):
    """A DRAFT ArticlePage under section `section_id` made from an agency item (kisha.wire's
    記事化), with a new short slug and a first revision saved by `owner`. `body` is raw
    StreamField data; text fields are cut to their column's length here, so a long agency
    headline or credit never fails the save. Raises ArticleDraftError when the section does not
    exist (deleted since the item was mapped)."""
    section = SectionPage.objects.filter(pk=section_id).first()
    if section is None:
        raise ArticleDraftError("セクションが見つかりません。配信元の分類対応を確認してください。")
    page = ArticlePage(
        title=title[:255],
        slug=article_slug_new(),
        lead=lead[:1000],
        body=body,
        hero_image=hero_image,
        hero_caption=hero_caption[:300],
        wire_credit=wire_credit[:100],
        original_headline=original_headline[:300],
        original_author=original_author[:200],
        owner=owner,
        live=False,
        go_live_at=go_live_at,
    )
    section.add_child(instance=page)
    page.save_revision(user=owner, log_action=True)
    return page


def article_withdraw(*, article_ids: list[int]) -> int:
    """Unpublish the live articles among `article_ids` (stories whose agency copy was withheld
    or canceled); the pages stay as drafts for an editor to look at. Wagtail's unpublish, so
    every listing, feed and cache drops them. Returns how many were unpublished."""
    if not article_ids:
        return 0
    count = 0
    for page in ArticlePage.objects.filter(pk__in=article_ids, live=True):
        page.unpublish(user=None, log_action=True)
        count += 1
    return count
