"""Bringing contact records into someone's list: match, merge, create — all or nothing.

`contacts_import` runs the records of one file through the same code for the preview and
for the real import: the preview is the import done inside a transaction that is rolled
back, so what the student is shown is exactly what will happen.

Rows are read and written in batches; each batch costs a handful of queries (candidates,
organizations, tags, inserts, updates) and nothing of it is kept afterwards except counts
and a bounded sample for the preview, so memory stays flat however long the file is. Rows
of a later batch still find people added by an earlier one: those are in the database
(inside the same transaction) by then.

Who is the same person, in order: the same email address; the same LinkedIn profile; a
similar name at the same organization (see `name_similarity`); the same name when at most one
side names an organization. A match only fills empty fields; a different non-empty value
is a conflict, replaced only when the student says so.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from rapidfuzz import fuzz

from coffeechat.interchange.cleaning import LABELS, LIMITS, Incoming, incoming_from_record
from coffeechat.interchange.records import ContactRecord, RowError
from coffeechat.interchange.reports import ImportOptions, ImportReport, RowOutcome
from coffeechat.lib.text import fold, name_words
from coffeechat.network.models import Contact, Organization, Tag, linkedin_key

BATCH = 500
FUZZY_THRESHOLD = 90
# The fields a match may fill (or, if the student chooses, replace), in the order shown.
MERGE_FIELDS = ("email", "phone", "linkedin_url", "organization", "title", "field", "time_zone")


def contacts_import(
    *,
    owner: Any,
    records: Iterable[ContactRecord | RowError],
    options: ImportOptions,
    dry_run: bool,
    progress: Callable[[int], None] | None = None,
    added: Callable[[list[Contact]], None] | None = None,
) -> ImportReport:
    """Import the records in one transaction; `dry_run` rolls it back (the preview).

    A FormatError from the records (a file cut off half-way, too many rows) propagates and
    leaves the database as it was. `added` hears of each batch's new people once they are
    saved (to remember them for an undo).
    """
    report = ImportReport()
    with transaction.atomic():
        for batch in _batches(records, report):
            created = _import_batch(owner, batch, options, report)
            if added is not None and created:
                added(created)
            if progress is not None:
                progress(batch[-1].line)
        if dry_run:
            transaction.set_rollback(True)
    if dry_run:
        _forget_rolled_back(report)
    return report


def _forget_rolled_back(report: ImportReport) -> None:
    """A preview names only people who exist: those it would add were rolled back."""
    rows = [row for kind in report.rows.values() for row in kind]
    existing = {
        str(key)
        for key in Contact.objects.filter(
            uuid__in={r.contact for r in rows if r.contact}
        ).values_list("uuid", flat=True)
    }
    for row in rows:
        if row.contact not in existing:
            row.contact = ""


def _batches(
    records: Iterable[ContactRecord | RowError], report: ImportReport
) -> Iterator[list[Incoming]]:
    batch: list[Incoming] = []
    for record in records:
        if isinstance(record, RowError):
            report.add_error(record)
            continue
        incoming = incoming_from_record(record)
        if isinstance(incoming, RowError):
            report.add_error(incoming)
            continue
        batch.append(incoming)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


class _Batch:
    """The candidates one batch may match, indexed, plus what the batch will write.

    Candidates come in two queries: people with one of the batch's emails, LinkedIn
    profiles or exact names; then, for rows still unmatched, people at the same
    organization with the same family name ("Smith, John" meets "John Smith"). Only those
    are compared by name, never everyone at a big employer.
    """

    def __init__(self, owner: Any, rows: list[Incoming]) -> None:
        self.owner = owner
        self.tokens: dict[int, list[str]] = {}  # id(contact or row) -> name words
        self.orgs: dict[str, Organization] = {}
        org_names = {r.values["organization"] for r in rows} - {""}
        for org in _organizations_named(owner, org_names):
            self.orgs.setdefault(org.name.lower(), org)
        self.by_email: dict[str, Contact] = {}
        self.by_profile: dict[str, Contact] = {}
        self.by_name: dict[str, list[Contact]] = defaultdict(list)
        self.by_block: dict[tuple[str, str], list[Contact]] = defaultdict(list)
        self.tag_names: dict[int, dict[str, str]] = {}  # id(contact) -> folded -> name
        self.pending_org: dict[int, str] = {}  # id(contact) -> organization name to set
        self.created: list[Contact] = []
        self.changed: dict[int, Contact] = {}
        self.new_tags: list[tuple[Contact, list[str]]] = []
        for row in rows:
            self.tokens[id(row)] = name_words(row.values["name"])
        self._load(rows)

    def _load(self, rows: list[Incoming]) -> None:
        emails = {e for row in rows for e in row.emails}
        profiles = {linkedin_key(r.values["linkedin_url"]) for r in rows} - {""}
        names = {fold(row.values["name"])[:200] for row in rows}
        lookup = Q(email_key__in=emails) | Q(linkedin_key__in=profiles) | Q(sort_name__in=names)
        found = list(
            Contact.objects.filter(owner=self.owner).filter(lookup).select_related("organization")
        )
        known = {c.pk for c in found}
        emails_found = {c.email_key for c in found} - {""}
        profiles_found = {c.linkedin_key for c in found} - {""}
        blocks = {
            (self.orgs[row.values["organization"].lower()].pk, _family(row.values["name"]))
            for row in rows
            if row.values["organization"].lower() in self.orgs
            and not (set(row.emails) & emails_found)
            and (linkedin_key(row.values["linkedin_url"]) or "-") not in profiles_found
        }
        if blocks:
            families = {family for _, family in blocks}
            colleagues = (
                Contact.objects.filter(owner=self.owner, organization__in={o for o, _ in blocks})
                .filter(Q(last_word__in=families) | Q(first_word__in=families))
                .exclude(pk__in=known)
                .select_related("organization")
            )
            found += [c for c in colleagues if (c.organization_id, _family(c.name)) in blocks]
        tags = Contact.tags.through.objects.filter(contact_id__in=[c.pk for c in found])
        names_by_contact: dict[int, dict[str, str]] = defaultdict(dict)
        for contact_id, tag_name in tags.values_list("contact_id", "tag__name"):
            names_by_contact[contact_id][tag_name.casefold()] = tag_name
        for contact in found:
            self.tag_names[id(contact)] = names_by_contact[contact.pk]
            self.index(contact, contact.organization.name if contact.organization else "")

    def index(self, contact: Contact, organization: str) -> None:
        if contact.email:
            self.by_email.setdefault(contact.email.lower(), contact)
        if contact.linkedin_url:
            self.by_profile.setdefault(linkedin_key(contact.linkedin_url), contact)
        self.by_name[fold(contact.name)[:200]].append(contact)
        self.tokens.setdefault(id(contact), name_words(contact.name))
        if organization:
            self.by_block[(organization.lower(), _family(contact.name))].append(contact)

    def organization_of(self, contact: Contact) -> str:
        if id(contact) in self.pending_org:
            return self.pending_org[id(contact)]
        return contact.organization.name if contact.organization is not None else ""

    def match(self, row: Incoming) -> tuple[Contact | None, str, bool]:
        for address in row.emails:
            if address in self.by_email:
                return self.by_email[address], "same email address", False
        profile = linkedin_key(row.values["linkedin_url"])
        if profile and profile in self.by_profile:
            return self.by_profile[profile], "same LinkedIn profile", False
        organization = row.values["organization"]
        if organization:
            tokens = self.tokens[id(row)]
            best, best_score = None, 0.0
            block = (organization.lower(), _family(row.values["name"]))
            for contact in self.by_block.get(block, []):
                score = _similarity(tokens, self.tokens[id(contact)])
                if score > best_score:
                    best, best_score = contact, score
            if best is not None and best_score >= FUZZY_THRESHOLD:
                if best_score >= 100:
                    return best, f"same name at {organization}", False
                reason = f"similar name at {organization} ({best_score:.0f}% alike)"
                return best, reason, True
        for contact in self.by_name.get(fold(row.values["name"])[:200], []):
            if not organization or not self.organization_of(contact):
                return contact, "same name", False
        return None, "", False


def _family(name: str) -> str:
    """The family name's word: the last, or the first in "Smith, John" (a comma after it)."""
    words = name_words(name)
    if not words:
        return ""
    first, sep, _ = name.partition(",")
    if sep and len(words) > 1 and len(name_words(first)) == 1:
        return words[0]
    return words[-1]


