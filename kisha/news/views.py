"""The 訂正・おわび list: every correction on the site, newest first (docs/corrections.md)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from kisha.core.cachetags import CORRECTIONS, tags_add
from kisha.core.pagination import paginate

from .selectors import corrections_listing

CORRECTIONS_PER_PAGE = 30


@require_safe
def corrections(request: HttpRequest) -> HttpResponse:
    page = paginate(request, corrections_listing(), CORRECTIONS_PER_PAGE)
    for correction in page.object_list:
        correction.article_url = correction.article.get_url(request=request)
    # Every article's publish and unpublish purges this tag (news.services.tags_showing).
    tags_add(request, CORRECTIONS)
    return render(request, "news/corrections_page.html", {"corrections": page})
