"""Writes for the List. Pages, the API and the CLI all come through here.

Each function validates with the models' own rules and raises ValidationError (a dict of
field -> messages) before writing anything, so bad input changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ForeignObjectRel, Model, Q

from coffeechat.lib.text import fold, squeeze
from coffeechat.lib.validators import refuse_null_characters
from coffeechat.network.models import Contact, Organization, Tag, field_label

CONTACT_FIELDS = (
    "name",
    "email",
    "phone",
    "linkedin_url",
    "organization",
    "title",
    "field",
    "time_zone",
    "source",
    "referred_by",
    "practice",
    "notes",
)
# Fields a merge may take from the duplicate; name, practice and notes are combined instead.
MERGE_FIELDS = tuple(f for f in CONTACT_FIELDS if f not in {"name", "practice", "notes"})
TAG_MAX_LENGTH = 50


# Tags ---------------------------------------------------------------------------


def parse_tag_names(raw: str | Iterable[str]) -> list[str]:
    """ "ux, Design ,ux" -> ["ux", "Design"]: trimmed, de-duplicated ignoring case."""
    items = raw.split(",") if isinstance(raw, str) else list(raw)
    if any("\x00" in str(item) for item in items):
        raise ValidationError({"tags": ["Null characters are not allowed."]})
    names: list[str] = []
    seen: set[str] = set()
    for item in items:
        name = squeeze(str(item))
        if not name:
            continue
        if len(name) > TAG_MAX_LENGTH:
            raise ValidationError(
                {"tags": [f"A tag can be at most {TAG_MAX_LENGTH} characters: “{name[:20]}…”."]}
            )
        if fold(name) not in seen:
            seen.add(fold(name))
            names.append(name)
    if len(names) > 50:
        raise ValidationError({"tags": ["A contact can have at most 50 tags."]})
    return names


def tags_resolve(*, owner: Any, names: list[str]) -> list[Tag]:
    """The owner's tags with these names (case-insensitive), creating the missing ones."""
    if not names:
        return []
    lookup = Q()
    for name in names:
        lookup |= Q(name__iexact=name)
    existing = {t.name.casefold(): t for t in Tag.objects.filter(owner=owner).filter(lookup)}
    tags = []
    for name in names:
        tag = existing.get(name.casefold())
        if tag is None:
            tag = Tag.objects.create(owner=owner, name=name)
            existing[name.casefold()] = tag
        tags.append(tag)
    return tags


# Organizations ------------------------------------------------------------------


def organization_get_or_create(*, owner: Any, name: str) -> Organization | None:
    name = squeeze(name)
    if not name:
        return None
    organization = Organization.objects.filter(owner=owner, name__iexact=name).first()
    if organization is None:
        organization = Organization(owner=owner, name=name)
        try:
            organization.full_clean(exclude=["owner"], validate_constraints=False)
        except ValidationError as exc:
            raise ValidationError({"organization": exc.messages}) from None
        organization.save()
    return organization


def _organization_clean(organization: Organization) -> None:
    refuse_null_characters(organization)
    organization.name = squeeze(organization.name)
    organization.full_clean(exclude=["owner"], validate_constraints=False)
    clash = Organization.objects.filter(
        owner_id=organization.owner_id, name__iexact=organization.name
    ).exclude(pk=organization.pk)
    if clash.exists():
        raise ValidationError({"name": ["You already have an organization with this name."]})


@transaction.atomic
def organization_create(*, owner: Any, **fields: Any) -> Organization:
    organization = Organization(owner=owner, **fields)
    _organization_clean(organization)
    organization.save()
    return organization


@transaction.atomic
def organization_update(*, organization: Organization, **fields: Any) -> Organization:
    # Compare with the stored name: a form may already have set the new one on the instance.
    stored = Organization.objects.filter(pk=organization.pk).values_list("name", flat=True).get()
    for name, value in fields.items():
        setattr(organization, name, value)
    _organization_clean(organization)
    organization.save()
    if organization.name != stored:
        _refresh_contacts(Contact.objects.filter(organization=organization))
    return organization


