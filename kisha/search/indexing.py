"""The index side of the search backend: each object's text, tokenized, in one row per object.

``SearchDocument`` holds three weighted columns (title, lead, body) of tokens from
``tokenizer.index_text``; SQLite mirrors them into an FTS5 table, PostgreSQL into generated
tsvector columns (migrations). Wagtail's signal handlers call ``KishaIndex`` on save, publish and
delete; ``update_index`` uses ``KishaRebuilder``; ``services.search_rebuild`` calls
``texts_columns`` in worker processes.
"""

from __future__ import annotations

import hashlib

from modelsearch.backends.base import (
    BaseIndex,
)
from modelsearch.index import RelatedFields, SearchField, get_indexed_models
from modelsearch.utils import get_content_type_pk, get_descendants_content_types_pks

from django.db import router, transaction
from django.db.models import CharField, QuerySet
from django.db.models.functions import Cast
from django.utils.encoding import force_str

from .models import SearchDocument
from .tokenizer import index_text

# Fields indexed in the middle weight: texts that summarise the story, above its body.
LEAD_FIELDS = frozenset({"short_headline", "lead", "listing_title", "listing_summary"})
# Index text kept per column. PostgreSQL refuses a tsvector over 1 MB; a story long enough to
# reach this has said what it is about long before the cut.
MAX_COLUMN_CHARS = 300_000


def _prepare_value(value) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list | tuple):
        return "\n".join(_prepare_value(item) for item in value)
    if isinstance(value, dict):
        return "\n".join(_prepare_value(item) for item in value.values())
    return "" if value is None else force_str(value)


def _field_texts(obj, fields):
    """(field name, text) of every SearchField of ``obj``, following RelatedFields."""
    for field in fields:
        if isinstance(field, SearchField):
            yield field.field_name, _prepare_value(field.get_value(obj))
        elif isinstance(field, RelatedFields):
            related = field.get_value(obj)
            if related is None:
                continue
            if hasattr(related, "all"):
                related = related.all()
            elif callable(related):
                related = related()
            for sub in related if isinstance(related, QuerySet | list) else [related]:
                # A related object's text summarises rather than headlines the parent.
                for _name, text in _field_texts(sub, field.fields):
                    yield "listing_summary", text


def _cap(tokens: str) -> str:
    if len(tokens) <= MAX_COLUMN_CHARS:
        return tokens
    return tokens[:MAX_COLUMN_CHARS].rsplit(" ", 1)[0]


def document_texts(obj) -> dict[str, str]:
    """The text of ``obj`` to index, by column: title, lead and body."""
    parts: dict[str, list[str]] = {"title": [], "lead": [], "body": []}
    for name, text in _field_texts(obj, obj.get_search_fields()):
        if not text:
            continue
        column = "title" if name == "title" else "lead" if name in LEAD_FIELDS else "body"
        parts[column].append(text)
    return {column: "\n".join(texts) for column, texts in parts.items()}


def texts_columns(texts: dict[str, str]) -> dict[str, str]:
    """Index text per column; pure Python, so a rebuild can run it in worker processes."""
    return {column: _cap(index_text(text)) for column, text in texts.items()}


def document_columns(obj) -> dict[str, str]:
    """The index text of ``obj`` for the title, lead and body columns."""
    return texts_columns(document_texts(obj))


OBJECT_BITS = 40  # room for primary keys up to 1.1 × 10¹²


def document_id(content_type_id: int, pk) -> int:
    """The row id (and FTS5 rowid) of an object's index row, computed rather than allocated.

    An integer key is packed as ``content type << 40 | pk``, so SQLite reads the matching
    objects' keys straight from the FTS5 rowids, with the content type as a rowid range, and
    never touches the wide rows of the table. Any other key gets a stable negative hash, out of
    that range.
    """
    if isinstance(pk, int) and 0 <= pk < 1 << OBJECT_BITS:
        return content_type_id << OBJECT_BITS | pk
    digest = hashlib.blake2b(f"{content_type_id}:{pk}".encode(), digest_size=8).digest()
    return -(int.from_bytes(digest, "big") >> 2) - 1


class KishaIndex(BaseIndex):
    """All models share one table, keyed by content type and primary key."""

    def __init__(self, backend):
        super().__init__(backend)
        self.alias = router.db_for_write(SearchDocument)

    def get_key(self):
        return "kisha"

    def add_model(self, model):
        pass  # one table for every model: nothing to create

    def refresh(self):
        pass  # writes are visible at commit

    def reset(self):
        SearchDocument.objects.using(self.alias).all().delete()

    def add_item(self, obj):
        self.add_items(type(obj), [obj])

    def add_items(self, model, items):
        if not model.get_search_fields():
            return
        self.add_columns(model, [(item.pk, document_columns(item)) for item in items])

    def add_columns(self, model, rows: list[tuple[object, dict[str, str]]]) -> None:
        """Insert or replace the rows of ``model`` objects, given as (pk, index columns)."""
        content_type_id = get_content_type_pk(model)
        rows = [
            SearchDocument(
                id=document_id(content_type_id, pk),
                content_type_id=content_type_id,
                object_id=force_str(pk),
                **columns,
            )
            for pk, columns in rows
        ]
        SearchDocument.objects.using(self.alias).bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["content_type", "object_id"],
            update_fields=["title", "lead", "body"],
        )

    def delete_item(self, item):
        SearchDocument.objects.using(self.alias).filter(
            content_type_id__in=get_descendants_content_types_pks(type(item)),
            object_id=force_str(item.pk),
        ).delete()

    def delete_stale_entries(self):
        """Drop rows of objects that no longer exist (deleted while indexing was off)."""
        for model in get_indexed_models():
            if model._meta.parents:
                continue  # rows of a child model go with its concrete root's rows
            existing = model._default_manager.annotate(
                _search_id=Cast("pk", output_field=CharField())
            ).values("_search_id")
            SearchDocument.objects.using(self.alias).filter(
                content_type_id__in=get_descendants_content_types_pks(model)
            ).exclude(object_id__in=existing).delete()


class KishaRebuilder:
    """``update_index``: the whole rebuild in one transaction, so searches never see it half done."""

    def __init__(self, index: KishaIndex):
        self.index = index
        self.atomic = transaction.atomic(using=index.alias)

    def start(self):
        self.atomic.__enter__()
        self.index.delete_stale_entries()
        return self.index

    def finish(self):
        self.atomic.__exit__(None, None, None)
