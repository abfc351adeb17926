"""Prepare and talk: research, the question bank, a meeting's plan, live notes, referrals.

Meetings themselves live in `outreach` (a "yes" creates one and the slot finder must see
them); everything here hangs off a meeting or a contact.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models

from coffeechat.lib.validators import http_url_validator


class Research(models.Model):
    """What the student found out about one person, and the guide's checklist for them."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="research"
    )
    contact = models.OneToOneField(
        "network.Contact", on_delete=models.CASCADE, related_name="research"
    )
    notes = models.TextField(
        "about them", max_length=20_000, blank=True, validators=[MaxLengthValidator(20_000)]
    )
    searched_at = models.DateTimeField("searched for them", null=True, blank=True)
    linkedin_read_at = models.DateTimeField("read their LinkedIn page", null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Research on {self.contact}"

    @classmethod
    def merge_contacts(cls, keep: Any, other: Any) -> None:
        """Called by `network.contact_merge`: one research row per person, nothing lost."""
        theirs = cls._base_manager.filter(contact=other).first()
        if theirs is None:
            return
        mine = cls._base_manager.filter(contact=keep).first()
        if mine is None:
            theirs.contact = keep
            theirs.save(update_fields=["contact", "updated_at"])
            return
        if theirs.notes.strip() and theirs.notes.strip() != mine.notes.strip():
            mine.notes = "\n\n".join(n for n in (mine.notes.strip(), theirs.notes.strip()) if n)
            mine.notes = mine.notes[:20_000]
        mine.searched_at = mine.searched_at or theirs.searched_at
        mine.linkedin_read_at = mine.linkedin_read_at or theirs.linkedin_read_at
        mine.save()
        theirs.delete()


class OrganizationResearch(models.Model):
    """Notes on an organization, shared by everyone the student knows there."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="organization_research"
    )
    organization = models.OneToOneField(
        "network.Organization", on_delete=models.CASCADE, related_name="research"
    )
    notes = models.TextField(
        "about the organization",
        max_length=20_000,
        blank=True,
        validators=[MaxLengthValidator(20_000)],
    )
    website_read_at = models.DateTimeField("read their website", null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Research on {self.organization}"


class LinkKind(models.TextChoices):
    LINKEDIN = "linkedin", "LinkedIn"
    WEBSITE = "website", "Website"
    NEWS = "news", "News"
    OTHER = "other", "Other"


class ResearchLink(models.Model):
    """A page about a person or an organization (exactly one of the two)."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="research_links"
    )
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    contact = models.ForeignKey(
        "network.Contact",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="research_links",
    )
    organization = models.ForeignKey(
        "network.Organization",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="research_links",
    )
    kind = models.CharField(max_length=20, choices=LinkKind.choices, default=LinkKind.OTHER)
    url = models.CharField("address", max_length=500, validators=[http_url_validator])
    title = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(contact__isnull=False, organization__isnull=True)
                    | models.Q(contact__isnull=True, organization__isnull=False)
                ),
                name="conversations_link_person_or_organization",
            )
        ]

    def __str__(self) -> str:
        return self.title or self.url


class Tiara(models.TextChoices):
    """Steve Dalton's TIARA framework (The 2-Hour Job Search)."""

    TRENDS = "trends", "Trends"
    INSIGHTS = "insights", "Insights"
    ADVICE = "advice", "Advice"
    RESOURCES = "resources", "Resources"
    ASSIGNMENTS = "assignments", "Assignments"


