"""Writes for Prepare and talk: research, the question bank, plans, live notes, referrals.

Pages, the API and the CLI all call these; each checks its input and either saves
everything or raises ValidationError and saves nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone

from coffeechat.conversations.bank import BUILT_IN_QUESTIONS
from coffeechat.conversations.models import (
    Conversation,
    LinkKind,
    Note,
    NoteKind,
    OrganizationResearch,
    PlannedQuestion,
    PlanState,
    PracticeAnswer,
    Question,
    Referral,
    Research,
    ResearchLink,
    Tiara,
)
from coffeechat.lib.validators import http_url_validator, refuse_null_characters
from coffeechat.network.models import Contact, Organization, Source
from coffeechat.network.services import contact_create
from coffeechat.outreach.models import Meeting, MeetingStatus

MAX_PLAN = 40
MAX_QUESTIONS = 500
MAX_PRACTICE_ANSWERS = 200
CLIENT_KEY = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def _text(value: str, field: str, limit: int, *, required: bool = False) -> str:
    value = (value or "").strip()
    if "\x00" in value:
        raise ValidationError({field: ["Null characters are not allowed."]})
    if required and not value:
        raise ValidationError({field: ["This can’t be empty."]})
    if len(value) > limit:
        raise ValidationError({field: [f"Keep it under {limit:,} characters."]})
    return value


def _client_key(value: str) -> str:
    value = (value or "").strip()
    if value and not CLIENT_KEY.match(value):
        raise ValidationError({"client_key": ["Use up to 64 letters, digits, - or _."]})
    return value


def _owned(owner: Any, *objects: Any) -> None:
    for obj in objects:
        if obj is not None and obj.owner_id != owner.pk:
            raise ValidationError("That is not yours.")


# Research ---------------------------------------------------------------------------------


def _stamp(current: dt.datetime | None, value: bool | None, now: dt.datetime) -> Any:
    if value is None:
        return current
    return (current or now) if value else None


def research_update(
    *,
    contact: Contact,
    notes: str | None = None,
    searched: bool | None = None,
    linkedin_read: bool | None = None,
    organization_notes: str | None = None,
    website_read: bool | None = None,
    now: dt.datetime | None = None,
) -> tuple[Research, OrganizationResearch | None]:
    """Save research on a person (and on their organization); None leaves a value alone."""
    now = now or timezone.now()
    if notes is not None:
        notes = _text(notes, "notes", 20_000)
    if organization_notes is not None:
        organization_notes = _text(organization_notes, "organization_notes", 20_000)
    org = contact.organization
    if org is None and (organization_notes or website_read):
        raise ValidationError(
            {"organization_notes": ["Add their organization to the contact first."]}
        )
    with transaction.atomic():
        research, _ = Research.objects.get_or_create(
            contact=contact, defaults={"owner_id": contact.owner_id}
        )
        if notes is not None:
            research.notes = notes
        research.searched_at = _stamp(research.searched_at, searched, now)
        research.linkedin_read_at = _stamp(research.linkedin_read_at, linkedin_read, now)
        research.save()
        org_research = None
        if org is not None:
            org_research, _ = OrganizationResearch.objects.get_or_create(
                organization=org, defaults={"owner_id": contact.owner_id}
            )
            if organization_notes is not None:
                org_research.notes = organization_notes
            org_research.website_read_at = _stamp(org_research.website_read_at, website_read, now)
            org_research.save()
    return research, org_research


def _link_kind(url: str, organization: Organization | None) -> str:
    lowered = url.casefold()
    if "linkedin.com/" in lowered:
        return LinkKind.LINKEDIN
    if organization is not None and organization.website:
        host = re.sub(r"^https?://(www\.)?", "", organization.website.casefold()).split("/")[0]
        if host and host in lowered:
            return LinkKind.WEBSITE
    return LinkKind.OTHER


def research_link_add(
    *,
    owner: Any,
    url: str,
    title: str = "",
    kind: str = "",
    contact: Contact | None = None,
    organization: Organization | None = None,
) -> ResearchLink:
    """A link about a person or an organization; the kind is guessed from the address."""
    if (contact is None) == (organization is None):
        raise ValidationError("A link is about a person or an organization.")
    _owned(owner, contact, organization)
    url = _text(url, "url", 500, required=True)
    try:
        http_url_validator(url)
    except ValidationError as exc:
        raise ValidationError({"url": exc.messages}) from None
    if kind and kind not in LinkKind.values:
        raise ValidationError({"kind": [f"Choose one of: {', '.join(LinkKind.values)}."]})
    if ResearchLink.objects.filter(owner=owner).count() >= 5_000:
        raise ValidationError("You have 5,000 research links; delete some first.")
    link = ResearchLink(
        owner=owner,
        contact=contact,
        organization=organization,
        url=url,
        title=_text(title, "title", 200),
        kind=kind or _link_kind(url, organization or (contact.organization if contact else None)),
    )
    link.save()
    return link


def research_link_delete(*, link: ResearchLink) -> None:
    link.delete()


# Question bank ----------------------------------------------------------------------------


def questions_builtin_ensure(*, owner: Any) -> int:
    """Copy the built-in questions the owner's bank lacks (new ones arrive on next use)."""
    have = set(
        Question.objects.filter(owner=owner)
        .exclude(builtin_key="")
        .values_list("builtin_key", flat=True)
    )
    missing = [q for q in BUILT_IN_QUESTIONS if q.key not in have]
    if not missing:
        return 0
    order = {q.key: n for n, q in enumerate(BUILT_IN_QUESTIONS)}
    rows = [
        Question(
            owner=owner,
            text=q.text,
            builtin_key=q.key,
            tiara=q.tiara,
            tags="guide" if q.key.startswith("guide-") else "",
            position=order[q.key],
        )
        for q in missing
    ]
    try:
        with transaction.atomic():
            Question.objects.bulk_create(rows)
    except IntegrityError:
        # Two tabs at once: the other request copied them first.
        return 0
    return len(rows)


