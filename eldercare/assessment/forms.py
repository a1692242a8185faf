"""Forms of the assessment pages (the item screens are built from the instrument, not from a form class)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from eldercare.accounts.models import User
from eldercare.assessment.choices import AssessmentReason, Relation, Requester


class RequestForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Reason"), choices=[c for c in AssessmentReason.choices if c[0] != AssessmentReason.APPEAL]
    )
    requester = forms.ChoiceField(
        label=_("Requested by"), choices=[c for c in Requester.choices if c[0] != Requester.SYSTEM]
    )
    note = forms.CharField(
        label=_("Note"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class AppealForm(forms.Form):
    requester = forms.ChoiceField(
        label=_("Appeal made by"),
        choices=[(Requester.ELDER, Requester.ELDER.label), (Requester.FAMILY, Requester.FAMILY.label)],
    )
    note = forms.CharField(
        label=_("What is disputed"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class ScheduleForm(forms.Form):
    visit_at = forms.DateTimeField(
        label=_("Visit"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    assessor_1 = forms.ModelChoiceField(label=_("Assessor"), queryset=User.objects.none())
    relation_1 = forms.ChoiceField(label=_("Their declared relation to the elder"), choices=Relation.choices)
    assessor_2 = forms.ModelChoiceField(label=_("Second assessor"), queryset=User.objects.none())
    relation_2 = forms.ChoiceField(label=_("Their declared relation to the elder"), choices=Relation.choices)

    def __init__(self, *args: Any, assessors: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if assessors is not None:
            self.fields["assessor_1"].queryset = assessors  # type: ignore[attr-defined]
            self.fields["assessor_2"].queryset = assessors  # type: ignore[attr-defined]


class HealthFactsForm(forms.Form):
    """The first screen: facts the assessor copies from the health record (A.5.11, A.4.1, A.2.14)."""

    assessed_on = forms.DateField(label=_("Assessment date"), widget=forms.DateInput(attrs={"type": "date"}))
    coma = forms.BooleanField(label=_("In a coma (A.5.11 昏迷)"), required=False)
    diagnoses = forms.CharField(
        label=_("Diagnoses, ICD-10 codes (A.4.1), separated by commas"),
        required=False,
        help_text=_(
            "e.g. F03, I10. Dementia is F00–F03; F04–F99 counts only when a psychiatrist diagnosed it."
        ),
    )
    psychiatrist_diagnosed = forms.BooleanField(
        label=_("Mental disorder diagnosed by a psychiatrist"), required=False
    )

    def __init__(self, *args: Any, event_types: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        counts = [(0, _("none")), (1, _("once")), (2, _("twice")), (3, _("three times or more"))]
        for event in event_types:
            self.fields[f"event_{event.code}"] = forms.TypedChoiceField(
                label=_("Care-risk events in the last 30 days (A.2.14): %(name)s") % {"name": event.name},
                choices=counts,
                coerce=int,
                initial=0,
                required=False,
                empty_value=0,  # type: ignore[arg-type]
            )

    def diagnosis_codes(self) -> list[str]:
        return [c.strip() for c in self.cleaned_data["diagnoses"].replace("，", ",").split(",") if c.strip()]

    def risk_events(self) -> dict[str, int]:
        return {k.removeprefix("event_"): v for k, v in self.cleaned_data.items() if k.startswith("event_")}


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", _("Approve and publish")), ("return", _("Return to the assessors"))]
    )
    note = forms.CharField(label=_("Review note"), max_length=500, required=False)


class CertificationForm(forms.Form):
    user = forms.ModelChoiceField(
        label=_("Assessor"), queryset=User.objects.filter(role="assessor", is_active=True)
    )
    certificate_no = forms.CharField(label=_("Certificate number"), max_length=64)
    issued_by = forms.CharField(label=_("Issued by"), max_length=100, required=False)
    valid_from = forms.DateField(label=_("Valid from"), widget=forms.DateInput(attrs={"type": "date"}))
    valid_to = forms.DateField(
        label=_("Valid to"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
