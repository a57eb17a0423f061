"""The provider registry: built-ins by name, dotted-path loading, format guessing."""

from __future__ import annotations

import pytest

from kisha.wire.providers import (
    PROVIDERS,
    WireProvider,
    get_provider,
    guess_provider_name,
    import_provider,
    load_providers,
)
from kisha.wire.providers.feed import FeedProvider
from kisha.wire.providers.newsml import NewsMLProvider
from kisha.wire.providers.newsml1 import NewsML1Provider
from kisha.wire.providers.ninjs import NinjsProvider


def test_builtin_providers() -> None:
    assert {
        "ninjs": NinjsProvider,
        "newsml": NewsMLProvider,
        "newsml1": NewsML1Provider,
        "rss": FeedProvider,
    } == PROVIDERS
    for name, cls in PROVIDERS.items():
        provider = get_provider(name)
        assert isinstance(provider, cls) and provider.name == name
        assert provider.content_types


def test_unknown_provider_is_a_clear_error() -> None:
    with pytest.raises(LookupError, match="unknown wire provider 'nitf'.*newsml"):
        get_provider("nitf")


def test_load_from_dotted_paths() -> None:
    assert load_providers({"x": "kisha.wire.providers.ninjs.NinjsProvider"}) == {"x": NinjsProvider}
    with pytest.raises(ImportError, match="not a WireProvider"):
        import_provider("kisha.wire.providers.base.WireEntry")
    with pytest.raises(ImportError):
        import_provider("NoDots")


def test_a_custom_provider_plugs_in() -> None:
    class Custom(WireProvider):
        name = "custom"
        content_types = ("application/x-custom",)

        def parse_document(self, data, *, content_type):
            raise NotImplementedError

    assert Custom().accepts("application/x-custom; charset=utf-8")
    assert not Custom().accepts("text/xml")


@pytest.mark.parametrize(
    ("data", "content_type", "expected"),
    [
        (b'  {"uri": "x"}', None, "ninjs"),
        (b"[]", None, "ninjs"),
        (
            b'<?xml version="1.0"?><newsMessage xmlns="http://iptc.org/std/nar/2006-10-01/">',
            None,
            "newsml",
        ),
        (b'<rss version="2.0">', None, "rss"),
        (b'<feed xmlns="http://www.w3.org/2005/Atom">', "text/xml", "rss"),
        (b"whatever", "application/atom+xml", "rss"),
        (b"whatever", "application/ninjs+json", "ninjs"),
        (b"<html>", "text/html", None),
    ],
)
def test_guess_provider_name(data: bytes, content_type: str | None, expected: str | None) -> None:
    assert guess_provider_name(data, content_type) == expected
