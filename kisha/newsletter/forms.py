"""The public forms: parsed once, every field bounded before anything looks at it."""

from __future__ import annotations

from django import forms

from .addresses import MAX_LENGTH, AddressError, address_normalize

# The honeypot's name: a field people never see (hidden by CSS and from assistive technology)
# and bots fill in.
HONEYPOT = "website"


class SignupForm(forms.Form):
    email = forms.CharField(max_length=MAX_LENGTH, strip=True)
    lists = forms.TypedMultipleChoiceField(coerce=int, required=False, choices=())
    website = forms.CharField(required=False, max_length=200)

    def __init__(self, *args, list_choices: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lists"].choices = list_choices
        self.fields["email"].error_messages = {
            "required": "メールアドレスを入力してください。",
            "max_length": "メールアドレスが長すぎます。",
        }
        self.fields["lists"].error_messages = {"invalid_choice": "選べないメールマガジンです。"}

    def clean_email(self) -> str:
        try:
            return address_normalize(self.cleaned_data["email"])
        except AddressError as exc:
            raise forms.ValidationError(str(exc)) from None

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get(HONEYPOT))


class PreferencesForm(forms.Form):
    lists = forms.TypedMultipleChoiceField(coerce=int, required=False, choices=())

    def __init__(self, *args, list_choices: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lists"].choices = list_choices
