from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


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