@transaction.atomic
def organization_delete(*, organization: Organization) -> None:
    people = list(Contact.objects.filter(organization=organization).values_list("pk", flat=True))
    organization.delete()
    _refresh_contacts(Contact.objects.filter(pk__in=people))


# Contacts -----------------------------------------------------------------------


def _check_links(contact: Contact) -> None:
    errors: dict[str, list[str]] = {}
    if contact.organization is not None and contact.organization.owner_id != contact.owner_id:
        errors["organization"] = ["Choose one of your own organizations."]
    if contact.referred_by is not None:
        if contact.referred_by.owner_id != contact.owner_id:
            errors["referred_by"] = ["Choose one of your own contacts."]
        elif contact.pk is not None and contact.referred_by.pk == contact.pk:
            errors["referred_by"] = ["Someone cannot refer themselves."]
    if errors:
        raise ValidationError(errors)


def _clean_contact(contact: Contact) -> None:
    refuse_null_characters(contact)
    for name in ("name", "email", "phone", "title", "field", "time_zone"):
        setattr(contact, name, squeeze(getattr(contact, name) or ""))
    contact.linkedin_url = (contact.linkedin_url or "").strip()
    errors: dict[str, list[str]] = {}
    try:
        contact.full_clean(exclude=["owner", "organization", "referred_by"])
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        _check_links(contact)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)


def _refresh_contacts(queryset: Any) -> None:
    contacts = list(queryset.select_related("organization").prefetch_related("tags"))
    for contact in contacts:
        contact.refresh_derived()
    Contact.objects.bulk_update(contacts, ["sort_name", "search_text"], batch_size=500)


