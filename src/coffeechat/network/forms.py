from __future__ import annotations

import uuid
from typing import Any, cast

from django import forms
from django.urls import reverse

from coffeechat.lib.timezones import time_zone_choices
from coffeechat.lib.widgets import FastSelect
from coffeechat.network.models import Contact, Organization, Source
from coffeechat.network.selectors import (
    contact_choices,
    contact_count,
    contact_label,
    contacts_named,
)

# Up to this many people, "referred by" is a menu; beyond, a name box with suggestions.
REFERRER_MENU_LIMIT = 300


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
        "referred_by_name",
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
        self.exclude = self.instance if self.instance.pk else None
        cast(forms.ChoiceField, self.fields["source"]).choices = [("", "Not set"), *Source.choices]
        current = self.initial.get("referred_by_id") or (
            str(self.instance.referred_by.uuid) if self.instance.referred_by_id else ""
        )
        self.initial["referred_by_id"] = current
        self.referrer_menu = contact_count(owner) <= REFERRER_MENU_LIMIT
        if self.referrer_menu:
            cast(forms.ChoiceField, self.fields["referred_by_id"]).choices = [
                ("", "Nobody"),
                *contact_choices(owner, exclude=self.exclude),
            ]
        else:
            # Too many people for a menu: type a name instead (the page suggests matches).
            self.fields["referred_by_id"] = forms.CharField(
                required=False, widget=forms.HiddenInput
            )
            self.fields["referred_by_name"] = forms.CharField(
                label="Referred by",
                max_length=420,
                required=False,
                widget=forms.TextInput(
                    attrs={
                        "list": "referrer-suggestions",
                        "autocomplete": "off",
                        "hx-get": reverse("contact_suggestions"),
                        "hx-trigger": "input changed delay:200ms",
                        "hx-target": "#referrer-suggestions",
                        "hx-swap": "innerHTML",
                    }
                ),
                help_text="Type their name; pick “Name — Organization” if several share it.",
            )
            self.order_fields(self.field_order)
            referrer = (
                Contact.objects.filter(owner=owner, uuid=current).first() if current else None
            )
            if referrer is not None:
                self.initial["referred_by_name"] = contact_label(
                    referrer.name, referrer.organization.name if referrer.organization else None
                )
        if self.instance.pk:
            self.initial.setdefault(
                "organization_name",
                self.instance.organization.name if self.instance.organization_id else "",
            )
            self.initial.setdefault("tags", ", ".join(t.name for t in self.instance.tags.all()))

    @property
    def referrer_field(self) -> str:
        """The visible "referred by" field, where errors about the referrer belong."""
        return "referred_by_id" if self.referrer_menu else "referred_by_name"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["referred_by"] = self._referrer(data)
        return data

    def _referrer(self, data: dict[str, Any]) -> Contact | None:
        key = data.get("referred_by_id") or ""
        typed = (data.get("referred_by_name") or "").strip()
        if not self.referrer_menu and typed != (self.initial.get("referred_by_name") or ""):
            if not typed:
                return None
            matches = contacts_named(self.owner, typed, exclude=self.exclude)
            if len(matches) == 1:
                return matches[0]
            if (
                not matches
                and self.exclude is not None
                and contacts_named(self.owner, typed) == [self.exclude]
            ):
                self.add_error("referred_by_name", "Someone cannot refer themselves.")
                return None
            message = (
                f"Nobody on your list is called “{typed}”. Add them first, or check the spelling."
                if not matches
                else f"Several people are called “{typed}”: choose one of the suggestions, "
                "which add their organization."
            )
            self.add_error("referred_by_name", message)
            return None
        if not key:
            return None
        referrer = Contact.objects.filter(owner=self.owner, uuid__in=_as_uuid(key)).first()
        if referrer is None:
            self.add_error(self.referrer_field, "Choose someone from your own list.")
        return referrer


def _as_uuid(value: str) -> list[uuid.UUID]:
    try:
        return [uuid.UUID(value)]
    except ValueError:
        return []


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
