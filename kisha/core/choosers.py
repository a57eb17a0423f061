"""Every Wagtail chooser in the admin survives a malformed value.

To show a form again with its errors, Wagtail's chooser widgets (pages, images, documents,
snippets: `BaseChooser.get_instance`, Wagtail 7/8) look the posted value up with
`objects.get(pk=value)`. A posted "abc" raises ValueError there, and the editor gets a 500
instead of the field's own "正しく選択してください". And a number past 64 bits reaches the form
field's own lookup, where SQLite raises OverflowError (also a 500). The form field refuses
anything that is not an id; the widget only has to show nothing for it, and hand the field a
value it refuses without asking the database. Installed once, at start-up (CoreConfig.ready),
so a new chooser anywhere is covered without opting in.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError

from wagtail.admin.widgets.chooser import BaseChooser

_LIMIT = 2**63  # the widest integer key either database stores
_NOT_AN_ID = "-"  # refused by the form field's int() before any query

_get_instance = BaseChooser.get_instance
_value_from_datadict = BaseChooser.value_from_datadict


def _key(widget, value):
    """The primary key `value` stands for, or None when it cannot be one."""
    try:
        key = widget.model_class._meta.pk.to_python(value)
    except ValidationError:
        return None
    if isinstance(key, int) and not -_LIMIT <= key < _LIMIT:
        return None
    return key


def get_instance(self, value):
    if value is not None and not isinstance(value, self.model_class):
        value = _key(self, value)
        if value is None:
            return None
    return _get_instance(self, value)


def value_from_datadict(self, data, files, name):
    value = _value_from_datadict(self, data, files, name)
    if isinstance(value, str) and _key(self, value) is None:
        return _NOT_AN_ID
    return value


def choosers_harden() -> None:
    BaseChooser.get_instance = get_instance
    BaseChooser.value_from_datadict = value_from_datadict
