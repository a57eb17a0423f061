"""The search page's query string: every field optional, every bad value ignored, never an error."""

from __future__ import annotations

import datetime as dt

from django import forms

from kisha.news.selectors import sections

SORTS = (("relevance", "関連度順"), ("newest", "新しい順"))
# Longer input is cut, not refused: parse_query reads only the first 200 characters anyway, and
# a reader who pasted a paragraph should still get results.
MAX_Q_CHARS = 1000


class SearchForm(forms.Form):
    q = forms.CharField(required=False, strip=True)
    section = forms.ChoiceField(required=False, label="セクション")
    date_from = forms.DateField(required=False, label="期間（から）")
    date_to = forms.DateField(required=False, label="期間（まで）")
    sort = forms.ChoiceField(required=False, choices=SORTS, label="並び順")

    def __init__(self, data=None):
        data = data.copy() if data is not None else {}
        if "q" in data:
            data["q"] = str(data.get("q", ""))[:MAX_Q_CHARS]
        super().__init__(data)
        self.fields["section"].choices = [("", "すべて")] + [(s.slug, s.label) for s in sections()]

    def value(self, name: str):
        """The field's clean value, or its empty value when the reader sent something invalid."""
        if not hasattr(self, "cleaned_data"):
            self.is_valid()
        if name in self.cleaned_data:
            return self.cleaned_data[name]
        return None

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            data["date_from"], data["date_to"] = end, start  # a reversed range means the same days
        for key in ("date_from", "date_to"):
            value = data.get(key)
            if value and not dt.date(1900, 1, 1) <= value <= dt.date(2999, 12, 31):
                data[key] = None
        return data
