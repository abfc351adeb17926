from __future__ import annotations

from typing import Any, cast

from django import forms

from coffeechat.lib.timezones import time_zone_choices
from coffeechat.lib.widgets import FastSelect
from coffeechat.network.models import Contact, Organization, Source
from coffeechat.network.selectors import contact_choices


class ContactForm(forms.ModelForm):
    """The add/edit form. Organization is typed by name; tags are comma-separated."""

    organization_name = forms.CharField(
        label="Organization",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"list": "organization-names", "autocomplete": "off"}),
        help_text="Type a new name or pick one of yours.",
    )
    referred_by_id = forms.ChoiceField(label="Referred by", required=False, widget=FastSelect)
    time_zone = forms.ChoiceField(
        label="Their time zone",
        required=False,
        choices=lambda: time_zone_choices("Not known"),
        widget=FastSelect,
    )
    tags = forms.CharField(
        max_length=1000,
        required=False,
        help_text="Separate with commas, e.g. “UX, Chicago”.",
    )

    class Meta:
        model = Contact
        fields = [
            "name",
            "email",
            "phone",
            "linkedin_url",
            "title",
            "field",
            "time_zone",
            "source",
            "practice",
            "notes",
        ]
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 4}),
            "email": forms.EmailInput(attrs={"autocomplete": "off"}),
            "linkedin_url": forms.URLInput(attrs={"placeholder": "https://www.linkedin.com/in/…"}),
            "phone": forms.TextInput(attrs={"type": "tel"}),
            "source": FastSelect,
        }

    field_order = [
        "name",
        "organization_name",
        "title",
        "source",
        "referred_by_id",
        "practice",
        "email",
        "phone",
        "linkedin_url",
        "field",
        "time_zone",
        "tags",
        "notes",
    ]

    def __init__(self, *args: Any, owner: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.owner = owner
        cast(forms.ChoiceField, self.fields["source"]).choices = [("", "Not set"), *Source.choices]
        exclude = self.instance if self.instance.pk else None
        cast(forms.ChoiceField, self.fields["referred_by_id"]).choices = [
            ("", "Nobody"),
            *contact_choices(owner, exclude=exclude),
        ]
        if self.instance.pk:
            self.initial.setdefault(
                "organization_name",
                self.instance.organization.name if self.instance.organization_id else "",
            )
            self.initial.setdefault(
                "referred_by_id",
                str(self.instance.referred_by.uuid) if self.instance.referred_by_id else "",
            )
            self.initial.setdefault("tags", ", ".join(t.name for t in self.instance.tags.all()))


class OrganizationForm(forms.ModelForm):
    class Meta:
        model = Organization
        fields = [
            "name",
            "website",
            "industry",
            "lamp_advocate",
            "lamp_motivation",
            "lamp_posting",
            "notes",
        ]
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 4}),
            "website": forms.URLInput(attrs={"placeholder": "https://…"}),
            "lamp_motivation": forms.Select(
                choices=[(0, "0 — not sure"), (1, "1"), (2, "2"), (3, "3 — dream employer")]
            ),
            "lamp_posting": forms.Select(
                choices=[(1, "1 — none"), (2, "2 — loosely related"), (3, "3 — a good fit")]
            ),
        }


class ContactFilterForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=200)
    source = forms.ChoiceField(
        label="How you know them",
        required=False,
        choices=[("", "Any"), *Source.choices],
        widget=FastSelect,
    )
    practice = forms.ChoiceField(
        label="Practice",
        required=False,
        choices=[("", "Everyone"), ("yes", "Practice contacts"), ("no", "Not practice")],
        widget=FastSelect,
    )
    tag = forms.CharField(label="Tag", required=False, max_length=50)


class MergeForm(forms.Form):
    other = forms.ChoiceField(label="Duplicate to merge into this contact", widget=FastSelect)

    def __init__(self, *args: Any, owner: Any, keep: Contact, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["other"]).choices = [
            ("", "Choose…"),
            *contact_choices(owner, exclude=keep),
        ]
