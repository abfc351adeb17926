from __future__ import annotations

import datetime as dt
import io
import json
import zoneinfo
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from coffeechat.accounts.models import AvailabilityWindow, Profile
from coffeechat.accounts.services import api_token_create, profile_update
from coffeechat.conversations import services as conversations
from coffeechat.conversations.bank import BUILT_IN_QUESTIONS
from coffeechat.conversations.models import (
    Conversation,
    Note,
    OrganizationResearch,
    PlannedQuestion,
    PracticeAnswer,
    Question,
    Referral,
    Research,
    ResearchLink,
)
from coffeechat.followups import selectors as followups_selectors
from coffeechat.followups import services as followups
from coffeechat.followups.models import FollowupSettings, ReminderChoice
from coffeechat.interchange import json_backup, json_restore
from coffeechat.lib.text import squeeze
from coffeechat.network.demo import DEMO_CONTACT_COUNT, ORGANIZATIONS, demo_network_create
from coffeechat.network.models import Contact, Organization, Tag
from coffeechat.network.search import contacts_matching
from coffeechat.network.selectors import ContactFilters, contact_list
from coffeechat.network.services import contact_create, contact_update, tags_resolve
from coffeechat.outreach import services as outreach
from coffeechat.outreach.models import (
    BusyInterval,
    Calendar,
    DraftTemplate,
    Meeting,
    Message,
    Reply,
)
from coffeechat.outreach.slots import slot_from_json
from tests.factories import make_contact, make_organization, make_user
from tests.test_account_delete import owned_models


def backup(owner: Any) -> str:
    stream = io.StringIO()
    json_backup.write(owner, stream)
    return stream.getvalue()


def restore(owner: Any, text: str) -> dict[str, int]:
    return json_restore.restore(owner, io.StringIO(text))


OWNED = (
    *(Contact, Organization, Tag, Calendar, BusyInterval, DraftTemplate, Message, Reply, Meeting),
    *(Question, Research, OrganizationResearch, ResearchLink, PlannedQuestion, Note, Referral),
    *(Conversation, PracticeAnswer, ReminderChoice),
)


def rows(owner: Any) -> tuple[int, ...]:
    """How many rows of each kind the backup holds `owner` has."""
    counted = tuple(model.objects.filter(owner=owner).count() for model in OWNED)
    return (
        *counted,
        AvailabilityWindow.objects.filter(user=owner).count(),
        FollowupSettings.objects.filter(user=owner).count(),
    )


CHICAGO = zoneinfo.ZoneInfo("America/Chicago")
ASKED = dt.datetime(2026, 11, 2, 9, 0, tzinfo=CHICAGO)  # a Monday
ANSWERED = ASKED + dt.timedelta(hours=6)


def reach_out(owner: Any, settings: Any) -> None:
    """Outreach in every state, made through the services: a yes with a moved meeting and a
    confirmation in the same email thread, a no with its "who else" draft, a referral."""
    outreach.availability_update(
        user=owner,
        windows=[(0, dt.time(9), dt.time(12)), (2, dt.time(13, 30), dt.time(17))],
        buffer_minutes=10,
        lead_business_days=1,
        horizon_days=21,
        country="US",
    )
    outreach.template_save(
        owner=owner, kind="nudge", subject="Re: {subject}", body="Hi {first_name} — 你好 👋"
    )
    outreach.template_save(
        owner=owner, kind="request_cold", subject="From {my_name}", body="Hi!\n{times}\n"
    )
    people = {c.name: c for c in Contact.objects.filter(owner=owner)}
    settings.EMAIL_HOST = "smtp.school.example"  # the test mail backend keeps what is sent

    greg = people["Greg Olsen"]
    request = outreach.message_draft(owner=owner, contact=greg, medium="video", now=ASKED)
    outreach.message_send(message=request, channel="smtp", now=ASKED)
    meeting = outreach.reply_record(
        owner=owner,
        contact=greg,
        outcome="yes",
        start=slot_from_json(request.slots[1]).start,
        location="https://meet.example/greg",
        note="Happy to help!",
        received_at=ANSWERED,
        now=ANSWERED,
    ).meeting
    assert meeting is not None
    outreach.meeting_reschedule(meeting=meeting, start=slot_from_json(request.slots[2]).start)
    confirm = outreach.message_draft(owner=owner, contact=greg, kind="confirm", now=ANSWERED)
    outreach.message_send(message=confirm, channel="smtp", now=ANSWERED)

    zoe = people["Zoë Laurent"]
    request = outreach.message_draft(owner=owner, contact=zoe, now=ASKED)
    outreach.message_send(message=request, channel="mailto", now=ASKED)
    outreach.reply_record(
        owner=owner, contact=zoe, outcome="no", note="Swamped until spring.", now=ANSWERED
    )

    marcus = people["Marcus Lee"]
    request = outreach.message_draft(owner=owner, contact=marcus, now=ASKED)
    outreach.message_send(message=request, channel="linkedin", now=ASKED)
    outreach.reply_record(
        owner=owner,
        contact=marcus,
        outcome="referred",
        referred_name="Priya Natarajan",
        referred_email="priya@prairie-analytics.example",
        now=ANSWERED,
    )


TALKED = dt.datetime(2026, 10, 20, 12, 30, tzinfo=CHICAGO)


def prepare_and_talk(owner: Any) -> None:
    """Prepare and talk in every state, through the services: a bank with hidden, reworded
    and own questions, research, a plan for the coming meeting, a finished conversation with
    notes and referrals (one sent twice), and practice answers."""
    people = {c.name: c for c in Contact.objects.filter(owner=owner).select_related("organization")}
    conversations.questions_builtin_ensure(owner=owner)
    bank = {q.builtin_key: q for q in Question.objects.filter(owner=owner)}
    conversations.question_update(question=bank["tiara-trends"], hidden=True)
    conversations.question_update(
        question=bank["guide-path"], text="How did you end up in health UX?", tags="ux, path"
    )
    own = conversations.question_create(
        owner=owner, text="What does a research week look like? 📋", tiara="insights", tags="ux"
    )
    gone = conversations.question_create(owner=owner, text="Soon deleted")

    okafor, greg = people["Amara Okafor"], people["Greg Olsen"]
    conversations.research_update(
        contact=okafor,
        notes="Leads research for the patient portal.",
        searched=True,
        organization_notes="Hospital system — 病院.",
        website_read=True,
        now=TALKED - dt.timedelta(days=2),
    )
    conversations.research_update(contact=greg, linkedin_read=True, now=TALKED)
    conversations.research_link_add(
        owner=owner, contact=okafor, url="https://www.linkedin.com/in/amara", title="LinkedIn"
    )
    conversations.research_link_add(
        owner=owner, organization=okafor.organization, url="https://news.example/portal"
    )

    # The coming meeting (Greg's): a plan, one of whose questions has left the bank since.
    upcoming = Meeting.objects.get(owner=owner, contact=greg)
    conversations.plan_set(meeting=upcoming, questions=[bank["guide-skills"], own, gone])
    conversations.question_delete(question=gone)

    met = outreach.meeting_schedule(
        owner=owner, contact=okafor, start=TALKED, minutes=30, medium="in_person"
    )
    conversations.conversation_start(meeting=met, now=TALKED)
    plan = conversations.plan_set(
        meeting=met, questions=[bank["guide-path"], bank["guide-typical-day"], own]
    )
    for item, state, note in zip(
        plan, ["asked", "answered_early", "skipped"], ["Nurse first, then UX.", "", ""], strict=True
    ):
        conversations.plan_mark(item=item, state=state, note=note)
    follow_up = conversations.plan_add(
        meeting=met, text="Which volunteer programs?", follow_up=True
    )
    conversations.plan_mark(item=follow_up, state="asked", note="Patient council.")
    conversations.plan_move(item=follow_up, by=-1)
    for kind, text, key in [
        ("advice", "Volunteer as a note-taker.", "note-1"),
        ("resource", "Just Enough Research — https://abookapart.com/", ""),
        ("idea", "A project on reminders?", ""),
        ("asked_me", "Why health care?", "note-4"),
        ("note", "Hiring an intern next summer.", ""),
    ]:
        conversations.note_add(meeting=met, kind=kind, text=text, client_key=key)
    conversations.note_add(meeting=met, kind="advice", text="resent", client_key="note-1")
    advice = Note.objects.get(owner=owner, client_key="note-1")
    conversations.note_update(note=advice, acted_on=True, now=TALKED + dt.timedelta(days=3))
    conversations.referral_add(
        meeting=met, name="Priyanka Desai", organization_name="Lakeshore Health", client_key="r-1"
    )
    conversations.referral_add(meeting=met, name="Priyanka Desai", client_key="r-1")  # resent
    conversations.referral_add(meeting=met, name="Zoë Laurent")  # already on the list
    conversations.conversation_finish(meeting=met, now=TALKED + dt.timedelta(minutes=35))

    conversations.practice_answer_save(
        owner=owner, prompt="Tell me a little about yourself.", answer="I'm Alice…"
    )
    conversations.practice_answer_save(owner=owner, prompt="Why health care?", answer="")


FOLLOWED_UP = dt.datetime(2026, 11, 4, 10, 0, tzinfo=CHICAGO)