def name_similarity(a: str, b: str) -> float:
    """0-100: how surely two names at the same organization are one person.

    The same words in any order, give or take a middle name or initial, score 95 and up
    (rapidfuzz's token set ratio). Otherwise only a shortened first name with the same
    family name counts ("Jon Smith", "Jonathan Smith": 90). "Maria" and "Mario Garcia"
    are 92% alike letter by letter, and are two people: 0.
    """
    return _similarity(name_words(a), name_words(b))


def _similarity(ta: list[str], tb: list[str]) -> float:
    if not ta or not tb:
        return 0.0
    score = fuzz.token_set_ratio(" ".join(ta), " ".join(tb))
    if score >= 95:
        return float(score)
    first_a, first_b = ta[0], tb[0]
    if (
        len(ta) > 1
        and len(tb) > 1
        and ta[-1] == tb[-1]
        and min(len(first_a), len(first_b)) >= 2
        and (first_a.startswith(first_b) or first_b.startswith(first_a))
    ):
        return 90.0
    return 0.0


def _organizations_named(owner: Any, names: set[str]) -> list[Organization]:
    if not names:
        return []
    lowered = {name.lower() for name in names}
    return list(
        Organization.objects.filter(owner=owner)
        .annotate(lower_name=Lower("name"))
        .filter(lower_name__in=lowered)
    )


