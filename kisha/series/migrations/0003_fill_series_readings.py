"""Existing series get SudachiPy's reading of their title (kisha.search.tokenizer.reading), so
/series/ lists them in 五十音 order; an editor corrects any in the admin. Reversing keeps them."""

from django.db import migrations


def forwards(apps, schema_editor):
    from kisha.core.characters import reading_for

    SeriesPage = apps.get_model("series", "SeriesPage")
    for series in SeriesPage.objects.filter(reading="").only("id", "title", "reading"):
        series.reading = reading_for(series.title)
        if series.reading:
            series.save(update_fields=["reading"])


class Migration(migrations.Migration):
    dependencies = [("series", "0002_series_reading_for_gojuon_order")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