class Question(models.Model):
    """One question in the student's bank.

    The built-in questions are copied into each bank (`builtin_key` set) so a student can
    hide or reword them without touching anyone else's; their own have no key.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="questions"
    )
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    text = models.CharField(max_length=500)
    builtin_key = models.CharField(max_length=40, blank=True, editable=False)
    tiara = models.CharField("TIARA", max_length=20, choices=Tiara.choices, blank=True)
    # Lower-case, comma-separated: a bank holds dozens of questions, filtered in memory.
    tags = models.CharField(max_length=300, blank=True)
    hidden = models.BooleanField(default=False)
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "builtin_key"],
                condition=~models.Q(builtin_key=""),
                name="conversations_question_builtin_once",
            )
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def tag_list(self) -> list[str]:
        return [t for t in self.tags.split(",") if t]

    @property
    def origin(self) -> str:
        if self.builtin_key.startswith("guide-"):
            return "From the guide"
        if self.builtin_key:
            return "TIARA"
        return "Yours"


class PlanState(models.TextChoices):
    PLANNED = "planned", "Not asked yet"
    ASKED = "asked", "Asked"
    SKIPPED = "skipped", "Skipped"
    ANSWERED_EARLY = "answered_early", "Answered before I asked"


class PlannedQuestion(models.Model):
    """A question on one meeting's plan, in order, with what happened to it."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="planned_questions"
    )
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    meeting = models.ForeignKey("outreach.Meeting", on_delete=models.CASCADE, related_name="plan")
    question = models.ForeignKey(
        Question, null=True, blank=True, on_delete=models.SET_NULL, related_name="planned"
    )
    # The words as planned: rewording the bank later does not rewrite a past conversation.
    text = models.CharField(max_length=500)
    position = models.PositiveIntegerField(default=0)
    state = models.CharField(max_length=20, choices=PlanState.choices, default=PlanState.PLANNED)
    note = models.TextField(max_length=5_000, blank=True, validators=[MaxLengthValidator(5_000)])
    # Added during the conversation, prompted by an answer.
    follow_up = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["meeting", "position"], name="conversations_plan_order")]

    def __str__(self) -> str:
        return self.text


class NoteKind(models.TextChoices):
    ADVICE = "advice", "Advice"
    RESOURCE = "resource", "Resource"
    IDEA = "idea", "Idea"
    ASKED_ME = "asked_me", "They asked me"
    NOTE = "note", "Note"


class Note(models.Model):
    """Something captured during (or right after) a conversation."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conversation_notes"
    )
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    meeting = models.ForeignKey("outreach.Meeting", on_delete=models.CASCADE, related_name="notes")
    kind = models.CharField(max_length=20, choices=NoteKind.choices, default=NoteKind.NOTE)
    text = models.TextField(max_length=5_000, validators=[MaxLengthValidator(5_000)])
    # Set by the browser for each capture, so sending it again after a dropped connection
    # does not add it twice.
    client_key = models.CharField(max_length=64, blank=True, editable=False)
    acted_on_at = models.DateTimeField("acted on", null=True, blank=True)
    # What the student did with the advice or resource and how it helped: the progress
    # update to the contact quotes it.
    outcome = models.TextField(
        "what came of it", max_length=2_000, blank=True, validators=[MaxLengthValidator(2_000)]
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "client_key"],
                condition=~models.Q(client_key=""),
                name="conversations_note_sent_once",
            )
        ]

    def __str__(self) -> str:
        return self.text[:60]


class Referral(models.Model):
    """Someone this conversation suggested; the contact is `referred_by` the meeting's contact."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="referrals_made"
    )
    meeting = models.ForeignKey(
        "outreach.Meeting", on_delete=models.CASCADE, related_name="referrals"
    )
    contact = models.ForeignKey(
        "network.Contact", on_delete=models.CASCADE, related_name="suggested_in"
    )
    client_key = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "client_key"],
                condition=~models.Q(client_key=""),
                name="conversations_referral_sent_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.contact} (from {self.meeting})"


class Conversation(models.Model):
    """Live mode for one meeting: when the timer started and when it was finished."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conversations"
    )
    meeting = models.OneToOneField(
        "outreach.Meeting", on_delete=models.CASCADE, related_name="conversation"
    )
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Conversation {self.meeting}"


class PracticeAnswer(models.Model):
    """The student's rehearsed answer to something a contact may ask them."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="practice_answers"
    )
    prompt = models.CharField(max_length=500)
    answer = models.TextField(max_length=5_000, blank=True, validators=[MaxLengthValidator(5_000)])
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "prompt"], name="conversations_practice_answer_once"
            )
        ]

    def __str__(self) -> str:
        return self.prompt
