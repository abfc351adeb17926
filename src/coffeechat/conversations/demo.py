"""Prepare and talk for the demo user: research, a planned meeting, a finished conversation.

Sam has researched the people they are about to meet, planned questions for the meeting
Grace Liu said yes to (in the outreach demo), and a practice run with the career coach is
set for the day before it. A week ago Sam talked with Amara Okafor: the live notes, what
happened to each question and the two people she suggested are all there, and the two are on
the list as referred by her. Rows are made through the services, with times counted from
`now`, so the meeting is always a few days ahead and the conversation a week behind.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from coffeechat.conversations import selectors, services
from coffeechat.conversations.bank import PRACTICE_PROMPTS
from coffeechat.conversations.models import NoteKind, PlanState, Question
from coffeechat.lib.businessdays import business_day_before
from coffeechat.network.demo import CONTACTS
from coffeechat.network.models import Contact
from coffeechat.outreach.demo import COUNTRY
from coffeechat.outreach.models import Meeting
from coffeechat.outreach.selectors import student_zone
from coffeechat.outreach.services import meeting_schedule

# The people Amara Okafor suggested, whom this demo adds to the list.
PEOPLE_REFERRED = 2
# Meetings this demo adds: the finished conversation and the practice run.
MEETINGS_ADDED = 2

# (contact key, notes, searched, read LinkedIn, organization notes, read website); None
# leaves a value alone (two people share an organization, researched once).
RESEARCH: list[tuple[str, str, bool, bool, str | None, bool | None]] = [
    (
        "liu",
        "Design Director at Northwind since 2019; before that a UX lead at a bank. Spoke at "
        "UX Chicago about research with small budgets. Prof. Raman's former student.",
        True,
        True,
        "Northwind: UX agency, about 80 people, offices in Chicago and London. Clients in "
        "health care and city government. Summer internships open in January.",
        False,  # still to do before the meeting: the checklist says so
    ),
    (
        "okafor",
        "Leads research for Lakeshore's patient portal. Wrote a blog post on testing with "
        "older patients; trained as a nurse before moving into UX.",
        True,
        True,
        "Lakeshore Health: hospital system, growing clinical informatics team. The patient "
        "portal was redesigned last year.",
        True,
    ),
    (
        "stone",
        "Director of Clinical Informatics; Aunt Lucía's colleague. Prefers phone calls.",
        True,
        False,
        None,
        None,
    ),
    (
        "osei",
        "Spoke in INFO 210 about the county's outbreak dashboards.",
        True,
        False,
        "Riverbend County Public Health runs the county's outbreak dashboards and posts "
        "data openly.",
        False,
    ),
]

# (contact key, about their organization rather than them, url, title)
LINKS: list[tuple[str, bool, str, str]] = [
    ("liu", False, "https://www.linkedin.com/in/grace-liu-demo", "Grace Liu on LinkedIn"),
    ("liu", True, "https://northwind-design.example/about", "Northwind: about us"),
    (
        "okafor",
        False,
        "https://news.lakeshorehealth.example/portal-redesign",
        "Patient portal redesign: what we learned",
    ),
    ("okafor", True, "https://www.lakeshorehealth.example/careers", "Lakeshore Health careers"),
]

# For Grace Liu: four questions from the built-in bank, then one of Sam's own.
PLAN_KEYS = ("guide-typical-day", "guide-path", "tiara-trends", "guide-skills")
OWN_QUESTION = (
    "How does Northwind decide which research methods a project can afford?",
    "insights",
    "ux, research",
)

# The conversation with Amara Okafor: (built-in key, what happened, note).
PAST_PLAN: list[tuple[str, str, str]] = [
    (
        "guide-path",
        PlanState.ASKED,
        "Nurse for six years, then a UX certificate at night; the portal team wanted "
        "someone who knew the wards.",
    ),
    ("guide-typical-day", PlanState.ANSWERED_EARLY, "Covered while she told her story."),
    (
        "guide-skills",
        PlanState.ASKED,
        "Interviewing people who are ill or stressed; writing short, clear reports.",
    ),
    ("guide-organization", PlanState.SKIPPED, ""),
    (
        "guide-advice",
        PlanState.ASKED,
        "Get research experience with real patients, even as a volunteer.",
    ),
]
FOLLOW_UP = (
    "Which volunteer programs at Lakeshore involve patients?",
    "The patient advisory council takes student note-takers.",
)
NOTES: list[tuple[str, str]] = [
    (NoteKind.ADVICE, "Volunteer as a note-taker for the patient advisory council."),
    (NoteKind.ADVICE, "Put one health project in the portfolio, with the research shown."),
    (
        NoteKind.RESOURCE,
        "Book: “Just Enough Research” by Erika Hall — "
        "https://abookapart.com/products/just-enough-research",
    ),
    (NoteKind.RESOURCE, "Group: Health UX Chicago meetup, second Tuesday of each month."),
    (NoteKind.IDEA, "A class project on appointment reminders for older patients?"),
    (NoteKind.ASKED_ME, "Why health care rather than a tech company?"),
    (NoteKind.NOTE, "She is hiring a research intern next summer; posting in February."),
]
REFERRALS: list[dict[str, str]] = [
    {
        "name": "Priyanka Desai",
        "organization_name": "Lakeshore Health",
        "title": "Patient Experience Researcher",
        "email": "pdesai@lakeshorehealth.example",
        "note": "Amara Okafor suggested I reach out: Priyanka runs the patient advisory council.",
    },
    {
        "name": "Tom Becker",
        "organization_name": "Atlas Civic Tech",
        "title": "Service Designer",
        "note": "Amara Okafor suggested I reach out: Tom designs health services for cities.",
    },
]

PRACTICE_ANSWERS = {
    PRACTICE_PROMPTS[0]: "I'm Sam, a junior in information sciences at Midwest State. I "
    "got into UX through a class project on the library's website, and I'm exploring UX "
    "research in health care and civic tech.",
    PRACTICE_PROMPTS[2]: "Research is where I get to talk to the people a product is for; "
    "in health care that can make someone's day easier.",
}


@transaction.atomic
def conversations_demo(user: Any, *, now: dt.datetime) -> int:
    """Give the demo user (with the network and outreach demos) Prepare and talk.

    Returns how many people it added to the list: the two a conversation suggested.
    """
    tz = student_zone(user)
    today = now.astimezone(tz).date()
    people = _people(user)

    for key, notes, searched, linkedin_read, organization_notes, website_read in RESEARCH:
        contact = people[key]
        services.research_update(
            contact=contact,
            notes=notes,
            searched=searched,
            linkedin_read=linkedin_read,
            organization_notes=organization_notes,
            website_read=website_read,
            now=now,
        )
    for key, about_organization, url, title in LINKS:
        contact = people[key]
        services.research_link_add(
            owner=user,
            url=url,
            title=title,
            contact=None if about_organization else contact,
            organization=contact.organization if about_organization else None,
        )

    services.questions_builtin_ensure(owner=user)
    bank = {q.builtin_key: q for q in selectors.question_bank(user) if q.builtin_key}
    text, tiara, tags = OWN_QUESTION
    own = services.question_create(owner=user, text=text, tiara=tiara, tags=tags)

    # The meeting Grace Liu said yes to; made here only if the outreach demo had none.
    upcoming = selectors.meetings_list(user, contact=people["liu"], now=now).first()
    if upcoming is None:
        day = today + dt.timedelta(days=3)
        upcoming = meeting_schedule(
            owner=user,
            contact=people["liu"],
            start=dt.datetime.combine(day, dt.time(10), tzinfo=tz),
            minutes=20,
            medium="video",
        )
    services.plan_set(meeting=upcoming, questions=[*(bank[k] for k in PLAN_KEYS), own])

    practice = meeting_schedule(
        owner=user,
        contact=people["carter"],
        start=_practice_time(upcoming, now=now, tz=tz),
        minutes=20,
        medium="in_person",
        location="Career Center, room 104",
    )
    services.plan_set(meeting=practice, questions=[bank[k] for k in PLAN_KEYS[:3]])

    _finished_conversation(user, people["okafor"], bank, today=today, tz=tz)

    for prompt, answer in PRACTICE_ANSWERS.items():
        services.practice_answer_save(owner=user, prompt=prompt, answer=answer)
    return PEOPLE_REFERRED


def _practice_time(meeting: Meeting, *, now: dt.datetime, tz: dt.tzinfo) -> dt.datetime:
    """A practice run with the career coach after classes the business day before the
    meeting, or early that morning when that evening has already passed."""
    day = meeting.start.astimezone(tz).date()
    evening = dt.datetime.combine(business_day_before(day, 1, COUNTRY), dt.time(17, 30), tzinfo=tz)
    if evening > now:
        return evening
    morning = dt.datetime.combine(day, dt.time(8), tzinfo=tz)
    return morning if morning > now else now + dt.timedelta(minutes=30)


def _finished_conversation(
    user: Any, contact: Any, bank: dict[str, Question], *, today: dt.date, tz: dt.tzinfo
) -> None:
    """Coffee with Amara Okafor five business days ago: asked, noted, referred, finished."""
    day = business_day_before(today, 5, COUNTRY)
    meeting = meeting_schedule(
        owner=user,
        contact=contact,
        start=dt.datetime.combine(day, dt.time(12, 30), tzinfo=tz),
        minutes=30,
        medium="in_person",
        location="Common Grounds Café, 5th & Main",
    )
    services.conversation_start(meeting=meeting, now=meeting.start)
    plan = services.plan_set(meeting=meeting, questions=[bank[k] for k, _, _ in PAST_PLAN])
    for item, (_key, state, note) in zip(plan, PAST_PLAN, strict=True):
        services.plan_mark(item=item, state=state, note=note)
    text, note = FOLLOW_UP
    follow_up = services.plan_add(meeting=meeting, text=text, follow_up=True)
    services.plan_mark(item=follow_up, state=PlanState.ASKED, note=note)

    for kind, words in NOTES:
        services.note_add(meeting=meeting, kind=kind, text=words)
    for referral in REFERRALS:
        services.referral_add(meeting=meeting, **referral)
    services.conversation_finish(meeting=meeting, now=meeting.end)


def _people(user: Any) -> dict[str, Contact]:
    """The network demo's people by their key ("liu")."""
    names = {row["key"]: row["name"] for row in CONTACTS}
    people = Contact.objects.filter(owner=user, name__in=names.values()).select_related(
        "organization"
    )
    by_name = {c.name: c for c in people}
    return {key: by_name[name] for key, name in names.items() if name in by_name}