def follow_through(owner: Any) -> None:
    """Follow-ups in every state, through the services: own numbers, a calendar feed, what
    came of an advice, and a reminder of each kind of record snoozed or dismissed."""
    followups.settings_update(
        user=owner, thank_you_hours=48, keep_in_touch_months=4, nudge_days=8, digest=True
    )
    followups.feed_token_new(user=owner)
    advice = Note.objects.get(owner=owner, client_key="note-1")
    conversations.note_update(note=advice, outcome="I joined the patient council — 患者.")
    # A request nobody answered: the 3B7 reminders are about it (a message).
    waiting = Contact.objects.filter(
        owner=owner, organization__isnull=False, messages=None, replies=None, meetings=None
    ).order_by("created_at", "pk")[0]
    request = outreach.message_draft(owner=owner, contact=waiting, now=ASKED)
    outreach.message_send(message=request, channel="copy", now=ASKED)
    due = {r.rule: r for r in followups_selectors.reminders_for(owner, FOLLOWED_UP).shown}
    assert {"thank_you", "progress", "keep_in_touch", "try_next", "nudge"} <= set(due)
    for rule in ("thank_you", "nudge"):  # about a meeting, a message
        followups.reminder_dismiss(owner=owner, rule=rule, key=due[rule].key, now=FOLLOWED_UP)
    for rule, days in [("progress", 3), ("keep_in_touch", 30), ("try_next", 1)]:
        followups.reminder_snooze(
            owner=owner, rule=rule, key=due[rule].key, days=days, now=FOLLOWED_UP
        )


def choices_of(owner: Any) -> list[tuple[Any, ...]]:
    """Each choice with what it is about, by that record's own fields, not its UUID."""
    reminders = followups_selectors.reminders_for(owner, FOLLOWED_UP)
    found = []
    for choice in ReminderChoice.objects.filter(owner=owner):
        reminder = reminders.find(choice.rule, choice.object_key)
        assert reminder is not None, choice
        shown = (reminder.contact_name, reminder.title, reminder.due, reminder.snoozed_until)
        found.append(
            (choice.rule, *shown, choice.snoozed_until, choice.dismissed_due, choice.updated_at)
        )
    return sorted(found, key=repr)


@pytest.fixture
def rich(alice: Any, settings: Any) -> Any:
    """The demo network plus the awkward cases: forward referrals, ties, unused rows."""
    demo_network_create(owner=alice)
    profile_update(
        profile=alice.profile,
        school="Midwest State University",
        graduation_year=2027,
        fields_of_interest="UX research, civic tech",
        elevator_pitch="I'm Alice — I study information sciences. 你好 👋",
        default_minutes=30,
        preferred_media=["video", "phone"],
        wording="coffee chat",
    )
    make_organization(alice, "Nobody Works Here Yet", lamp_motivation=2)
    tags_resolve(owner=alice, names=["unused tag"])
    people = Contact.objects.filter(owner=alice).order_by("created_at")
    # A referrer added after the person they referred, and a referral loop.
    first, last = people.first(), people.last()
    contact_update(contact=first, referred_by=last)
    contact_update(contact=last, referred_by=first)
    # Same name, same moment: the original order must survive.
    twins = [make_contact(alice, "Sam Lee", notes=note) for note in ("first", "second")]
    moment = dt.datetime(2024, 9, 1, 14, 30, tzinfo=dt.UTC)
    Contact.objects.filter(pk__in=[t.pk for t in twins]).update(created_at=moment)
    api_token_create(user=alice, name="laptop script")
    classes = Calendar.objects.create(owner=alice, name="Classes", event_count=2)
    feed = Calendar.objects.create(
        owner=alice,
        name="Work shifts",
        source_url="https://calendar.example.edu/shifts.ics",
        refreshed_at=moment,
        last_error="The server did not answer in time.",
        event_count=1,
    )
    for calendar, hour, summary in [
        (classes, 15, "INFO 303 — lecture"),
        (classes, 9, "Statistik-Übung"),
        (feed, 9, ""),
    ]:
        start = moment + dt.timedelta(days=1, hours=hour)
        BusyInterval.objects.create(
            owner=alice,
            calendar=calendar,
            start=start,
            end=start + dt.timedelta(hours=1),
            summary=summary,
        )
    reach_out(alice, settings)
    prepare_and_talk(alice)
    follow_through(alice)
    return alice


def test_export_restore_export_gives_the_same_bytes(rich, bob):
    text = backup(rich)
    counts = restore(bob, text)
    assert counts == {
        "organizations": len(ORGANIZATIONS) + 1,
        "tags": Tag.objects.filter(owner=rich).count(),
        # The twins, the person a reply referred, and the one a conversation did.
        "contacts": DEMO_CONTACT_COUNT + 4,
        "calendars": 2,
        "busy_intervals": 3,
        "availability_windows": 2,
        "templates": 2,
        # Four requests, a confirmation, a "who else", the referral's request.
        "messages": 7,
        "replies": 3,
        "meetings": 2,
        "questions": len(BUILT_IN_QUESTIONS) + 1,  # and the own one deleted
        "research": 2,
        "organization_research": 2,  # made with the research on someone who works there
        "research_links": 2,
        "plans": 2,
        "planned_questions": 7,
        "notes": 5,
        "referrals": 2,
        "conversations": 1,
        "practice_answers": 2,
        "reminder_choices": 5,
    }
    assert rows(bob) == rows(rich)
    assert backup(bob) == text
    # Alice's own data is untouched by the restore into Bob's account.
    assert backup(rich) == text


def test_restore_keeps_every_field_and_link(rich, bob):
    restore(bob, backup(rich))

    def people(owner: Any) -> list[tuple[Any, ...]]:
        contacts = Contact.objects.filter(owner=owner).select_related("organization", "referred_by")
        return sorted(
            (
                c.name,
                c.email,
                c.linkedin_url,
                c.organization.name if c.organization else None,
                c.title,
                c.time_zone,
                c.source,
                c.referred_by.name if c.referred_by else None,
                c.practice,
                c.notes,
                tuple(sorted(t.name for t in c.tags.all())),
                c.created_at,
                c.updated_at,
                sorted(c.search_text.split()),  # tags may come in another order
                c.email_key,
            )
            for c in contacts
        )

    assert people(bob) == people(rich)
    fields = ["name", "website", "notes", "lamp_advocate", "lamp_motivation", "lamp_posting"]
    organizations = Organization.objects.order_by("name")
    assert list(organizations.filter(owner=bob).values_list(*fields, "created_at")) == list(
        organizations.filter(owner=rich).values_list(*fields, "created_at")
    )
    calendar_fields = ["name", "source_url", "created_at", "refreshed_at", "last_error"]
    calendars = Calendar.objects.order_by("name")
    assert list(calendars.filter(owner=bob).values_list(*calendar_fields, "event_count")) == list(
        calendars.filter(owner=rich).values_list(*calendar_fields, "event_count")
    )
    busy = BusyInterval.objects.order_by("start", "summary")
    assert list(
        busy.filter(owner=bob).values_list("calendar__name", "start", "end", "summary")
    ) == (list(busy.filter(owner=rich).values_list("calendar__name", "start", "end", "summary")))
    restored = Profile.objects.get(user=bob)
    assert restored.elevator_pitch == "I'm Alice — I study information sciences. 你好 👋"
    assert restored.preferred_media == ["video", "phone"]
    assert restored.time_zone == "America/Chicago"
    assert restored.completed_at == rich.profile.completed_at


def test_restore_keeps_reach_out_rows_and_their_links(rich, bob):
    restore(bob, backup(rich))

    def reach_out_of(owner: Any) -> list[list[Any]]:
        found = [
            Message.objects.filter(owner=owner).values_list("contact__name", *stored(Message)),
            Reply.objects.filter(owner=owner).values_list(
                *("contact__name", "message__kind", "message__sent_at"),
                *("referred_contact__name", *stored(Reply)),
            ),
            Meeting.objects.filter(owner=owner).values_list(
                "contact__name", "reply__outcome", "reply__received_at", *stored(Meeting)
            ),
            DraftTemplate.objects.filter(owner=owner).values_list(*stored(DraftTemplate)),
            AvailabilityWindow.objects.filter(user=owner).values_list(*stored(AvailabilityWindow)),
            Profile.objects.filter(user=owner).values_list(*stored(Profile)),
        ]
        return [sorted(rows, key=repr) for rows in found]

    assert reach_out_of(bob) == reach_out_of(rich)
    profile = Profile.objects.get(user=bob)
    assert (profile.country, profile.buffer_minutes, profile.lead_business_days) == ("US", 10, 1)
    assert profile.horizon_days == 21
    meeting = Meeting.objects.get(owner=bob, reply__isnull=False)
    assert meeting.sequence == 1 and meeting.location == "https://meet.example/greg"
    assert meeting.rescheduled_from is not None and meeting.status_label == "Rescheduled"
    assert meeting.contact.owner == bob and meeting.contact.name == "Greg Olsen"
    assert meeting.reply is not None and meeting.reply.contact == meeting.contact
    request = meeting.reply.message
    assert request is not None and request.contact == meeting.contact
    # The meeting is at one of the times the request proposed (moved to the third).
    assert meeting.start in [slot_from_json(s).start for s in request.slots]
    confirm = Message.objects.get(owner=bob, kind="confirm")
    assert confirm.in_reply_to == request.message_id != ""  # still one email thread
    referral = Reply.objects.get(owner=bob, outcome="referred")
    priya = referral.referred_contact
    assert priya is not None and priya.owner == bob and priya.referred_by == referral.contact
    assert Message.objects.get(owner=bob, contact=priya).sent_at is None  # a draft
    # New rows, not Alice's: UUIDs (the invite's UID) are not kept (docs/backup-format.md).
    assert meeting.uuid != Meeting.objects.get(owner=rich, reply__isnull=False).uuid


def stored(model: type[Any]) -> list[str]:
    # Every field but ids and links (compared through what they link to): a field added
    # to the model and forgotten by the backup fails here.
    return [
        f.name
        for f in model._meta.concrete_fields
        if not f.is_relation and f.name not in ("id", "uuid")
    ]


