"""/api/v1/contacts: the List, through the same selectors and services as the pages."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import Http404
from ninja import Query, Router, Status
from ninja.errors import ValidationError as NinjaValidationError

from coffeechat.api.schemas import (
    ERRORS,
    ERRORS_BY_ID,
    ContactFilterQuery,
    ContactIn,
    ContactOut,
    ContactPageOut,
    ContactPatch,
)
from coffeechat.lib.http import ApiRequest
from coffeechat.network import selectors, services
from coffeechat.network.models import Contact

router = Router(tags=["contacts"])


def _links(user: Any, data: dict[str, Any]) -> dict[str, Any]:
    """Swap the body's organization and referrer ids for the user's own rows.

    An id the user does not own (or that does not exist) is bad input in the body, so it is
    a 422 on that field rather than the 404 a bad id in the path gets.
    """
    errors: dict[str, list[str]] = {}
    if "organization" in data and "organization_name" in data:
        errors["organization_name"] = ["Send organization or organization_name, not both."]
    if data.get("organization") is not None:
        try:
            data["organization"] = selectors.organization_get_for_user(user, data["organization"])
        except Http404:
            errors["organization"] = ["You have no organization with this id."]
    if data.get("referred_by") is not None:
        try:
            data["referred_by"] = selectors.contact_get_for_user(user, data["referred_by"])
        except Http404:
            errors["referred_by"] = ["You have no contact with this id."]
    if errors:
        raise ValidationError(errors)
    return data


@router.get("", response={200: ContactPageOut, **ERRORS}, summary="List contacts")
def contact_list(request: ApiRequest, filters: Query[ContactFilterQuery]) -> dict[str, Any]:
    """Your contacts in name order, a page at a time (follow `next_cursor`)."""
    try:
        page = selectors.contact_list(
            request.auth,
            filters=selectors.ContactFilters(
                q=filters.q, source=filters.source, practice=filters.practice, tag=filters.tag
            ),
            after=filters.cursor,
            limit=filters.limit,
        )
    except selectors.InvalidCursor as exc:
        # The query schema already decodes the cursor; this keeps any rule the selector
        # adds later a 422 rather than a 500.
        raise NinjaValidationError(
            [{"loc": ["query", "cursor"], "msg": str(exc), "type": "value_error"}]
        ) from None
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.post("", response={201: ContactOut, **ERRORS}, summary="Add a contact")
def contact_create(request: ApiRequest, payload: ContactIn) -> Status[Contact]:
    data = _links(request.auth, payload.model_dump(exclude_unset=True))
    contact = services.contact_create(owner=request.auth, **data)
    return Status(201, selectors.contact_get_for_user(request.auth, contact.uuid))


@router.get("/{contact_id}", response={200: ContactOut, **ERRORS_BY_ID}, summary="Get a contact")
def contact_detail(request: ApiRequest, contact_id: UUID) -> Contact:
    return selectors.contact_get_for_user(request.auth, contact_id)


@router.patch(
    "/{contact_id}", response={200: ContactOut, **ERRORS_BY_ID}, summary="Change a contact"
)
def contact_update(request: ApiRequest, contact_id: UUID, payload: ContactPatch) -> Contact:
    """Changes only the fields in the body; `tags` replaces the whole list."""
    contact = selectors.contact_get_for_user(request.auth, contact_id)
    data = _links(request.auth, payload.model_dump(exclude_unset=True))
    services.contact_update(contact=contact, **data)
    return selectors.contact_get_for_user(request.auth, contact.uuid)


@router.delete("/{contact_id}", response={204: None, **ERRORS_BY_ID}, summary="Delete a contact")
def contact_delete(request: ApiRequest, contact_id: UUID) -> Status[None]:
    contact = selectors.contact_get_for_user(request.auth, contact_id)
    services.contact_delete(contact=contact)
    return Status(204, None)
