"""記者・デスク・編集長・Web編集 and the デスク審査 workflow (kisha/newsroom/roles.py)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def forwards(apps, schema_editor):
    from kisha.newsroom.roles import roles_ensure

    # Django creates model permissions after the whole migrate run; the grants need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    roles_ensure(apps=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0006_formstate"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailredirects", "0008_add_verbose_name_plural"),
        ("core", "0003_periodic_run"),
        ("news", "0001_initial"),
        ("wire", "0004_picture_download"),
        ("newsletter", "0001_initial"),
        ("recommend", "0002_recommendrule"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
