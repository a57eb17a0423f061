"""The issue's admin form: the slug may be left empty (the issue is then addressed by its cover
date, `2025-11-04`), so publishing an issue needs no typing beyond its own facts."""

from __future__ import annotations

from wagtail.admin.forms import WagtailAdminPageForm


class IssuePageForm(WagtailAdminPageForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "slug" in self.fields:
            self.fields["slug"].required = False
            self.fields["slug"].help_text = "空なら表紙の日付（例: 2025-11-04）になります。"

    def clean(self):
        cover = self.cleaned_data.get("cover_date")
        if not self.cleaned_data.get("slug") and cover:
            self.cleaned_data["slug"] = cover.isoformat()
        return super().clean()
