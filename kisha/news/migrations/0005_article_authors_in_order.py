"""執筆者 in the editor's order: ArticlePage.authors becomes a many-to-many through the
orderable ArticleAuthor (edited with a searchable chooser in the admin).

The rows of the old table are copied in the order readers saw them (the Author ordering:
reading, then name), and every stored revision of an article is rewritten the same way
("authors": [ids] becomes "author_links": [rows]), so a draft or a scheduled revision
published after the upgrade keeps its byline. Reversible.
"""

import django.db.models.deletion
import modelcluster.fields
from django.db import migrations, models

BATCH = 500


def _article_revisions(apps):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Revision = apps.get_model("wagtailcore", "Revision")
    content_type = ContentType.objects.filter(app_label="news", model="articlepage").first()
    if content_type is None:
        return Revision.objects.none()
    return Revision.objects.filter(content_type=content_type)


def _rewrite(revisions, change):
    batch = []
    for revision in revisions.iterator(chunk_size=BATCH):
        if change(revision.content):
            batch.append(revision)
        if len(batch) >= BATCH:
            type(revision).objects.bulk_update(batch, ["content"])
            batch = []
    if batch:
        type(batch[0]).objects.bulk_update(batch, ["content"])


def forwards(apps, schema_editor):
    ArticlePage = apps.get_model("news", "ArticlePage")
    ArticleAuthor = apps.get_model("news", "ArticleAuthor")
    Author = apps.get_model("news", "Author")
    Old = ArticlePage._meta.get_field("authors").remote_field.through
    rank = {
        author_id: n
        for n, author_id in enumerate(
            Author.objects.order_by("name_reading", "name", "id").values_list("id", flat=True)
        )
    }
    by_page: dict[int, list[int]] = {}
    for page_id, author_id in Old.objects.values_list("articlepage_id", "author_id").iterator():
        by_page.setdefault(page_id, []).append(author_id)
    links = [
        ArticleAuthor(page_id=page_id, author_id=author_id, sort_order=n)
        for page_id, author_ids in by_page.items()
        for n, author_id in enumerate(sorted(set(author_ids), key=rank.__getitem__))
    ]
    ArticleAuthor.objects.bulk_create(links, batch_size=BATCH)
    live = {
        (page_id, author_id): pk
        for pk, page_id, author_id in ArticleAuthor.objects.values_list("id", "page_id", "author_id")
    }

    def change(content):
        if "authors" not in content:
            return False
        page_id = content.get("pk")
        ids = [a for a in dict.fromkeys(content.pop("authors") or []) if a in rank]
        content["author_links"] = [
            {"pk": live.get((page_id, a)), "sort_order": n, "page": page_id, "author": a}
            for n, a in enumerate(sorted(ids, key=rank.__getitem__))
        ]
        return True

    _rewrite(_article_revisions(apps), change)


def backwards(apps, schema_editor):
    ArticlePage = apps.get_model("news", "ArticlePage")
    ArticleAuthor = apps.get_model("news", "ArticleAuthor")
    Old = ArticlePage._meta.get_field("authors").remote_field.through
    pairs = set(ArticleAuthor.objects.values_list("page_id", "author_id"))
    Old.objects.bulk_create(
        [Old(articlepage_id=p, author_id=a) for p, a in sorted(pairs)], batch_size=BATCH
    )

    def change(content):
        if "author_links" not in content:
            return False
        links = sorted(content.pop("author_links") or [], key=lambda l: l.get("sort_order") or 0)
        content["authors"] = list(dict.fromkeys(l["author"] for l in links))
        return True

    _rewrite(_article_revisions(apps), change)


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailcore", "0070_rename_pagerevision_revision"),
        ("news", "0004_corrections_kill_short_slugs"),
    ]

    operations = [
        migrations.CreateModel(
            name="ArticleAuthor",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("sort_order", models.IntegerField(blank=True, editable=False, null=True)),
                (
                    "author",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="article_links",
                        to="news.author",
                        verbose_name="執筆者",
                    ),
                ),
                (
                    "page",
                    modelcluster.fields.ParentalKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="author_links",
                        to="news.articlepage",
                    ),
                ),
            ],
            options={
                "verbose_name": "執筆者",
                "verbose_name_plural": "執筆者",
                "ordering": ["sort_order"],
                "abstract": False,
            },
        ),
        migrations.RunPython(forwards, backwards),
        migrations.RemoveField(model_name="articlepage", name="authors"),
        migrations.AddField(
            model_name="articlepage",
            name="authors",
            field=models.ManyToManyField(
                blank=True,
                related_name="articles",
                through="news.ArticleAuthor",
                to="news.author",
                verbose_name="執筆者",
            ),
        ),
    ]
