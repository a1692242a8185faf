"""Forms of the planning pages; they only shape input, the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from eldercare.planning.choices import ProjectStage, QualitativeState, ReportKind

MAX_EVIDENCE_BYTES = 5 * 1024 * 1024


class ManualEntryForm(forms.Form):
    period = forms.DateField(
        label=_("As of (date the value describes)"), widget=forms.DateInput(attrs={"type": "date"})
    )
    value = forms.FloatField(label=_("Value"), required=False)
    value_text = forms.ChoiceField(
        label=_("State"), choices=[("", "—"), *QualitativeState.choices], required=False
    )
    numerator = forms.FloatField(label=_("Numerator"), required=False)
    denominator = forms.FloatField(label=_("Denominator"), required=False)
    evidence = forms.CharField(
        label=_("Evidence (document, source, who confirmed)"), widget=forms.Textarea(attrs={"rows": 3})
    )
    evidence_file = forms.FileField(label=_("Evidence file"), required=False)

    def clean_evidence_file(self) -> object:
        upload = self.cleaned_data.get("evidence_file")
        if upload is not None and upload.size > MAX_EVIDENCE_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        return upload


class ProjectUpdateForm(forms.Form):
    reported_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    stage = forms.ChoiceField(label=_("Stage"), choices=ProjectStage.choices)
    beds_in_use = forms.IntegerField(label=_("Beds in use"), min_value=0, initial=0)
    units_done = forms.IntegerField(label=_("Sites completed"), min_value=0, initial=0)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class FundingForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2021, max_value=2035)
    lottery_fund_yuan = forms.DecimalField(
        label=_("Welfare-lottery funds available (yuan)"), min_value=0, decimal_places=2
    )
    elderly_care_yuan = forms.DecimalField(
        label=_("Spent on elderly care (yuan)"), min_value=0, decimal_places=2
    )
    evidence = forms.CharField(label=_("Evidence"), widget=forms.Textarea(attrs={"rows": 2}))
    evidence_file = forms.FileField(label=_("Evidence file"), required=False)


class ReportForm(forms.Form):
    kind = forms.ChoiceField(label=_("Report"), choices=ReportKind.choices)
    period = forms.CharField(label=_("Month (YYYY-MM) or year (YYYY)"), max_length=7)
