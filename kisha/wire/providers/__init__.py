"""Registry of wire format providers, loaded from dotted paths like Django's contrib back ends.

Built-ins are ``ninjs``, ``newsml`` (NewsML-G2), ``newsml1`` (NewsML 1.x) and ``rss`` (which also reads Atom). A project adds or
replaces one in settings without touching this package::

    KISHA_WIRE_PROVIDERS = {"kyodo": "myproject.wire.KyodoProvider"}

Settings are read only when Django is configured, so the providers stay usable (and testable)
as plain Python.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping

from django.conf import settings

from kisha.wire.conf import conf
from kisha.wire.providers.base import (
    EntryError,
    PackageMember,
    ParseResult,
    Subject,
    WireEntry,
    WireFormatError,
    WireImage,
    WirePackageEntry,
    WirePictureEntry,
    WireProvider,
)

__all__ = [
    "DEFAULT_PROVIDER_PATHS",
    "PROVIDERS",
    "EntryError",
    "PackageMember",
    "ParseResult",
    "Subject",
    "WireEntry",
    "WireFormatError",
    "WireImage",
    "WirePackageEntry",
    "WirePictureEntry",
    "WireProvider",
    "get_provider",
    "guess_provider_name",
    "import_provider",
    "load_providers",
]

DEFAULT_PROVIDER_PATHS: dict[str, str] = {
    "ninjs": "kisha.wire.providers.ninjs.NinjsProvider",
    "newsml": "kisha.wire.providers.newsml.NewsMLProvider",
    "newsml1": "kisha.wire.providers.newsml1.NewsML1Provider",
    "rss": "kisha.wire.providers.feed.FeedProvider",
}


def import_provider(dotted_path: str) -> type[WireProvider]:
    """Import ``package.module.ClassName`` and check it is a :class:`WireProvider`."""
    module_path, _, class_name = dotted_path.rpartition(".")
    if not module_path:
        raise ImportError(f"{dotted_path!r} is not a dotted path to a provider class")
    provider = getattr(importlib.import_module(module_path), class_name, None)
    if not (isinstance(provider, type) and issubclass(provider, WireProvider)):
        raise ImportError(f"{dotted_path!r} is not a WireProvider subclass")
    return provider


def load_providers(paths: Mapping[str, str]) -> dict[str, type[WireProvider]]:
    """Name → provider class for every dotted path given."""
    return {name: import_provider(path) for name, path in paths.items()}


PROVIDERS: dict[str, type[WireProvider]] = load_providers(DEFAULT_PROVIDER_PATHS)


def _settings_paths() -> dict[str, str]:
    if not settings.configured:  # the providers run as plain Python too (tests, scripts)
        return {}
    return dict(conf("KISHA_WIRE_PROVIDERS") or {})


def get_provider(name: str) -> WireProvider:
    """A fresh provider instance by name; settings' ``KISHA_WIRE_PROVIDERS`` take precedence."""
    extra = _settings_paths()
    if name in extra:
        return import_provider(extra[name])()
    try:
        return PROVIDERS[name]()
    except KeyError:
        known = ", ".join(sorted({*PROVIDERS, *extra}))
        raise LookupError(f"unknown wire provider {name!r} (known: {known})") from None


def guess_provider_name(data: bytes, content_type: str | None = None) -> str | None:
    """Best guess at the built-in provider for a document, from its media type or first bytes.

    Used when a source's format is not configured; a wrong guess only costs a clear
    :class:`WireFormatError` from the chosen provider.
    """
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    generic = {"application/xml", "text/xml", "application/octet-stream", "text/plain", ""}
    if media_type not in generic:
        for name in ("ninjs", "rss", "newsml", "newsml1"):
            if media_type in PROVIDERS[name].content_types:
                return name
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head[:1] in (b"{", b"["):
        return "ninjs"
    # NewsML 1.x: its root and item elements are capitalised, unlike NewsML-G2's.
    if b"<NewsML" in head or b"<NewsItem" in head:
        return "newsml1"
    if (
        b"<newsItem" in head
        or b"<newsMessage" in head
        or b"<packageItem" in head
        or b"iptc.org/std/nar" in head
    ):
        return "newsml"
    if any(marker in head for marker in (b"<rss", b"<feed", b"<rdf:RDF", b"<RDF")):
        return "rss"
    return None
