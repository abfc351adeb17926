from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class ImportRun(models.Model):
    """One uploaded contacts file, from its preview until it is applied or discarded.

    The file itself is kept in the database between the preview and the apply, so any app
    process can apply it (a career centre runs several) and deleting the account deletes it.
    It is emptied once applied.
    """

    class Status(models.TextChoices):
        MAPPING = "mapping", "Choose the columns"
        PREVIEWED = "previewed", "Ready to import"
        APPLIED = "applied", "Imported"
        DISCARDED = "discarded", "Cancelled"
        UNDONE = "undone", "Undone"

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_runs"
    )
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    file_name = models.CharField(max_length=255, blank=True)
    file_size = models.PositiveIntegerField(default=0)
    content = models.BinaryField(default=b"")
    format = models.CharField(max_length=20)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PREVIEWED)
    # What the student chose: source, tag, column mapping (see interchange.services).
    options = models.JSONField(default=dict)
    # The preview or, once applied, the outcome: counts and a bounded sample of rows.
    report = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "-created_at"], name="interchange_run_recent")]

    def __str__(self) -> str:
        return self.file_name or str(self.uuid)


class ImportedContact(models.Model):
    """Someone an import added, so that the import can be undone."""

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="imported")
    contact = models.ForeignKey("network.Contact", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint("run", "contact", name="interchange_imported_once"),
        ]

    def __str__(self) -> str:
        return f"{self.run_id}:{self.contact_id}"