@transaction.atomic
def contact_create(
    *,
    owner: Any,
    tags: Iterable[str] | str = (),
    organization_name: str | None = None,
    **fields: Any,
) -> Contact:
    """Add someone to the list. `organization_name` finds or creates the organization."""
    unknown = set(fields) - set(CONTACT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown contact fields: {sorted(unknown)}")
    tag_names = parse_tag_names(tags)
    contact = Contact(owner=owner, **fields)
    _clean_contact(contact)
    if organization_name is not None:
        contact.organization = organization_get_or_create(owner=owner, name=organization_name)
    contact.refresh_derived(tag_names)
    contact.save()
    contact.tags.set(tags_resolve(owner=owner, names=tag_names))
    return contact


@transaction.atomic
def contact_update(
    *,
    contact: Contact,
    tags: Iterable[str] | str | None = None,
    organization_name: str | None = None,
    **fields: Any,
) -> Contact:
    """Change the given fields (others stay as they are); `tags` replaces all tags."""
    unknown = set(fields) - set(CONTACT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown contact fields: {sorted(unknown)}")
    tag_names = parse_tag_names(tags) if tags is not None else None
    for name, value in fields.items():
        setattr(contact, name, value)
    _clean_contact(contact)
    if organization_name is not None:
        contact.organization = organization_get_or_create(
            owner=contact.owner, name=organization_name
        )
    if tag_names is not None:
        contact.tags.set(tags_resolve(owner=contact.owner, names=tag_names))
    contact.refresh_derived(tag_names)
    contact.save()
    return contact


@transaction.atomic
def contact_delete(*, contact: Contact) -> None:
    contact.delete()


def _owned(owner: Any, ids: Iterable[Any]) -> Any:
    return Contact.objects.filter(owner=owner, uuid__in=list(ids))


@transaction.atomic
def contacts_delete(*, owner: Any, ids: Iterable[Any]) -> int:
    """Delete the owner's contacts among `ids`; ids of others' contacts are ignored."""
    _, per_model = _owned(owner, ids).delete()
    return per_model.get(Contact._meta.label, 0)


@transaction.atomic
def contacts_tag(*, owner: Any, ids: Iterable[Any], tag: str, remove: bool = False) -> int:
    names = parse_tag_names(tag)
    if not names:
        raise ValidationError({"tag": ["Type a tag name."]})
    contacts = list(_owned(owner, ids))
    (tag_row,) = tags_resolve(owner=owner, names=names[:1])
    if remove:
        tag_row.contacts.remove(*contacts)
    else:
        tag_row.contacts.add(*contacts)
    _refresh_contacts(Contact.objects.filter(pk__in=[c.pk for c in contacts]))
    return len(contacts)


# Merging duplicates -------------------------------------------------------------


def merge_conflicts(keep: Contact, other: Contact) -> dict[str, tuple[Any, Any]]:
    """Fields where both contacts have a different non-empty value."""
    conflicts = {}
    for name in MERGE_FIELDS:
        a, b = getattr(keep, name), getattr(other, name)
        if a and b and a != b:
            if name == "referred_by" and (a.pk == other.pk or b.pk == keep.pk):
                continue
            conflicts[name] = (a, b)
    return conflicts


def _display(value: Any) -> str:
    return str(value) if value is not None else ""


@transaction.atomic
def contact_merge(*, keep: Contact, other: Contact, take: Iterable[str] = ()) -> Contact:
    """Fold `other` into `keep`, then delete `other`.

    Empty fields of `keep` are filled from `other`; where both differ, `keep` wins unless the
    field is in `take`. Values not kept are written into the notes, so nothing is lost.
    Tags are united, and everything that pointed at `other` (referrals, and in later apps
    messages and meetings) is moved to `keep`.
    """
    if keep.owner_id != other.owner_id:
        raise ValidationError("Both contacts must be yours.")
    if keep.pk == other.pk:
        raise ValidationError("Choose two different contacts to merge.")
    take = set(take)
    unknown = take - set(MERGE_FIELDS)
    if unknown:
        raise ValidationError({"take": [f"Cannot choose {sorted(unknown)}."]})
    set_aside: list[str] = []
    for name in MERGE_FIELDS:
        mine, theirs = getattr(keep, name), getattr(other, name)
        if name == "referred_by" and theirs is not None and theirs.pk == keep.pk:
            continue
        if not theirs or mine == theirs:
            continue
        if not mine or name in take:
            if mine:
                set_aside.append(f"{field_label(Contact, name)}: {_display(mine)}")
            setattr(keep, name, theirs)
        else:
            set_aside.append(f"{field_label(Contact, name)}: {_display(theirs)}")
    if other.name != keep.name:
        set_aside.insert(0, f"also known as: {other.name}")
    notes = [keep.notes.strip()] if keep.notes.strip() else []
    if other.notes.strip() and other.notes.strip() != keep.notes.strip():
        notes.append(other.notes.strip())
    if set_aside:
        notes.append("Merged from a duplicate — " + "; ".join(set_aside))
    keep.notes = "\n\n".join(notes)
    keep.practice = keep.practice or other.practice

    # Move every row that points at the duplicate (reverse foreign keys of any app).
    # A model that keeps one row per person (research) says how to join two by defining
    # `merge_contacts(keep, other)`; the rest simply move. Hidden relations (related_name
    # "+", such as the person a reply referred you to) move too.
    for relation in Contact._meta.get_fields(include_hidden=True):
        if not isinstance(relation, ForeignObjectRel) or relation.many_to_many:
            continue  # forward fields, and tags (united below)
        related = cast(type[Model], relation.related_model)
        if related._meta.auto_created:
            continue  # a many-to-many's own table
        merge = getattr(related, "merge_contacts", None)
        if merge is not None:
            merge(keep, other)
            continue
        rows = related._base_manager.filter(**{relation.field.name: other})
        if related is Contact:
            rows = rows.exclude(pk=keep.pk)  # the kept contact, if the duplicate referred it
        rows.update(**{relation.field.name: keep})
    if keep.referred_by_id == other.pk:
        keep.referred_by = other.referred_by if other.referred_by_id != keep.pk else None
    keep.tags.add(*other.tags.all())
    other.delete()
    keep.notes = keep.notes[: Contact._meta.get_field("notes").max_length]
    _check_links(keep)
    keep.refresh_derived([t.name for t in keep.tags.all()])
    keep.save()
    return keep
