"""Admin forms for news pages: house-style characters and 五十音 readings, filled on save.

The form (not `save()` or a signal) is where an editor's text is changed, so the editor is told
what changed in the same response (`wagtail_hooks.normalised_message`).
"""

from __future__ import annotations

from wagtail.admin.forms import WagtailAdminModelForm, WagtailAdminPageForm

from kisha.core.characters import reading_for

from .services import ARTICLE_NORMALISED, normalise_fields


class ArticlePageForm(WagtailAdminPageForm):
    def clean(self):
        cleaned = super().clean()
        # Kept on the instance: Wagtail hands the same object to the after_edit_page hook.
        self.instance.normalised_changes = normalise_fields(cleaned, ARTICLE_NORMALISED)
        return cleaned


class ReadingPageForm(WagtailAdminPageForm):
    """A page listed in 五十音 order: a blank reading is filled from the title (SudachiPy)."""

    def clean(self):
        cleaned = super().clean()
        self.instance.normalised_changes = normalise_fields(cleaned, {"title": "タイトル"})
        if not (cleaned.get("reading") or "").strip() and cleaned.get("title"):
            cleaned["reading"] = reading_for(cleaned["title"])
        return cleaned


class AuthorForm(WagtailAdminModelForm):
    """執筆者: a blank よみがな is filled from the name, so the index stays in 五十音 order."""

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("name_reading") or "").strip() and cleaned.get("name"):
            cleaned["name_reading"] = reading_for(cleaned["name"])
        return cleaned