def prepare_and_talk_of(owner: Any) -> list[list[Any]]:
    meeting = ("meeting__contact__name", "meeting__start")
    found = [
        Question.objects.filter(owner=owner).values_list(*stored(Question)),
        Research.objects.filter(owner=owner).values_list("contact__name", *stored(Research)),
        OrganizationResearch.objects.filter(owner=owner).values_list(
            "organization__name", *stored(OrganizationResearch)
        ),
        ResearchLink.objects.filter(owner=owner).values_list(
            "contact__name", "organization__name", *stored(ResearchLink)
        ),
        PlannedQuestion.objects.filter(owner=owner).values_list(
            *meeting, "question__text", "question__builtin_key", *stored(PlannedQuestion)
        ),
        Note.objects.filter(owner=owner).values_list(*meeting, *stored(Note)),
        Referral.objects.filter(owner=owner).values_list(
            *meeting, "contact__name", "contact__referred_by__name", *stored(Referral)
        ),
        Conversation.objects.filter(owner=owner).values_list(
            *meeting, "meeting__status", *stored(Conversation)
        ),
        PracticeAnswer.objects.filter(owner=owner).values_list(*stored(PracticeAnswer)),
    ]
    return [sorted(rows, key=repr) for rows in found]


def test_restore_keeps_prepare_and_talk_rows_and_their_links(rich, bob):
    restore(bob, backup(rich))

    assert prepare_and_talk_of(bob) == prepare_and_talk_of(rich)
    assert all(prepare_and_talk_of(bob))
    bank = {q.builtin_key: q for q in Question.objects.filter(owner=bob) if q.builtin_key}
    assert bank["tiara-trends"].hidden
    assert (bank["guide-path"].text, bank["guide-path"].tags) == (
        "How did you end up in health UX?",
        "ux,path",
    )
    assert conversations.questions_builtin_ensure(owner=bob) == 0  # nothing missing
    okafor = Contact.objects.get(owner=bob, name="Amara Okafor")
    met = Meeting.objects.get(owner=bob, contact=okafor)
    assert met.status == "done" and met.conversation.finished_at is not None
    plan = list(PlannedQuestion.objects.filter(meeting=met))
    assert [(p.state, p.follow_up) for p in plan] == [
        ("asked", False),
        ("answered_early", False),
        ("asked", True),  # a follow-up, moved up during the conversation
        ("skipped", False),
    ]
    assert plan[0].question == bank["guide-path"] and plan[2].question is None
    greg_plan = PlannedQuestion.objects.filter(meeting__contact__name="Greg Olsen", owner=bob)
    assert [(p.text, p.question_id is None) for p in greg_plan][-1] == ("Soon deleted", True)
    # Referred people are bob's own contacts, referred by the person he met.
    referred = [r.contact for r in Referral.objects.filter(meeting=met)]
    assert [c.name for c in referred] == ["Priyanka Desai", "Zoë Laurent"]
    assert all(c.owner == bob for c in referred)
    assert referred[0].referred_by == okafor
    # The keys live mode sends keep working: a capture resent after the restore is not doubled.
    note, created = conversations.note_add(meeting=met, text="again", client_key="note-4")
    assert not created and note.text == "Why health care?"
    _, created = conversations.referral_add(meeting=met, name="Priyanka Desai", client_key="r-1")
    assert not created
    advice = Note.objects.get(owner=bob, client_key="note-1")
    assert advice.acted_on_at == TALKED + dt.timedelta(days=3)
    links = ResearchLink.objects.filter(owner=bob)
    assert {(link.contact_id is None, link.organization_id is None) for link in links} == {
        (False, True),
        (True, False),
    }
    assert all(link.organization is None or link.organization.owner == bob for link in links)


def test_the_document_is_versioned_and_holds_no_ids_tokens_or_password(rich):
    text = backup(rich)
    data = json.loads(text)
    sections = ["format", "version", "profile", "organizations", "tags", "contacts", "calendars"]
    reach_out = ["availability", "templates", "messages", "replies", "meetings"]
    prepare_and_talk = [
        *("questions", "research", "organization_research", "research_links", "plans"),
        *("notes", "referrals", "conversations", "practice_answers"),
    ]
    follow_through = ["follow_up_settings", "reminder_choices"]
    assert list(data) == [*sections, *reach_out, *prepare_and_talk, *follow_through]
    assert (data["format"], data["version"]) == ("coffeechat-backup", 4)
    assert "user" not in data["profile"] and "id" not in data["profile"]
    lina = next(c for c in data["contacts"] if c["name"] == "李娜")
    assert lina["organization"].startswith("org-")
    assert sorted(lina["tags"]) == lina["tags"] == ["civic tech", "data"]
    assert '"李娜"' in text  # written as UTF-8, not \\u escapes
    for contact in Contact.objects.filter(owner=rich)[:5]:
        assert str(contact.uuid) not in text
    for model in (Message, Reply, Meeting, Question, ResearchLink, PlannedQuestion, Note):
        assert all(str(uuid) not in text for uuid in model.objects.values_list("uuid", flat=True))
    # The calendar feed's address is a secret, like API tokens.
    feed = FollowupSettings.objects.get(user=rich)
    assert feed.feed_token and feed.feed_token not in text
    assert "feed_token" not in text and "feed_created_at" not in text
    assert data["follow_up_settings"] == {
        **dict.fromkeys(["thank_you_hours"], 48),
        **{"linkedin_days": 1, "progress_days": 2, "keep_in_touch_months": 4},
        **{"try_next_days": 3, "nudge_days": 8, "prepare_days": 1, "digest": True},
    }
    # A choice names what it is about by its key, in the link its rule is about.
    about = {
        c["rule"]: {k: v for k, v in c.items() if k in LINKS} for c in data["reminder_choices"]
    }
    assert about == {
        "keep_in_touch": {"contact": okafor_key(data)},
        "nudge": {"message": "message-7"},
        "progress": {"note": "note-1"},
        "thank_you": {"meeting": "meeting-2"},
        "try_next": {"message": "message-7"},
    }
    assert [c["rule"] for c in data["reminder_choices"]] == sorted(about)
    advice = data["notes"][0]
    assert (advice["key"], advice["client_key"]) == ("note-1", "note-1")
    assert advice["outcome"] == "I joined the patient council — 患者."
    # Links between records are keys local to the document, as everywhere else in it.
    (plan,) = [p for p in data["plans"] if len(p["questions"]) == 4]
    assert plan["meeting"] == "meeting-2"
    own = f"question-{len(BUILT_IN_QUESTIONS) + 1}"  # after the built-in ones, copied first
    assert [q["question"] for q in plan["questions"]][2:] == [None, own]
    referral = data["referrals"][0]
    assert (referral["meeting"], referral["client_key"]) == ("meeting-2", "r-1")
    okafor = next(c for c in data["contacts"] if c["name"] == "Amara Okafor")
    assert data["meetings"][1]["contact"] == okafor["key"]
    builtin = next(q for q in data["questions"] if q["builtin_key"] == "tiara-trends")
    assert builtin["hidden"] is True
    assert rich.password not in text
    assert "laptop script" not in text and "cc_" not in text
    assert [o["key"] for o in data["organizations"]][:2] == ["org-1", "org-2"]
    twins = [c["notes"] for c in data["contacts"] if c["name"] == "Sam Lee"]
    assert twins == ["first", "second"]


LINKS = {"contact", "meeting", "message", "note"}


def okafor_key(data: dict[str, Any]) -> str:
    return next(c["key"] for c in data["contacts"] if c["name"] == "Amara Okafor")


def test_restore_keeps_the_follow_up_numbers_and_choices_but_not_the_feed(rich, bob):
    followups.settings_update(user=bob, try_next_days=2, digest=False)
    bobs_feed = followups.feed_token_new(user=bob).feed_token
    restore(bob, backup(rich))
    bob = type(bob).objects.get(pk=bob.pk)  # his restored profile: alice's zone and country

    numbers = [*followups_selectors.NUMBER_FIELDS, "digest"]
    assert list(FollowupSettings.objects.filter(user=bob).values_list(*numbers)) == list(
        FollowupSettings.objects.filter(user=rich).values_list(*numbers)
    )
    settings = FollowupSettings.objects.get(user=bob)
    assert settings.feed_token == bobs_feed  # his own address keeps working; hers never left
    assert choices_of(bob) == choices_of(rich)
    assert len(choices_of(bob)) == 5
    # Each choice is about bob's own record: the reminders he sees are as alice left hers.
    hers = followups_selectors.reminders_for(rich, FOLLOWED_UP)
    his = followups_selectors.reminders_for(bob, FOLLOWED_UP)
    assert sorted((r.rule, r.title, r.due, r.snoozed_until) for r in his.shown) == sorted(
        (r.rule, r.title, r.due, r.snoozed_until) for r in hers.shown
    )
    assert sorted(r.rule for r in his.dismissed) == ["nudge", "thank_you"]
    assert all(
        followups_selectors.reminder_get_for_user(bob, c.rule, c.object_key, FOLLOWED_UP)
        for c in ReminderChoice.objects.filter(owner=bob)
    )
    advice = Note.objects.get(owner=bob, client_key="note-1")
    assert advice.outcome == "I joined the patient council — 患者."


def test_a_choice_about_a_record_since_deleted_is_left_out(rich, bob):
    greg = Meeting.objects.get(owner=rich, contact__name="Greg Olsen")
    followups.reminder_snooze(
        owner=rich, rule="prepare", key=str(greg.uuid), days=1, now=FOLLOWED_UP
    )
    assert len(json.loads(backup(rich))["reminder_choices"]) == 6
    greg.delete()  # the choice stays behind in the database, about nothing
    assert ReminderChoice.objects.filter(owner=rich).count() == 6
    text = backup(rich)
    assert len(json.loads(text)["reminder_choices"]) == 5
    assert restore(bob, text)["reminder_choices"] == 5
    assert backup(bob) == text


def test_restored_people_are_found_by_search(rich, bob):
    restore(bob, backup(rich))
    found = contact_list(bob, filters=ContactFilters(q="nunez")).items
    assert [c.name for c in found] == ["José Núñez"]
    assert [c.owner_id for c in found] == [bob.pk]
    by_tag = contacts_matching(Contact.objects.filter(owner=bob), "civic tech lina")
    assert [c.name for c in by_tag] == []
    by_org = contacts_matching(Contact.objects.filter(owner=bob), "atlas data engineer")
    assert [c.name for c in by_org] == ["李娜"]


