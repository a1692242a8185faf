"""Forms of the workforce pages: input only; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from eldercare.workforce.choices import (
    CertificateKind,
    CourseKind,
    CreditDirection,
    CreditSource,
    RewardKind,
    SkillLevel,
    StaffCategory,
)

DATE = forms.DateInput(attrs={"type": "date"})


class HireForm(forms.Form):
    employer = forms.IntegerField(label=_("Employer (organisation id)"), required=False)
    id_number = forms.CharField(label=_("Resident ID number"), max_length=18)
    name = forms.CharField(label=_("Name"), max_length=64)
    phone = forms.CharField(label=_("Phone"), max_length=16, required=False)
    position = forms.ChoiceField(label=pgettext_lazy("job", "Position"), choices=StaffCategory.choices)
    started_on = forms.DateField(label=_("Starts on"), widget=DATE)


class EndEmploymentForm(forms.Form):
    employment = forms.IntegerField(widget=forms.HiddenInput)
    ended_on = forms.DateField(label=_("Ended on"), widget=DATE)
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


class CertificateForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=CertificateKind.choices)
    level = forms.TypedChoiceField(
        label=_("Skill level"),
        choices=[("", "—"), *SkillLevel.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    number = forms.CharField(label=_("Certificate number"), max_length=64)
    issuer = forms.CharField(label=_("Issued by"), max_length=128)
    issued_on = forms.DateField(label=_("Issued on"), widget=DATE)
    expires_on = forms.DateField(label=_("Expires on"), widget=DATE, required=False)


class TrainingRecordForm(forms.Form):
    course = forms.IntegerField(label=_("Course (id)"))
    hours = forms.IntegerField(label=_("Hours attended"), min_value=1)
    completed_on = forms.DateField(label=_("Completed on"), widget=DATE)
    exam_score = forms.IntegerField(label=_("Exam score"), min_value=0, max_value=100, required=False)
    passed = forms.NullBooleanField(label=_("Passed"), required=False)


class CreditForm(forms.Form):
    direction = forms.ChoiceField(
        label=pgettext_lazy("credit record", "Direction"), choices=CreditDirection.choices
    )
    points = forms.IntegerField(label=_("Points"), min_value=1, max_value=100)
    summary = forms.CharField(label=pgettext_lazy("credit record", "Summary"), max_length=300)
    source = forms.ChoiceField(label=_("Source"), choices=CreditSource.choices)
    source_reference = forms.CharField(label=_("Source reference"), max_length=100, required=False)


class ListingForm(forms.Form):
    legal_basis = forms.CharField(label=_("Legal basis"), max_length=300)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
    starts_on = forms.DateField(label=_("Listed from"), widget=DATE)
    ends_on = forms.DateField(label=_("Listed until"), widget=DATE, required=False)


class RewardForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=RewardKind.choices)
    granted_on = forms.DateField(label=_("Granted on"), widget=DATE)
    reason = forms.CharField(label=_("Reason"), max_length=200)
    amount_yuan = forms.DecimalField(label=_("Amount (yuan; skill subsidies from policy)"), required=False)


class ProviderForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=128)
    division = forms.CharField(label=_("Division code"), max_length=12)
    is_vocational = forms.BooleanField(
        label=_("Vocational skill training provider"), required=False, initial=True
    )
    accredited_on = forms.DateField(label=_("Accredited on"), widget=DATE, required=False)


class CourseForm(forms.Form):
    provider = forms.IntegerField(label=_("Provider (id)"))
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=CourseKind.choices)
    hours = forms.IntegerField(label=pgettext_lazy("training hours", "Hours"), min_value=1)
    starts_on = forms.DateField(label=_("Starts on"), widget=DATE)
    ends_on = forms.DateField(label=_("Ends on"), widget=DATE)
