"""Forms of the supervision pages: input only; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from eldercare.core.models import OrganisationKind
from eldercare.supervision.choices import ComplaintSubject, ConflictKind

DATE = forms.DateInput(attrs={"type": "date"})


class CampaignForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    division = forms.CharField(label=_("Area (division code)"), max_length=12)
    target_kinds = forms.MultipleChoiceField(
        label=pgettext_lazy("inspection targets", "Targets"),
        choices=[
            (OrganisationKind.INSTITUTION, _("care institutions")),
            (OrganisationKind.PROVIDER, _("home-care providers")),
        ],
        widget=forms.CheckboxSelectMultiple,
    )
    target_count = forms.IntegerField(label=_("Targets to draw"), min_value=1, max_value=1000)
    inspectors_per_target = forms.IntegerField(
        label=_("Inspectors per target"), min_value=1, max_value=5, initial=2
    )
    checklist_code = forms.ChoiceField(label=_("Checklist"), choices=[])
    inspect_by = forms.DateField(label=_("Inspect by"), widget=DATE)

    def __init__(self, *args: object, checklists: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["checklist_code"].choices = checklists  # type: ignore[attr-defined]


class InspectionForm(forms.Form):
    organisation = forms.IntegerField(label=_("Organisation (id)"))
    checklist_code = forms.ChoiceField(label=_("Checklist"), choices=[])
    scheduled_on = forms.DateField(label=_("Scheduled on"), widget=DATE)

    def __init__(self, *args: object, checklists: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["checklist_code"].choices = checklists  # type: ignore[attr-defined]


class ConflictForm(forms.Form):
    organisation = forms.IntegerField(label=_("Organisation (id)"))
    kind = forms.ChoiceField(label=_("Kind"), choices=ConflictKind.choices)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
    valid_until = forms.DateField(label=_("Valid until"), widget=DATE, required=False)


class ComplaintForm(forms.Form):
    subject = forms.ChoiceField(label=_("Subject"), choices=ComplaintSubject.choices)
    division = forms.CharField(label=_("Where (division code)"), max_length=12)
    organisation = forms.IntegerField(label=_("About which organisation (id, optional)"), required=False)
    content = forms.CharField(
        label=_("What happened"), widget=forms.Textarea(attrs={"rows": 5}), max_length=5000
    )
    anonymous = forms.BooleanField(label=_("Anonymous"), required=False)
    name = forms.CharField(label=_("Your name"), max_length=64, required=False)
    phone = forms.CharField(label=_("Phone (to follow the case)"), max_length=16, required=False)


class FollowUpForm(forms.Form):
    case_number = forms.CharField(label=_("Case number"), max_length=20)
    secret = forms.CharField(label=_("Phone number or follow-up code"), max_length=20)


class PhotoForm(forms.Form):
    photo = forms.FileField(label=_("Photo (JPEG or PNG, at most 5 MB)"))