def _import_batch(
    owner: Any, rows: list[Incoming], options: ImportOptions, report: ImportReport
) -> list[Contact]:
    """Match, plan and write one batch; returns the people it added."""
    batch = _Batch(owner, rows)
    for row in rows:
        separate = row.line in options.separate_lines
        contact, reason, fuzzy = (None, "", False) if separate else batch.match(row)
        if contact is None:
            outcome = _plan_create(batch, row, options)
        else:
            overwrite = options.overwrite_all or row.line in options.overwrite_lines
            outcome = _plan_merge(batch, contact, row, options, overwrite)
            outcome.reason, outcome.fuzzy = reason, fuzzy
        outcome.warnings = [*row.warnings, *outcome.warnings]
        report.add(outcome)
    _write(batch, owner)
    return batch.created


def _plan_create(batch: _Batch, row: Incoming, options: ImportOptions) -> RowOutcome:
    values = row.values
    contact = Contact(
        owner=batch.owner,
        name=values["name"],
        email=values["email"],
        phone=values["phone"],
        linkedin_url=values["linkedin_url"],
        title=values["title"],
        field=values["field"],
        time_zone=values["time_zone"],
        source=values["source"] or options.source,
        notes=values["notes"],
    )
    batch.pending_org[id(contact)] = values["organization"]
    batch.created.append(contact)
    batch.index(contact, values["organization"])
    tags = [*row.tags, *([options.tag] if options.tag else [])]
    batch.new_tags.append((contact, tags))
    batch.tag_names[id(contact)] = {t.casefold(): t for t in tags}
    return RowOutcome(
        line=row.line,
        action="create",
        name=values["name"],
        organization=values["organization"],
        contact=str(contact.uuid),
        contact_name=contact.name,
    )


def _plan_merge(
    batch: _Batch, contact: Contact, row: Incoming, options: ImportOptions, overwrite: bool
) -> RowOutcome:
    outcome = RowOutcome(
        line=row.line,
        action="unchanged",
        name=row.values["name"],
        organization=row.values["organization"],
        contact=str(contact.uuid),
        contact_name=contact.name,
    )
    changed = False
    for name in MERGE_FIELDS:
        new = row.values[name]
        old = batch.organization_of(contact) if name == "organization" else getattr(contact, name)
        if not new or fold(new) == fold(old):
            continue
        if name == "email" and old.lower() in row.emails:
            continue
        if name == "linkedin_url" and linkedin_key(new) == linkedin_key(old):
            continue
        if old:
            outcome.conflicts.append(
                {
                    "field": name,
                    "label": LABELS[name],
                    "old": old,
                    "new": new,
                    "replaced": overwrite,
                }
            )
            if not overwrite:
                continue
        else:
            outcome.fills.append({"field": name, "label": LABELS[name], "new": new})
        if name == "organization":
            batch.pending_org[id(contact)] = new
        else:
            setattr(contact, name, new)
        changed = True
    source = row.values["source"] or options.source
    if source and not contact.source:
        contact.source = source
        outcome.fills.append({"field": "source", "label": LABELS["source"], "new": source})
        changed = True
    notes = row.values["notes"]
    if notes and notes not in contact.notes:
        combined = "\n\n".join(p for p in [contact.notes.rstrip(), notes] if p)
        if len(combined) <= LIMITS["notes"]:
            contact.notes = combined
            outcome.fills.append({"field": "notes", "label": LABELS["notes"], "new": notes})
            changed = True
        else:
            outcome.warnings.append("The notes would pass 20,000 characters; they were left out.")
    have = batch.tag_names.setdefault(id(contact), {})
    wanted = [*row.tags, *([options.tag] if options.tag else [])]
    tags = [t for t in wanted if t.casefold() not in have]
    if tags:
        have.update((t.casefold(), t) for t in tags)
        batch.new_tags.append((contact, tags))
        outcome.fills.append({"field": "tags", "label": LABELS["tags"], "new": ", ".join(tags)})
        changed = True
    if changed:
        outcome.action = "merge"
        if contact.pk is not None:
            batch.changed[id(contact)] = contact
    return outcome


