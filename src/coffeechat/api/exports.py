"""/api/v1/exports: everything out (and a backup back in)."""

from __future__ import annotations

import io
from typing import Any, BinaryIO, cast

from django.core.exceptions import ValidationError
from django.http import FileResponse
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile

from coffeechat.api.auth import EXPORT_AUTH
from coffeechat.api.schemas import ERRORS, ERRORS_BY_ID
from coffeechat.interchange import services
from coffeechat.lib.http import ApiRequest

router = Router(tags=["exports"])


class RestoreOut(Schema):
    restored: dict[str, int]


@router.post("/restore", response={201: RestoreOut, **ERRORS}, summary="Restore a JSON backup")
def backup_restore(request: ApiRequest, file: File[UploadedFile]) -> Status[dict[str, Any]]:
    """Only into an empty account; a document with any problem restores nothing."""
    try:
        text = io.TextIOWrapper(cast(BinaryIO, file.file), encoding="utf-8-sig")
        counts = services.backup_restore(owner=request.auth, stream=text)
    except UnicodeDecodeError:
        raise ValidationError({"file": ["This file is not a Coffeechat backup."]}) from None
    return Status(201, {"restored": counts})


@router.get(
    "/{export_format}",
    response={200: None, **ERRORS_BY_ID},
    summary="Download an export",
    auth=EXPORT_AUTH,
    # The int key merges into ninja's own 200 entry; a "200" string would be a second key.
    openapi_extra={
        "responses": {
            200: {
                "description": "`json`: the full backup (docs/backup-format.md); `csv` and "
                "`vcf`: your contacts; `ics`: your meetings.",
                "content": {
                    "application/json": {"schema": {"type": "object"}},
                    "text/csv": {"schema": {"type": "string"}},
                    "text/vcard": {"schema": {"type": "string"}},
                    "text/calendar": {"schema": {"type": "string"}},
                },
            }
        }
    },
)
def export_download(request: ApiRequest, export_format: str) -> FileResponse:
    if export_format not in services.EXPORT_TYPES:
        raise ValidationError({"format": [f"Choose one of: {', '.join(services.EXPORT_FORMATS)}."]})
    return services.export_response(owner=request.auth, fmt=export_format)
