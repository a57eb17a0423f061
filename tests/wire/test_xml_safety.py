"""XML bombs, external entities and external DTDs are refused by both XML providers."""

from __future__ import annotations

import time

import pytest

from kisha.wire.providers import WireFormatError, get_provider
from tests.wire.conftest import LocalServer, respond

LAUGHS = "\n".join(f' <!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, 10))
BILLION_LAUGHS_PROLOGUE = f"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol0 "lol">
{LAUGHS}
]>"""
NEWSML_BOMB = (
    BILLION_LAUGHS_PROLOGUE
    + '<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="x" version="1">'
    "<contentMeta><headline>&lol9;</headline></contentMeta></newsItem>"
).encode()
RSS_BOMB = (
    BILLION_LAUGHS_PROLOGUE + '<rss version="2.0"><channel><title>&lol9;</title>'
    "<item><title>&lol9;</title><guid>g</guid></item></channel></rss>"
).encode()
SMALL_BOMB = (  # below libxml2's own amplification limit: our rule must still refuse it
    b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;">]>'
    b'<rss version="2.0"><channel><title>&b;</title><item><title>&b;</title></item></channel></rss>'
)


@pytest.mark.parametrize(("provider", "data"), [("newsml", NEWSML_BOMB), ("rss", RSS_BOMB)])
def test_billion_laughs_is_rejected_quickly(provider: str, data: bytes) -> None:
    started = time.monotonic()
    with pytest.raises(WireFormatError) as caught:
        get_provider(provider).parse(data)
    assert time.monotonic() - started < 1.0
    assert "entit" in caught.value.message


@pytest.mark.parametrize("provider", ["newsml", "rss"])
def test_small_entity_expansion_is_refused_too(provider: str) -> None:
    with pytest.raises(WireFormatError, match="entit"):
        get_provider(provider).parse(SMALL_BOMB)


def _xxe(root: str) -> bytes:
    return (
        '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>' + root
    ).encode()


@pytest.mark.parametrize(
    ("provider", "data"),
    [
        (
            "newsml",
            _xxe(
                '<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="x">'
                "<contentMeta><headline>&xxe;</headline></contentMeta></newsItem>"
            ),
        ),
        (
            "rss",
            _xxe(
                '<rss version="2.0"><channel><title>t</title>'
                "<item><title>&xxe;</title><guid>g</guid></item></channel></rss>"
            ),
        ),
    ],
)
def test_external_entity_does_not_leak_files(provider: str, data: bytes) -> None:
    try:
        result = get_provider(provider).parse(data)
    except WireFormatError as exc:
        assert "root:" not in exc.message
    else:  # pragma: no cover - the providers refuse; this documents what must never happen
        assert all("root:" not in e.headline + e.body_html for e in result.entries)
        pytest.fail("a document declaring an external entity was accepted")


@pytest.mark.parametrize("provider", ["newsml", "rss"])
def test_external_dtd_and_parameter_entities_are_not_fetched(
    provider: str, local_server: LocalServer
) -> None:
    local_server.routes["/evil.dtd"] = lambda h: respond(h, 200, b'<!ENTITY leak "LEAKED">')
    dtd_url = local_server.url("/evil.dtd")
    root = (
        '<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="x" version="1">'
        '<itemMeta><itemClass qcode="ninat:text"/></itemMeta>'
        "<contentMeta><headline>safe</headline></contentMeta></newsItem>"
        if provider == "newsml"
        else '<rss version="2.0"><channel><title>t</title>'
        "<item><title>safe</title><guid>g</guid></item></channel></rss>"
    )
    external = f'<?xml version="1.0"?><!DOCTYPE r SYSTEM "{dtd_url}">{root}'.encode()
    parameter = (
        f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY % p SYSTEM "{dtd_url}"> %p;]>{root}'
    ).encode()
    # A bare external DTD reference is ignored (never loaded), so the document still parses.
    result = get_provider(provider).parse(external)
    assert [e.headline for e in result.entries] == ["safe"]
    with pytest.raises(WireFormatError):
        get_provider(provider).parse(parameter)
    time.sleep(0.1)
    assert local_server.requests == []


@pytest.mark.parametrize("provider", ["newsml", "rss"])
def test_local_external_dtd_is_not_read(provider: str, tmp_path) -> None:
    dtd = tmp_path / "evil.dtd"
    dtd.write_text('<!ENTITY leak "LEAKED">')
    root = (
        '<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="x" version="1">'
        '<itemMeta><itemClass qcode="ninat:text"/></itemMeta>'
        "<contentMeta><headline>safe&leak;</headline></contentMeta></newsItem>"
        if provider == "newsml"
        else '<rss version="2.0"><channel><title>t</title>'
        "<item><title>safe&leak;</title><guid>g</guid></item></channel></rss>"
    )
    for system_id in (str(dtd), dtd.as_uri(), "/dev/zero"):
        data = f'<?xml version="1.0"?><!DOCTYPE r SYSTEM "{system_id}">{root}'.encode()
        started = time.monotonic()
        try:
            result = get_provider(provider).parse(data)
        except WireFormatError:
            pass
        else:
            assert all("LEAKED" not in e.headline for e in result.entries)
        assert time.monotonic() - started < 1.0
