"""Forms of the registry pages; they only shape input, the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from eldercare.registry.choices import (
    ConsentScope,
    ContactRelation,
    EconomicStatus,
    ElderGroup,
    LifeEventKind,
    LivingSituation,
)
from eldercare.registry.sources import SOURCES


class ElderForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=64)
    id_number = forms.CharField(label=_("Resident ID number"), max_length=18)
    residence_division = forms.CharField(label=_("Community code (12 digits)"), max_length=12)
    hukou_division = forms.CharField(
        label=_("Household registration division code"), max_length=12, required=False
    )
    ethnicity = forms.CharField(label=_("Ethnicity"), max_length=16, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    lon = forms.FloatField(label=_("Longitude"), required=False)
    lat = forms.FloatField(label=_("Latitude"), required=False)
    living_situation = forms.ChoiceField(label=_("Living situation"), choices=LivingSituation.choices)
    economic_status = forms.ChoiceField(label=_("Economic status"), choices=EconomicStatus.choices)


class ElderEditForm(ElderForm):
    """Editing: the ID number (and so birth date and sex) is fixed; health facts can be set."""

    economic_valid_to = forms.DateField(label=_("Economic status valid to"), required=False)
    chronic_conditions = forms.CharField(label=_("Chronic conditions (separated by ;)"), required=False)
    dementia_diagnosed = forms.BooleanField(label=_("Dementia diagnosed"), required=False)
    family_doctor_signed = forms.BooleanField(label=_("Family doctor signed"), required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        del self.fields["id_number"]


class ContactForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=64)
    relation = forms.ChoiceField(label=_("Relation"), choices=ContactRelation.choices)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    is_guardian = forms.BooleanField(label=_("Guardian"), required=False)
    is_emergency = forms.BooleanField(label=_("Emergency contact"), required=False)


class ConsentForm(forms.Form):
    scope = forms.ChoiceField(label=_("Scope"), choices=ConsentScope.choices)
    granted = forms.BooleanField(label=_("Granted"), required=False, initial=True)
    given_on = forms.DateField(label=_("Date"))
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class GroupsForm(forms.Form):
    groups = forms.MultipleChoiceField(
        label=_("Special groups"),
        choices=ElderGroup.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    disability_grade = forms.IntegerField(
        label=_("Disability grade (1–4)"), min_value=1, max_value=4, required=False
    )


class LifeEventForm(forms.Form):
    kind = forms.ChoiceField(label=_("Event"), choices=LifeEventKind.choices)
    occurred_on = forms.DateField(label=_("Date"))


class ImportForm(forms.Form):
    source = forms.ChoiceField(
        label=_("Source"), choices=[(k, f"{s.department} · {s.label}") for k, s in SOURCES.items()]
    )
    file = forms.FileField(label=_("File (CSV or XLSX)"))

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."))
        if upload.size > 200 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 200 MB: split it or use the API."))
        return upload
