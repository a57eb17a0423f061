"""Wire ingest: format providers (ninjs, NewsML-G2, RSS/Atom), decoding and a safe fetcher.

The providers turn bytes into :class:`~kisha.wire.providers.base.WireEntry` values and know
nothing about Django models, so they can be tested and reused without a database.
"""