def _write(batch: _Batch, owner: Any) -> None:
    """Everything one batch decided, in a few queries."""
    wanted = {name for name in batch.pending_org.values() if name}
    organizations = {org.name.lower(): org for org in _organizations_named(owner, wanted)}
    missing: dict[str, str] = {}
    for name in wanted:
        missing.setdefault(name.lower(), name)
    to_make = [
        Organization(owner=owner, name=n) for k, n in missing.items() if k not in organizations
    ]
    if to_make:
        Organization.objects.bulk_create(to_make, ignore_conflicts=True)
        organizations = {org.name.lower(): org for org in _organizations_named(owner, wanted)}
    for contact in [*batch.created, *batch.changed.values()]:
        if id(contact) in batch.pending_org:
            name = batch.pending_org[id(contact)]
            contact.organization = _organization_for(owner, organizations, name)
    tag_rows = _tags_resolve(owner, {t for _, tags in batch.new_tags for t in tags})
    for contact in [*batch.created, *batch.changed.values()]:
        names = batch.tag_names.get(id(contact), {})
        shown = [tag_rows[k].name if k in tag_rows else name for k, name in names.items()]
        contact.refresh_derived(sorted(shown))
    if batch.created:
        Contact.objects.bulk_create(batch.created, batch_size=BATCH)
    if batch.changed:
        now = timezone.now()
        for contact in batch.changed.values():
            contact.updated_at = now
        fields = [*MERGE_FIELDS, "source", "notes", "sort_name", "search_text"]
        fields += ["email_key", "linkedin_key", "updated_at"]
        Contact.objects.bulk_update(list(batch.changed.values()), fields, batch_size=BATCH)
    through = Contact.tags.through
    links = [
        through(contact_id=contact.pk, tag_id=tag_rows[t.casefold()].pk)
        for contact, tags in batch.new_tags
        for t in tags
        if t.casefold() in tag_rows
    ]
    if links:
        through.objects.bulk_create(links, ignore_conflicts=True)


def _organization_for(owner: Any, known: dict[str, Organization], name: str) -> Organization | None:
    if not name:
        return None
    found = known.get(name.lower())
    if found is None:
        # The database folded case differently from Python (non-ASCII names on SQLite).
        found = Organization.objects.filter(owner=owner, name__iexact=name).first()
        if found is None:
            found = Organization.objects.create(owner=owner, name=name)
        known[name.lower()] = found
    return found


def _tags_resolve(owner: Any, names: set[str]) -> dict[str, Tag]:
    """The owner's tags with these names by case-folded name, creating the missing ones."""
    if not names:
        return {}
    wanted: dict[str, str] = {}
    for name in names:
        wanted.setdefault(name.casefold(), name)

    def existing() -> dict[str, Tag]:
        rows = (
            Tag.objects.filter(owner=owner)
            .annotate(lower_name=Lower("name"))
            .filter(lower_name__in={n.lower() for n in wanted.values()})
        )
        return {tag.name.casefold(): tag for tag in rows}

    found = existing()
    missing = [Tag(owner=owner, name=n) for k, n in wanted.items() if k not in found]
    if missing:
        Tag.objects.bulk_create(missing, ignore_conflicts=True)
        found = existing()
    for key, name in wanted.items():
        if key not in found:
            found[key] = Tag.objects.filter(owner=owner, name__iexact=name).first() or (
                Tag.objects.create(owner=owner, name=name)
            )
    return found
