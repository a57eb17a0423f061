"""Paging a listing from `?page=`: one rule for every listing page."""

from __future__ import annotations

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import Http404


def paginate(request, items, per_page: int, *, count: int | None = None):
    """A page of `items` from `?page=`; a malformed or out-of-range number is a 404. `count`,
    when the caller has a cheaper way to know it, saves the paginator its COUNT query."""
    paginator = Paginator(items, per_page)
    if count is not None:
        paginator.count = count
    number = request.GET.get("page", "1")
    try:
        return paginator.page(number)
    except (PageNotAnInteger, EmptyPage) as exc:
        raise Http404("ページが見つかりません") from exc
