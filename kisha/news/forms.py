"""Admin forms for news pages: the article editor's house-style characters and 更新を表示
choice, 五十音 readings filled on save, and the admin's 記事取り消し form.

The form (not `save()` or a signal) is where an editor's text is changed, so the editor is told
what changed in the same response (`wagtail_hooks.normalised_message`).
"""

from __future__ import annotations

from django import forms
from django.utils import timezone

from modelcluster.forms import BaseChildFormSet
from wagtail.admin.forms import WagtailAdminModelForm, WagtailAdminPageForm
from wagtail.admin.panels import InlinePanel

from kisha.core.characters import Change, newspaper_text, reading_for

# Fields set the way newspapers set them (kisha.core.characters), with the label the editor sees.
ARTICLE_NORMALISED = {
    "title": "見出し",
    "short_headline": "短い見出し",
    "listing_title": "一覧用タイトル",
    "lead": "リード",
    "hero_caption": "キャプション",
}


def normalise_fields(cleaned: dict, labels: dict[str, str]) -> list[Change]:
    """Put each named text field of `cleaned` into house style in place; say what changed."""
    changes = []
    for name, label in labels.items():
        value = cleaned.get(name)
        if isinstance(value, str) and value:
            after = newspaper_text(value)
            if after != value:
                cleaned[name] = after
                changes.append(Change(label=label, before=value, after=after))
    return changes


# More names than fit a byline is a mistake (a pasted list, a script gone wrong), not a story.
MAX_AUTHORS = 20


class BylineFormSet(BaseChildFormSet):
    """The 執筆者 rows of the article editor. A name chosen twice, or more names than a
    byline holds, is the editor's to fix: the error is shown on the panel, nothing is saved."""

    def clean(self):
        super().clean()
        chosen = [
            form.cleaned_data["author"]
            for form in self.forms
            if form.cleaned_data.get("author") and not self._should_delete_form(form)
        ]
        seen: set[int] = set()
        twice = list(dict.fromkeys(a.name for a in chosen if a.pk in seen or seen.add(a.pk)))
        if twice:
            raise forms.ValidationError(f"「{'」「'.join(twice)}」が二度選ばれています。")
        if len(chosen) > MAX_AUTHORS:
            raise forms.ValidationError(
                f"執筆者は{MAX_AUTHORS}人までです（{len(chosen)}人が選ばれています）。"
            )


class BylinePanel(InlinePanel):
    """InlinePanel whose formset is BylineFormSet."""

    def get_form_options(self):
        options = super().get_form_options()
        options["formsets"][self.relation_name]["formset"] = BylineFormSet
        return options


class ArticlePageForm(WagtailAdminPageForm):
    """Sets the editor's text in house style, and adds the 更新を表示 box. The box is never
    bound to a stored value, so it starts unticked on every edit: only an edit the editor calls
    substantive (or a new correction) moves the 更新 time readers see, dateModified, the feeds'
    updated and the sitemaps' lastmod; a typo fix republished later moves none of them."""

    substantive_update = forms.BooleanField(
        label="更新を表示",
        required=False,
        help_text=(
            "内容に関わる更新のときにチェックすると、記事に「更新」の日時が出て、"
            "フィードやサイトマップの更新日時も変わります。誤字の修正ではチェックしないでください。"
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        slug = self.fields.get("slug")
        if slug is not None and self.instance.first_published_at is None:
            # Left empty, a new article gets `YYYYMMDD-N` (ArticlePage.full_clean).
            slug.required = False
            slug.help_text = (
                "空欄のままなら、公開日と番号の短いURL（例：20261129-3）を自動で付けます。"
                "半角英数字とハイフンで指定することもできます。公開後は変えないでください。"
            )

    def clean(self):
        cleaned = super().clean()
        # Kept on the instance: Wagtail hands the same object to the after_edit_page hook.
        self.instance.normalised_changes = normalise_fields(cleaned, ARTICLE_NORMALISED)
        return cleaned

    def corrections_added(self) -> bool:
        formset = self.formsets.get("corrections")
        if formset is None:
            return False
        return any(
            form.instance.pk is None
            and form.has_changed()
            and not formset._should_delete_form(form)
            for form in formset.forms
        )

    def save(self, commit=True):
        marked = self.cleaned_data.get("substantive_update") or self.corrections_added()
        page = super().save(commit=False)
        if marked:
            page.substantive_update_at = timezone.now()
        if commit:
            page.save()
            self.save_m2m()
        return page


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


class ArticleKillForm(forms.Form):
    reason = forms.CharField(
        label="取り消しの理由",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="お知らせのページに載ります（1000字まで）。社内向けの記録にもなります。",
    )
    show_notice = forms.BooleanField(
        label="お知らせのページを表示する",
        required=False,
        initial=True,
        help_text=(
            "チェックすると、記事のURLに「この記事は取り消しました」というページ（410）を出します。"
            "外すと「ページが見つかりません」（404）になります。"
        ),
    )
    confirm = forms.BooleanField(
        label="この記事を取り消し、サイト・フィード・キャッシュから外します",
        required=True,
        error_messages={"required": "確認のチェックを入れてください。"},
    )

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if "\x00" in reason:
            raise forms.ValidationError("使えない文字が含まれています。")
        return reason