def test_thousands_of_people_restore_in_few_queries(bob, django_assert_max_num_queries):
    people = [
        {"key": f"contact-{n}", "name": f"Person {n:04}", "tags": ["bulk"], "organization": "org-1"}
        for n in range(1, 2001)
    ]
    people[0]["referred_by"] = "contact-2000"
    text = document(
        organizations=[{"key": "org-1", "name": "Acme"}],
        tags=[{"name": "bulk"}],
        contacts=people,
    )
    # Batches, not a query per person: SQLite takes about 50 rows per INSERT, PostgreSQL 500.
    with django_assert_max_num_queries(120):
        counts = restore(bob, text)
    assert counts["contacts"] == 2000
    assert Contact.objects.filter(owner=bob, tags__name="bulk").count() == 2000
    assert Contact.objects.get(owner=bob, name="Person 0001").referred_by.name == "Person 2000"
    found = contacts_matching(Contact.objects.filter(owner=bob), "person 1234 acme")
    assert [c.name for c in found] == ["Person 1234"]


# Documents that are refused, with nothing written ------------------------------------


# 11:00 in UTC+2 is 09:00 UTC: an hour before 10:00 UTC.
LATE, EARLY = "2024-09-02T10:00:00Z", "2024-09-02T11:00:00+02:00"
NAIVE = "2024-09-02T09:00:00"
SNOOZED = "2024-09-10T08:00:00-05:00"


def document(**sections: Any) -> str:
    """A small valid document with one record of each kind; `sections` replace its own."""
    data: dict[str, Any] = {
        "format": "coffeechat-backup",
        "version": 4,
        "profile": {"display_name": "Sam", "country": "CA"},
        "organizations": [{"key": "org-1", "name": "Acme Health"}],
        "tags": [{"name": "ux"}],
        "contacts": [
            {"key": "contact-1", "name": "Dana Reyes", "organization": "org-1", "tags": ["ux"]},
            {"key": "contact-2", "name": "Lee Park", "referred_by": "contact-1"},
        ],
        "calendars": [],
        "availability": [{"weekday": 1, "start": "09:00", "end": "12:00:00"}],
        "templates": [{"kind": "nudge", "subject": "Re: {subject}", "body": "Hi {first_name}"}],
        "messages": [
            {
                "key": "message-1",
                "contact": "contact-1",
                "kind": "request_cold",
                "body": "Could we talk?",
                "medium": "video",
                "slots": [{"start": EARLY, "end": LATE}],
                "channel": "copy",
                "sent_at": "2024-09-01T09:00:00Z",
            }
        ],
        "replies": [
            {
                "key": "reply-1",
                "contact": "contact-1",
                "message": "message-1",
                "outcome": "yes",
                "received_at": "2024-09-01T12:00:00Z",
            },
            {
                "key": "reply-2",
                "contact": "contact-1",
                "outcome": "referred",
                "received_at": "2024-09-01T12:30:00Z",
                "referred_contact": "contact-2",
            },
        ],
        "meetings": [
            {
                "key": "meeting-1",
                "contact": "contact-1",
                "reply": "reply-1",
                **{"start": EARLY, "end": LATE, "medium": "video", "sequence": 1},
            }
        ],
        "questions": [
            {
                "key": "question-1",
                "text": "What is a typical day like in your job?",
                "builtin_key": "guide-typical-day",
                "tiara": "insights",
                "hidden": True,
            },
            {"key": "question-2", "text": "How did you start?", "tags": "ux,path"},
        ],
        "research": [{"contact": "contact-1", "notes": "Portal team.", "searched_at": EARLY}],
        "organization_research": [{"organization": "org-1", "website_read_at": LATE}],
        "research_links": [
            {"contact": "contact-1", "kind": "linkedin", "url": "https://linkedin.com/in/d"},
            {"organization": "org-1", "url": "https://acme.example", "title": "Acme"},
        ],
        "plans": [
            {
                "meeting": "meeting-1",
                "questions": [
                    {"question": "question-2", "text": "How did you start?", "state": "asked"},
                    {"text": "Which team?", "position": 1, "follow_up": True, "note": "Portal"},
                ],
            }
        ],
        "notes": [
            {
                "key": "note-1",
                "meeting": "meeting-1",
                **{"kind": "advice", "text": "Volunteer.", "client_key": "n-1"},
                "outcome": "I joined the patient council.",
            }
        ],
        "referrals": [{"meeting": "meeting-1", "contact": "contact-2", "client_key": "r-1"}],
        "conversations": [{"meeting": "meeting-1", "started_at": EARLY, "finished_at": LATE}],
        "practice_answers": [{"prompt": "Tell me about yourself.", "answer": "I study UX."}],
        "follow_up_settings": {
            **{"keep_in_touch_months": 6, "try_next_days": 2, "nudge_days": 5},
            "digest": True,
        },
        "reminder_choices": [
            {"rule": "thank_you", "meeting": "meeting-1", "dismissed_due": LATE},
            {"rule": "progress", "note": "note-1", "snoozed_until": SNOOZED},
            {"rule": "keep_in_touch", "contact": "contact-1", "snoozed_until": SNOOZED},
            {"rule": "nudge", "message": "message-1", "dismissed_due": LATE},
        ],
    }
    data.update(sections)
    return json.dumps(data, ensure_ascii=False)


def changed(change: Callable[[dict[str, Any]], Any]) -> str:
    data = json.loads(document())
    change(data)
    return json.dumps(data, ensure_ascii=False)


def contact(**fields: Any) -> Callable[[dict[str, Any]], Any]:
    return lambda data: data["contacts"][1].update(fields)


def edit(section: str, index: int = 0, **fields: Any) -> str:
    """The document with fields of one record changed."""
    return changed(lambda data: data[section][index].update(fields))


def drop(section: str, name: str, index: int = 0) -> str:
    return changed(lambda data: data[section][index].pop(name))


def twice(section: str) -> str:
    return changed(lambda data: data[section].append(data[section][0]))


def settings(**fields: Any) -> str:
    return changed(lambda data: data["follow_up_settings"].update(fields))


def _two_meetings_one_uid(data: dict[str, Any]) -> None:
    data["meetings"][0]["ical_uid"] = "same@example"
    data["meetings"].append({**data["meetings"][0], "key": "meeting-2"})


