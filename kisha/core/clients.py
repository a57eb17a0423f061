"""Who is asking, for endpoints that answer scripts: crawlers by the maintained crawlerdetect list,
and a request body's declared length. Shared by the view beacon (kisha.rankings) and the
per-reader recommendations (kisha.recommend)."""

from __future__ import annotations

from functools import lru_cache

from crawlerdetect import CrawlerDetect

_detector = CrawlerDetect()


@lru_cache(maxsize=4096)
def _is_crawler(user_agent: str) -> bool:
    return _detector.isCrawler(user_agent)


def is_bot(user_agent: str) -> bool:
    """A crawler by the maintained crawlerdetect list; a missing user agent is not a browser.
    Results are cached per user agent: real traffic repeats a few thousand strings, and the
    list's regular expression costs about 0.2 ms a call."""
    user_agent = user_agent.strip()[:512]
    return not user_agent or _is_crawler(user_agent)


def content_length(environ: dict) -> int | None:
    """The body length a WSGI request declares, None when missing, malformed or negative."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or "")
    except ValueError:
        return None
    return length if length >= 0 else None
