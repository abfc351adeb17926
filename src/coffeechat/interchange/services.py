"""Imports and exports as the pages, the API and the CLI use them.

An import is an `ImportRun`: upload (the file is checked and kept) -> for "any other CSV",
the column mapping -> preview (the import done and rolled back) -> apply (done for real, in
one transaction) or discard. A file that cannot be imported at all is refused at upload with
a message and leaves nothing behind.
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Callable, Iterable, Iterator
from datetime import timedelta
from typing import IO, Any, BinaryIO, TextIO

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse
from django.utils import timezone

from coffeechat.accounts.services import profile_for
from coffeechat.interchange import (
    contacts_csv,
    detect,
    generic_csv,
    google_csv,
    ics,
    json_backup,
    json_restore,
    linkedin_csv,
    outlook_csv,
    vcard,
)
from coffeechat.interchange.importing import contacts_import
from coffeechat.interchange.models import ImportedContact, ImportRun
from coffeechat.interchange.records import ContactRecord, EventRecord, FormatError, RowError
from coffeechat.interchange.reports import ImportOptions, ImportReport
from coffeechat.interchange.textio import Limits, Upload, megabytes
from coffeechat.network.models import Contact, Source
from coffeechat.network.services import parse_tag_names
from coffeechat.outreach.models import Meeting, MeetingStatus

IMPORT_FORMATS = ("auto", *detect.CONTACT_FORMATS)
EXPORT_FORMATS = ("json", "csv", "vcf", "ics")
# Unfinished imports (never applied) keep their file this long, then it is deleted.
STALE_AFTER = timedelta(days=1)


def upload_open(binary: BinaryIO, *, name: str = "", limits: Limits | None = None) -> Upload:
    """The file checked and decoded; a file that is not importable is a ValidationError."""
    try:
        return Upload(binary, name=name, limits=limits)
    except FormatError as exc:
        raise ValidationError({"file": [str(exc)]}) from None


def format_resolve(upload: Upload, requested: str = "auto") -> str:
    if requested not in IMPORT_FORMATS:
        choices = ", ".join(IMPORT_FORMATS)
        raise ValidationError({"format": [f"Choose one of: {choices}."]})
    try:
        found = detect.detect(upload)
    except FormatError as exc:
        if requested == "auto":
            raise ValidationError({"file": [str(exc)]}) from None
        found = requested
    if found == "ics":
        raise ValidationError(
            {"file": ["This is a calendar (.ics). Add it under Calendars to mark your busy times."]}
        )
    return found if requested == "auto" else requested


def records_read(
    upload: Upload, fmt: str, *, source: str = "", mapping: dict[str, str] | None = None
) -> Iterator[ContactRecord | RowError]:
    if fmt == "linkedin":
        return linkedin_csv.parse(upload, as_alumni=source == Source.ALUMNI)
    if fmt == "google":
        return google_csv.parse(upload)
    if fmt == "outlook":
        return outlook_csv.parse(upload)
    if fmt == "vcard":
        return vcard.parse(upload)
    if fmt == "csv":
        return generic_csv.parse(upload, mapping=mapping or {})
    raise ValidationError({"format": [f"Unknown format “{fmt}”."]})


def options_clean(*, source: str = "", tag: str = "") -> dict[str, str]:
    if source and source not in Source.values:
        raise ValidationError({"source": [f"“{source}” is not one of the ways to know someone."]})
    names = parse_tag_names(tag)
    if len(names) > 1:
        raise ValidationError({"tag": ["Give one tag for everyone in the file."]})
    return {"source": source, "tag": names[0] if names else ""}


def contacts_import_file(
    *,
    owner: Any,
    upload: Upload,
    fmt: str,
    source: str = "",
    tag: str = "",
    mapping: dict[str, str] | None = None,
    dry_run: bool = False,
    overwrite_all: bool = False,
    overwrite_lines: Iterable[int] = (),
    separate_lines: Iterable[int] = (),
    progress: Callable[[int], None] | None = None,
    run: ImportRun | None = None,
) -> ImportReport:
    """Import (or, with dry_run, preview) one opened file; the CLI's path and the runs' too.

    With a `run`, the people added are remembered, so that the import can be undone.
    """
    cleaned = options_clean(source=source, tag=tag)
    if fmt == "csv" and not mapping:
        mapping = csv_mapping_guess(upload)
    options = ImportOptions(
        source=cleaned["source"],
        tag=cleaned["tag"],
        overwrite_all=overwrite_all,
        overwrite_lines=frozenset(overwrite_lines),
        separate_lines=frozenset(separate_lines),
    )
    try:
        records = records_read(upload, fmt, source=cleaned["source"], mapping=mapping)
        return contacts_import(
            owner=owner,
            records=records,
            options=options,
            dry_run=dry_run,
            progress=progress,
            added=None if run is None else _remember(run),
        )
    except FormatError as exc:
        raise ValidationError({"file": [str(exc)]}) from None


def csv_columns(upload: Upload) -> list[str]:
    try:
        return generic_csv.columns(upload)
    except FormatError as exc:
        raise ValidationError({"file": [str(exc)]}) from None


def csv_mapping_guess(upload: Upload) -> dict[str, str]:
    return generic_csv.guess_mapping(csv_columns(upload))


def mapping_clean(mapping: dict[str, str], columns: list[str]) -> dict[str, str]:
    known = dict(generic_csv.MAPPABLE_FIELDS)
    cleaned = {}
    for field, column in mapping.items():
        if not column:
            continue
        if field not in known:
            raise ValidationError({"mapping": [f"“{field}” is not something Coffeechat keeps."]})
        if column not in columns:
            raise ValidationError({"mapping": [f"The file has no column “{column}”."]})
        cleaned[field] = column
    if not ({"name", "first_name", "last_name", "organization"} & set(cleaned)):
        raise ValidationError(
            {"mapping": ["Choose the column with people's names (or first and last names)."]}
        )
    return cleaned


# Runs (web and API) -----------------------------------------------------------------


def _remember(run: ImportRun) -> Callable[[list[Contact]], None]:
    def added(contacts: list[Contact]) -> None:
        ImportedContact.objects.bulk_create(
            [ImportedContact(run=run, contact=contact) for contact in contacts]
        )

    return added


def _content_read(file: IO[bytes], limits: Limits) -> bytes:
    """The upload's bytes, refusing more than the limit without reading much past it."""
    size = getattr(file, "size", None)
    if isinstance(size, int) and size > limits.max_bytes:
        raise ValidationError(
            {
                "file": [
                    f"The file is {megabytes(size)}; Coffeechat imports files up to "
                    f"{megabytes(limits.max_bytes)}. Split it into smaller files."
                ]
            }
        )
    content = file.read(limits.max_bytes + 1)
    if len(content) > limits.max_bytes:
        raise ValidationError(
            {
                "file": [
                    f"The file is over {megabytes(limits.max_bytes)}, the most Coffeechat imports."
                ]
            }
        )
    return content