WINDOW = {"weekday": 1, "start": "09:00", "end": "12:00"}
BAD_DOCUMENTS: dict[str, tuple[str, str]] = {
    "empty": ("", "The file is empty"),
    "not JSON": ("{'format': 'coffeechat-backup'", "This is not a JSON file"),
    "a CSV file": ("Name,Email\nDana,dana@example.com\n", "This is not a JSON file"),
    "JSON list": ("[1, 2, 3]", "This is not a Coffeechat backup"),
    "JSON string": ('"coffeechat-backup"', "This is not a Coffeechat backup"),
    "wrong format": (changed(lambda d: d.update(format="vcard")), "not a Coffeechat backup"),
    "no format": (changed(lambda d: d.pop("format")), "not a Coffeechat backup"),
    "version 99": (changed(lambda d: d.update(version=99)), "made by a newer version of Coff"),
    "version text": (changed(lambda d: d.update(version="1")), "no valid “version”"),
    "version 0": (changed(lambda d: d.update(version=0)), "no valid “version”"),
    "no contacts": (changed(lambda d: d.pop("contacts")), "“contacts”: missing"),
    "no profile": (changed(lambda d: d.pop("profile")), "“profile”: missing"),
    "no calendars": (changed(lambda d: d.pop("calendars")), "“calendars”: missing"),
    "contacts object": (document(contacts={}), "“contacts”: must be a list"),
    "contact a string": (document(contacts=["Dana"]), "contacts #1: must be an object"),
    "contact no key": (changed(contact(key=None)), "needs a “key”"),
    "contact key twice": (changed(contact(key="contact-1")), "is used twice"),
    "contact no name": (changed(lambda d: d["contacts"][1].pop("name")), "cannot be blank"),
    "blank name": (changed(contact(name="   ")), "cannot be only spaces"),
    "long name": (changed(contact(name="x" * 10_000)), "at most 200 characters"),
    "long org name": (
        changed(lambda d: d["organizations"][0].update(name="y" * 10_000)),
        "at most 200 characters",
    ),
    "NUL in notes": (changed(contact(notes="a\x00b")), "NUL character"),
    "NUL in a tag": (document(tags=[{"name": "u\x00x"}]), "NUL character"),
    "lone surrogate": (changed(contact(notes="a\ud800b")), "broken character"),
    "practice text": (changed(contact(practice="yes")), "“practice” must be true or false"),
    "motivation text": (
        changed(lambda d: d["organizations"][0].update(lamp_motivation="3")),
        "must be a whole number",
    ),
    "motivation 7": (
        changed(lambda d: d["organizations"][0].update(lamp_motivation=7)),
        "less than or equal to 3",
    ),
    "tags not a list": (changed(contact(tags="ux")), "“tags” must be a list"),
    "unknown tag": (changed(contact(tags=["nope"])), "is not in the backup's “tags”"),
    "missing org": (changed(contact(organization="org-99")), "which is not in the backup"),
    "missing referrer": (changed(contact(referred_by="contact-9")), "not in the backup"),
    "refers to self": (changed(contact(referred_by="contact-2")), "the contact itself"),
    "org twice": (
        document(organizations=[{"key": "a", "name": "Acme"}, {"key": "b", "name": "ACME"}]),
        "listed twice",
    ),
    "tag twice": (document(tags=[{"name": "ux"}, {"name": "UX"}]), "listed twice"),
    "bad time zone": (changed(contact(time_zone="Mars/Olympus")), "time_zone"),
    "bad email": (changed(contact(email="not an email")), "valid email"),
    "bad source": (changed(contact(source="carrier pigeon")), "not a valid choice"),
    "script link": (changed(contact(linkedin_url="javascript:alert(1)")), "http://"),
    "naive time": (changed(contact(created_at="2024-01-01T09:00:00")), "with its offset"),
    "not a time": (changed(contact(created_at="yesterday")), "with its offset"),
    "profile minutes": (
        changed(lambda d: d["profile"].update(default_minutes=500)),
        "less than or equal to 120",
    ),
    "profile media": (changed(lambda d: d["profile"].update(preferred_media="video")), "a list"),
    "profile zone": (changed(lambda d: d["profile"].update(time_zone=7)), "must be text"),
    "busy ends first": (
        document(calendars=[{"name": "C", "busy": [{"start": LATE, "end": EARLY}]}]),
        "“end” must come after “start”",
    ),
    "busy no start": (
        document(calendars=[{"name": "C", "busy": [{"end": LATE}]}]),
        "busy #1: “start”: This field cannot be null",
    ),
    "busy not a list": (document(calendars=[{"name": "C", "busy": {}}]), "must be a list"),
    "calendar address": (
        document(calendars=[{"name": "C", "source_url": "file:///etc/passwd"}]),
        "“source_url”: Use the calendar's web address",
    ),
    "huge number": ('{"version": ' + "9" * 5000 + "}", "cannot be read"),
    "version 5": (changed(lambda d: d.update(version=5)), "reads up to version 4"),
    # Version 2: profile settings for the slot finder, and Reach out.
    "profile country": (
        changed(lambda d: d["profile"].update(country="ZZ")),
        "profile: “country” “ZZ” is not a country code Coffeechat knows",
    ),
    "profile buffer": (
        changed(lambda d: d["profile"].update(buffer_minutes=500)),
        "profile: “buffer_minutes”: Ensure this value is less than or equal to 120.",
    ),
    "messages object": (document(messages={}), "“messages”: must be a list"),
    "meeting a string": (document(meetings=["tomorrow"]), "meetings #1: must be an object"),
    "weekday 7": (
        edit("availability", weekday=7),
        "availability #1: “weekday”: Value 7 is not a valid choice.",
    ),
    "weekday text": (
        edit("availability", weekday="Tuesday"),
        "availability #1: “weekday” must be a whole number",
    ),
    "window ends first": (
        edit("availability", start="12:00", end="09:00"),
        "availability #1: “end” must come after “start”",
    ),
    "window of no time": (
        edit("availability", start="09:00", end="09:00:00"),
        "availability #1: “end” must come after “start”",
    ),
    "window time unreadable": (
        edit("availability", start="9am"),
        "availability #1: “start” must be a time of day without an offset",
    ),
    "window time with offset": (
        edit("availability", end="12:00+02:00"),
        "availability #1: “end” must be a time of day without an offset",
    ),
    "window time a number": (
        edit("availability", start=900),
        "availability #1: “start” must be a time of day",
    ),
    "windows overlap": (
        document(availability=[WINDOW, {**WINDOW, "start": "11:00", "end": "13:00"}]),
        "availability #2: overlaps another window on the same day",
    ),
    "template kind": (
        edit("templates", kind="telegram"),
        "templates #1: “kind”: Value 'telegram' is not a valid choice.",
    ),
    "template twice": (twice("templates"), "templates #2: this kind of message is listed twice"),
    "template empty": (edit("templates", body=""), "templates #1: “body”: This field cannot be"),
    "template too long": (
        edit("templates", body="x" * 10_001),
        "templates #1: “body”: Ensure this value has at most 10000 characters",
    ),
    "message kind": (
        edit("messages", kind="fax"),
        "messages #1: “kind”: Value 'fax' is not a valid choice.",
    ),
    "message channel": (
        edit("messages", channel="pigeon"),
        "messages #1: “channel”: Value 'pigeon' is not a valid choice.",
    ),
    "message medium": (
        edit("messages", medium="carrier pigeon"),
        "messages #1: “medium” “carrier pigeon” is not one of phone, video, in_person",
    ),
    "message body too long": (
        edit("messages", body="x" * 10_001),
        "messages #1: “body”: Ensure this value has at most 10000 characters",
    ),
    "message subject too long": (
        edit("messages", subject="x" * 301),
        "messages #1: “subject”: Ensure this value has at most 300 characters",
    ),
    "message NUL": (edit("messages", body="a\x00b"), "messages #1 › body: contains a NUL"),
    "message minutes": (edit("messages", minutes=0), "messages #1: “minutes” must be between"),
    "message naive time": (
        edit("messages", sent_at=NAIVE),
        "messages #1: “sent_at” must be a date and time with its offset",
    ),
    "message unreadable time": (
        edit("messages", created_at="last Tuesday"),
        "messages #1: “created_at” must be a date and time with its offset",
    ),
    "slots object": (edit("messages", slots={}), "messages #1: “slots” must be a list"),
    "slot a string": (edit("messages", slots=["Tue 9am"]), "messages #1 slots #1: a slot is"),
    "slot naive": (
        edit("messages", slots=[{"start": NAIVE, "end": LATE}]),
        "messages #1 slots #1: slot start '2024-09-02T09:00:00' has no UTC offset",
    ),
    "slot ends first": (
        edit("messages", slots=[{"start": LATE, "end": EARLY}]),
        "messages #1 slots #1: a slot must end after it starts",
    ),
    "message no contact": (
        drop("messages", "contact"),
        "messages #1: needs a “contact” (the key of one of “contacts”)",
    ),
    "message missing contact": (
        edit("messages", contact="contact-9"),
        "messages #1: “contact” points at “contact-9”, which is not in the backup's “contacts”",
    ),
    "message to an organization": (
        edit("messages", contact="org-1"),
        "messages #1: “contact” points at “org-1”, which is not in the backup's “contacts”",
    ),
    "message contact a number": (
        edit("messages", contact=1),
        "messages #1: “contact” must be a key (text)",
    ),
    "message no key": (drop("messages", "key"), "messages #1: needs a “key”"),
    "message key twice": (twice("messages"), "messages #2: the key “message-1” is used twice"),
    "reply outcome": (
        edit("replies", outcome="maybe"),
        "replies #1: “outcome”: Value 'maybe' is not a valid choice.",
    ),
    "reply no time": (
        drop("replies", "received_at"),
        "replies #1: “received_at”: This field cannot be null.",
    ),
    "reply naive time": (
        edit("replies", received_at=NAIVE),
        "replies #1: “received_at” must be a date and time with its offset",
    ),
    "reply note too long": (
        edit("replies", note="x" * 5001),
        "replies #1: “note”: Ensure this value has at most 5000 characters",
    ),
    "reply to a meeting": (
        edit("replies", message="meeting-1"),
        "replies #1: “message” points at “meeting-1”, which is not in the backup's “messages”",
    ),
    "reply to another's message": (
        edit("replies", contact="contact-2"),
        "replies #1: “message” is a message to another contact",
    ),
    "missing referred contact": (
        edit("replies", 1, referred_contact="contact-3"),
        "replies #2: “referred_contact” points at “contact-3”, which is not in the backup's",
    ),
    "referred to themselves": (
        edit("replies", 1, contact="contact-2"),
        "replies #2: “referred_contact” is the contact who replied",
    ),
    "meeting status": (
        edit("meetings", status="postponed"),
        "meetings #1: “status”: Value 'postponed' is not a valid choice.",
    ),
    "meeting ends first": (
        edit("meetings", start=LATE, end=EARLY),
        "meetings #1: “end” must come after “start”",
    ),
    "meeting naive": (
        edit("meetings", start=NAIVE),
        "meetings #1: “start” must be a date and time with its offset",
    ),
    "meeting sequence": (
        edit("meetings", sequence=-1),
        "meetings #1: “sequence”: Ensure this value is greater than or equal to 0.",
    ),
    "meeting medium": (edit("meetings", medium="telepathy"), "meetings #1: “medium” “telepathy”"),
    "meeting uid twice": (
        changed(_two_meetings_one_uid),
        "meetings #2: this “ical_uid” is already another meeting's",
    ),
    "meeting uid empty": (
        edit("meetings", ical_uid=""),
        "meetings #1: “ical_uid”: This field cannot be blank.",
    ),
    "meeting location too long": (
        edit("meetings", location="x" * 501),
        "meetings #1: “location”: Ensure this value has at most 500 characters",
    ),
    "meeting from a message": (
        edit("meetings", reply="message-1"),
        "meetings #1: “reply” points at “message-1”, which is not in the backup's “replies”",
    ),
    "meeting with another": (
        edit("meetings", contact="contact-2"),
        "meetings #1: “reply” is a reply from another contact",
    ),
    "meeting no contact": (drop("meetings", "contact"), "meetings #1: needs a “contact”"),
    "meeting NUL": (edit("meetings", location="\x00"), "meetings #1 › location: contains a NUL"),
    "meeting moved from a naive time": (
        edit("meetings", rescheduled_from=NAIVE),
        "meetings #1: “rescheduled_from” must be a date and time with its offset",
    ),
    # Version 3: Prepare and talk.
    "questions object": (document(questions={}), "“questions”: must be a list"),
    "question a string": (document(questions=["Why?"]), "questions #1: must be an object"),
    "question empty": (
        edit("questions", 1, text=""),
        "questions #2: “text”: This field cannot be blank.",
    ),
    "question only spaces": (
        edit("questions", 1, text="   "),
        "questions #2: “text” cannot be only spaces",
    ),
    "question too long": (
        edit("questions", text="x" * 501),
        "questions #1: “text”: Ensure this value has at most 500 characters",
    ),
    "question tiara": (
        edit("questions", tiara="gossip"),
        "questions #1: “tiara”: Value 'gossip' is not a valid choice.",
    ),
    "question hidden text": (
        edit("questions", hidden="yes"),
        "questions #1: “hidden” must be true or false",
    ),
    "question position": (
        edit("questions", position=-1),
        "questions #1: “position”: Ensure this value is greater than or equal to 0.",
    ),
    "question tags untidy": (
        edit("questions", 1, tags="UX, path"),
        "questions #2: “tags” must be lower-case names separated by commas",
    ),
    "question tag twice": (
        edit("questions", 1, tags="ux,ux"),
        "questions #2: “tags” must be lower-case names separated by commas",
    ),
    "question no key": (drop("questions", "key"), "questions #1: needs a “key”"),
    "question key twice": (
        edit("questions", 1, key="question-1"),
        "questions #2: the key “question-1” is used twice",
    ),
    "built-in question twice": (
        changed(lambda d: d["questions"].append({**d["questions"][0], "key": "question-3"})),
        "questions #3: the built-in question “guide-typical-day” is listed twice",
    ),
    "question bank too big": (
        document(questions=[{"key": f"q{n}", "text": "Why?"} for n in range(501)]),
        "“questions”: a question bank holds at most 500",
    ),
    "research no contact": (
        drop("research", "contact"),
        "research #1: needs a “contact” (the key of one of “contacts”)",
    ),
    "research of an organization": (
        edit("research", contact="org-1"),
        "research #1: “contact” points at “org-1”, which is not in the backup's “contacts”",
    ),
    "research twice": (twice("research"), "research #2: this contact's research is listed twice"),
    "research naive time": (
        edit("research", searched_at=NAIVE),
        "research #1: “searched_at” must be a date and time with its offset",
    ),
    "research too long": (
        edit("research", notes="x" * 20_001),
        "research #1: “notes”: Ensure this value has at most 20000 characters",
    ),
    "organization research no organization": (
        drop("organization_research", "organization"),
        "organization_research #1: needs an “organization” (the key of one of “organizations”)",
    ),
    "organization research of a contact": (
        edit("organization_research", organization="contact-1"),
        "organization_research #1: “organization” points at “contact-1”, which is not in the",
    ),
    "organization research twice": (
        twice("organization_research"),
        "organization_research #2: this organization's research is listed twice",
    ),
    "link about both": (
        edit("research_links", organization="org-1"),
        "research_links #1: needs a “contact” or an “organization” (one of the two)",
    ),
    "link about nobody": (
        drop("research_links", "contact"),
        "research_links #1: needs a “contact” or an “organization” (one of the two)",
    ),
    "link script": (
        edit("research_links", url="javascript:alert(1)"),
        "research_links #1: “url”: Enter a web address starting with http:// or https://.",
    ),
    "link kind": (
        edit("research_links", kind="gossip"),
        "research_links #1: “kind”: Value 'gossip' is not a valid choice.",
    ),
    "link to nobody in the backup": (
        edit("research_links", 1, organization="org-9"),
        "research_links #2: “organization” points at “org-9”, which is not in the backup's",
    ),
    "plans object": (document(plans={}), "“plans”: must be a list"),
    "plan no meeting": (
        drop("plans", "meeting"),
        "plans #1: needs a “meeting” (the key of one of “meetings”)",
    ),
    "plan of a reply": (
        edit("plans", meeting="reply-1"),
        "plans #1: “meeting” points at “reply-1”, which is not in the backup's “meetings”",
    ),
    "plan by the invite's UID": (
        edit("plans", meeting="meeting-1@coffeechat"),
        "plans #1: “meeting” points at “meeting-1@coffeechat”, which is not in the backup's",
    ),
    "plan twice": (twice("plans"), "plans #2: this meeting's plan is listed twice"),
    "plan questions object": (
        edit("plans", questions={}),
        "plans #1: “questions” must be a list",
    ),
    "plan too long": (
        edit("plans", questions=[{"text": f"Q{n}"} for n in range(41)]),
        "plans #1: a plan holds at most 40 questions",
    ),
    "planned a string": (
        edit("plans", questions=["Why?"]),
        "plans #1 questions #1: must be an object",
    ),
    "planned state": (
        changed(lambda d: d["plans"][0]["questions"][0].update(state="maybe")),
        "plans #1 questions #1: “state”: Value 'maybe' is not a valid choice.",
    ),
    "planned no text": (
        changed(lambda d: d["plans"][0]["questions"][1].pop("text")),
        "plans #1 questions #2: “text”: This field cannot be blank.",
    ),
    "planned follow-up text": (
        changed(lambda d: d["plans"][0]["questions"][1].update(follow_up="yes")),
        "plans #1 questions #2: “follow_up” must be true or false",
    ),
    "planned note too long": (
        changed(lambda d: d["plans"][0]["questions"][1].update(note="x" * 5001)),
        "plans #1 questions #2: “note”: Ensure this value has at most 5000 characters",
    ),
    "planned question missing": (
        changed(lambda d: d["plans"][0]["questions"][0].update(question="question-9")),
        "plans #1 questions #1: “question” points at “question-9”, which is not in the backup's",
    ),
    "planned question twice": (
        changed(lambda d: d["plans"][0]["questions"].append(d["plans"][0]["questions"][0])),
        "plans #1 questions #3: this question is on the plan twice",
    ),
    "notes object": (document(notes={}), "“notes”: must be a list"),
    "note kind": (
        edit("notes", kind="gossip"),
        "notes #1: “kind”: Value 'gossip' is not a valid choice.",
    ),
    "note empty": (edit("notes", text=""), "notes #1: “text”: This field cannot be blank."),
    "note too long": (
        edit("notes", text="x" * 5001),
        "notes #1: “text”: Ensure this value has at most 5000 characters",
    ),
    "note NUL": (edit("notes", text="a\x00b"), "notes #1 › text: contains a NUL"),
    "note no meeting": (drop("notes", "meeting"), "notes #1: needs a “meeting”"),
    "note client key": (
        edit("notes", client_key="not a key"),
        "notes #1: “client_key” must be up to 64 letters, digits, - or _",
    ),
    "note sent twice": (
        twice("notes"),
        "notes #2: this “client_key” is already another's of the same meeting",
    ),
    "note acted on naive": (
        edit("notes", acted_on_at=NAIVE),
        "notes #1: “acted_on_at” must be a date and time with its offset",
    ),
    "referral no contact": (
        drop("referrals", "contact"),
        "referrals #1: needs a “contact” (the key of one of “contacts”)",
    ),
    "referral no meeting": (drop("referrals", "meeting"), "referrals #1: needs a “meeting”"),
    "referral to a message": (
        edit("referrals", meeting="message-1"),
        "referrals #1: “meeting” points at “message-1”, which is not in the backup's “meetings”",
    ),
    "referral of the person met": (
        edit("referrals", contact="contact-1"),
        "referrals #1: “contact” is the person the meeting is with",
    ),
    "referral sent twice": (
        twice("referrals"),
        "referrals #2: this “client_key” is already another's of the same meeting",
    ),
    "conversation twice": (
        twice("conversations"),
        "conversations #2: this meeting's conversation is listed twice",
    ),
    "conversation naive": (
        edit("conversations", finished_at=NAIVE),
        "conversations #1: “finished_at” must be a date and time with its offset",
    ),
    "conversation no meeting": (
        drop("conversations", "meeting"),
        "conversations #1: needs a “meeting”",
    ),
    "practice prompt twice": (
        twice("practice_answers"),
        "practice_answers #2: this “prompt” is listed twice",
    ),
    "practice prompt empty": (
        edit("practice_answers", prompt=""),
        "practice_answers #1: “prompt”: This field cannot be blank.",
    ),
    "practice answer too long": (
        edit("practice_answers", answer="x" * 5001),
        "practice_answers #1: “answer”: Ensure this value has at most 5000 characters",
    ),
    # Version 4: follow through.
    "note without a key": (drop("notes", "key"), "notes #1: needs a “key”"),
    "note key twice": (
        changed(lambda d: d["notes"].append({**d["notes"][0], "client_key": "n-2"})),
        "notes #2: the key “note-1” is used twice",
    ),
    "note outcome too long": (
        edit("notes", outcome="x" * 2001),
        "notes #1: “outcome”: Ensure this value has at most 2000 characters",
    ),
    "note outcome a list": (edit("notes", outcome=["a"]), "notes #1: “outcome” must be text"),
    "settings a list": (
        document(follow_up_settings=[]),
        "“follow_up_settings”: must be an object",
    ),
    "settings number text": (
        settings(keep_in_touch_months="3"),
        "follow_up_settings: “keep_in_touch_months” must be a whole number",
    ),
    "settings number fraction": (
        settings(thank_you_hours=1.5),
        "follow_up_settings: “thank_you_hours” must be a whole number",
    ),
    "settings zero months": (
        settings(keep_in_touch_months=0),
        "follow_up_settings: “keep_in_touch_months”: Ensure this value is greater than or equal",
    ),
    "settings a year of hours": (
        settings(thank_you_hours=24 * 365),
        "follow_up_settings: “thank_you_hours”: Ensure this value is less than or equal to 168.",
    ),
    "settings negative days": (
        settings(linkedin_days=-1),
        "follow_up_settings: “linkedin_days”: Ensure this value is greater than or equal to 0.",
    ),
    "settings nudge before the next person": (
        settings(try_next_days=5, nudge_days=5),
        "follow_up_settings: “try_next_days” must be fewer than “nudge_days”",
    ),
    "settings digest text": (
        settings(digest="yes"),
        "follow_up_settings: “digest” must be true or false",
    ),
    "choices object": (document(reminder_choices={}), "“reminder_choices”: must be a list"),
    "choice a string": (
        document(reminder_choices=["thank_you"]),
        "reminder_choices #1: must be an object",
    ),
    "choice unknown rule": (
        edit("reminder_choices", rule="celebrate"),
        "reminder_choices #1: “rule” “celebrate” is not one of thank_you, prepare, progress,",
    ),
    "choice no rule": (
        drop("reminder_choices", "rule"),
        "reminder_choices #1: needs a “rule”: one of thank_you, prepare, progress, linkedin,",
    ),
    "choice rule a number": (
        edit("reminder_choices", rule=1),
        "reminder_choices #1: “rule” “1” is not one of",
    ),
    "choice about a meeting not there": (
        edit("reminder_choices", meeting="meeting-9"),
        "reminder_choices #1: “meeting” points at “meeting-9”, which is not in the backup's",
    ),
    "choice about a note not there": (
        edit("reminder_choices", 1, note="n-1"),  # a note's client_key is not its key
        "reminder_choices #2: “note” points at “n-1”, which is not in the backup's “notes”",
    ),
    "choice about a message by a meeting's key": (
        edit("reminder_choices", 3, message="meeting-1"),
        "reminder_choices #4: “message” points at “meeting-1”, which is not in the backup's",
    ),
    "choice about nothing": (
        drop("reminder_choices", "contact", 2),
        "reminder_choices #3: needs a “contact” (the key of one of “contacts”)",
    ),
    "choice about the wrong kind of record": (
        changed(lambda d: d["reminder_choices"][0].update(contact="contact-1")),
        "reminder_choices #1: a “thank_you” reminder is about a “meeting”, not a “contact”",
    ),
    "choice twice": (twice("reminder_choices"), "reminder_choices #5: this reminder is listed"),
    "choice snoozed naive": (
        edit("reminder_choices", 1, snoozed_until=NAIVE),
        "reminder_choices #2: “snoozed_until” must be a date and time with its offset",
    ),
    "choice dismissed a number": (
        edit("reminder_choices", dismissed_due=20240902),
        "reminder_choices #1: “dismissed_due” must be a date and time with its offset",
    ),
    "choice NUL": (edit("reminder_choices", rule="thank\x00you"), "contains a NUL character"),
}


