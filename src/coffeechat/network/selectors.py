"""Reads for the List: every function takes the owner and never returns another's rows."""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from coffeechat.lib.text import fold
from coffeechat.network.models import Contact, Organization, Source, Tag
from coffeechat.network.search import contacts_matching

MAX_PAGE_SIZE = 200


def _parse_uuid(value: Any) -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except (ValueError, TypeError, AttributeError):
        raise Http404("No such item.") from None


def contact_get_for_user(user: Any, contact_id: Any) -> Contact:
    """The user's contact with its organization, referrer and tags, or Http404."""
    key = _parse_uuid(contact_id)
    contact = (
        Contact.objects.filter(owner=user, uuid=key)
        .select_related("organization", "referred_by", "referred_by__organization")
        .prefetch_related("tags")
        .first()
    )
    if contact is None:
        raise Http404("No such contact.")
    return contact


def contacts_referred_by(contact: Contact) -> QuerySet[Contact]:
    # `contact` was fetched for its owner and links never cross owners (services check), so
    # filtering on it alone is scoped — and lets SQLite use the referred_by index instead of
    # walking the owner's whole list in name order.
    return (
        Contact.objects.filter(referred_by=contact)
        .select_related("organization")
        .order_by("sort_name", "uuid")
    )


def organization_get_for_user(user: Any, organization_id: Any) -> Organization:
    """The user's organization, with `people` (how many contacts work there), or Http404."""
    key = _parse_uuid(organization_id)
    organization = (
        Organization.objects.filter(owner=user, uuid=key)
        .annotate(people=Count("contacts", distinct=True))
        .first()
    )
    if organization is None:
        raise Http404("No such organization.")
    return organization


def organization_list(user: Any, *, q: str = "") -> QuerySet[Organization]:
    """Organizations in LAMP order: motivation, then posting, then advocate ("who first")."""
    queryset = Organization.objects.filter(owner=user).annotate(
        people=Count("contacts", distinct=True)
    )
    if q.strip():
        queryset = queryset.filter(name__icontains=q.strip())
    return queryset.order_by("-lamp_motivation", "-lamp_posting", "-lamp_advocate", "name", "pk")


def organization_choices(user: Any) -> list[str]:
    return list(
        Organization.objects.filter(owner=user).order_by("name").values_list("name", flat=True)
    )


def organization_contacts(organization: Organization) -> QuerySet[Contact]:
    # Scoped through `organization`, fetched for its owner (see contacts_referred_by).
    return (
        Contact.objects.filter(organization=organization)
        .prefetch_related("tags")
        .order_by("sort_name", "uuid")
    )


def tag_list(user: Any, *, with_counts: bool = False) -> QuerySet[Tag]:
    """The owner's tags by name; counting their people reads every tagging, so only on request."""
    queryset = Tag.objects.filter(owner=user).order_by("name")
    return queryset.annotate(people=Count("contacts")) if with_counts else queryset


LABEL_SEPARATOR = " — "


def contact_label(name: str, organization: str | None) -> str:
    """How a person is named in pickers: "Sam Lee — Acme", or just "Sam Lee"."""
    return f"{name}{LABEL_SEPARATOR}{organization}" if organization else name


def contact_choices(user: Any, *, exclude: Contact | None = None) -> list[tuple[str, str]]:
    """(uuid, "Name — Organization") for pickers such as "referred by"."""
    queryset = Contact.objects.filter(owner=user).order_by("sort_name", "uuid")
    if exclude is not None:
        queryset = queryset.exclude(pk=exclude.pk)
    rows = queryset.values_list("uuid", "name", "organization__name")
    return [(str(u), contact_label(name, org)) for u, name, org in rows]


def contact_count(user: Any) -> int:
    return Contact.objects.filter(owner=user).count()


def contacts_named(user: Any, label: str, *, exclude: Contact | None = None) -> list[Contact]:
    """The user's contacts a typed "Name" or "Name — Organization" can mean (accents and
    case ignored), at most a few: enough to tell none, one, or several apart."""
    name, _, organization = label.partition(LABEL_SEPARATOR.strip())
    queryset = Contact.objects.filter(owner=user, sort_name=fold(name)[:200])
    if organization.strip():
        queryset = queryset.filter(organization__name__iexact=organization.strip())
    if exclude is not None:
        queryset = queryset.exclude(pk=exclude.pk)
    return list(queryset.select_related("organization").order_by("uuid")[:5])