def _runs_tidy(owner: Any) -> None:
    """Forget the files of imports that were started and never finished."""
    cutoff = timezone.now() - STALE_AFTER
    ImportRun.objects.filter(
        owner=owner,
        status__in=[ImportRun.Status.MAPPING, ImportRun.Status.PREVIEWED],
        created_at__lt=cutoff,
    ).update(status=ImportRun.Status.DISCARDED, content=b"")


def import_start(
    *,
    owner: Any,
    file: IO[bytes],
    file_name: str = "",
    fmt: str = "auto",
    source: str = "",
    tag: str = "",
    mapping: dict[str, str] | None = None,
) -> ImportRun:
    """Check an uploaded file and preview it (or ask for its columns first)."""
    limits = Limits.from_settings()
    content = _content_read(file, limits)
    upload = upload_open(io.BytesIO(content), name=file_name, limits=limits)
    found = format_resolve(upload, fmt)
    cleaned = options_clean(source=source, tag=tag)
    if found == "linkedin" and not cleaned["source"]:
        cleaned["source"] = Source.LINKEDIN
    run = ImportRun(
        owner=owner,
        file_name=file_name[:255],
        file_size=len(content),
        content=content,
        format=found,
        options={**cleaned, "mapping": {}},
    )
    if found == "csv":
        columns = csv_columns(upload)
        run.report = {"columns": columns}
        if mapping is None:
            run.options["mapping"] = generic_csv.guess_mapping(columns)
            run.status = ImportRun.Status.MAPPING
            with transaction.atomic():
                _runs_tidy(owner)
                run.save()
            return run
        run.options["mapping"] = mapping_clean(mapping, columns)
    report = contacts_import_file(
        owner=owner,
        upload=upload,
        fmt=found,
        mapping=run.options["mapping"],
        dry_run=True,
        source=cleaned["source"],
        tag=cleaned["tag"],
    )
    run.report = {**run.report, **report.as_json()}
    run.status = ImportRun.Status.PREVIEWED
    with transaction.atomic():
        _runs_tidy(owner)
        run.save()
    return run


