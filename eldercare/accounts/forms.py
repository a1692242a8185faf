from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from eldercare.accounts.roles import Role
from eldercare.core.models import Division, Organisation


class StaffAccountForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)
    display_name = forms.CharField(label=_("Name"), max_length=64, required=False)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    division_code = forms.CharField(label=_("Division code"), max_length=12, required=False)
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none(), required=False
    )
    password = forms.CharField(label=_("Initial password"), widget=forms.PasswordInput)

    def __init__(self, *args: Any, organisations: Any = None, divisions: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.divisions = divisions if divisions is not None else Division.objects.none()
        if organisations is not None:
            self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]

    def clean_division_code(self) -> Division | None:
        code = self.cleaned_data["division_code"].strip()
        if not code:
            return None
        division = self.divisions.filter(code=code).first()
        if division is None:
            raise forms.ValidationError(_("No such division inside your area."))
        return division


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    division_code = forms.CharField(label=_("Division code"), max_length=12, required=False)
    expires_at = forms.DateTimeField(
        label=_("Expires at"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )

    def __init__(self, *args: Any, divisions: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.divisions = divisions if divisions is not None else Division.objects.none()

    def clean_division_code(self) -> Division | None:
        code = self.cleaned_data["division_code"].strip()
        if not code:
            return None
        division = self.divisions.filter(code=code).first()
        if division is None:
            raise forms.ValidationError(_("No such division inside your area."))
        return division


class OtpForm(forms.Form):
    token = forms.CharField(
        label=_("6-digit code"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )
