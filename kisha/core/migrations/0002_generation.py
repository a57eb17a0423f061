# The shared content generation (kisha.core.memo), and one view restriction per page at most:
# the privacy dialog edits "the" restriction of a page, so a second row (made by two dialogs at
# once, or by a worker that read a stale answer) would leave the page locked after "make public".

from django.db import migrations, models


def create_generation(apps, schema_editor):
    Generation = apps.get_model("core", "Generation")
    Generation.objects.get_or_create(name="content", defaults={"value": 1})


def drop_duplicate_restrictions(apps, schema_editor):
    PageViewRestriction = apps.get_model("wagtailcore", "PageViewRestriction")
    seen = set()
    for restriction in PageViewRestriction.objects.order_by("page_id", "id"):
        if restriction.page_id in seen:
            restriction.delete()
        else:
            seen.add(restriction.page_id)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.CreateModel(
            name="Generation",
            fields=[
                ("name", models.CharField(max_length=40, primary_key=True, serialize=False)),
                ("value", models.BigIntegerField(default=0)),
            ],
            options={"verbose_name": "世代番号", "verbose_name_plural": "世代番号"},
        ),
        migrations.RunPython(create_generation, migrations.RunPython.noop),
        migrations.RunPython(drop_duplicate_restrictions, migrations.RunPython.noop),
        migrations.RunSQL(
            "CREATE UNIQUE INDEX core_one_view_restriction_per_page "
            "ON wagtailcore_pageviewrestriction (page_id)",
            "DROP INDEX core_one_view_restriction_per_page",
        ),
    ]
