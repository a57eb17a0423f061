"""Stored recommendation data: per-article term vectors, their postings, document
frequencies, the related lists, and editors' pins and blocks per section.

Everything here but the rules is derived and can be rebuilt by `manage.py recommend_refresh`.
"""

from django.db import models


class ArticleVector(models.Model):
    """One eligible article's terms: raw weighted counts (title ×3, lead ×2, body ×1), kept so
    a refresh recomputes TF-IDF without tokenizing again, and what the scoring bonuses read."""

    article = models.OneToOneField(
        "news.ArticlePage", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    counts = models.JSONField(default=dict)
    topic_id = models.IntegerField(null=True)
    tags = models.JSONField(default=list)
    published_at = models.DateTimeField(null=True)
    # The article's last_published_at when counts were taken: a refresh tokenizes only changes.
    source_at = models.DateTimeField(null=True)

    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = "記事ベクトル"
        verbose_name_plural = "記事ベクトル"

    def __str__(self) -> str:
        return f"vector of {self.article_id}"


class TermPosting(models.Model):
    """An inverted index over the vectors: which articles weigh a term, and how much. Read
    heaviest first and capped per term, so a common word costs no more than a rare one."""

    term = models.CharField(max_length=64)
    article_id = models.IntegerField()
    weight = models.FloatField()

    wagtail_reference_index_ignore = True

    class Meta:
        indexes = [
            models.Index(fields=["term", "-weight"], name="recommend_posting_term"),
            models.Index(fields=["article_id"], name="recommend_posting_article"),
        ]

    def __str__(self) -> str:
        return f"{self.term} → {self.article_id}"


class TermStat(models.Model):
    """How many articles hold a term (document frequency), from the last full refresh."""

    term = models.CharField(max_length=64, primary_key=True)
    df = models.IntegerField()

    wagtail_reference_index_ignore = True

    def __str__(self) -> str:
        return f"{self.term} ({self.df})"


class RelatedArticle(models.Model):
    """An article's related list, best first. Rows are read through the news listing rules,
    so an article unpublished or restricted since it was computed never shows."""

    article_id = models.IntegerField()
    related_id = models.IntegerField()
    score = models.FloatField()
    rank = models.PositiveSmallIntegerField()

    wagtail_reference_index_ignore = True

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article_id", "rank"], name="recommend_related_rank")
        ]
        indexes = [models.Index(fields=["related_id"], name="recommend_related_related")]
        ordering = ["article_id", "rank"]
        verbose_name = "関連記事"
        verbose_name_plural = "関連記事"

    def __str__(self) -> str:
        return f"{self.article_id} #{self.rank} → {self.related_id}"


class RecommendRule(models.Model):
    """An editor's say over the block in one section: an article pinned to the top of every
    list shown on that section's articles, or kept out of them."""

    PIN = "pin"
    BLOCK = "block"
    ACTIONS = [(PIN, "先頭に固定する"), (BLOCK, "表示しない")]

    section = models.ForeignKey(
        "news.SectionPage", on_delete=models.CASCADE, related_name="+", verbose_name="セクション"
    )
    article = models.ForeignKey(
        "news.ArticlePage", on_delete=models.CASCADE, related_name="+", verbose_name="記事"
    )
    action = models.CharField("扱い", max_length=5, choices=ACTIONS, default=PIN)
    note = models.CharField("メモ", max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["section", "article"],
                name="recommend_rule_unique",
                violation_error_message="このセクションには、この記事の設定がすでにあります。",
            )
        ]
        ordering = ["section_id", "action", "id"]
        verbose_name = "おすすめの固定・除外"
        verbose_name_plural = "おすすめの固定・除外"

    def __str__(self) -> str:
        return f"{self.section} / {self.article}（{self.get_action_display()}）"
