"""The desk, the chief and the web editor see the list of kills (記事取り消し)."""

import importlib

from django.db import migrations


def forwards(apps, schema_editor):
    # The same as the first migration: create the model permissions now, grant them.
    importlib.import_module("kisha.newsroom.migrations.0001_roles_and_desk_workflow").forwards(
        apps, schema_editor
    )


class Migration(migrations.Migration):
    dependencies = [
        ("newsroom", "0001_roles_and_desk_workflow"),
        ("news", "0004_corrections_kill_short_slugs"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
