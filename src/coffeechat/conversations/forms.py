"""Forms for Prepare and talk: a meeting entered directly, research, the question bank, a plan,
and live mode's captures.

They only parse and label input; the services decide what is allowed.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms

from coffeechat.accounts.models import Medium
from coffeechat.conversations.models import LinkKind, NoteKind, Question, Tiara
from coffeechat.conversations.selectors import ResearchView

DATETIME_LOCAL = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class MeetingForm(forms.Form):
    start = forms.DateTimeField(
        label="When (your time zone)",
        widget=DATETIME_LOCAL,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    minutes = forms.IntegerField(
        label="Minutes",
        min_value=5,
        max_value=240,
        help_text="The time you asked for: honor it.",
    )
    medium = forms.ChoiceField(
        label="How you will meet",
        choices=[("", "Not decided yet"), *Medium.choices],
        required=False,
    )
    location = forms.CharField(
        label="Phone number, video link or address", max_length=500, required=False
    )


class ResearchForm(forms.Form):
    """Notes and the guide's checklist; the organization's part only when there is one."""

    notes = forms.CharField(
        label="About them",
        max_length=20_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Their path, their work, what you have in common, what you want to ask.",
    )
    searched = forms.BooleanField(required=False)
    linkedin_read = forms.BooleanField(required=False)
    organization_notes = forms.CharField(
        max_length=20_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What they do, recent news, their mission and values.",
    )
    website_read = forms.BooleanField(required=False)

    def __init__(self, *args: Any, research: ResearchView, **kwargs: Any):
        checklist = {item.code: item for item in research.checklist}
        kwargs.setdefault(
            "initial",
            {
                "notes": research.notes,
                "organization_notes": research.organization_notes,
                "searched": checklist["searched"].done,
                "linkedin_read": checklist["linkedin"].done,
                "website_read": checklist["website"].done,
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["searched"].label = checklist["searched"].label
        self.fields["linkedin_read"].label = checklist["linkedin"].label
        if research.organization is None:
            del self.fields["organization_notes"]
            del self.fields["website_read"]
        else:
            self.fields["organization_notes"].label = f"About {research.organization.name}"
            self.fields["website_read"].label = checklist["website"].label

    @property
    def checklist_fields(self) -> list[forms.BoundField]:
        names = ("searched", "linkedin_read", "website_read")
        return [self[name] for name in names if name in self.fields]


class LinkForm(forms.Form):
    url = forms.CharField(
        label="Address",
        max_length=500,
        widget=forms.URLInput(attrs={"placeholder": "https://…"}),
    )
    title = forms.CharField(label="Title (optional)", max_length=200, required=False)
    kind = forms.ChoiceField(
        label="Kind",
        choices=[("", "Guess from the address"), *LinkKind.choices],
        required=False,
    )
    about = forms.ChoiceField(label="About", choices=[("person", "Them")], initial="person")

    def __init__(self, *args: Any, contact: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        about = cast(forms.ChoiceField, self.fields["about"])
        about.choices = [("person", contact.name)]
        if contact.organization is not None:
            about.choices = [*about.choices, ("organization", contact.organization.name)]


TIARA_CHOICES = [("", "None"), *Tiara.choices]


class QuestionForm(forms.Form):
    text = forms.CharField(
        label="Question", max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    tiara = forms.ChoiceField(
        label="TIARA",
        choices=TIARA_CHOICES,
        required=False,
        help_text="Trends, Insights, Advice, Resources or Assignments (The 2-Hour Job Search).",
    )
    tags = forms.CharField(
        max_length=300, required=False, help_text="Separate with commas, e.g. “tech, first”."
    )


class PlanAddForm(forms.Form):
    """Tick questions from the bank; they go to the end of the plan in bank order."""

    questions = forms.MultipleChoiceField(
        label="Questions to add", widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, bank: list[Question], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.bank = {str(q.uuid): q for q in bank}
        cast(forms.MultipleChoiceField, self.fields["questions"]).choices = [
            (key, q.text) for key, q in self.bank.items()
        ]

    def chosen(self) -> list[Question]:
        picked = set(self.cleaned_data["questions"])
        return [q for key, q in self.bank.items() if key in picked]


# Live mode -------------------------------------------------------------------------------


class NoteForm(forms.Form):
    kind = forms.ChoiceField(
        label="Kind", choices=NoteKind.choices, initial=NoteKind.NOTE, widget=forms.RadioSelect
    )
    text = forms.CharField(
        label="Note text", max_length=5_000, widget=forms.Textarea(attrs={"rows": 3})
    )
    client_key = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)


class ReferralForm(forms.Form):
    name = forms.CharField(label="Name", max_length=200)
    organization_name = forms.CharField(
        label="Organization (optional)", max_length=200, required=False
    )
    title = forms.CharField(label="Title (optional)", max_length=200, required=False)
    email = forms.EmailField(label="Email (optional)", required=False)
    client_key = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)


class FollowUpForm(forms.Form):
    text = forms.CharField(label="Add a follow-up question", max_length=500)
