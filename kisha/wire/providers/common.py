"""Value helpers shared by the providers: HTML sanitising, dates, status codes.

They raise :class:`EntryInvalid` with a message naming the field, so a provider can turn any
bad value into a per-entry error without special cases.
"""

from __future__ import annotations

import datetime as dt
import html
import math
import re
import urllib.parse

import nh3

from kisha.wire.providers.base import PUBSTATUSES, EntryInvalid, PubStatus

# What an article body may keep: structure and emphasis, nothing that runs or styles.
ALLOWED_TAGS: frozenset[str] = frozenset(
    {"p", "h2", "h3", "blockquote", "ul", "ol", "li", "strong", "em", "a", "br"}
)
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {"a": {"href"}}
URL_SCHEMES: frozenset[str] = frozenset({"http", "https", "mailto"})

# XML/ASCII whitespace only: U+3000 (全角スペース) is deliberate typography in Japanese copy.
_WS = re.compile(r"[ \t\r\n\f\v]+")


def sanitize_html(markup: str) -> str:
    """Reduce agency HTML to the tags an article body may hold (nh3 does the parsing)."""
    if not markup or not markup.strip():
        return ""
    return nh3.clean(
        markup,
        tags=set(ALLOWED_TAGS),
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer",
    ).strip()


def text_to_html(text: str) -> str:
    """Plain text to paragraphs: blank lines split paragraphs, single newlines become <br>."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text.replace("\r\n", "\n"))]
    parts = []
    for paragraph in paragraphs:
        if paragraph:
            lines = (html.escape(line.strip(), quote=False) for line in paragraph.split("\n"))
            parts.append("<p>" + "<br>".join(lines) + "</p>")
    return "".join(parts)


def html_to_text(markup: str) -> str:
    """Markup to one line of plain text (for headlines, summaries, captions)."""
    if not markup:
        return ""
    stripped = nh3.clean(markup, tags=set())
    return collapse(html.unescape(stripped))


def collapse(text: str | None) -> str:
    """Collapse runs of whitespace (wire XML is pretty-printed) and trim."""
    return _WS.sub(" ", text or "").strip()


def parse_datetime(value: object, field: str) -> dt.datetime | None:
    """ISO 8601 text to an aware UTC datetime; naive values are taken as UTC."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise EntryInvalid(f"{field} must be an ISO 8601 string, got {type(value).__name__}")
    try:
        parsed = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        raise EntryInvalid(f"{field} is not an ISO 8601 date-time: {value[:60]!r}") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed.astimezone(dt.UTC)


def parse_pubstatus(value: object, field: str = "pubstatus") -> PubStatus:
    """Normalise ``usable``/``stat:usable``/a NewsCodes URI; absent means usable."""
    if value is None or value == "":
        return "usable"
    if not isinstance(value, str):
        raise EntryInvalid(f"{field} must be text, got {type(value).__name__}")
    code = value.strip().rsplit("/", 1)[-1].rsplit(":", 1)[-1].lower()
    if code == "cancelled":  # British spelling seen in the wild
        code = "canceled"
    if code not in PUBSTATUSES:
        raise EntryInvalid(f"{field} {value!r} is not usable, withheld or canceled")
    return code  # type: ignore[return-value]


def parse_urgency(value: object, field: str = "urgency") -> int | None:
    """Urgency 1 (highest) to 9; numbers or numeric strings, anything else is an error."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise EntryInvalid(f"{field} must be a number 1-9, got {value!r}")
    if isinstance(value, str):
        value = value.strip()
        if not value.isdigit():
            raise EntryInvalid(f"{field} must be a number 1-9, got {value[:20]!r}")
        value = int(value)
    if isinstance(value, float):
        if not math.isfinite(value) or not value.is_integer():
            raise EntryInvalid(f"{field} must be a whole number 1-9, got {value!r}")
        value = int(value)
    if not isinstance(value, int) or not 1 <= value <= 9:
        raise EntryInvalid(f"{field} must be a number 1-9, got {value!r}")
    return value


def parse_version(value: object, field: str = "version") -> int | None:
    """A non-negative integer version, given as a number or digits; absent gives None."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise EntryInvalid(f"{field} must be an integer, got {value!r}")
    if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) <= 18:
        return int(value.strip())
    if isinstance(value, int) and 0 <= value < 10**18:
        return value
    raise EntryInvalid(f"{field} must be a non-negative integer, got {str(value)[:30]!r}")


def version_from_time(moment: dt.datetime | None) -> int:
    """Epoch seconds as a version, for formats whose only version signal is a timestamp."""
    return int(moment.timestamp()) if moment is not None else 1


def web_url(value: object) -> str:
    """Keep an absolute http(s) URL; anything else (file:, relative, javascript:) becomes ''."""
    if not isinstance(value, str):
        return ""
    url = value.strip()
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        return ""
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return ""
    return url


def text_field(value: object, field: str) -> str:
    """A string field that may be absent; wrong types are an entry error, not a crash."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise EntryInvalid(f"{field} must be text, got {type(value).__name__}")
    return value
