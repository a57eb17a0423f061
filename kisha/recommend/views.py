"""`/api/recommend/`: the per-reader fragment the script swaps into the blocks."""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.views.decorators.csrf import csrf_exempt

from kisha.core.clients import content_length, is_bot

from .conf import conf
from .fragments import split
from .history import history_from_body, history_from_query
from .selectors import reader_items

logger = logging.getLogger("kisha.recommend")


def _answer(body: str = "", *, status: int = 200) -> HttpResponse:
    response = HttpResponse(body, status=status, content_type="text/html; charset=utf-8")
    # Per reader: no shared cache may keep it, and the browser need not either.
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


@csrf_exempt  # no session, no cookie, nothing written: there is nothing to forge
def recommend_api(request: HttpRequest) -> HttpResponse:
    """POST `{"history": [ids…]}` (the script) or GET `?h=ids`: the reader's lists as HTML,
    `<ol data-recommend-part="main">…</ol><ol data-recommend-part="side">…</ol>`.

    Bad input gets a bounded answer: an oversized body 413, a body that is not JSON 400,
    unknown, unpublished or nonsense ids are ignored; a crawler gets the lists for nobody.
    A failure inside is a 503 with an empty body — the page keeps its related list."""
    if request.method not in ("GET", "HEAD", "POST"):
        response = _answer(status=405)
        response["Allow"] = "GET, HEAD, POST"
        return response
    limit = int(conf("KISHA_RECOMMEND_MAX_BODY"))
    if request.method == "POST":
        length = content_length(request.META)
        if length is not None and length > limit:
            return _answer(status=413)
        body = request.read(limit + 1)
        if len(body) > limit:
            return _answer(status=413)
        history = history_from_body(body)
        if history is None:
            return _answer(status=400)
    else:
        history = history_from_query(request.GET.get("h", ""))
    if is_bot(request.headers.get("User-Agent", "")):
        history = []
    try:
        items = reader_items(
            history=history, limit=int(conf("KISHA_RECOMMEND_STORED")), request=request
        )
        main, side = split(items)
        html = render_to_string("recommend/fragment.html", {"main": main, "side": side})
    except Exception:
        logger.exception("recommend: the per-reader answer failed")
        return _answer(status=503)
    return _answer(html)
