"""The series editor's checks: every bad input is a Japanese message next to the field that
caused it (and one at the top of the form), never a 500.

Refused: a series inside itself (directly, or through sub-series that contain it), an entry
that is neither an article nor a series, the same article twice, two seasons with one number,
an article naming a season the series does not have (or none when it has seasons), and more
entries or seasons than KISHA_SERIES_MAX_ITEMS / KISHA_SERIES_MAX_SEASONS. An unpublished article
is allowed (a series is often prepared before its next part is out); readers never see it.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType

from wagtail.admin.forms import WagtailAdminPageForm

from kisha.core.characters import reading_for
from kisha.news.selectors import article_content_type_id

# The page form is the models' base_form_class and checks entries against them: a loop the
# admin's form-on-model design makes unavoidable. Imported as a module, so the classes are
# looked up when a form is cleaned, after every model exists.
from . import models
from .conf import conf


def _kept(formset) -> list:
    """The formset's forms that will be saved: filled in and not marked for deletion."""
    formset.is_valid()  # cleans each form once; the results are kept on the forms
    return [
        form
        for form in formset.forms
        if getattr(form, "cleaned_data", None)
        and not (formset.can_delete and formset._should_delete_form(form))
    ]


def series_contained(*, series_ids: set[int]) -> set[int]:
    """Every series reachable from `series_ids` through published sub-series entries."""
    series_type = ContentType.objects.get_for_model(models.SeriesPage)
    seen: set[int] = set()
    frontier = set(series_ids)
    while frontier:
        seen |= frontier
        frontier = (
            set(
                models.SeriesItem.objects.filter(
                    series_id__in=frontier, page__content_type=series_type
                ).values_list("page_id", flat=True)
            )
            - seen
        )
    return seen


class SeriesPageForm(WagtailAdminPageForm):
    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("reading") or "").strip() and cleaned.get("title"):
            cleaned["reading"] = reading_for(cleaned["title"])
        problems = [*self._clean_seasons(), *self._clean_items()]
        if problems:
            self.add_error(None, "連載を保存できません: " + " / ".join(dict.fromkeys(problems)))
        return cleaned

    def _clean_seasons(self) -> list[str]:
        problems = []
        forms = _kept(self.formsets["seasons"])
        limit = int(conf("KISHA_SERIES_MAX_SEASONS"))
        if len(forms) > limit:
            problems.append(f"シーズンは {limit} 個までです（{len(forms)} 個あります）。")
        seen: set[int] = set()
        for form in forms:
            number = form.cleaned_data.get("number")
            if number is None:
                continue
            if number in seen:
                message = f"シーズン{number}が重複しています。番号は一つずつ変えてください。"
                form.add_error("number", message)
                problems.append(message)
            seen.add(number)
        self._season_numbers = seen
        return problems

    def _clean_items(self) -> list[str]:
        problems: list[str] = []

        def refuse(form, field: str, message: str) -> None:
            form.add_error(field, message)
            problems.append(message)

        forms = _kept(self.formsets["items"])
        limit = int(conf("KISHA_SERIES_MAX_ITEMS"))
        if len(forms) > limit:
            problems.append(f"記事は {limit} 本までです（{len(forms)} 本あります）。")
        article_type = article_content_type_id()
        series_type = ContentType.objects.get_for_model(models.SeriesPage).id
        seasons = getattr(self, "_season_numbers", set())
        own_id = self.instance.pk
        positions: dict[int, int] = {}
        nested: dict[int, tuple] = {}
        for position, form in enumerate(forms, start=1):
            page = form.cleaned_data.get("page")
            season = form.cleaned_data.get("season")
            if page is not None:
                if page.content_type_id not in (article_type, series_type):
                    refuse(form, "page", f"「{page.title}」は記事でも連載でもありません。")
                    continue
                if own_id is not None and page.id == own_id:
                    refuse(form, "page", "連載の中にその連載自身を入れることはできません。")
                    continue
                if page.id in positions:
                    refuse(
                        form,
                        "page",
                        f"「{page.title}」は {positions[page.id]} 番目にもあります。"
                        "同じ記事は一つの連載に一度だけ入れられます。",
                    )
                    continue
                positions[page.id] = position
                if page.content_type_id == series_type:
                    nested[page.id] = (form, page)
            if seasons and season is None:
                refuse(
                    form, "season", "この連載にはシーズンがあります。シーズン番号を選んでください。"
                )
            elif season is not None and season not in seasons:
                refuse(
                    form,
                    "season",
                    f"シーズン{season}はありません。先に「シーズン」の欄で追加してください。"
                    if seasons
                    else "この連載にはシーズンがありません。シーズンの欄を空にしてください。",
                )
        if own_id is not None and nested:
            # A sub-series that (through its own sub-series) contains this one would make a loop.
            for page_id, (form, page) in nested.items():
                if own_id in series_contained(series_ids={page_id}):
                    refuse(
                        form,
                        "page",
                        f"「{page.title}」はこの連載を含んでいるため入れられません（入れ子が循環します）。",
                    )
        return problems
