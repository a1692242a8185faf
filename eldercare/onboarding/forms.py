from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from eldercare.onboarding.kinds import KINDS

MAX_UPLOAD = 50 * 1024 * 1024


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("Template"), choices=[(k, v.title) for k, v in KINDS.items()])
    file = forms.FileField(label=_("Filled-in template (XLSX or CSV)"))

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."))
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("The file is larger than 50 MB: split it."))
        return upload
