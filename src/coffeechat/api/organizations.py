"""/api/v1/organizations: the LAMP list of employers.

One person's organizations number in the tens or hundreds, so the list pages by a plain
offset (`cursor` is the offset as a string) rather than the contacts' keyset: it keeps the
LAMP order (motivation, posting, advocate, name), which no single indexed key follows.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from ninja import Query, Router, Status
from ninja.errors import ValidationError as NinjaValidationError

from coffeechat.api.schemas import (
    BROKEN_CURSOR,
    ERRORS,
    ERRORS_BY_ID,
    OrganizationFilterQuery,
    OrganizationIn,
    OrganizationOut,
    OrganizationPageOut,
    OrganizationPatch,
)
from coffeechat.lib.http import ApiRequest
from coffeechat.network import selectors, services
from coffeechat.network.models import Organization

router = Router(tags=["organizations"])


def _offset(cursor: str) -> int:
    if not cursor:
        return 0
    # Bounded so that a forged offset cannot overflow the database's integer.
    if cursor.isascii() and cursor.isdigit() and len(cursor) <= 9:
        return int(cursor)
    raise NinjaValidationError(
        [
            {
                "loc": ["query", "cursor"],
                "msg": BROKEN_CURSOR,
                "type": "value_error",
            }
        ]
    )


@router.get("", response={200: OrganizationPageOut, **ERRORS}, summary="List organizations")
def organization_list(
    request: ApiRequest, filters: Query[OrganizationFilterQuery]
) -> dict[str, Any]:
    """Your organizations in LAMP order: motivation, then posting, then advocate.

    Pages of `limit` (default 100, at most 500); follow `next_cursor` for the next one.
    """
    start = _offset(filters.cursor)
    rows = list(
        selectors.organization_list(request.auth, q=filters.q)[start : start + filters.limit + 1]
    )
    more = len(rows) > filters.limit
    return {
        "items": rows[: filters.limit],
        "next_cursor": str(start + filters.limit) if more else None,
    }


@router.post("", response={201: OrganizationOut, **ERRORS}, summary="Add an organization")
def organization_create(request: ApiRequest, payload: OrganizationIn) -> Status[Organization]:
    organization = services.organization_create(
        owner=request.auth, **payload.model_dump(exclude_unset=True)
    )
    return Status(201, selectors.organization_get_for_user(request.auth, organization.uuid))


@router.get(
    "/{organization_id}",
    response={200: OrganizationOut, **ERRORS_BY_ID},
    summary="Get an organization",
)
def organization_detail(request: ApiRequest, organization_id: UUID) -> Organization:
    return selectors.organization_get_for_user(request.auth, organization_id)


@router.patch(
    "/{organization_id}",
    response={200: OrganizationOut, **ERRORS_BY_ID},
    summary="Change an organization",
)
def organization_update(
    request: ApiRequest, organization_id: UUID, payload: OrganizationPatch
) -> Organization:
    """Changes only the fields in the body."""
    organization = selectors.organization_get_for_user(request.auth, organization_id)
    services.organization_update(
        organization=organization, **payload.model_dump(exclude_unset=True)
    )
    return selectors.organization_get_for_user(request.auth, organization.uuid)


@router.delete(
    "/{organization_id}",
    response={204: None, **ERRORS_BY_ID},
    summary="Delete an organization",
)
def organization_delete(request: ApiRequest, organization_id: UUID) -> Status[None]:
    """Its people stay on your list, without an organization."""
    organization = selectors.organization_get_for_user(request.auth, organization_id)
    services.organization_delete(organization=organization)
    return Status(204, None)
