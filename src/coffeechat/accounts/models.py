from __future__ import annotations

import hashlib
import uuid

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models

from coffeechat.lib.timezones import validate_time_zone


class Medium(models.TextChoices):
    """Ways to meet that make it easy for the other person (the guide's advice)."""

    PHONE = "phone", "Phone"
    VIDEO = "video", "Zoom / video call"
    IN_PERSON = "in_person", "In person, near their office"


class Wording(models.TextChoices):
    """What to call the conversation; the guide says any of these is fine."""

    INFORMATIONAL_INTERVIEW = "informational interview", "Informational interview"
    COFFEE_CHAT = "coffee chat", "Coffee chat"
    PHONE_CHAT = "phone chat", "Phone chat"


class Profile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    display_name = models.CharField("your name", max_length=120, blank=True)
    school = models.CharField(max_length=200, blank=True)
    graduation_year = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1950), MaxValueValidator(2100)],
    )
    fields_of_interest = models.CharField(
        max_length=300,
        blank=True,
        help_text="Separate fields with commas, e.g. “UX design, public health”.",
    )
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    elevator_pitch = models.TextField(
        max_length=2000,
        blank=True,
        validators=[MaxLengthValidator(2000)],
        help_text="Two or three sentences about you: the people you talk to may ask.",
    )
    default_minutes = models.PositiveSmallIntegerField(
        "minutes to ask for",
        default=20,
        validators=[MinValueValidator(5), MaxValueValidator(120)],
        help_text="A short, specific ask is easy to say yes to: 20 minutes is a good default.",
    )
    preferred_media = models.JSONField("ways to meet", default=list, blank=True)
    wording = models.CharField(
        "call it", max_length=40, choices=Wording.choices, default=Wording.INFORMATIONAL_INTERVIEW
    )
    # When the student can talk: the slot finder proposes times inside their weekly
    # availability windows, from `lead_business_days` ahead up to `horizon_days`, keeping
    # `buffer_minutes` clear around anything already in their calendars.
    country = models.CharField(
        "country for public holidays",
        max_length=2,
        blank=True,
        help_text="Business days skip weekends and this country's public holidays.",
    )
    buffer_minutes = models.PositiveSmallIntegerField(
        "buffer around meetings (minutes)",
        default=15,
        validators=[MaxValueValidator(120)],
        help_text="Time kept free before and after anything else in your calendar.",
    )
    lead_business_days = models.PositiveSmallIntegerField(
        "earliest, in business days from now",
        default=2,
        validators=[MaxValueValidator(30)],
        help_text="Give them time to answer: propose times at least this far ahead.",
    )
    horizon_days = models.PositiveSmallIntegerField(
        "latest, in days from now",
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
    )
    completed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.display_name or self.user.get_username()

    @property
    def name(self) -> str:
        return self.display_name or self.user.get_username()

    def media_labels(self) -> list[str]:
        labels = dict(Medium.choices)
        return [labels[m] for m in self.preferred_media if m in labels]


class AvailabilityWindow(models.Model):
    """A weekly span when the student can talk, in their own time zone ("Tue 13:00–15:00")."""

    WEEKDAYS = [
        (0, "Monday"),
        (1, "Tuesday"),
        (2, "Wednesday"),
        (3, "Thursday"),
        (4, "Friday"),
        (5, "Saturday"),
        (6, "Sunday"),
    ]

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="availability_windows"
    )
    weekday = models.PositiveSmallIntegerField(choices=WEEKDAYS)
    start = models.TimeField()
    end = models.TimeField()

    class Meta:
        ordering = ["weekday", "start"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")),
                name="accounts_availability_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(weekday__lte=6), name="accounts_availability_weekday"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start:%H:%M}–{self.end:%H:%M}"


class ApiToken(models.Model):
    """A named API token; only its SHA-256 is stored, so a database leak reveals none."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    # The id in URLs: a row number would tell anyone how many tokens exist and invite guessing.
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=100, default="API token")
    prefix = models.CharField(max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash_key(key: str) -> str:
        # Tokens are 256-bit random strings, so a fast hash is enough (no brute force).
        return hashlib.sha256(key.encode()).hexdigest()