@pytest.mark.parametrize("name", list(BAD_DOCUMENTS))
def test_a_bad_document_is_refused_and_writes_nothing(bob, name):
    text, message = BAD_DOCUMENTS[name]
    before = list(Profile.objects.filter(user=bob).values())
    with pytest.raises(ValidationError) as caught:
        restore(bob, text)
    assert message in caught.value.message_dict["file"][0]
    assert not any(rows(bob))
    assert list(Profile.objects.filter(user=bob).values()) == before


def test_a_problem_in_the_last_record_still_writes_nothing(bob):
    people = [{"key": f"contact-{n + 1}", "name": f"Person {n}"} for n in range(300)]
    people[-1]["email"] = "broken"
    with pytest.raises(ValidationError, match="contacts #300 “Person 299”: “email”"):
        restore(bob, document(contacts=people))
    assert not any(rows(bob))
    assert Profile.objects.get(user=bob).display_name == ""


def test_several_problems_are_listed_at_once(bob):
    text = changed(
        lambda d: d["contacts"].extend({"key": f"x{n}", "name": "z" * 300} for n in range(9))
    )
    with pytest.raises(ValidationError) as caught:
        restore(bob, text)
    (message,) = caught.value.message_dict["file"]
    assert message.count("at most 200 characters") == 5
    assert "and 4 more problem(s)" in message


