from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from coffeechat.accounts.models import Medium


class Calendar(models.Model):
    """A calendar the student uploaded (.ics) or subscribed to by URL, read for busy times."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendars"
    )
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200)
    # Blank for an uploaded file; webcal:// addresses are stored as https://.
    source_url = models.CharField("address", max_length=2000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    refreshed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    event_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["name", "created_at"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_subscription(self) -> bool:
        return bool(self.source_url)


class BusyInterval(models.Model):
    """A span the owner is busy, from one of their calendars, in UTC."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="busy_intervals"
    )
    calendar = models.ForeignKey(Calendar, on_delete=models.CASCADE, related_name="intervals")
    start = models.DateTimeField()
    end = models.DateTimeField()
    # The event's title: shown to its owner only, never to a contact.
    summary = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["start", "end"]
        indexes = [models.Index(fields=["owner", "start"], name="outreach_busy_owner_start")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="outreach_busy_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.start:%Y-%m-%d %H:%M}–{self.end:%H:%M} {self.summary}"


class Kind(models.TextChoices):
    """What a message is for. The five first-request variants differ in how they open."""

    REQUEST_KNOWN = "request_known", "Request: someone you know"
    REQUEST_REFERRAL = "request_referral", "Request: someone you were referred to"
    REQUEST_ALUMNI = "request_alumni", "Request: an alumnus or alumna"
    REQUEST_COLD = "request_cold", "Request: someone new to you"
    REQUEST_PRACTICE = "request_practice", "Request: a practice conversation"
    NUDGE = "nudge", "Follow-up nudge"
    CONFIRM = "confirm", "Reply to a yes: confirm the time"
    WHO_ELSE = "who_else", "Reply to a no: thank them, ask who else"
    LINKEDIN_NOTE = "linkedin_note", "LinkedIn connection note"
    THANK_YOU = "thank_you", "Thank-you after a conversation"
    LINKEDIN_CONNECT = "linkedin_connect", "LinkedIn: connect after a conversation"
    PROGRESS_UPDATE = "progress_update", "Progress update: how their advice helped"
    KEEP_IN_TOUCH = "keep_in_touch", "Keeping in touch"


# The first-request variants: a reply answers one of these (or the nudge after it).
REQUEST_KINDS = frozenset(k for k in Kind.values if k.startswith("request_"))
# Follow-up after a conversation: written from its notes by the followups app.
FOLLOW_UP_KINDS = frozenset(
    {Kind.THANK_YOU, Kind.LINKEDIN_CONNECT, Kind.PROGRESS_UPDATE, Kind.KEEP_IN_TOUCH}
)


class Channel(models.TextChoices):
    COPY = "copy", "Copied into another app"
    MAILTO = "mailto", "My email app"
    SMTP = "smtp", "Sent by Coffeechat (email)"
    LINKEDIN = "linkedin", "LinkedIn"


class Message(models.Model):
    """A message to a contact: a draft until it is marked sent (sent_at)."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="messages"
    )
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    contact = models.ForeignKey(
        "network.Contact", on_delete=models.CASCADE, related_name="messages"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    subject = models.CharField(max_length=300, blank=True)
    body = models.TextField(max_length=10_000, blank=True)
    # What the request asked for, so a "yes" can pick one of the proposed times.
    minutes = models.PositiveSmallIntegerField(default=20)
    medium = models.CharField(max_length=20, blank=True)
    slots = models.JSONField(default=list, blank=True)  # [[start ISO, end ISO], …] in UTC
    channel = models.CharField(max_length=20, choices=Channel.choices, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # RFC 5322 Message-ID (angle brackets included) and the one it answers, for threading.
    message_id = models.CharField(max_length=300, blank=True)
    in_reply_to = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["owner", "contact", "-created_at"], name="outreach_msg_contact"),
            models.Index(fields=["owner", "sent_at"], name="outreach_msg_sent"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.contact}"

    @property
    def is_sent(self) -> bool:
        return self.sent_at is not None


class Outcome(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    REFERRED = "referred", "Referred me to someone"


class Reply(models.Model):
    """What a contact answered to a request, and when."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="replies"
    )
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    contact = models.ForeignKey("network.Contact", on_delete=models.CASCADE, related_name="replies")
    message = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="replies"
    )
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    received_at = models.DateTimeField()
    note = models.TextField(max_length=5000, blank=True)
    # For "referred me to someone": the person they suggested, added as a contact.
    referred_contact = models.ForeignKey(
        "network.Contact",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["owner", "contact"], name="outreach_reply_contact")]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} from {self.contact}"


def new_ical_uid() -> str:
    return f"{uuid.uuid4()}@coffeechat"


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"
    NO_SHOW = "no_show", "No-show"


class Meeting(models.Model):
    """A conversation with a contact at a set time (stored in UTC).

    It lives here, not in a later app, because the slot finder must treat scheduled
    meetings as busy time and a "yes" reply creates one.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="meetings"
    )
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    contact = models.ForeignKey(
        "network.Contact", on_delete=models.CASCADE, related_name="meetings"
    )
    reply = models.ForeignKey(
        Reply, null=True, blank=True, on_delete=models.SET_NULL, related_name="meetings"
    )
    start = models.DateTimeField()
    end = models.DateTimeField()
    medium = models.CharField(max_length=20, blank=True)
    # A phone number, a video link or an address.
    location = models.CharField("where or how", max_length=500, blank=True)
    status = models.CharField(
        max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED
    )
    # iCalendar: the UID of every invite and export of this meeting (kept by a backup and
    # restore, so the contact's calendar keeps recognising it); SEQUENCE goes up each time
    # the invite changes.
    ical_uid = models.CharField("iCalendar UID", max_length=255, default=new_ical_uid)
    sequence = models.PositiveIntegerField(default=0)
    # The start before the last move, so the meeting can say "rescheduled from …".
    rescheduled_from = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["start"]
        indexes = [models.Index(fields=["owner", "start"], name="outreach_meeting_start")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")),
                name="outreach_meeting_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["owner", "ical_uid"], name="outreach_meeting_unique_uid_per_owner"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contact} {self.start:%Y-%m-%d %H:%M}"

    @property
    def minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)

    @property
    def video_link(self) -> str:
        """The location as a link to open, if it is a video call's web address.

        The location is free text (a room, a phone number), so only an http(s) address
        may become a link: "javascript://…" would run on a click.
        """
        location = self.location.strip()
        scheme = location.partition("://")[0].lower()
        if self.medium != "video" or scheme not in {"http", "https"}:
            return ""
        return location

    @property
    def medium_label(self) -> str:
        return str(dict(Medium.choices).get(self.medium, self.medium))

    @property
    def status_label(self) -> str:
        """The guide's words: a moved meeting reads "Rescheduled" until it happens."""
        if self.status == MeetingStatus.SCHEDULED and self.rescheduled_from is not None:
            return "Rescheduled"
        return str(self.get_status_display())


class DraftTemplate(models.Model):
    """The student's own wording for one kind of message; built-in wording otherwise."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="draft_templates"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    subject = models.CharField(max_length=300, blank=True)
    body = models.TextField(max_length=10_000)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "kind"], name="outreach_template_one_per_kind")
        ]

    def __str__(self) -> str:
        return self.get_kind_display()
