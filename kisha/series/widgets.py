"""A page chooser that survives a malformed value.

Wagtail's chooser widget looks the posted id up again to re-render a form with errors, with
`objects.get(pk=value)`: a posted "abc" raises ValueError there, and the editor gets a 500
instead of the field's own "正しく選択してください" (Wagtail 7/8, every chooser). The form
field already refuses the value; the widget only has to show nothing for it.
"""

from __future__ import annotations

import re

from wagtail.admin.panels import PageChooserPanel
from wagtail.admin.widgets import AdminPageChooser

_ID = re.compile(r"[0-9]{1,18}")


class SafePageChooser(AdminPageChooser):
    def get_instance(self, value):
        if isinstance(value, str) and not _ID.fullmatch(value):
            return None
        return super().get_instance(value)


class SafePageChooserPanel(PageChooserPanel):
    """PageChooserPanel with SafePageChooser (the widget is built when the form is, after the
    models are loaded)."""

    def get_form_options(self):
        opts = super().get_form_options()
        opts.setdefault("widgets", {})[self.field_name] = SafePageChooser(
            target_models=self.page_type, can_choose_root=self.can_choose_root
        )
        return opts
