"""Shapes of the API's requests and responses.

Public ids are the rows' `uuid`s, exposed as "id"; integer keys and owners never leave the
server. Input schemas forbid unknown fields, so a body cannot set `owner` or anything else
the schema does not name. Length limits are read from the models, so the API and the pages
agree, a clear "at most N characters" comes back before any work is done, and the limits
show in the OpenAPI schema.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, Literal
from uuid import UUID

from django.db.models import Model
from ninja import Field, Schema
from pydantic import ConfigDict, ValidationInfo, field_validator
from pydantic.config import JsonDict
from pydantic_core import PydanticCustomError

from coffeechat.network.models import Contact, Organization, Source
from coffeechat.network.selectors import (
    MAX_PAGE_SIZE,
    InvalidCursor,
    decode_cursor,
    source_label,
)


def max_length(model: type[Model], field: str) -> int:
    length = getattr(model._meta.get_field(field), "max_length", None)
    if length is None:
        raise TypeError(f"{model.__name__}.{field} has no max_length to check input against.")
    return length


def _contact_max(field: str) -> int:
    return max_length(Contact, field)


def _organization_max(field: str) -> int:
    return max_length(Organization, field)


# Building blocks ----------------------------------------------------------------


BROKEN_CURSOR = "That page link is out of date or broken."


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    return isinstance(value, list) and any(_has_nul(item) for item in value)


class TextInputSchema(Schema):
    """Refuses NUL characters in any text, as Django's forms do.

    PostgreSQL cannot store or even compare them, so one would otherwise be a 500 there.
    """

    @field_validator("*", mode="after")
    @classmethod
    def _refuse_nul(cls, value: Any) -> Any:
        if _has_nul(value):
            raise PydanticCustomError("null_character", "Null characters are not allowed.")
        return value


class InputSchema(TextInputSchema):
    model_config = ConfigDict(extra="forbid")


def _null_only_where_taken(schema: JsonDict, model: type[Any]) -> None:
    """Publish a patch field as taking null only if it does (`nullable`), as validated.

    The None defaults would otherwise show every field as "type or null", and a client (or
    schemathesis) sending the advertised null would get a 422.
    """
    nullable: frozenset[str] = getattr(model, "nullable", frozenset())
    properties = schema.get("properties")
    if not isinstance(properties, dict):
        return
    for name, prop in properties.items():
        if name in nullable or not isinstance(prop, dict):
            continue
        branches = prop.get("anyOf")
        if not isinstance(branches, list) or {"type": "null"} not in branches:
            continue
        rest = [branch for branch in branches if branch != {"type": "null"}]
        del prop["anyOf"]
        if len(rest) == 1 and isinstance(rest[0], dict):
            prop.update(rest[0])
        else:
            prop["anyOf"] = rest


class PatchSchema(InputSchema):
    """A partial update: absent fields stay as they are, and only `nullable` ones take null.

    Every field defaults to None so that it may be left out; an explicit null on a field
    that cannot be empty would otherwise slip through as "unchanged" or reach the model.
    """

    model_config = ConfigDict(extra="forbid", json_schema_extra=_null_only_where_taken)
    nullable: ClassVar[frozenset[str]] = frozenset()

    @field_validator("*", mode="before")
    @classmethod
    def _refuse_null(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None and info.field_name not in cls.nullable:
            raise PydanticCustomError("null_not_allowed", "This field cannot be null.")
        return value


class Ref(Schema):
    """Another row named in a response: enough to show it and to fetch it."""

    id: UUID
    name: str

    @staticmethod
    def resolve_id(obj: Contact | Organization) -> UUID:
        return obj.uuid


class Page(Schema):
    next_cursor: str | None = Field(
        description="Pass as `cursor` to get the next page; null on the last page."
    )


class ErrorItem(Schema):
    loc: list[str | int]
    msg: str
    type: str


class ValidationErrors(Schema):
    detail: list[ErrorItem]


class Message(Schema):
    detail: str


# The error responses every endpoint documents; routes with an id in the path add 404.
ERRORS: dict[int, Any] = {401: Message, 422: ValidationErrors}
ERRORS_BY_ID: dict[int, Any] = {**ERRORS, 404: Message}


if TYPE_CHECKING:
    SourceValue = str
else:
    # One Literal rather than `Source | Literal[""]`: a wrong value then gets one message
    # listing every choice, and the OpenAPI schema shows them as an enum.
    SourceValue = Literal[(*Source.values, "")]

# Contacts -----------------------------------------------------------------------


class ContactOut(Schema):
    id: UUID
    name: str
    email: str
    phone: str
    linkedin_url: str
    organization: Ref | None
    title: str
    field: str
    time_zone: str
    source: str
    source_label: str
    referred_by: Ref | None
    practice: bool
    notes: str
    tags: list[str]
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_id(obj: Contact) -> UUID:
        return obj.uuid

    @staticmethod
    def resolve_source_label(obj: Contact) -> str:
        return source_label(obj.source)

    @staticmethod
    def resolve_tags(obj: Contact) -> list[str]:
        # .all() reads the prefetched tags the selectors load, so a list stays one query.
        return [tag.name for tag in obj.tags.all()]


class ContactPageOut(Page):
    items: list[ContactOut]


class ContactIn(InputSchema):
    name: str = Field(max_length=_contact_max("name"))
    email: str = Field("", max_length=_contact_max("email"))
    phone: str = Field("", max_length=_contact_max("phone"))
    linkedin_url: str = Field("", max_length=_contact_max("linkedin_url"))
    organization: UUID | None = Field(None, description="The id of one of your organizations.")
    organization_name: str | None = Field(
        None,
        max_length=_organization_max("name"),
        description="Finds your organization by name (ignoring case) or creates it. "
        "Send this or `organization`, not both.",
    )
    title: str = Field("", max_length=_contact_max("title"))
    field: str = Field("", max_length=_contact_max("field"))
    time_zone: str = Field(
        "", max_length=_contact_max("time_zone"), description="An IANA name: Europe/Paris."
    )
    source: SourceValue = ""
    referred_by: UUID | None = Field(None, description="The id of one of your contacts.")
    practice: bool = False
    notes: str = Field("", max_length=_contact_max("notes"))
    tags: list[str] = Field(default_factory=list, description="Replaces all tags.")


class ContactPatch(PatchSchema):
    nullable: ClassVar[frozenset[str]] = frozenset({"organization", "referred_by"})

    name: str | None = Field(None, max_length=_contact_max("name"))
    email: str | None = Field(None, max_length=_contact_max("email"))
    phone: str | None = Field(None, max_length=_contact_max("phone"))
    linkedin_url: str | None = Field(None, max_length=_contact_max("linkedin_url"))
    organization: UUID | None = Field(None, description="null removes the organization.")
    organization_name: str | None = Field(None, max_length=_organization_max("name"))
    title: str | None = Field(None, max_length=_contact_max("title"))
    field: str | None = Field(None, max_length=_contact_max("field"))
    time_zone: str | None = Field(None, max_length=_contact_max("time_zone"))
    source: SourceValue | None = None
    referred_by: UUID | None = Field(None, description="null clears the referrer.")
    practice: bool | None = None
    notes: str | None = Field(None, max_length=_contact_max("notes"))
    tags: list[str] | None = Field(None, description="Replaces all tags when given.")


class ContactFilterQuery(TextInputSchema):
    q: str = Field("", max_length=500, description="Words to find, ignoring case and accents.")
    source: SourceValue = ""
    practice: bool | None = None
    tag: str = Field("", max_length=100)
    limit: int = Field(50, ge=1, le=MAX_PAGE_SIZE)
    cursor: str = Field("", max_length=2000, description="`next_cursor` of the previous page.")

    @field_validator("cursor")
    @classmethod
    def _readable_cursor(cls, value: str) -> str:
        if value:
            try:
                sort_name, _ = decode_cursor(value)
            except InvalidCursor as exc:
                raise PydanticCustomError("value_error", str(exc)) from None
            # A forged cursor can carry a NUL inside its base64, which PostgreSQL refuses.
            if _has_nul(sort_name):
                raise PydanticCustomError("value_error", BROKEN_CURSOR)
        return value


# Organizations ------------------------------------------------------------------

ORGANIZATION_PAGE_MAX = 500


class OrganizationOut(Schema):
    id: UUID
    name: str
    website: str
    industry: str
    notes: str
    lamp_advocate: bool
    lamp_motivation: int
    lamp_posting: int
    # Annotated by selectors.organization_list, which the endpoints read every row through.
    people: int = Field(description="How many of your contacts work there.")
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_id(obj: Organization) -> UUID:
        return obj.uuid


class OrganizationPageOut(Page):
    items: list[OrganizationOut]


class OrganizationIn(InputSchema):
    name: str = Field(max_length=_organization_max("name"))
    website: str = Field("", max_length=_organization_max("website"))
    industry: str = Field("", max_length=_organization_max("industry"))
    notes: str = Field("", max_length=_organization_max("notes"))
    lamp_advocate: bool = False
    lamp_motivation: int = Field(0, ge=0, le=3, description="0 = not sure, 3 = dream employer.")
    lamp_posting: int = Field(1, ge=1, le=3, description="1 = no relevant posting, 3 = a fit.")


class OrganizationPatch(PatchSchema):
    name: str | None = Field(None, max_length=_organization_max("name"))
    website: str | None = Field(None, max_length=_organization_max("website"))
    industry: str | None = Field(None, max_length=_organization_max("industry"))
    notes: str | None = Field(None, max_length=_organization_max("notes"))
    lamp_advocate: bool | None = None
    lamp_motivation: int | None = Field(None, ge=0, le=3)
    lamp_posting: int | None = Field(None, ge=1, le=3)


class OrganizationFilterQuery(TextInputSchema):
    q: str = Field("", max_length=500, description="Part of the organization's name.")
    limit: int = Field(100, ge=1, le=ORGANIZATION_PAGE_MAX)
    cursor: str = Field("", max_length=20, description="`next_cursor` of the previous page.")
