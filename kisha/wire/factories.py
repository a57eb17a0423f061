"""Factories and document builders for the wire, used by tests (and benchmarks) like
kisha/news/factories.py: sources, and the NewsML-G2 envelope that carries items, pictures and
packages in one document."""

from __future__ import annotations

import factory

from .models import WireSource

# The NewsML-G2 namespace (IPTC NAR 2006-10-01).
NAR = "http://iptc.org/std/nar/2006-10-01/"


class WireSourceFactory(factory.django.DjangoModelFactory):
    """An agency fed by hand (no URL or drop folder): name, format and credit set."""

    class Meta:
        model = WireSource

    name = factory.Sequence(lambda n: f"通信社{n}")
    format = "ninjs"
    credit = factory.LazyAttribute(lambda source: source.name)


def g2_message(*items: str, sent: str = "") -> bytes:
    """A NewsML-G2 newsMessage holding ``items`` (newsItem/packageItem XML), UTF-8 encoded;
    ``sent`` adds a header with that time."""
    header = f"<header><sent>{sent}</sent></header>" if sent else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><newsMessage xmlns="{NAR}">'
        f"{header}<itemSet>{''.join(items)}</itemSet></newsMessage>"
    ).encode()
