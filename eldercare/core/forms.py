from __future__ import annotations

import json
from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=_("Actor"), required=False)
    action = forms.CharField(label=_("Action"), required=False)
    target_type = forms.CharField(label=_("Object type"), required=False)
    target_id = forms.CharField(label=_("Object id"), required=False)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


class PolicyEditForm(forms.Form):
    value = forms.CharField(
        label=_("Value (JSON)"), widget=forms.Textarea(attrs={"rows": 18, "class": "font-monospace"})
    )
    valid_from = forms.DateField(label=_("Valid from"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("Reason for the change"), max_length=300)
    source = forms.CharField(label=_("Source (document, decision number)"), max_length=300, required=False)

    def clean_value(self) -> Any:
        try:
            return json.loads(self.cleaned_data["value"])
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(_("Not valid JSON: %(error)s"), params={"error": str(exc)}) from exc

    def clean_valid_from(self) -> date:
        value: date = self.cleaned_data["valid_from"]
        return value