def _run_upload(run: ImportRun) -> Upload:
    if run.status in (
        ImportRun.Status.APPLIED,
        ImportRun.Status.DISCARDED,
        ImportRun.Status.UNDONE,
    ):
        raise ValidationError(
            {"file": ["This import is finished. Upload the file again to import it again."]}
        )
    return upload_open(io.BytesIO(bytes(run.content)), name=run.file_name)


def import_preview(
    *,
    run: ImportRun,
    source: str | None = None,
    tag: str | None = None,
    mapping: dict[str, str] | None = None,
) -> ImportRun:
    """Preview again with other choices (the columns of a CSV, the source, the tag)."""
    upload = _run_upload(run)
    cleaned = options_clean(
        source=run.options.get("source", "") if source is None else source,
        tag=run.options.get("tag", "") if tag is None else tag,
    )
    columns = run.report.get("columns")
    if run.format == "csv":
        columns = csv_columns(upload)
        chosen = run.options.get("mapping", {}) if mapping is None else mapping
        run.options["mapping"] = mapping_clean(chosen, columns)
    report = contacts_import_file(
        owner=run.owner,
        upload=upload,
        fmt=run.format,
        mapping=run.options.get("mapping"),
        dry_run=True,
        source=cleaned["source"],
        tag=cleaned["tag"],
    )
    run.options = {**run.options, **cleaned}
    run.report = {**({"columns": columns} if columns else {}), **report.as_json()}
    run.status = ImportRun.Status.PREVIEWED
    run.save(update_fields=["options", "report", "status"])
    return run


def import_apply(
    *,
    run: ImportRun,
    overwrite_all: bool = False,
    overwrite_lines: Iterable[int] = (),
    separate_lines: Iterable[int] = (),
) -> ImportRun:
    """Do the import for real: everything in one transaction, or nothing."""
    with transaction.atomic():
        run = ImportRun.objects.select_for_update().get(pk=run.pk)
        if run.status == ImportRun.Status.MAPPING:
            raise ValidationError({"mapping": ["Choose the columns first."]})
        upload = _run_upload(run)
        report = contacts_import_file(
            owner=run.owner,
            upload=upload,
            fmt=run.format,
            source=run.options.get("source", ""),
            tag=run.options.get("tag", ""),
            mapping=run.options.get("mapping"),
            overwrite_all=overwrite_all,
            overwrite_lines=overwrite_lines,
            separate_lines=separate_lines,
            run=run,
        )
        run.report = {**report.as_json(), "columns": run.report.get("columns", [])}
        run.status = ImportRun.Status.APPLIED
        run.applied_at = timezone.now()
        run.content = b""
        run.save(update_fields=["report", "status", "applied_at", "content"])
    return run


def import_undo(*, run: ImportRun) -> dict[str, int]:
    """Remove the people an import added, unless they were changed since.

    Values it filled in on people who were already on the list stay: they may have been
    used since, and nothing was overwritten without the student choosing it.
    """
    with transaction.atomic():
        run = ImportRun.objects.select_for_update().get(pk=run.pk)
        if run.status != ImportRun.Status.APPLIED or run.applied_at is None:
            raise ValidationError({"file": ["Only an import that was done can be undone."]})
        added = Contact.objects.filter(owner=run.owner, pk__in=run.imported.values("contact_id"))
        untouched = added.filter(updated_at__lte=run.applied_at)
        kept = added.count() - untouched.count()
        _, deleted = untouched.delete()
        removed = deleted.get(Contact._meta.label, 0)
        run.status = ImportRun.Status.UNDONE
        run.report = {**run.report, "undone": {"removed": removed, "kept": kept}}
        run.save(update_fields=["status", "report"])
    return {"removed": removed, "kept": kept}


