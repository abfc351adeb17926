"""The question bank and research over the API: the same selectors and services as the
pages (`/questions/`, `/contacts/{id}/research/`)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from ninja import Query, Router, Status

from coffeechat.api.schemas import ERRORS, ERRORS_BY_ID
from coffeechat.api.schemas_conversations import (
    LinkIn,
    LinkOut,
    QuestionIn,
    QuestionOut,
    QuestionPatch,
    QuestionsQuery,
    ResearchIn,
    ResearchOut,
    research_out,
)
from coffeechat.conversations import selectors, services
from coffeechat.lib.http import ApiRequest
from coffeechat.network.selectors import contact_get_for_user

router = Router(tags=["conversations"])


# The question bank ------------------------------------------------------------------------


@router.get(
    "/questions", response={200: list[QuestionOut], **ERRORS}, summary="List your question bank"
)
def question_list(request: ApiRequest, query: Query[QuestionsQuery]) -> Any:
    """The guide's questions and TIARA's, then yours, in bank order."""
    services.questions_builtin_ensure(owner=request.auth)
    found = selectors.question_bank(
        request.auth, tiara=query.tiara, tag=query.tag, include_hidden=query.hidden
    )
    return [selectors.question_summary(q) for q in found]


@router.post("/questions", response={201: QuestionOut, **ERRORS}, summary="Add a question")
def question_create(request: ApiRequest, payload: QuestionIn) -> Any:
    question = services.question_create(
        owner=request.auth, text=payload.text, tiara=payload.tiara, tags=payload.tags
    )
    return Status(201, selectors.question_summary(question))


@router.get(
    "/questions/{question_id}", response={200: QuestionOut, **ERRORS_BY_ID}, summary="A question"
)
def question_detail(request: ApiRequest, question_id: UUID) -> Any:
    return selectors.question_summary(selectors.question_get_for_user(request.auth, question_id))


@router.patch(
    "/questions/{question_id}",
    response={200: QuestionOut, **ERRORS_BY_ID},
    summary="Reword, tag or hide a question",
)
def question_update(request: ApiRequest, question_id: UUID, payload: QuestionPatch) -> Any:
    question = selectors.question_get_for_user(request.auth, question_id)
    services.question_update(
        question=question,
        text=payload.text,
        tiara=payload.tiara,
        tags=payload.tags,
        hidden=payload.hidden,
    )
    return selectors.question_summary(question)


@router.delete(
    "/questions/{question_id}",
    response={204: None, **ERRORS_BY_ID},
    summary="Delete one of your questions",
)
def question_delete(request: ApiRequest, question_id: UUID) -> Status[None]:
    """Built-in questions are refused with 422: hide them instead (`hidden: true`)."""
    services.question_delete(question=selectors.question_get_for_user(request.auth, question_id))
    return Status(204, None)


# Research ---------------------------------------------------------------------------------


@router.get(
    "/contacts/{contact_id}/research",
    response={200: ResearchOut, **ERRORS_BY_ID},
    summary="Research on a contact",
)
def research_get(request: ApiRequest, contact_id: UUID) -> Any:
    """Notes and links on the person and their organization, and the guide's checklist."""
    contact = contact_get_for_user(request.auth, contact_id)
    return research_out(selectors.research_for(contact))


@router.put(
    "/contacts/{contact_id}/research",
    response={200: ResearchOut, **ERRORS_BY_ID},
    summary="Save research notes and the checklist",
)
def research_put(request: ApiRequest, contact_id: UUID, payload: ResearchIn) -> Any:
    """Only the fields sent change."""
    contact = contact_get_for_user(request.auth, contact_id)
    services.research_update(contact=contact, **payload.model_dump(exclude_unset=True))
    return research_out(selectors.research_for(contact_get_for_user(request.auth, contact_id)))


@router.post(
    "/contacts/{contact_id}/research/links",
    response={201: LinkOut, **ERRORS_BY_ID},
    summary="Add a research link",
)
def research_link_create(request: ApiRequest, contact_id: UUID, payload: LinkIn) -> Any:
    """About the person, or (`about: organization`) about the organization they work for."""
    contact = contact_get_for_user(request.auth, contact_id)
    if payload.about == "organization" and contact.organization is None:
        raise ValidationError({"about": ["Add their organization to the contact first."]})
    link = services.research_link_add(
        owner=request.auth,
        url=payload.url,
        title=payload.title,
        kind=payload.kind,
        contact=contact if payload.about == "person" else None,
        organization=contact.organization if payload.about == "organization" else None,
    )
    return Status(201, link)


@router.delete(
    "/research/links/{link_id}",
    response={204: None, **ERRORS_BY_ID},
    summary="Delete a research link",
)
def research_link_delete(request: ApiRequest, link_id: UUID) -> Status[None]:
    services.research_link_delete(link=selectors.research_link_get_for_user(request.auth, link_id))
    return Status(204, None)
