"""/api/v1/imports: contacts files in, with the same preview and apply steps as the pages.

1. `POST /imports` (multipart: `file`, optional `format`, `source`, `tag`, `mapping` as a
   JSON object of field -> column) checks the file and previews it: `status` "previewed",
   or "mapping" for a CSV Coffeechat does not know (see `columns` and the guessed `mapping`).
2. `POST /imports/{id}/preview` with other choices previews again.
3. `POST /imports/{id}/apply` imports it, all in one transaction; `DELETE` cancels it.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from coffeechat.api.schemas import ERRORS, ERRORS_BY_ID, InputSchema
from coffeechat.interchange import selectors, services
from coffeechat.interchange.models import ImportRun
from coffeechat.lib.http import ApiRequest

router = Router(tags=["imports"])


class RowErrorOut(Schema):
    line: int
    message: str


class ImportOut(Schema):
    id: UUID = Field(alias="uuid")
    file_name: str
    format: str
    status: str
    source: str = ""
    tag: str = ""
    mapping: dict[str, str] = {}
    columns: list[str] = []
    created: int = 0
    merged: int = 0
    unchanged: int = 0
    error_count: int = 0
    conflict_count: int = 0
    errors: list[RowErrorOut] = []
    rows: dict[str, list[dict[str, Any]]] = Field(
        default={}, description="A sample of rows by outcome: create, merge, unchanged, review."
    )
    created_at: datetime
    applied_at: datetime | None


def _out(run: ImportRun) -> dict[str, Any]:
    return {
        "uuid": run.uuid,
        "file_name": run.file_name,
        "format": run.format,
        "status": run.status,
        "source": run.options.get("source", ""),
        "tag": run.options.get("tag", ""),
        "mapping": run.options.get("mapping", {}),
        "created_at": run.created_at,
        "applied_at": run.applied_at,
        **run.report,
    }


def _mapping(raw: str) -> dict[str, str] | None:
    if not raw:
        return None
    try:
        mapping = json.loads(raw)
    except ValueError:
        mapping = None
    if not isinstance(mapping, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in mapping.items()
    ):
        raise ValidationError(
            {"mapping": ['Give the mapping as a JSON object, e.g. {"name": "Full name"}.']}
        )
    return mapping


@router.post("", response={201: ImportOut, **ERRORS}, summary="Upload and preview a file")
def import_create(
    request: ApiRequest,
    file: File[UploadedFile],
    format: Form[str] = "auto",
    source: Form[str] = "",
    tag: Form[str] = "",
    mapping: Form[str] = "",
) -> Status[dict[str, Any]]:
    run = services.import_start(
        owner=request.auth,
        file=file,
        file_name=file.name or "",
        fmt=format,
        source=source,
        tag=tag,
        mapping=_mapping(mapping),
    )
    return Status(201, _out(run))


@router.get("", response={200: list[ImportOut], **ERRORS}, summary="Recent imports")
def import_list(request: ApiRequest) -> list[dict[str, Any]]:
    runs = selectors.import_runs_recent(request.auth, limit=50).defer(None).defer("content")
    return [_out(run) for run in runs]


@router.get("/{import_id}", response={200: ImportOut, **ERRORS_BY_ID}, summary="Get an import")
def import_detail(request: ApiRequest, import_id: UUID) -> dict[str, Any]:
    return _out(selectors.import_run_get_for_user(request.auth, import_id))


class PreviewIn(InputSchema):
    source: str | None = None
    tag: str | None = None
    mapping: dict[str, str] | None = None


@router.post(
    "/{import_id}/preview", response={200: ImportOut, **ERRORS_BY_ID}, summary="Preview again"
)
def import_preview(request: ApiRequest, import_id: UUID, payload: PreviewIn) -> dict[str, Any]:
    run = selectors.import_run_get_for_user(request.auth, import_id)
    run = services.import_preview(
        run=run, source=payload.source, tag=payload.tag, mapping=payload.mapping
    )
    return _out(run)


class ApplyIn(InputSchema):
    overwrite_all: bool = Field(
        False, description="Replace differing values with the file's for everyone."
    )
    overwrite_lines: list[int] = Field([], description="Replace differing values on these lines.")
    separate_lines: list[int] = Field(
        [], description="Lines matched by a similar name that are other people: add them as new."
    )


@router.post("/{import_id}/apply", response={200: ImportOut, **ERRORS_BY_ID}, summary="Import")
def import_apply(request: ApiRequest, import_id: UUID, payload: ApplyIn) -> dict[str, Any]:
    run = selectors.import_run_get_for_user(request.auth, import_id)
    run = services.import_apply(
        run=run,
        overwrite_all=payload.overwrite_all,
        overwrite_lines=payload.overwrite_lines,
        separate_lines=payload.separate_lines,
    )
    return _out(run)


class UndoOut(Schema):
    removed: int = Field(description="People the import added, now removed.")
    kept: int = Field(description="People it added that were changed since, so kept.")


@router.post("/{import_id}/undo", response={200: UndoOut, **ERRORS_BY_ID}, summary="Undo")
def import_undo(request: ApiRequest, import_id: UUID) -> dict[str, int]:
    """Remove the people an applied import added (unless changed since)."""
    run = selectors.import_run_get_for_user(request.auth, import_id)
    return services.import_undo(run=run)


@router.delete("/{import_id}", response={204: None, **ERRORS_BY_ID}, summary="Cancel an import")
def import_discard(request: ApiRequest, import_id: UUID) -> Status[None]:
    run = selectors.import_run_get_for_user(request.auth, import_id)
    services.import_discard(run=run)
    return Status(204, None)
