"""The follow-up settings form: the numbers behind each reminder rule, and the digest."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from coffeechat.followups.models import FollowupSettings
from coffeechat.followups.selectors import NUMBER_FIELDS

LABELS = {
    "thank_you_hours": "Thank-you within (hours)",
    "linkedin_days": "Connect on LinkedIn (days after the thank-you)",
    "progress_days": "Progress update (days after acting on their advice)",
    "keep_in_touch_months": "Keep in touch every (months)",
    "try_next_days": "Try the next person after (business days)",
    "nudge_days": "Nudge once after (business days)",
    "prepare_days": "Prepare (days before a meeting)",
    "digest": "Email me the Today list each morning",
}

HELP = {
    "thank_you_hours": "After a conversation is marked done, the thank-you is due that day and "
    "overdue this many hours after it ended. Default 24.",
    "linkedin_days": "After your first thank-you to someone, a reminder to send a LinkedIn "
    "connection request with a short note. 0 means the same day. Default 1.",
    "progress_days": "When you mark their advice or a resource as acted on, a reminder to tell "
    "them what you did and how it helped. Default 2.",
    "keep_in_touch_months": "For people you have met. Any message, reply, meeting or note "
    "starts the count again. Default 3.",
    "try_next_days": "The 3B7 rule: when someone has not replied, contact another person at the "
    "same organization. Business days skip weekends and your country’s public holidays. "
    "Default 3; it must be fewer than the nudge.",
    "nudge_days": "The 3B7 rule: one short follow-up to someone who has not replied, then "
    "move on. Default 7.",
    "prepare_days": "A reminder to do the research and plan your questions, when that is not "
    "done yet. Default 1.",
}


def _bounds(name: str) -> dict[str, int]:
    """The model's limits as min/max attributes, so a phone shows a number pad with them."""
    bounds = {"min": 0}
    field = FollowupSettings._meta.get_field(name)
    assert isinstance(field, models.Field)
    for validator in field.validators:
        if isinstance(validator, MinValueValidator):
            bounds["min"] = int(validator.limit_value)
        elif isinstance(validator, MaxValueValidator):
            bounds["max"] = int(validator.limit_value)
    return bounds


class FollowupSettingsForm(forms.ModelForm):
    """Reads the values only: `services.settings_update` checks them (ranges, try-next
    before the nudge) and the view shows its errors on the fields, so the rules live in
    one place for the page, the API and the CLI."""

    class Meta:
        model = FollowupSettings
        fields = [*NUMBER_FIELDS, "digest"]
        labels = LABELS
        help_texts = HELP

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in NUMBER_FIELDS:
            self.fields[name].widget.attrs.update(_bounds(name), inputmode="numeric")

    def _post_clean(self) -> None:
        # No model validation here: it would report the try-next/nudge constraint by its
        # name; the service says what it means.
        return None