def contact_suggestions(user: Any, query: str, *, limit: int = 15) -> list[str]:
    """Labels of the people matching what was typed so far, for a picker's suggestions."""
    if not query.strip():
        return []
    rows = contacts_matching(Contact.objects.filter(owner=user), query).order_by(
        "sort_name", "organization__name", "uuid"
    )
    return [contact_label(n, o) for n, o in rows.values_list("name", "organization__name")[:limit]]


# The contact list ---------------------------------------------------------------


@dataclass(frozen=True)
class ContactFilters:
    q: str = ""
    source: str = ""
    practice: bool | None = None
    tag: str = ""

    @property
    def active(self) -> bool:
        return bool(self.q.strip() or self.source or self.practice is not None or self.tag)


@dataclass
class ContactPage:
    items: list[Contact]
    next_cursor: str | None
    previous_cursor: str | None


class InvalidCursor(ValueError):
    pass


def encode_cursor(contact: Contact) -> str:
    raw = json.dumps([contact.sort_name, str(contact.uuid)], ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[str, uuid.UUID]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        sort_name, key = json.loads(raw)
        if not isinstance(sort_name, str) or "\x00" in sort_name:
            raise TypeError
        return sort_name, uuid.UUID(key)
    except (ValueError, TypeError, binascii.Error, json.JSONDecodeError):
        raise InvalidCursor("That page link is out of date or broken.") from None


def contact_queryset(user: Any, filters: ContactFilters) -> QuerySet[Contact]:
    queryset = Contact.objects.filter(owner=user)
    if filters.source:
        queryset = queryset.filter(source=filters.source)
    if filters.practice is not None:
        queryset = queryset.filter(practice=filters.practice)
    if filters.tag:
        queryset = queryset.filter(tags__owner=user, tags__name__iexact=filters.tag)
    return contacts_matching(queryset, filters.q)


def contact_list(
    user: Any,
    *,
    filters: ContactFilters = ContactFilters(),
    after: str = "",
    before: str = "",
    limit: int = 50,
) -> ContactPage:
    """One page of contacts in name order, by keyset ("after this name") — no OFFSET, no COUNT.

    Fetches one extra row to know whether another page follows; a fixed two queries
    (contacts with organization and referrer, then their tags) whatever the page holds.
    """
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    queryset = contact_queryset(user, filters)
    backwards = bool(before) and not after
    if after:
        sort_name, key = decode_cursor(after)
        # The redundant `>=` lets the database start its index scan at the cursor.
        queryset = queryset.filter(sort_name__gte=sort_name).filter(
            Q(sort_name__gt=sort_name) | Q(uuid__gt=key)
        )
    elif before:
        sort_name, key = decode_cursor(before)
        queryset = queryset.filter(sort_name__lte=sort_name).filter(
            Q(sort_name__lt=sort_name) | Q(uuid__lt=key)
        )
    order = ("-sort_name", "-uuid") if backwards else ("sort_name", "uuid")
    rows = list(
        queryset.select_related("organization", "referred_by")
        # Nothing shows the folded search text, nor the referrer's notes; both can be long.
        .defer("search_text", "referred_by__search_text", "referred_by__notes")
        .prefetch_related(Prefetch("tags", queryset=Tag.objects.order_by("name")))
        .order_by(*order)[: limit + 1]
    )
    more = len(rows) > limit
    rows = rows[:limit]
    if backwards:
        rows.reverse()
        next_cursor = encode_cursor(rows[-1]) if rows else None
        previous_cursor = encode_cursor(rows[0]) if rows and more else None
    else:
        next_cursor = encode_cursor(rows[-1]) if rows and more else None
        previous_cursor = encode_cursor(rows[0]) if rows and (after or before) else None
    return ContactPage(items=rows, next_cursor=next_cursor, previous_cursor=previous_cursor)


def source_label(value: str) -> str:
    return dict(Source.choices).get(value, "")
