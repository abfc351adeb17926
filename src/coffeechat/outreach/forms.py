from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms

from coffeechat.accounts.models import AvailabilityWindow, Medium
from coffeechat.lib.businessdays import country_choices
from coffeechat.outreach.models import Channel, Kind, Outcome

MEDIUM_CHOICES = [("", "As in my profile"), *Medium.choices]


class DraftStartForm(forms.Form):
    kind = forms.ChoiceField(
        label="What to write",
        choices=[("request", "First request (the variant that fits them)"), *Kind.choices],
        initial="request",
    )
    minutes = forms.IntegerField(
        label="Minutes to ask for",
        min_value=5,
        max_value=240,
        required=False,
        help_text="Leave empty for your profile's default.",
    )
    medium = forms.ChoiceField(label="How to meet", choices=MEDIUM_CHOICES, required=False)


class MessageForm(forms.Form):
    subject = forms.CharField(max_length=300, required=False)
    body = forms.CharField(
        label="Message",
        max_length=10_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 14}),
    )


class MarkSentForm(forms.Form):
    channel = forms.ChoiceField(choices=Channel.choices)


class ReplyForm(forms.Form):
    outcome = forms.ChoiceField(
        label="What did they answer?",
        choices=[
            (Outcome.YES, "Yes — let's talk"),
            (Outcome.NO, "No"),
            (Outcome.REFERRED, "They referred me to someone else"),
        ],
        widget=forms.RadioSelect,
    )
    slot = forms.ChoiceField(label="The time they chose", required=False, widget=forms.RadioSelect)
    other_start = forms.DateTimeField(
        label="Or another time (your time zone)",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    minutes = forms.IntegerField(min_value=5, max_value=240, required=False)
    medium = forms.ChoiceField(label="How you will meet", choices=MEDIUM_CHOICES, required=False)
    location = forms.CharField(
        label="Phone number, video link or address", max_length=500, required=False
    )
    referred_name = forms.CharField(label="Who they suggested", max_length=200, required=False)
    referred_email = forms.EmailField(label="Their email (optional)", required=False)
    referred_organization = forms.CharField(
        label="Their organization (optional)", max_length=200, required=False
    )
    note = forms.CharField(
        label="Note (optional)",
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, slots: list[tuple[str, str]] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["slot"]).choices = slots or []

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        outcome = data.get("outcome")
        if outcome == Outcome.YES and not data.get("slot") and not data.get("other_start"):
            self.add_error("slot", "Pick the time they chose, or enter another.")
        if outcome == Outcome.REFERRED and not (data.get("referred_name") or "").strip():
            self.add_error("referred_name", "Who did they suggest? Enter a name.")
        return data


class RescheduleForm(forms.Form):
    start = forms.DateTimeField(
        label="New time (your time zone)",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    minutes = forms.IntegerField(min_value=5, max_value=240, required=False)


class SettingsForm(forms.Form):
    buffer_minutes = forms.IntegerField(
        label="Buffer around other events (minutes)", min_value=0, max_value=120
    )
    lead_business_days = forms.IntegerField(
        label="Earliest: business days from now", min_value=0, max_value=30
    )
    horizon_days = forms.IntegerField(label="Latest: days from now", min_value=1, max_value=90)
    country = forms.ChoiceField(label="Country for public holidays", required=False)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["country"]).choices = country_choices()


class WindowForm(forms.Form):
    weekday = forms.TypedChoiceField(
        label="Day", choices=AvailabilityWindow.WEEKDAYS, coerce=int, required=False
    )
    start = forms.TimeField(
        label="From", required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    end = forms.TimeField(
        label="To", required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if (start is None) != (end is None):
            raise forms.ValidationError("Give both times, or leave both empty.")
        if start is not None and end is not None and end <= start:
            raise forms.ValidationError("The end must be after the start.")
        return data

    def window(self) -> tuple[int, dt.time, dt.time] | None:
        data = self.cleaned_data
        if data.get("start") is None or data.get("weekday") is None:
            return None
        return (data["weekday"], data["start"], data["end"])


WindowFormSet = forms.formset_factory(WindowForm, extra=3, max_num=50, absolute_max=50)


class TemplateForm(forms.Form):
    subject = forms.CharField(max_length=300, required=False)
    body = forms.CharField(max_length=10_000, widget=forms.Textarea(attrs={"rows": 14}))
