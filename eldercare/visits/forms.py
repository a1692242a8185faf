"""The visit form (phone-sized): method, outcome, time, checklist, follow-up actions, notes, location.

Field names are also what `static/eldercare/visit_form.js` keeps as a draft in localStorage, so a reload
or a lost connection never loses what the visitor typed.
"""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from eldercare.visits.choices import CheckItem, CheckLevel, FollowUpKind, Method, Outcome
from eldercare.visits.services import VisitInput

TOGGLE = {"class": "btn-check", "autocomplete": "off"}
PICKABLE_ACTIONS = [c for c in FollowUpKind.choices if c[0] != FollowUpKind.LOCATE]


class VisitForm(forms.Form):
    client_uuid = forms.UUIDField(widget=forms.HiddenInput)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    method = forms.ChoiceField(label=_("How"), choices=Method.choices, widget=forms.RadioSelect(attrs=TOGGLE))
    outcome = forms.ChoiceField(
        label=pgettext_lazy("visit outcome", "Outcome"),
        choices=Outcome.choices,
        widget=forms.RadioSelect(attrs=TOGGLE),
    )
    visited_at = forms.DateTimeField(
        label=_("When"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
    )
    actions = forms.MultipleChoiceField(
        label=_("Follow-up needed"),
        choices=PICKABLE_ACTIONS,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    urgent = forms.BooleanField(
        label=_("Needs immediate attention (notify the street officer)"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    lon = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-180, max_value=180)
    lat = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-90, max_value=90)
    accuracy = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for item, label in CheckItem.choices:
            self.fields[f"check_{item}"] = forms.ChoiceField(
                label=label,
                choices=CheckLevel.choices,
                required=False,
                widget=forms.RadioSelect(attrs=TOGGLE),
            )
            self.fields[f"note_{item}"] = forms.CharField(
                label=_("Note"),
                required=False,
                max_length=500,
                widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
            )

    @classmethod
    def blank(cls, *, now: Any = None) -> VisitForm:
        local = timezone.localtime(now or timezone.now())
        initial: dict[str, Any] = {
            "client_uuid": uuid.uuid4(),
            "method": Method.IN_PERSON,
            "outcome": Outcome.VISITED,
            "visited_at": local.replace(second=0, microsecond=0, tzinfo=None),
        }
        initial |= {f"check_{item}": CheckLevel.OK for item in CheckItem.values}
        return cls(initial=initial)

    @classmethod
    def for_record(cls, record: Any) -> VisitForm:
        initial: dict[str, Any] = {
            "client_uuid": record.client_uuid,
            "version": record.version,
            "method": record.method,
            "outcome": record.outcome,
            "visited_at": timezone.localtime(record.visited_at).replace(tzinfo=None, second=0, microsecond=0),
            "actions": list(record.actions),
            "urgent": record.urgent,
            "notes": record.notes,
        }
        for item in CheckItem.values:
            entry = (record.checklist or {}).get(item) or {}
            initial[f"check_{item}"] = entry.get("level", "")
            initial[f"note_{item}"] = entry.get("note", "")
        return cls(initial=initial)

    def checklist(self) -> dict[str, dict[str, str]]:
        data = self.cleaned_data
        return {
            item: {"level": data[f"check_{item}"], "note": data.get(f"note_{item}", "")}
            for item in CheckItem.values
            if data.get(f"check_{item}")
        }

    def visit_input(self) -> VisitInput:
        data = self.cleaned_data
        moment = data["visited_at"]
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment, timezone.get_current_timezone())
        has_location = data.get("lon") is not None and data.get("lat") is not None
        return VisitInput(
            method=data["method"],
            outcome=data["outcome"],
            visited_at=moment,
            checklist=self.checklist(),
            actions=list(data.get("actions") or []),
            urgent=bool(data.get("urgent")),
            notes=data.get("notes", ""),
            lon=data.get("lon") if has_location else None,
            lat=data.get("lat") if has_location else None,
            location_accuracy_m=data.get("accuracy") if has_location else None,
        )

    def changes(self) -> dict[str, Any]:
        """The editable fields as the edit service takes them."""
        visit = self.visit_input()
        return {
            "method": visit.method,
            "outcome": visit.outcome,
            "visited_at": visit.visited_at,
            "checklist": dict(visit.checklist),
            "actions": list(visit.actions),
            "urgent": visit.urgent,
            "notes": visit.notes,
        }

    def check_rows(self) -> list[tuple[Any, Any]]:
        """(level field, note field) per checklist item, for the template."""
        return [(self[f"check_{item}"], self[f"note_{item}"]) for item in CheckItem.values]
