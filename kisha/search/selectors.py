"""Reads for the search page: the matching articles, a page of them with snippets, suggestions."""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass

from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.utils.functional import cached_property
from django.utils.safestring import SafeString

from kisha.core.text import JST
from kisha.news.selectors import SectionInfo, article_cards, article_pages, sections

from .highlight import highlight, query_needles, snippet
from .query import CompiledQuery, Query, query_compile

PER_PAGE = 20
MAX_PAGES = 50  # deep pages cost a full ranking each; nobody reads result 1,001


@dataclass(frozen=True)
class SearchHit:
    article: object  # an article as article_cards() gives it
    title: SafeString
    snippet: SafeString


@dataclass(frozen=True)
class Suggestion:
    q: str
    count: int


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=JST)


def article_search(
    *,
    query: CompiledQuery | str,
    section: SectionInfo | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    sort: str = "relevance",
):
    """Live, public articles matching ``query`` through the site's search backend (lazy
    results). The search page passes the query it compiled (``search_query``), which the
    backend uses as it is; a string is compiled by the backend.

    Filters run as ordinary queryset filters before the search, so they narrow the candidates
    rather than a page of results.
    """
    queryset = article_cards()
    if section is not None:
        queryset = queryset.filter(path__startswith=section.path).exclude(path=section.path)
    if date_from is not None:
        queryset = queryset.filter(first_published_at__gte=_day_start(date_from))
    if date_to is not None:
        queryset = queryset.filter(first_published_at__lt=_day_start(date_to + dt.timedelta(1)))
    relevance = sort != "newest"
    return queryset.search(query, order_by_relevance=relevance)


def search_section(*, slug: str | None) -> SectionInfo | None:
    return next((s for s in sections() if s.slug == slug), None) if slug else None


class _CappedResults:
    """Search results whose count stops at what the page can show: counting all 40,000 matches
    of a common word would cost more than finding the first twenty."""

    def __init__(self, results, limit: int):
        self.results = results
        self.limit = limit
        self._count: int | None = None

    def count(self) -> int:
        if self._count is None:
            counter = getattr(self.results, "count_at_most", None)
            self._count = counter(self.limit) if counter else min(self.results.count(), self.limit)
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key):
        return self.results[key]


class _CappedPaginator(Paginator):
    """A paginator whose last page is ``MAX_PAGES`` however many results there are, so the
    shared pagination include stops there by itself."""

    @cached_property
    def num_pages(self) -> int:
        return min(Paginator.num_pages.func(self), MAX_PAGES)


def search_page(*, results, number: int | str | None) -> PaginatorPage:
    """One page of results; out-of-range or junk page numbers give the nearest real page.

    ``paginator.count`` stops at ``PER_PAGE * MAX_PAGES + 1``; ``search_total`` says whether it
    went past what the pages show.
    """
    paginator = _CappedPaginator(_CappedResults(results, PER_PAGE * MAX_PAGES + 1), PER_PAGE)
    try:
        wanted = int(number or 1)
    except (TypeError, ValueError):
        wanted = 1
    return paginator.page(max(1, min(wanted, paginator.num_pages)))


def search_total(*, page: PaginatorPage) -> tuple[int, bool]:
    """(count to show, whether there are more than that)."""
    cap = PER_PAGE * MAX_PAGES
    count = page.paginator.count
    return min(count, cap), count > cap


def search_hits(*, page: PaginatorPage, query: Query) -> list[SearchHit]:
    """The page's articles with title and snippet marked: one query for all their bodies."""
    articles = list(page.object_list)
    bodies = {
        a.pk: html.unescape(a.body_text())
        for a in article_pages().filter(pk__in=[a.pk for a in articles]).only("pk", "body")
    }
    needles = query_needles(query)
    return [
        SearchHit(
            article=a,
            title=highlight(a.title, needles),
            snippet=snippet([a.lead, bodies.get(a.pk, "")], needles),
        )
        for a in articles
    ]


def search_suggestions(*, query: Query, limit: int = 3) -> list[Suggestion]:
    """For an empty result: each word of a multi-word query alone, with how many it finds."""
    if len(query.required) < 2:
        return []
    suggestions = []
    for term in query.required[:limit]:
        word = f'"{term.raw}"' if term.phrase else term.raw
        count = article_cards().search(word, order_by_relevance=False).count()
        if count:
            suggestions.append(Suggestion(q=word, count=count))
    return suggestions


def search_query(*, q: str) -> CompiledQuery:
    """The search box text, parsed and compiled once for the whole request: the results, the
    highlighting (``.query``) and the suggestions all use this one."""
    return query_compile(q)