def test_a_file_over_the_size_limit_is_refused(bob, settings):
    settings.COFFEECHAT_IMPORT_MAX_BYTES = 1000
    text = changed(contact(notes="é" * 600))  # 600 characters, 1,200 bytes of UTF-8
    with pytest.raises(ValidationError, match="bigger than"):
        restore(bob, text)
    assert not any(rows(bob))


@pytest.mark.parametrize("existing", ["contact", "organization", "tag", "calendar"])
def test_restore_refuses_an_account_that_is_not_empty(bob, existing):
    if existing == "contact":
        make_contact(bob, "Already Here")
    elif existing == "organization":
        make_organization(bob, "Already Here Inc")
    elif existing == "tag":
        tags_resolve(owner=bob, names=["already"])
    else:
        Calendar.objects.create(owner=bob, name="Classes")
    before = rows(bob)
    with pytest.raises(ValidationError, match="only be restored into an empty account") as caught:
        restore(bob, document())
    assert not hasattr(caught.value, "error_dict")  # about the account, not the file
    assert rows(bob) == before


def test_a_hand_written_document_may_leave_out_optional_keys_and_add_new_ones(bob):
    text = json.dumps(
        {
            "format": "coffeechat-backup",
            "version": 1,
            "profile": {"school": "Lakeside College", "a_key_from_a_later_release": True},
            "organizations": [],
            "tags": [],
            "contacts": [{"key": "p", "name": "Ana Silva", "nickname": "Ana"}],
            "calendars": [],
            "meetings": [{"anything": 1}],
        }
    )
    assert restore(bob, text)["contacts"] == 1
    ana = Contact.objects.get(owner=bob)
    assert (ana.name, ana.notes, ana.organization, ana.practice) == ("Ana Silva", "", None, False)
    assert ana.created_at is not None
    profile = Profile.objects.get(user=bob)
    assert (profile.school, profile.default_minutes) == ("Lakeside College", 20)


def test_the_small_document_restores_with_every_link(bob):
    # The bad documents above are this one with one thing wrong: it must restore as it is.
    counts = restore(bob, document())
    assert counts["messages"] == counts["meetings"] == 1 and counts["replies"] == 2
    dana = Contact.objects.get(owner=bob, name="Dana Reyes")
    message = Message.objects.get(owner=bob)
    assert (message.contact, message.kind, message.medium) == (dana, "request_cold", "video")
    # Slots are stored as Coffeechat writes them, whatever offset the document used.
    assert message.slots == [
        {"start": "2024-09-02T09:00:00+00:00", "end": "2024-09-02T10:00:00+00:00"}
    ]
    yes = Reply.objects.get(owner=bob, outcome="yes")
    assert (yes.contact, yes.message, yes.referred_contact) == (dana, message, None)
    referred = Reply.objects.get(owner=bob, outcome="referred")
    assert referred.message is None and referred.referred_contact.name == "Lee Park"
    meeting = Meeting.objects.get(owner=bob)
    assert (meeting.contact, meeting.reply, meeting.sequence) == (dana, yes, 1)
    assert meeting.start == dt.datetime(2024, 9, 2, 9, tzinfo=dt.UTC)
    assert meeting.status == "scheduled" and meeting.created_at is not None
    window = AvailabilityWindow.objects.get(user=bob)
    assert (window.weekday, window.start, window.end) == (1, dt.time(9), dt.time(12))
    assert DraftTemplate.objects.get(owner=bob).body == "Hi {first_name}"
    assert Profile.objects.get(user=bob).country == "CA"
    # Prepare and talk, each row linked to bob's own rows.
    typical, own = Question.objects.filter(owner=bob).order_by("pk")
    assert (typical.builtin_key, typical.hidden, own.builtin_key) == ("guide-typical-day", True, "")
    assert own.tag_list == ["ux", "path"]
    research = Research.objects.get(owner=bob)
    assert research.contact == dana and research.linkedin_read_at is None
    assert OrganizationResearch.objects.get(owner=bob).organization == dana.organization
    links = ResearchLink.objects.filter(owner=bob).order_by("pk")
    assert [(link.contact, link.organization, link.kind) for link in links] == [
        (dana, None, "linkedin"),
        (None, dana.organization, "other"),
    ]
    plan = list(PlannedQuestion.objects.filter(meeting=meeting))
    assert [(p.question, p.state, p.follow_up) for p in plan] == [
        (own, "asked", False),
        (None, "planned", True),
    ]
    note = Note.objects.get(meeting=meeting)
    assert (note.kind, note.client_key, note.acted_on_at) == ("advice", "n-1", None)
    assert note.outcome == "I joined the patient council."
    referral = Referral.objects.get(meeting=meeting)
    assert (referral.contact.name, referral.client_key) == ("Lee Park", "r-1")
    conversation = Conversation.objects.get(meeting=meeting)
    assert conversation.started_at < conversation.finished_at
    assert PracticeAnswer.objects.get(owner=bob).answer == "I study UX."
    assert counts["planned_questions"] == 2 and counts["plans"] == 1
    # Follow through: the numbers (the rest at their defaults), and each choice about bob's
    # own new record.
    settings = FollowupSettings.objects.get(user=bob)
    assert (settings.keep_in_touch_months, settings.try_next_days, settings.nudge_days) == (6, 2, 5)
    assert (settings.thank_you_hours, settings.digest, settings.feed_token) == (24, True, "")
    choices = {c.rule: c for c in ReminderChoice.objects.filter(owner=bob)}
    assert {rule: c.object_key for rule, c in choices.items()} == {
        "thank_you": str(meeting.uuid),
        "progress": str(note.uuid),
        "keep_in_touch": str(dana.uuid),
        "nudge": str(message.uuid),
    }
    assert choices["thank_you"].dismissed_due == dt.datetime(2024, 9, 2, 10, tzinfo=dt.UTC)
    assert choices["progress"].snoozed_until == dt.datetime(2024, 9, 10, 13, tzinfo=dt.UTC)
    assert choices["progress"].dismissed_due is None
    assert counts["reminder_choices"] == 4


def bob_sets_up_reach_out(bob: Any) -> None:
    outreach.availability_update(user=bob, windows=[(4, dt.time(10), dt.time(11))])
    outreach.template_save(owner=bob, kind="who_else", subject="", body="Bob's own words")


def bobs_settings(bob: Any) -> tuple[Any, ...]:
    return (
        list(AvailabilityWindow.objects.filter(user=bob).values_list("weekday", "start", "end")),
        list(DraftTemplate.objects.filter(owner=bob).values_list("kind", "body")),
    )


