"""Labels for Wagtail's admin screens that Wagtail reads from the database: a permission's
name is stored when its model is migrated ("Can add group", English whatever the language),
so the group screens label it from its action and its model's translated verbose name."""

from django import template
from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext

register = template.Library()

# The four permissions Django makes for every model; Kisha's catalogue has their Japanese.
ACTIONS = {
    "add": "Can add %(name)s",
    "change": "Can change %(name)s",
    "delete": "Can delete %(name)s",
    "view": "Can view %(name)s",
}


@register.filter
def permission_label(permission) -> str:
    """ "グループの追加" for `auth.add_group`; any other permission by its name through the
    catalogue ("Publish any page" → "どのページも公開できる"), else as stored."""
    action, _, model_name = permission.codename.partition("_")
    # get_for_id is ContentType's per-process memo: no query per checkbox.
    model = ContentType.objects.get_for_id(permission.content_type_id).model_class()
    if action in ACTIONS and model is not None and model._meta.model_name == model_name:
        return gettext(ACTIONS[action]) % {"name": model._meta.verbose_name}
    return gettext(permission.name)


@register.filter
def column_label(label) -> str:
    """A listing column's label through the catalogue: Wagtail names a column it is given no
    label for after its field ("port" → "Port"), outside gettext."""
    if not label:
        return label  # gettext("") is the catalogue's header
    translated = gettext(str(label))
    # An untranslated label is returned as given, so a label marked safe stays safe.
    return label if translated == str(label) else translated