def _tags(value: str | Iterable[str]) -> str:
    raw = value.split(",") if isinstance(value, str) else list(value)
    tags: list[str] = []
    for tag in raw:
        tag = " ".join(str(tag).split()).casefold()
        if "\x00" in tag:
            raise ValidationError({"tags": ["Null characters are not allowed."]})
        if len(tag) > 40:
            raise ValidationError({"tags": ["Keep each tag under 40 characters."]})
        if tag and tag not in tags:
            tags.append(tag)
    joined = ",".join(tags)
    if len(joined) > 300:
        raise ValidationError({"tags": ["Too many tags on one question."]})
    return joined


def _tiara(value: str) -> str:
    if value and value not in Tiara.values:
        raise ValidationError({"tiara": [f"Choose one of: {', '.join(Tiara.values)}."]})
    return value


def question_create(
    *, owner: Any, text: str, tiara: str = "", tags: str | Iterable[str] = ""
) -> Question:
    text = _text(text, "text", 500, required=True)
    if Question.objects.filter(owner=owner).count() >= MAX_QUESTIONS:
        raise ValidationError(f"Your bank holds {MAX_QUESTIONS} questions; delete some first.")
    last = Question.objects.filter(owner=owner).aggregate(last=Max("position"))["last"]
    return Question.objects.create(
        owner=owner,
        text=text,
        tiara=_tiara(tiara),
        tags=_tags(tags),
        position=(last or 0) + 100,
    )


def question_update(
    *,
    question: Question,
    text: str | None = None,
    tiara: str | None = None,
    tags: str | Iterable[str] | None = None,
    hidden: bool | None = None,
) -> Question:
    if text is not None:
        question.text = _text(text, "text", 500, required=True)
    if tiara is not None:
        question.tiara = _tiara(tiara)
    if tags is not None:
        question.tags = _tags(tags)
    if hidden is not None:
        question.hidden = hidden
    question.save()
    return question


def question_delete(*, question: Question) -> None:
    """The student's own questions go; built-in ones are hidden instead (they'd come back)."""
    if question.builtin_key:
        raise ValidationError("Built-in questions can be hidden, not deleted.")
    question.delete()


# A meeting's plan -------------------------------------------------------------------------


def _renumber(meeting: Meeting) -> None:
    items = list(PlannedQuestion.objects.filter(meeting=meeting).order_by("position", "id"))
    for n, item in enumerate(items):
        if item.position != n:
            item.position = n
            item.save(update_fields=["position", "updated_at"])