def test_a_version_1_backup_still_restores_and_keeps_the_accounts_availability(rich, bob):
    data = json.loads(backup(rich))
    for name in ("availability", "templates", "messages", "replies", "meetings"):
        del data[name]
    data["version"] = 1
    bob_sets_up_reach_out(bob)
    before = bobs_settings(bob)
    counts = restore(bob, json.dumps(data))
    assert counts["contacts"] == DEMO_CONTACT_COUNT + 4
    assert [counts[n] for n in ("availability_windows", "templates", "messages")] == [0, 0, 0]
    assert counts["notes"] == counts["questions"] == 0  # version 3 sections are not read
    assert Contact.objects.filter(owner=bob).count() == DEMO_CONTACT_COUNT + 4
    assert not Message.objects.filter(owner=bob).exists()
    assert not Note.objects.filter(owner=bob).exists()
    assert bobs_settings(bob) == before
    assert Profile.objects.get(user=bob).country == "US"  # a profile key, in version 1 too


def bob_prepares(bob: Any) -> None:
    """What an account may hold before anyone is on its list: a bank and practice answers."""
    conversations.questions_builtin_ensure(owner=bob)
    conversations.question_update(
        question=Question.objects.get(owner=bob, builtin_key="guide-path"), hidden=True
    )
    conversations.question_create(owner=bob, text="Bob's own question")
    conversations.practice_answer_save(
        owner=bob, prompt="Tell me a little about yourself.", answer="Bob's answer"
    )


def bobs_preparation(bob: Any) -> tuple[Any, ...]:
    return (
        sorted(Question.objects.filter(owner=bob).values_list("builtin_key", "text", "hidden")),
        list(PracticeAnswer.objects.filter(owner=bob).values_list("prompt", "answer")),
    )


def test_a_version_2_backup_still_restores_and_keeps_the_accounts_question_bank(rich, bob):
    data = json.loads(backup(rich))
    data["version"] = 2  # its version 3 sections are ignored, as a version 2 reader did
    bob_prepares(bob)
    before = bobs_preparation(bob)
    counts = restore(bob, json.dumps(data))
    assert counts["meetings"] == 2 and counts["messages"] == 7
    assert counts["notes"] == counts["questions"] == counts["planned_questions"] == 0
    assert counts["reminder_choices"] == 0
    assert Meeting.objects.filter(owner=bob).count() == 2
    for model in (Research, ResearchLink, PlannedQuestion, Note, Referral, Conversation):
        assert not model.objects.filter(owner=bob).exists(), model.__name__
    assert bobs_preparation(bob) == before
    # A version 2 document had no place for the people a conversation suggested yet, but
    # they are contacts: they come back, only the referral rows linking them do not.
    assert Contact.objects.filter(owner=bob, name="Priyanka Desai").exists()


def bob_follows_up(bob: Any) -> tuple[Any, ...]:
    """Bob's own follow-up numbers and calendar feed, before anyone is on his list."""
    followups.settings_update(user=bob, try_next_days=2, nudge_days=4, digest=True)
    followups.feed_token_new(user=bob)
    return bobs_follow_ups(bob)


def bobs_follow_ups(bob: Any) -> tuple[Any, ...]:
    return (
        list(FollowupSettings.objects.filter(user=bob).values()),
        list(ReminderChoice.objects.filter(owner=bob).values()),
    )


def test_a_version_3_backup_still_restores_and_keeps_the_accounts_follow_up_numbers(rich, bob):
    data = json.loads(backup(rich))
    data["version"] = 3  # its follow-up sections and note keys are ignored
    for note in data["notes"]:
        del note["key"]  # as version 3 wrote them
    before = bob_follows_up(bob)
    counts = restore(bob, json.dumps(data))
    assert counts["notes"] == 5 and counts["reminder_choices"] == 0
    assert bobs_follow_ups(bob) == before
    assert Note.objects.filter(owner=bob).count() == 5


def test_a_version_4_document_may_leave_out_the_follow_up_sections(bob):
    data = json.loads(document())
    for name in json_backup.FOLLOW_UP_SECTIONS:
        del data[name]
    before = bob_follows_up(bob)
    counts = restore(bob, json.dumps(data))
    assert counts["notes"] == 1 and counts["reminder_choices"] == 0
    assert bobs_follow_ups(bob) == before


def test_a_refused_backup_leaves_the_accounts_follow_up_numbers(bob):
    before = bob_follows_up(bob)
    with pytest.raises(ValidationError, match="reminder_choices #1"):
        restore(bob, edit("reminder_choices", meeting="meeting-9"))
    assert bobs_follow_ups(bob) == before


def test_a_version_3_backup_replaces_the_accounts_question_bank_and_practice_answers(rich, bob):
    bob_prepares(bob)
    text = backup(rich)
    restore(bob, text)
    assert bobs_preparation(bob) == bobs_preparation(rich)
    assert not Question.objects.filter(owner=bob, text="Bob's own question").exists()
    assert backup(bob) == text


def test_a_version_3_document_may_leave_out_the_prepare_and_talk_sections(bob):
    data = json.loads(document())
    for name in (*json_backup.CONVERSATION_SECTIONS, *json_backup.FOLLOW_UP_SECTIONS):
        del data[name]
    data["version"] = 3
    bob_prepares(bob)
    before = bobs_preparation(bob)
    counts = restore(bob, json.dumps(data))
    assert counts["meetings"] == 1 and counts["questions"] == counts["notes"] == 0
    assert bobs_preparation(bob) == before


def test_a_refused_backup_leaves_the_accounts_question_bank(bob):
    bob_prepares(bob)
    before = bobs_preparation(bob)
    with pytest.raises(ValidationError, match="practice_answers #1"):
        restore(bob, edit("practice_answers", prompt=""))
    assert bobs_preparation(bob) == before


def test_a_newer_backup_replaces_the_accounts_availability_and_wording(rich, bob):
    bob_sets_up_reach_out(bob)
    text = backup(rich)
    restore(bob, text)
    assert bobs_settings(bob) == bobs_settings(rich)
    assert backup(bob) == text


def test_a_refused_backup_leaves_the_accounts_availability_and_wording(bob):
    bob_sets_up_reach_out(bob)
    before = bobs_settings(bob)
    with pytest.raises(ValidationError, match="meetings #1"):
        restore(bob, edit("meetings", end=NAIVE))
    assert bobs_settings(bob) == before
    assert sum(rows(bob)) == 2  # only his own window and template


def test_a_version_2_document_may_leave_out_the_reach_out_sections(bob):
    data = json.loads(document())
    for name in ("availability", "templates", "messages", "replies", "meetings"):
        del data[name]
    data["version"] = 2  # whose plans, notes… point at meetings: not read from version 2
    bob_sets_up_reach_out(bob)
    before = bobs_settings(bob)
    counts = restore(bob, json.dumps(data))
    assert counts["contacts"] == 2 and counts["messages"] == 0
    assert bobs_settings(bob) == before


# What the backup holds --------------------------------------------------------------------

BACKED_UP = {
    *("accounts.Profile", "accounts.AvailabilityWindow"),
    *("network.Organization", "network.Tag", "network.Contact", "network.Contact_tags"),
    *("outreach.Calendar", "outreach.BusyInterval", "outreach.DraftTemplate"),
    *("outreach.Message", "outreach.Reply", "outreach.Meeting"),
    *("conversations.Question", "conversations.Research", "conversations.OrganizationResearch"),
    *("conversations.ResearchLink", "conversations.PlannedQuestion", "conversations.Note"),
    *("conversations.Referral", "conversations.Conversation", "conversations.PracticeAnswer"),
    *("followups.FollowupSettings", "followups.ReminderChoice"),
}
LEFT_OUT = {
    "followups.DigestSent": "a record of the emails sent: meaningless in another account, "
    "and restored it would stop that account's digest for the day",
    "auth.User": "the account itself: a backup is restored into another one",
    "auth.User_groups": "given by staff, not the student's own data",
    "auth.User_user_permissions": "given by staff, not the student's own data",
    "accounts.ApiToken": "a secret: it never leaves the server",
    "interchange.ImportRun": "the history of imports, with the uploaded files",
    "interchange.ImportedContact": "the history of imports",
    "followups.ReminderSnapshot": "a copy of what the rules said, worked out again from the rest",
    "followups.StoredReminder": "a copy of what the rules said, worked out again from the rest",
}


def test_every_model_a_student_owns_is_in_the_backup_or_left_out_on_purpose(db):
    owned = {model._meta.label for model in owned_models()}
    assert owned - BACKED_UP - set(LEFT_OUT) == set(), (
        "A new model holds a student's data: add it to the backup (json_backup, json_restore, "
        "docs/backup-format.md) or to LEFT_OUT with the reason."
    )
    assert BACKED_UP | set(LEFT_OUT) <= owned


# Any text survives the round trip ---------------------------------------------------------

TEXT = st.characters(exclude_categories=["Cs"], exclude_characters="\x00")
NAMES = st.text(TEXT, min_size=1, max_size=200).filter(lambda s: squeeze(s) != "")
NOTES = st.text(TEXT, max_size=400)


def test_any_unicode_name_and_notes_round_trip(db):
    examples: list[int] = []

    @hypothesis_settings(max_examples=30, deadline=None, database=None)
    @given(people=st.lists(st.tuples(NAMES, NOTES), min_size=1, max_size=3))
    def round_trip(people: list[tuple[str, str]]) -> None:
        # One transaction per example, rolled back, so every example starts from nothing.
        with transaction.atomic():
            owner, target = make_user("owner"), make_user("target")
            for name, notes in people:
                contact_create(owner=owner, name=name, notes=notes, tags=["ünïcode"])
            text = backup(owner)
            restore(target, text)
            assert backup(target) == text
            restored = Contact.objects.filter(owner=target).values_list("name", "notes")
            assert sorted(restored) == sorted((squeeze(n), notes) for n, notes in people)
            transaction.set_rollback(True)
        examples.append(len(people))

    round_trip()
    assert len(examples) >= 30
    assert not Contact.objects.exists()