def import_discard(*, run: ImportRun) -> None:
    if run.status in (ImportRun.Status.APPLIED, ImportRun.Status.UNDONE):
        raise ValidationError({"file": ["This import is done: undo it instead."]})
    run.status = ImportRun.Status.DISCARDED
    run.content = b""
    run.save(update_fields=["status", "content"])


# Exports --------------------------------------------------------------------------


def contact_records(owner: Any) -> Iterator[ContactRecord]:
    """The owner's contacts as records, in list order, a chunk of rows at a time."""
    contacts = (
        Contact.objects.filter(owner=owner)
        .select_related("organization")
        .prefetch_related("tags")
        .order_by("sort_name", "uuid")
    )
    for contact in contacts.iterator(chunk_size=1000):
        yield ContactRecord(
            line=0,
            name=contact.name,
            email=contact.email,
            phone=contact.phone,
            linkedin_url=contact.linkedin_url,
            organization=contact.organization.name if contact.organization else "",
            title=contact.title,
            field=contact.field,
            time_zone=contact.time_zone,
            notes=contact.notes,
            source=contact.source,
            tags=sorted(t.name for t in contact.tags.all()),
        )


def meeting_records(owner: Any) -> Iterator[EventRecord]:
    """The owner's meetings (cancelled ones too, marked so) as calendar events.

    The UID is the one the meeting's invite carries, so a calendar that imported the invite
    recognises the same event."""
    profile = profile_for(owner)
    for meeting in (
        Meeting.objects.filter(owner=owner)
        .select_related("contact", "contact__organization")
        .order_by("start", "uuid")
    ):
        contact = meeting.contact
        where = f" ({contact.organization.name})" if contact.organization else ""
        yield EventRecord(
            uid=meeting.ical_uid,
            start=meeting.start,
            end=meeting.end,
            summary=f"{profile.wording.capitalize()} with {contact.name}{where}",
            description=meeting.medium_label,
            location=meeting.location,
            sequence=meeting.sequence,
            time_zone=profile.time_zone,
            organizer_name=profile.name,
            organizer_email=owner.email,
            attendee_name=contact.name,
            attendee_email=contact.email,
            status="CANCELLED" if meeting.status == MeetingStatus.CANCELLED else "CONFIRMED",
            created=meeting.created_at,
            last_modified=meeting.updated_at,
        )


def export_write(*, owner: Any, fmt: str, stream: TextIO) -> int:
    """Write one export to a text stream; returns how many items it holds."""
    if fmt == "json":
        return sum(json_backup.write(owner, stream).values())
    if fmt == "csv":
        return contacts_csv.write(contact_records(owner), stream)
    if fmt == "vcf":
        return vcard.write(contact_records(owner), stream)
    if fmt == "ics":
        return ics.write(meeting_records(owner), stream)
    raise ValidationError({"format": [f"Choose one of: {', '.join(EXPORT_FORMATS)}."]})


EXPORT_TYPES = {
    "json": ("application/json", "coffeechat-backup-{date}.json"),
    "csv": ("text/csv; charset=utf-8", "coffeechat-contacts-{date}.csv"),
    "vcf": ("text/vcard; charset=utf-8", "coffeechat-contacts-{date}.vcf"),
    "ics": ("text/calendar; charset=utf-8", "coffeechat-meetings-{date}.ics"),
}


def export_response(*, owner: Any, fmt: str) -> FileResponse:
    """A download of one export, written to a temporary file first, not memory (an export
    of 50,000 people is tens of MB); the response closes the file."""
    content_type, pattern = EXPORT_TYPES[fmt]
    binary = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it)
    text = io.TextIOWrapper(binary, encoding="utf-8", newline="")
    export_write(owner=owner, fmt=fmt, stream=text)
    text.flush()
    text.detach()
    binary.seek(0)
    name = pattern.format(date=timezone.localdate().isoformat())
    response = FileResponse(binary, as_attachment=True, filename=name, content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    return response


def backup_restore(*, owner: Any, stream: TextIO) -> dict[str, int]:
    return json_restore.restore(owner, stream)