@transaction.atomic
def plan_set(*, meeting: Meeting, questions: list[Question]) -> list[PlannedQuestion]:
    """The plan becomes exactly these bank questions in this order.

    Questions already on the plan keep what happened to them and their notes; follow-ups
    added during the conversation, and questions since deleted from the bank, stay at the end.
    """
    _owned(meeting.owner, *questions)
    if len({q.pk for q in questions}) != len(questions):
        raise ValidationError({"questions": ["A question is on the plan twice."]})
    if len(questions) > MAX_PLAN:
        raise ValidationError({"questions": [f"Plan at most {MAX_PLAN} questions."]})
    from_bank = PlannedQuestion.objects.filter(
        meeting=meeting, follow_up=False, question__isnull=False
    )
    current = {item.question_id: item for item in from_bank}
    from_bank.exclude(question_id__in=[q.pk for q in questions]).delete()
    plan = []
    for n, question in enumerate(questions):
        item = current.get(question.pk)
        if item is None:
            item = PlannedQuestion(
                owner=meeting.owner, meeting=meeting, question=question, text=question.text
            )
        item.position = n
        item.save()
        plan.append(item)
    # Follow-ups, and questions deleted from the bank since (their answers and notes are part
    # of the conversation), stay after the chosen ones.
    rest = PlannedQuestion.objects.filter(meeting=meeting).filter(
        Q(follow_up=True) | Q(question__isnull=True)
    )
    for n, item in enumerate(rest.order_by("position", "id"), start=len(plan)):
        item.position = n
        item.save(update_fields=["position", "updated_at"])
        plan.append(item)
    return plan


def plan_add(
    *,
    meeting: Meeting,
    question: Question | None = None,
    text: str = "",
    follow_up: bool = False,
) -> PlannedQuestion:
    """One more question at the end: from the bank, or typed (a follow-up during the talk)."""
    _owned(meeting.owner, question)
    if question is None:
        text = _text(text, "text", 500, required=True)
    elif PlannedQuestion.objects.filter(meeting=meeting, question=question).exists():
        raise ValidationError({"question": ["That question is already on the plan."]})
    if PlannedQuestion.objects.filter(meeting=meeting).count() >= MAX_PLAN:
        raise ValidationError({"text": [f"A plan holds at most {MAX_PLAN} questions."]})
    last = PlannedQuestion.objects.filter(meeting=meeting).aggregate(last=Max("position"))
    return PlannedQuestion.objects.create(
        owner=meeting.owner,
        meeting=meeting,
        question=question,
        text=question.text if question is not None else text,
        follow_up=follow_up,
        position=(last["last"] if last["last"] is not None else -1) + 1,
    )


@transaction.atomic
def plan_move(*, item: PlannedQuestion, by: int) -> None:
    """Move a question up (by=-1) or down (by=1) the plan."""
    items = list(PlannedQuestion.objects.filter(meeting_id=item.meeting_id).order_by("position"))
    index = next(n for n, other in enumerate(items) if other.pk == item.pk)
    target = max(0, min(len(items) - 1, index + by))
    items.insert(target, items.pop(index))
    for n, other in enumerate(items):
        if other.position != n:
            other.position = n
            other.save(update_fields=["position", "updated_at"])


def plan_remove(*, item: PlannedQuestion) -> None:
    meeting = item.meeting
    item.delete()
    _renumber(meeting)


def plan_mark(
    *, item: PlannedQuestion, state: str | None = None, note: str | None = None
) -> PlannedQuestion:
    """Live mode: asked / skipped / answered before I asked, and a note under it."""
    if state is not None:
        if state not in PlanState.values:
            raise ValidationError({"state": [f"Choose one of: {', '.join(PlanState.values)}."]})
        item.state = state
    if note is not None:
        item.note = _text(note, "note", 5_000)
    item.save()
    return item


# Live notes and referrals -----------------------------------------------------------------


def conversation_start(*, meeting: Meeting, now: dt.datetime | None = None) -> Conversation:
    """Start the timer (once: a reload keeps counting from the first start)."""
    conversation, _ = Conversation.objects.get_or_create(
        meeting=meeting, defaults={"owner_id": meeting.owner_id}
    )
    if conversation.started_at is None:
        conversation.started_at = now or timezone.now()
        conversation.save(update_fields=["started_at"])
    return conversation


def note_add(
    *, meeting: Meeting, text: str, kind: str = NoteKind.NOTE, client_key: str = ""
) -> tuple[Note, bool]:
    """A note; sent again with the same client key, the first one is returned (not a copy)."""
    if kind not in NoteKind.values:
        raise ValidationError({"kind": [f"Choose one of: {', '.join(NoteKind.values)}."]})
    text = _text(text, "text", 5_000, required=True)
    client_key = _client_key(client_key)
    if client_key:
        existing = Note.objects.filter(meeting=meeting, client_key=client_key).first()
        if existing is not None:
            return existing, False
    if Note.objects.filter(meeting=meeting).count() >= 1_000:
        raise ValidationError("A conversation holds at most 1,000 notes.")
    try:
        with transaction.atomic():
            note = Note.objects.create(
                owner=meeting.owner, meeting=meeting, kind=kind, text=text, client_key=client_key
            )
    except IntegrityError:
        return Note.objects.get(meeting=meeting, client_key=client_key), False
    return note, True


