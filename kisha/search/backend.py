"""Wagtail search backend that indexes Japanese text with ``kisha.search.tokenizer``.

Set ``WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "kisha.search.backend"}}``. Wagtail's own
signal handlers then reindex a page when it is saved, published or deleted, ``update_index``
rebuilds everything, and every ``.search()`` (the public search page, the admin's page listing
and choosers, image and document search) goes through the queries built here.

Wagtail's database backend is not subclassed: it stores each run of Japanese as one word and its
SQLite ranking runs the full-text query once per result row. This backend keeps one row of index
terms per object in ``SearchDocument`` (three weighted columns) and asks SQLite FTS5 or
PostgreSQL's tsvector, whichever the site runs on, through ``vendor.py``.

Indexing lives in ``indexing.py``, query planning in ``planning.py``; this module is the
backend Wagtail loads, which puts them together.
"""

from __future__ import annotations

from modelsearch.backends.base import BaseSearchBackend

from .indexing import KishaIndex, KishaRebuilder
from .planning import KishaSearchQueryCompiler, KishaSearchResults


class KishaSearchBackend(BaseSearchBackend):
    query_compiler_class = KishaSearchQueryCompiler
    # Autocomplete (the admin's choosers) is the same search: a one-character term is already a
    # prefix, and a longer one matches inside words through the bigrams.
    autocomplete_query_compiler_class = KishaSearchQueryCompiler
    index_class = KishaIndex
    results_class = KishaSearchResults
    rebuilder_class = KishaRebuilder

    def get_index_for_model(self, model):
        return self.index_class(self)

    def get_index_for_object(self, obj):
        return self.index_class(self)

    def all_indexes(self):
        return [self.index_class(self)]


SearchBackend = KishaSearchBackend
