"""The public search page and its OpenSearch description."""

from __future__ import annotations

import time

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from kisha.news.selectors import sections

from .forms import SearchForm
from .metrics import SEARCH_SECONDS
from .selectors import (
    article_search,
    search_hits,
    search_page,
    search_query,
    search_section,
    search_suggestions,
    search_total,
)


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    started = time.perf_counter()
    form = SearchForm(request.GET)
    form.is_valid()
    q = form.value("q") or ""
    compiled = search_query(q=q)
    query = compiled.query
    section = search_section(slug=form.value("section"))
    sort = form.value("sort") or "relevance"
    context = {
        "form": form,
        "q": q,
        "query": query,
        "section": section,
        "sort": sort,
        "sections": sections(),
        "filtered": bool(section or form.value("date_from") or form.value("date_to")),
    }
    if query.required:
        results = article_search(
            query=compiled,
            section=section,
            date_from=form.value("date_from"),
            date_to=form.value("date_to"),
            sort=sort,
        )
        page = search_page(results=results, number=request.GET.get("page"))
        context["page_obj"] = page
        context["total"], context["more"] = search_total(page=page)
        context["hits"] = search_hits(page=page, query=query)
        if not context["hits"]:
            context["suggestions"] = search_suggestions(query=query)
        params = request.GET.copy()
        params.pop("page", None)
        context["base_query"] = params.urlencode()
    response = render(request, "search/search.html", context)
    # A results page is a copy of articles that exist elsewhere: keep it out of search engines.
    response["X-Robots-Tag"] = "noindex"
    if query.required:  # an empty form is not a search: it would flatter the histogram
        SEARCH_SECONDS.observe(time.perf_counter() - started)
    return response


@require_safe
def opensearch(request: HttpRequest) -> HttpResponse:
    context = {"search_url": request.build_absolute_uri(reverse("search:search"))}
    return render(
        request,
        "search/opensearch.xml",
        context,
        content_type="application/opensearchdescription+xml; charset=utf-8",
    )
