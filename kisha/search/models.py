"""The search index: one row of index terms per indexed object, for every model Wagtail indexes.

Columns hold ``tokenizer.index_text`` output (tokens separated by spaces), split by weight:
``title`` (the headline), ``lead`` (short headline, lead, listing texts) and ``body``. The full-text
structure lives beside the table and is vendor-specific, created by migration 0001: an FTS5 table
with triggers on SQLite, a generated weighted ``tsvector`` column with a GIN index on PostgreSQL.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import models


class SearchDocument(models.Model):
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.CharField(max_length=50)  # text, as primary keys need not be integers
    title = models.TextField(blank=True, default="")
    lead = models.TextField(blank=True, default="")
    body = models.TextField(blank=True, default="")

    # The reference index has nothing to learn from index rows.
    wagtail_reference_index_ignore = True

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"], name="search_document_unique_object"
            )
        ]
        verbose_name = "検索インデックス行"
        verbose_name_plural = "検索インデックス行"

    def __str__(self) -> str:
        return f"{self.content_type_id}:{self.object_id}"
