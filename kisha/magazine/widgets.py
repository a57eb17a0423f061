"""Admin widgets of the magazine app."""

from __future__ import annotations

from django import forms
from django.utils.html import format_html, format_html_join

from .conf import conf


class SectionNameInput(forms.TextInput):
    """A text box that offers the usual TOC section names (KISHA_MAGAZINE_TOC_SECTIONS) from a
    `<datalist>`, and takes any other an editor types."""

    def render(self, name, value, attrs=None, renderer=None):
        attrs = dict(attrs or {})
        list_id = f"{attrs.get('id') or name}-choices"
        attrs["list"] = list_id
        attrs.setdefault("autocomplete", "off")
        box = super().render(name, value, attrs, renderer)
        options = format_html_join(
            "", '<option value="{}"></option>', ((s,) for s in conf("KISHA_MAGAZINE_TOC_SECTIONS"))
        )
        return format_html('{}<datalist id="{}">{}</datalist>', box, list_id, options)
