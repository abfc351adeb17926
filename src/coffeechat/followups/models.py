"""What followups stores: the student's numbers and their choices about reminders, and the
last reminders worked out, as a snapshot that the Today list reads a page at a time.

The rules in `rules.py` work reminders out from messages, replies, meetings and notes. What
the student decided about one (snoozed until, dismissed) is kept, keyed by the rule and the
object it is about. The snapshot (`ReminderSnapshot`, `StoredReminder`) is a copy of what the
rules said, not a second source: database triggers mark it out of date on any write to what
the rules read (see `snapshot.py`), and it expires by itself when time alone would change
the answer (a meeting starting, a deadline passing, midnight).
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class FollowupSettings(models.Model):
    """The numbers behind each reminder rule, the digest and the calendar feed."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="followup_settings"
    )
    thank_you_hours = models.PositiveSmallIntegerField(
        "send a thank-you within (hours)",
        default=24,
        validators=[MinValueValidator(1), MaxValueValidator(168)],
    )
    linkedin_days = models.PositiveSmallIntegerField(
        "connect on LinkedIn this many days after the thank-you",
        default=1,
        validators=[MaxValueValidator(60)],
    )
    progress_days = models.PositiveSmallIntegerField(
        "send a progress update this many days after acting on their advice",
        default=2,
        validators=[MaxValueValidator(60)],
    )
    keep_in_touch_months = models.PositiveSmallIntegerField(
        "keep in touch every (months)",
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(24)],
    )
    try_next_days = models.PositiveSmallIntegerField(
        "without a reply, contact the next person after (business days)",
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
    )
    nudge_days = models.PositiveSmallIntegerField(
        "without a reply, nudge once after (business days)",
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
    )
    prepare_days = models.PositiveSmallIntegerField(
        "prepare this many days before a meeting",
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(14)],
    )
    digest = models.BooleanField(
        "email me the Today list each morning",
        default=False,
    )
    # The private calendar feed: blank when the student has none (or revoked it).
    feed_token = models.CharField(max_length=64, blank=True, editable=False)
    feed_created_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name_plural = "follow-up settings"
        constraints = [
            models.UniqueConstraint(
                fields=["feed_token"],
                condition=~models.Q(feed_token=""),
                name="followups_feed_token_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(try_next_days__lt=models.F("nudge_days")),
                name="followups_try_next_before_nudge",
            ),
        ]

    def __str__(self) -> str:
        return f"Follow-up settings of {self.user}"


class ReminderChoice(models.Model):
    """The student snoozed or dismissed one reminder (a rule about one object)."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_choices"
    )
    rule = models.CharField(max_length=20)
    # The object the reminder is about: a meeting, message, note or contact UUID.
    object_key = models.CharField(max_length=64)
    snoozed_until = models.DateTimeField(null=True, blank=True)
    # Dismissed: the reminder is gone while its due date is on or before this one. A reminder
    # that comes round again (keep in touch after the next conversation) comes back.
    dismissed_due = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["rule", "object_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "rule", "object_key"], name="followups_one_choice_per_reminder"
            )
        ]

    def __str__(self) -> str:
        return f"{self.rule} {self.object_key}"


class DigestSent(models.Model):
    """One row per user per day a digest went out: running the command twice sends one."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digests_sent"
    )
    day = models.DateField()
    sent_at = models.DateTimeField()
    items = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-day"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "day"], name="followups_one_digest_a_day")
        ]

    def __str__(self) -> str:
        return f"Digest {self.day} for {self.owner}"


class ReminderSnapshot(models.Model):
    """When the owner's reminders were last worked out, and whether that still holds.

    `version` is raised by database triggers on every insert, update or delete of a row
    the rules read (snapshot.py lists the tables); the snapshot holds while
    `computed_version` equals it, the rules are the same code (`rules_version`) and the time
    is in [computed_at, valid_until). The counts are of each Today section at that time.
    """

    owner = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    version = models.BigIntegerField(default=0)
    computed_version = models.BigIntegerField(null=True)
    rules_version = models.CharField(max_length=64, blank=True)
    computed_at = models.DateTimeField(null=True)
    valid_until = models.DateTimeField(null=True)
    counts = models.JSONField(default=dict)

    def __str__(self) -> str:
        return f"Reminders of {self.owner_id} as of {self.computed_at}"


class StoredReminder(models.Model):
    """One reminder of a snapshot (rules.Reminder's fields), in its Today section and place:
    the first few of each section are kept (snapshot.ROWS_KEPT), the rest only counted."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # overdue, today, week or later (snoozed and dismissed ones are only counted).
    section = models.CharField(max_length=10)
    position = models.PositiveIntegerField()
    rule = models.CharField(max_length=20)
    key = models.CharField(max_length=64)
    contact_key = models.CharField(max_length=64)
    contact_name = models.TextField()
    due = models.DateField()
    title = models.TextField()
    detail = models.TextField(blank=True)
    deadline = models.DateTimeField(null=True)
    meeting_key = models.CharField(max_length=64, blank=True)
    note_key = models.CharField(max_length=64, blank=True)
    draft_key = models.CharField(max_length=64, blank=True)
    snoozed_until = models.DateTimeField(null=True)
    original_due = models.DateField(null=True)

    class Meta:
        indexes = [
            models.Index(fields=["owner", "section", "position"], name="followups_stored_page")
        ]

    def __str__(self) -> str:
        return f"{self.rule} {self.key}"
