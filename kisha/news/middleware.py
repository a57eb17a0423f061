"""The 記事取り消し notice: a withdrawn article's URL answers 410 Gone with the editor's reason.

A middleware rather than a page route because the page may be deleted after it was withdrawn;
it looks only at Wagtail's 404s, so a live page costs nothing. The notice is not kept by
shared caches (PublicCacheMiddleware stores 200, 301 and 404 only), so republishing the
article shows it again at once.
"""

from __future__ import annotations

from django.template.response import TemplateResponse

from .services import article_kill_notice


class KillNoticeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 404 or request.method not in ("GET", "HEAD"):
            return response

        kill = article_kill_notice(path=request.path)
        if kill is None:
            return response
        notice = TemplateResponse(request, "news/kill_notice.html", {"kill": kill}, status=410)
        notice["Cache-Control"] = "no-cache"
        return notice.render()