def note_update(
    *,
    note: Note,
    text: str | None = None,
    kind: str | None = None,
    acted_on: bool | None = None,
    outcome: str | None = None,
    now: dt.datetime | None = None,
) -> Note:
    if text is not None:
        note.text = _text(text, "text", 5_000, required=True)
    if kind is not None:
        if kind not in NoteKind.values:
            raise ValidationError({"kind": [f"Choose one of: {', '.join(NoteKind.values)}."]})
        note.kind = kind
    if acted_on is not None:
        note.acted_on_at = (note.acted_on_at or now or timezone.now()) if acted_on else None
    if outcome is not None:
        note.outcome = _text(outcome, "outcome", 2_000)
    note.save()
    return note


def note_delete(*, note: Note) -> None:
    note.delete()


def referral_add(
    *,
    meeting: Meeting,
    name: str,
    organization_name: str = "",
    title: str = "",
    email: str = "",
    note: str = "",
    client_key: str = "",
) -> tuple[Referral, bool]:
    """ "Who else should I talk to?": the name becomes a contact referred by this person and
    linked to this conversation. Someone already on the list with that exact name (at that
    organization, when given) is linked rather than added twice."""
    name = _text(name, "name", 200, required=True)
    organization_name = _text(organization_name, "organization_name", 200)
    client_key = _client_key(client_key)
    if client_key:
        existing = Referral.objects.filter(meeting=meeting, client_key=client_key).first()
        if existing is not None:
            return existing, False
    referrer = meeting.contact
    with transaction.atomic():
        same = Contact.objects.filter(owner=meeting.owner, name__iexact=name).exclude(
            pk=referrer.pk
        )
        if organization_name:
            same = same.filter(organization__name__iexact=organization_name)
        contact = same.first() if same.count() == 1 else None
        if contact is None:
            contact = contact_create(
                owner=meeting.owner,
                name=name,
                title=_text(title, "title", 200),
                email=_text(email, "email", 254),
                notes=_text(note, "note", 2_000)
                or f"{referrer.name} suggested I reach out ({meeting.start:%b %-d, %Y}).",
                source=Source.REFERRAL,
                referred_by=referrer,
                organization_name=organization_name or None,
            )
        elif contact.referred_by_id is None:
            contact.referred_by = referrer
            contact.save(update_fields=["referred_by", "updated_at"])
        referral = Referral(
            owner=meeting.owner, meeting=meeting, contact=contact, client_key=client_key
        )
        refuse_null_characters(referral)
        referral.save()
    return referral, True


@transaction.atomic
def conversation_finish(*, meeting: Meeting, now: dt.datetime | None = None) -> Conversation:
    """The conversation happened: the meeting is done and the summary can be shown."""
    now = now or timezone.now()
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError("This meeting was cancelled.")
    conversation = conversation_start(meeting=meeting, now=now)
    conversation.finished_at = conversation.finished_at or now
    conversation.save(update_fields=["finished_at"])
    if meeting.status != MeetingStatus.DONE:
        meeting.status = MeetingStatus.DONE
        meeting.save(update_fields=["status", "updated_at"])
    return conversation


# Practice ---------------------------------------------------------------------------------


def practice_answer_save(*, owner: Any, prompt: str, answer: str) -> PracticeAnswer:
    prompt = _text(prompt, "prompt", 500, required=True)
    answer = _text(answer, "answer", 5_000)
    answers = PracticeAnswer.objects.filter(owner=owner)
    if answers.count() >= MAX_PRACTICE_ANSWERS and not answers.filter(prompt=prompt).exists():
        raise ValidationError(
            f"You have {MAX_PRACTICE_ANSWERS} practice answers; clear some first."
        )
    saved, _ = PracticeAnswer.objects.update_or_create(
        owner=owner, prompt=prompt, defaults={"answer": answer}
    )
    return saved


def plan_follow_up_add(*, meeting: Meeting, text: str) -> tuple[PlannedQuestion, bool]:
    """A follow-up typed during the conversation. The same words again return the one
    already on the plan: a resend after a dropped connection must not add it twice."""
    text = _text(text, "text", 500, required=True)
    same = PlannedQuestion.objects.filter(meeting=meeting, follow_up=True, text__iexact=text)
    existing = same.first()
    if existing is not None:
        return existing, False
    return plan_add(meeting=meeting, text=text, follow_up=True), True
