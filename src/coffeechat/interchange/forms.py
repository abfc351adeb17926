from __future__ import annotations

from typing import Any

from django import forms

from coffeechat.interchange import detect, generic_csv
from coffeechat.network.models import Source

SOURCE_CHOICES = [("", "As the file says (LinkedIn: “LinkedIn connection”)"), *Source.choices]


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="Your file",
        help_text="LinkedIn Connections.csv, Google or Outlook CSV, vCard (.vcf) or any CSV, "
        "up to 20 MB.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.vcf,.vcard,.txt,text/csv"}),
    )
    format = forms.ChoiceField(
        label="Kind of file",
        choices=[
            ("auto", "Work it out from the file"),
            *[(key, detect.FORMATS[key]) for key in detect.CONTACT_FORMATS],
        ],
        initial="auto",
        required=False,
    )
    source = forms.ChoiceField(
        label="How do you know these people?",
        choices=SOURCE_CHOICES,
        required=False,
        help_text="For people the file does not say. Choose “Alumni” for a LinkedIn export "
        "of fellow alumni.",
    )
    tag = forms.CharField(
        label="Tag everyone in the file (optional)",
        max_length=50,
        required=False,
        help_text="For example “linkedin-2026”: you can find or remove them together later.",
    )


class ImportOptionsForm(forms.Form):
    source = forms.ChoiceField(
        label="How do you know these people?", choices=SOURCE_CHOICES, required=False
    )
    tag = forms.CharField(label="Tag everyone in the file", max_length=50, required=False)


class MappingForm(forms.Form):
    """One menu per thing Coffeechat keeps, listing the file's columns."""

    def __init__(
        self, *args: Any, columns: list[str], initial_mapping: dict[str, str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "— not in this file —"), *[(c, c) for c in columns]]
        for field, label in generic_csv.MAPPABLE_FIELDS:
            self.fields[field] = forms.ChoiceField(
                label=label,
                choices=choices,
                required=False,
                initial=initial_mapping.get(field, ""),
            )

    def mapping(self) -> dict[str, str]:
        return {k: v for k, v in self.cleaned_data.items() if v}


class RestoreForm(forms.Form):
    file = forms.FileField(label="Backup file (.json)")
