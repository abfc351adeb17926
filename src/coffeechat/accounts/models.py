from __future__ import annotations

import hashlib

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
    completed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.display_name or self.user.get_username()

    @property
    def name(self) -> str:
        return self.display_name or self.user.get_username()

    def media_labels(self) -> list[str]:
        labels = dict(Medium.choices)
        return [labels[m] for m in self.preferred_media if m in labels]


class ApiToken(models.Model):
    """A named API token; only its SHA-256 is stored, so a database leak reveals none."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
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
