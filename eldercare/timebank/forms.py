"""Forms of the time-bank pages: input only; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from eldercare.timebank.choices import ProxyKind, Relation, ServiceType, Skill


class VolunteerRegisterForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=64)
    id_number = forms.CharField(label=_("Resident ID number"), max_length=18)
    phone = forms.CharField(label=_("Phone"), max_length=16, required=False)
    division = forms.CharField(label=_("Community code"), max_length=12)
    team = forms.IntegerField(label=_("Team"), required=False)
    skills = forms.MultipleChoiceField(
        label=_("Skills"), choices=Skill.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    service_areas = forms.CharField(
        label=_("Service areas (division codes, comma-separated)"), max_length=300, required=False
    )
    availability = forms.CharField(
        label=_("Availability (e.g. mon:am, sat:pm)"), max_length=200, required=False
    )
    username = forms.CharField(
        label=_("Sign-in account (optional user name)"), max_length=150, required=False
    )


class TeamForm(forms.Form):
    name = forms.CharField(label=_("Team name"), max_length=128)
    division = forms.CharField(label=_("Division code"), max_length=12)
    organisation = forms.IntegerField(label=_("Managing organisation (id)"), required=False)


class RelativeForm(forms.Form):
    elder = forms.IntegerField(label=_("Elder (registry number)"))
    relation = forms.ChoiceField(label=_("Relation"), choices=Relation.choices)
    evidence = forms.CharField(label=_("Evidence seen"), max_length=200, required=False)


class ProxyForm(forms.Form):
    elder = forms.IntegerField(label=_("Elder (registry number)"))
    username = forms.CharField(label=_("Acting person's user name"), max_length=150)
    kind = forms.ChoiceField(label=_("Kind"), choices=ProxyKind.choices)


class RequestForm(forms.Form):
    elder = forms.IntegerField(label=_("Elder (registry number)"))
    service_type = forms.ChoiceField(label=_("Service"), choices=ServiceType.choices)
    scheduled_at = forms.DateTimeField(
        label=_("When"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    planned_minutes = forms.IntegerField(label=_("Planned minutes"), min_value=1, max_value=480, initial=60)
    description = forms.CharField(label=_("Description"), max_length=300, required=False)
    payer = forms.ChoiceField(
        label=_("Paid with"),
        choices=[
            ("", _("not redeemed (volunteer earns only)")),
            ("elder", _("the elder's own units")),
            ("community_pool", _("the community pool")),
        ],
        required=False,
    )


class AmountForm(forms.Form):
    hours = forms.DecimalField(label=_("Hours"), min_value=0, max_digits=7, decimal_places=2)

    def minutes(self) -> int:
        return int(self.cleaned_data["hours"] * 60)


class TransferForm(AmountForm):
    elder = forms.IntegerField(label=_("Relative"))


class GuaranteeForm(AmountForm):
    memo = forms.CharField(label=_("Memo"), max_length=200)
    volunteer = forms.IntegerField(label=_("Volunteer (to honour; empty to fund the pool)"), required=False)


def parse_availability(text: str) -> dict[str, list[str]]:
    """'mon:am, sat:pm' → {"mon": ["am"], "sat": ["pm"]}."""
    result: dict[str, list[str]] = {}
    for part in text.split(","):
        day, _sep, slot = part.strip().partition(":")
        if day and slot:
            result.setdefault(day.strip().lower()[:3], []).append(slot.strip().lower())
    return result
