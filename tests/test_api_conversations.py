"""/api/v1 Prepare and talk: meetings, the prep sheet, plans, live notes, referrals, the
question bank and research — each through the same services as the pages."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from coffeechat.accounts.services import api_token_create
from coffeechat.conversations import services
from coffeechat.conversations.bank import BUILT_IN_QUESTIONS, CLOSING_QUESTION
from coffeechat.conversations.models import (
    Conversation,
    Note,
    OrganizationResearch,
    PlannedQuestion,
    Question,
    Referral,
    Research,
    ResearchLink,
)
from coffeechat.network.models import Contact
from coffeechat.outreach.models import Meeting, MeetingStatus
from tests.conversations.conftest import make_meeting
from tests.factories import make_contact

API = "/api/v1"


def send(client: Client, method: str, path: str, body: Any = None) -> Any:
    data = json.dumps(body) if body is not None else None
    return getattr(client, method)(f"{API}{path}", data, content_type="application/json")


def messages(response: Any) -> dict[str, str]:
    """{last part of loc: msg} of a 422, to assert which field was refused and why."""
    assert response.status_code == 422, response.content
    return {str(e["loc"][-1]): e["msg"] for e in response.json()["detail"]}


def snapshot() -> list[list[dict[str, Any]]]:
    """Every row this API can write, to show that a refused request changed nothing."""
    models = (
        Meeting,
        Contact,
        Question,
        PlannedQuestion,
        Note,
        Referral,
        Conversation,
        Research,
        OrganizationResearch,
        ResearchLink,
    )
    return [list(model.objects.order_by("pk").values()) for model in models]


def bank(owner: Any) -> list[Question]:
    services.questions_builtin_ensure(owner=owner)
    return list(Question.objects.filter(owner=owner))


@pytest.fixture
def meeting(alice: Any) -> Meeting:
    return make_meeting(alice)


@pytest.fixture
def dana(meeting: Meeting) -> Contact:
    return meeting.contact


# Meetings -------------------------------------------------------------------------------


def test_upcoming_meetings_show_both_zones_and_research_to_do(alice_client, meeting):
    response = alice_client.get(f"{API}/meetings")

    assert response.status_code == 200
    [row] = response.json()
    assert row["id"] == str(meeting.uuid)
    assert row["contact"] == {
        "id": str(meeting.contact.uuid),
        "name": "Dana Reyes",
        "organization": "Acme Health",
        "practice": False,
    }
    start = dt.datetime.fromisoformat(row["start"])
    assert start == meeting.start
    assert start.utcoffset() in (dt.timedelta(hours=-6), dt.timedelta(hours=-5))  # Chicago
    assert row["minutes"] == 20
    assert row["medium"] == "video"
    assert row["location"] == "https://zoom.example/j/123"
    assert (row["status"], row["status_label"], row["sequence"]) == ("scheduled", "Scheduled", 0)
    assert "(" in row["when"] and ("CST" in row["when"] or "CDT" in row["when"])
    assert row["research"]["done"] is False
    assert [item["code"] for item in row["research"]["to_do"]] == [
        "searched",
        "linkedin",
        "website",
    ]
    assert row["warning"] == ""  # two days ahead: not due yet


def test_research_warning_a_day_before(alice, alice_client):
    soon = make_meeting(alice, hours=10)

    [row] = alice_client.get(f"{API}/meetings").json()
    assert "Research still to do before you meet Dana Reyes" in row["warning"]

    services.research_update(
        contact=soon.contact, searched=True, linkedin_read=True, website_read=True
    )
    [row] = alice_client.get(f"{API}/meetings").json()
    assert row["warning"] == ""
    assert row["research"] == {"done": True, "to_do": []}


def test_past_all_status_and_contact_filters(alice, alice_client, meeting):
    grace = make_contact(alice, "Grace Liu")
    old = make_meeting(alice, grace, hours=-72)
    cancelled = make_meeting(alice, grace, hours=96)
    cancelled.status = MeetingStatus.CANCELLED
    cancelled.save()

    def ids(**query: str) -> list[str]:
        response = alice_client.get(f"{API}/meetings", query)
        assert response.status_code == 200, response.content
        return [row["id"] for row in response.json()]

    assert ids() == [str(meeting.uuid)]
    assert ids(when="past") == [str(cancelled.uuid), str(old.uuid)]
    assert ids(when="all") == [str(cancelled.uuid), str(meeting.uuid), str(old.uuid)]
    assert ids(when="all", status="cancelled") == [str(cancelled.uuid)]
    assert ids(when="all", contact=str(grace.uuid)) == [str(cancelled.uuid), str(old.uuid)]


@pytest.mark.parametrize(
    ("query", "field"),
    [({"when": "soon"}, "when"), ({"status": "maybe"}, "status"), ({"contact": "x"}, "contact")],
)
def test_bad_meeting_filters_are_422(alice_client, query, field):
    assert field in messages(alice_client.get(f"{API}/meetings", query))


def test_listing_meetings_takes_the_same_queries_for_1_or_15(alice, alice_client):
    make_meeting(alice)
    with CaptureQueriesContext(connection) as one:
        assert len(alice_client.get(f"{API}/meetings").json()) == 1

    for n in range(14):
        contact = make_contact(alice, f"Person {n}", organization_name=f"Org {n % 3}")
        services.research_update(contact=contact, notes="Met at the fair", searched=True)
        make_meeting(alice, contact, hours=5 + n)
    with CaptureQueriesContext(connection) as fifteen:
        rows = alice_client.get(f"{API}/meetings").json()

    assert len(rows) == 15
    assert len(fifteen) == len(one)


def test_meeting_is_added_directly(alice_client, dana):
    body = {
        "contact": str(dana.uuid),
        "start": "2030-03-12T10:00:00-05:00",
        "minutes": 30,
        "medium": "phone",
        "location": "+1 555 0100",
    }

    response = send(alice_client, "post", "/meetings", body)

    assert response.status_code == 201
    created = Meeting.objects.get(uuid=response.json()["id"])
    assert created.start == dt.datetime(2030, 3, 12, 15, tzinfo=dt.UTC)
    assert created.minutes == 30 and created.medium == "phone"
    assert response.json()["start"] == "2030-03-12T10:00:00-05:00"  # Chicago in March


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"start": "2030-03-12T10:00:00"}, "start"),  # no offset
        ({"start": "next week"}, "start"),
        ({"minutes": 1}, "minutes"),
        ({"medium": "fax"}, "medium"),
        ({"owner": 2}, "owner"),
        ({"location": "x" * 501}, "location"),
        ({"contact": None}, "contact"),
    ],
)
def test_bad_new_meetings_are_422_and_add_nothing(alice_client, dana, body, field):
    before = snapshot()
    full = {"contact": str(dana.uuid), "start": "2030-03-12T10:00:00-05:00", **body}

    assert field in messages(send(alice_client, "post", "/meetings", full))
    assert snapshot() == before


def test_a_meeting_with_someone_elses_contact_is_refused(alice_client, bob):
    theirs = make_contact(bob, "Bob's Friend")
    before = snapshot()
    body = {"contact": str(theirs.uuid), "start": "2030-03-12T10:00:00-05:00"}

    refused = messages(send(alice_client, "post", "/meetings", body))

    assert refused == {"contact": f"You have no contact with the id {theirs.uuid}."}
    assert snapshot() == before


def test_meeting_detail_and_mark_done(alice, alice_client):
    past = make_meeting(alice, hours=-2)

    assert alice_client.get(f"{API}/meetings/{past.uuid}").json()["id"] == str(past.uuid)
    response = send(alice_client, "patch", f"/meetings/{past.uuid}", {"status": "done"})

    assert response.status_code == 200
    assert response.json()["status"] == "done"
    assert Meeting.objects.get(pk=past.pk).status == MeetingStatus.DONE


def test_rescheduling_bumps_the_sequence_and_the_invite(alice_client, meeting):
    new_start = (meeting.start + dt.timedelta(days=1)).isoformat()

    response = send(alice_client, "patch", f"/meetings/{meeting.uuid}", {"start": new_start})

    assert response.status_code == 200
    moved = response.json()
    assert (moved["sequence"], moved["status_label"]) == (1, "Rescheduled")
    assert dt.datetime.fromisoformat(moved["rescheduled_from"]) == meeting.start
    assert moved["minutes"] == 20
    ics = alice_client.get(f"{API}/meetings/{meeting.uuid}/ics")
    assert ics.status_code == 200
    assert ics["Content-Type"] == "text/calendar; charset=utf-8"
    assert f"UID:{meeting.ical_uid}" in ics.content.decode()
    assert "SEQUENCE:1" in ics.content.decode()

    longer = send(alice_client, "patch", f"/meetings/{meeting.uuid}", {"minutes": 45})
    assert (longer.json()["minutes"], longer.json()["sequence"]) == (45, 2)


def test_cancelling_a_meeting(alice_client, meeting):
    response = send(alice_client, "patch", f"/meetings/{meeting.uuid}", {"status": "cancelled"})

    assert response.json()["status"] == "cancelled"
    assert response.json()["sequence"] == 1
    assert "STATUS:CANCELLED" in alice_client.get(f"{API}/meetings/{meeting.uuid}/ics").text


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"status": "no_show"}, "body"),  # it has not started yet
        ({"status": "postponed"}, "status"),
        ({"status": None}, "status"),
        ({"status": "done", "minutes": 30}, "status"),
        ({"start": "2030-03-12T10:00:00"}, "start"),
        ({"minutes": 500}, "minutes"),
        ({"sequence": 9}, "sequence"),
    ],
)
def test_bad_meeting_changes_are_422_and_change_nothing(alice_client, meeting, body, field):
    before = snapshot()

    assert field in messages(send(alice_client, "patch", f"/meetings/{meeting.uuid}", body))
    assert snapshot() == before


def test_a_cancelled_meeting_cannot_be_moved_or_marked(alice_client, meeting):
    send(alice_client, "patch", f"/meetings/{meeting.uuid}", {"status": "cancelled"})
    before = snapshot()

    moved = send(alice_client, "patch", f"/meetings/{meeting.uuid}", {"minutes": 30})
    marked = send(alice_client, "patch", f"/meetings/{meeting.uuid}", {"status": "done"})

    assert messages(moved) == {"body": "Only a scheduled meeting can be moved."}
    assert "cancelled" in messages(marked)["body"]
    assert snapshot() == before


# Prep sheet and plan -------------------------------------------------------------------


def test_prep_sheet_has_research_plan_and_fit(alice, alice_client, meeting, dana):
    services.research_update(contact=dana, notes="Leads the data team.", searched=True)
    questions = bank(alice)
    services.plan_set(meeting=meeting, questions=questions[:3])

    response = alice_client.get(f"{API}/meetings/{meeting.uuid}/prep")

    assert response.status_code == 200
    prep = response.json()
    assert prep["meeting"]["id"] == str(meeting.uuid)
    assert prep["markdown"].startswith("# Coffee chat with Dana Reyes")
    assert "> Leads the data team." in prep["markdown"]
    assert CLOSING_QUESTION in prep["markdown"]
    assert prep["research"]["notes"] == "Leads the data team."
    assert prep["research"]["searched_at"] is not None
    assert [c["done"] for c in prep["research"]["checklist"]] == [True, False, False]
    assert [item["text"] for item in prep["plan"]] == [q.text for q in questions[:3]]
    assert prep["fit"]["minutes"] == 20 and prep["fit"]["planned"] == 3
    assert prep["fit"]["overrun"] is False
    assert prep["fit"]["advice"].startswith("About 3–5 questions fit 20 minutes")


def test_plan_is_set_in_order_and_warns_when_it_overruns(alice, alice_client, meeting):
    questions = bank(alice)
    chosen = [questions[4], questions[0], *questions[5:10]]

    response = send(
        alice_client,
        "put",
        f"/meetings/{meeting.uuid}/plan",
        {"questions": [str(q.uuid) for q in chosen]},
    )

    assert response.status_code == 200
    plan = response.json()
    assert [item["question"] for item in plan["items"]] == [str(q.uuid) for q in chosen]
    assert [item["position"] for item in plan["items"]] == list(range(7))
    assert plan["fit"]["overrun"] is True
    assert "7 questions need about" in plan["fit"]["warning"]
    assert alice_client.get(f"{API}/meetings/{meeting.uuid}/plan").json() == plan


@pytest.mark.parametrize("problem", ["theirs", "twice", "not_a_uuid"])
def test_bad_plans_are_422_and_change_nothing(alice, bob, alice_client, meeting, problem):
    mine = bank(alice)
    services.plan_set(meeting=meeting, questions=mine[:2])
    ids = {
        "theirs": [str(mine[0].uuid), str(bank(bob)[0].uuid)],
        "twice": [str(mine[0].uuid), str(mine[0].uuid)],
        "not_a_uuid": ["question one"],
    }[problem]
    before = snapshot()

    response = send(alice_client, "put", f"/meetings/{meeting.uuid}/plan", {"questions": ids})

    assert set(messages(response)) == {"0" if problem == "not_a_uuid" else "questions"}
    assert snapshot() == before


def test_plan_add_mark_and_remove(alice, alice_client, meeting):
    question = bank(alice)[0]

    from_bank = send(
        alice_client, "post", f"/meetings/{meeting.uuid}/plan", {"question": str(question.uuid)}
    )
    typed = send(
        alice_client,
        "post",
        f"/meetings/{meeting.uuid}/plan",
        {"text": "How did the reorg change your team?", "follow_up": True},
    )

    assert from_bank.status_code == 201 and typed.status_code == 201
    assert from_bank.json()["text"] == question.text
    assert (typed.json()["question"], typed.json()["follow_up"]) == (None, True)
    assert typed.json()["position"] == 1

    item = from_bank.json()["id"]
    marked = send(alice_client, "patch", f"/plan/{item}", {"state": "asked", "note": "Mostly SQL"})
    assert marked.status_code == 200
    assert (marked.json()["state"], marked.json()["state_label"]) == ("asked", "Asked")
    assert PlannedQuestion.objects.get(uuid=item).note == "Mostly SQL"

    assert alice_client.delete(f"{API}/plan/{item}").status_code == 204
    remaining = alice_client.get(f"{API}/meetings/{meeting.uuid}/plan").json()["items"]
    assert [(i["text"], i["position"]) for i in remaining] == [
        ("How did the reorg change your team?", 0)
    ]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "text"),
        ({"text": "   "}, "text"),
        ({"question": "QUESTION", "text": "And this?"}, "text"),
        ({"question": "QUESTION"}, "question"),  # already on the plan
        ({"question": "BOBS"}, "question"),
        ({"text": "x" * 501}, "text"),
    ],
)
def test_bad_plan_additions_are_422_and_add_nothing(alice, bob, alice_client, meeting, body, field):
    question = bank(alice)[0]
    services.plan_add(meeting=meeting, question=question)
    values = {"QUESTION": str(question.uuid), "BOBS": str(bank(bob)[0].uuid)}
    body = {key: values.get(value, value) for key, value in body.items()}
    before = snapshot()

    assert field in messages(send(alice_client, "post", f"/meetings/{meeting.uuid}/plan", body))
    assert snapshot() == before


@pytest.mark.parametrize(
    ("body", "field"),
    [({"state": "pondered"}, "state"), ({"note": "x" * 5001}, "note"), ({"note": None}, "note")],
)
def test_bad_plan_marks_are_422(alice, alice_client, meeting, body, field):
    item = services.plan_add(meeting=meeting, text="What surprised you?")
    before = snapshot()

    assert field in messages(send(alice_client, "patch", f"/plan/{item.uuid}", body))
    assert snapshot() == before


# Live mode ------------------------------------------------------------------------------


def test_start_is_kept_across_resends(alice_client, meeting):
    first = alice_client.post(f"{API}/meetings/{meeting.uuid}/start")
    again = alice_client.post(f"{API}/meetings/{meeting.uuid}/start")

    assert first.status_code == 200
    assert first.json()["started_at"] is not None
    assert again.json() == first.json()
    assert first.json()["minutes"] == 20


def test_notes_are_captured_once_per_client_key(alice_client, meeting):
    body = {"kind": "advice", "text": "Learn dbt", "client_key": "n-1"}

    first = send(alice_client, "post", f"/meetings/{meeting.uuid}/notes", body)
    resent = send(alice_client, "post", f"/meetings/{meeting.uuid}/notes", body)

    assert first.status_code == 201
    assert resent.status_code == 200
    assert resent.json() == first.json()
    assert Note.objects.count() == 1
    listed = alice_client.get(f"{API}/meetings/{meeting.uuid}/notes").json()
    assert [(n["kind"], n["text"], n["client_key"]) for n in listed] == [
        ("advice", "Learn dbt", "n-1")
    ]


def test_note_change_and_delete(alice_client, meeting):
    note, _ = services.note_add(meeting=meeting, text="Read Storytelling with Data")

    changed = send(
        alice_client,
        "patch",
        f"/notes/{note.uuid}",
        {"kind": "resource", "acted_on": True, "outcome": "Rebuilt my portfolio charts"},
    )

    assert changed.status_code == 200
    assert changed.json()["kind"] == "resource"
    assert changed.json()["acted_on_at"] is not None
    assert changed.json()["outcome"] == "Rebuilt my portfolio charts"
    assert Note.objects.get().outcome == "Rebuilt my portfolio charts"
    assert alice_client.delete(f"{API}/notes/{note.uuid}").status_code == 204
    assert not Note.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "gossip", "text": "x"}, "kind"),
        ({"text": "  "}, "text"),
        ({"text": "x" * 5001}, "text"),
        ({"text": "ok", "client_key": "has spaces"}, "client_key"),
        ({"text": "nul \x00"}, "text"),
        ({"text": "ok", "acted_on_at": "2030-01-01T00:00:00Z"}, "acted_on_at"),
    ],
)
def test_bad_notes_are_422_and_add_nothing(alice_client, meeting, body, field):
    before = snapshot()

    assert field in messages(send(alice_client, "post", f"/meetings/{meeting.uuid}/notes", body))
    assert snapshot() == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"text": ""}, "text"),
        ({"kind": "x"}, "kind"),
        ({"text": None}, "text"),
        ({"outcome": "x" * 2001}, "outcome"),
        ({"outcome": "nul \x00"}, "outcome"),
    ],
)
def test_bad_note_changes_are_422(alice_client, meeting, body, field):
    note, _ = services.note_add(meeting=meeting, text="Keep this")
    before = snapshot()

    assert field in messages(send(alice_client, "patch", f"/notes/{note.uuid}", body))
    assert snapshot() == before


def test_referrals_become_contacts_referred_by_this_person(alice_client, meeting, dana):
    body = {
        "name": "Sam Okafor",
        "organization": "Northwind",
        "email": "sam@northwind.example",
        "client_key": "r-1",
    }

    created = send(alice_client, "post", f"/meetings/{meeting.uuid}/referrals", body)
    resent = send(alice_client, "post", f"/meetings/{meeting.uuid}/referrals", body)

    assert created.status_code == 201 and resent.status_code == 200
    referral = created.json()
    assert referral["contact"]["name"] == "Sam Okafor"
    assert referral["contact"]["organization"] == "Northwind"
    assert referral["referred_by"] == {"id": str(dana.uuid), "name": "Dana Reyes"}
    sam = Contact.objects.get(uuid=referral["contact"]["id"])
    assert sam.referred_by == dana and sam.email == "sam@northwind.example"
    assert Referral.objects.count() == 1
    listed = alice_client.get(f"{API}/meetings/{meeting.uuid}/referrals").json()
    assert [r["contact"]["id"] for r in listed] == [str(sam.uuid)]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": " "}, "name"),
        ({"name": "Sam", "email": "not an address"}, "email"),
        ({"name": "x" * 201}, "name"),
        ({"name": "Sam", "referred_by": "someone"}, "referred_by"),
    ],
)
def test_bad_referrals_are_422_and_add_nobody(alice_client, meeting, body, field):
    before = snapshot()

    assert field in messages(
        send(alice_client, "post", f"/meetings/{meeting.uuid}/referrals", body)
    )
    assert snapshot() == before


def test_finish_marks_done_and_returns_the_summary(alice, alice_client, meeting):
    asked = services.plan_add(meeting=meeting, question=bank(alice)[0])
    services.plan_add(meeting=meeting, text="Never got to this")
    services.plan_mark(item=asked, state="asked")
    services.note_add(meeting=meeting, kind="advice", text="Join the analytics meetup")
    services.note_add(meeting=meeting, kind="resource", text="Storytelling with Data")
    services.note_add(meeting=meeting, kind="asked_me", text="Why data?")
    services.referral_add(meeting=meeting, name="Sam Okafor")

    response = alice_client.post(f"{API}/meetings/{meeting.uuid}/finish")

    assert response.status_code == 200
    summary = response.json()
    assert summary["meeting"]["status"] == "done"
    assert summary["started_at"] and summary["finished_at"]
    assert [(k["kind"], len(k["notes"])) for k in summary["notes_by_kind"]] == [
        ("advice", 1),
        ("resource", 1),
        ("asked_me", 1),
    ]
    assert [n["text"] for n in summary["to_act_on"]] == [
        "Join the analytics meetup",
        "Storytelling with Data",
    ]
    assert [r["contact"]["name"] for r in summary["referrals"]] == ["Sam Okafor"]
    assert [q["id"] for q in summary["asked"]] == [str(asked.uuid)]
    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.DONE


def test_a_cancelled_meeting_cannot_be_finished(alice_client, meeting):
    send(alice_client, "patch", f"/meetings/{meeting.uuid}", {"status": "cancelled"})
    before = snapshot()

    response = alice_client.post(f"{API}/meetings/{meeting.uuid}/finish")

    assert messages(response) == {"body": "This meeting was cancelled."}
    assert snapshot() == before


# Question bank -------------------------------------------------------------------------


def test_question_bank_starts_with_the_built_in_questions(alice_client):
    response = alice_client.get(f"{API}/questions")

    assert response.status_code == 200
    questions = response.json()
    assert len(questions) == len(BUILT_IN_QUESTIONS)
    assert questions[0]["text"] == "What is a typical day like in your job?"
    assert questions[0]["built_in"] is True and questions[0]["origin"] == "From the guide"
    advice = alice_client.get(f"{API}/questions", {"tiara": "advice"}).json()
    assert advice and {q["tiara"] for q in advice} == {"advice"}


def test_own_questions_are_added_tagged_hidden_and_deleted(alice_client):
    created = send(
        alice_client,
        "post",
        "/questions",
        {"text": "How do you use SQL?", "tiara": "insights", "tags": ["Data", "sql", "data"]},
    )

    assert created.status_code == 201
    question = created.json()
    assert (question["tags"], question["built_in"], question["origin"]) == (
        ["data", "sql"],
        False,
        "Yours",
    )
    assert [q["id"] for q in alice_client.get(f"{API}/questions", {"tag": "sql"}).json()] == [
        question["id"]
    ]

    path = f"/questions/{question['id']}"
    hidden = send(
        alice_client, "patch", path, {"hidden": True, "text": "How do you use SQL daily?"}
    )
    assert hidden.json()["hidden"] is True and hidden.json()["text"].endswith("daily?")
    assert question["id"] not in [q["id"] for q in alice_client.get(f"{API}/questions").json()]
    with_hidden = alice_client.get(f"{API}/questions", {"hidden": "true"}).json()
    assert question["id"] in [q["id"] for q in with_hidden]
    assert alice_client.get(f"{API}{path}").json()["hidden"] is True

    assert alice_client.delete(f"{API}{path}").status_code == 204
    assert not Question.objects.filter(uuid=question["id"]).exists()


def test_a_built_in_question_is_hidden_not_deleted(alice, alice_client):
    built_in = bank(alice)[0]
    before = snapshot()

    response = alice_client.delete(f"{API}/questions/{built_in.uuid}")

    assert "hidden, not deleted" in messages(response)["body"]
    assert snapshot() == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"text": ""}, "text"),
        ({"text": "x" * 501}, "text"),
        ({"text": "Why?", "tiara": "gossip"}, "tiara"),
        ({"text": "Why?", "tags": ["x" * 41]}, "tags"),
        ({"text": "Why?", "tags": "data"}, "tags"),
        ({"text": "Why?", "builtin_key": "guide-path"}, "builtin_key"),
    ],
)
def test_bad_questions_are_422_and_add_nothing(alice_client, body, field):
    before = snapshot()

    assert field in messages(send(alice_client, "post", "/questions", body))
    assert snapshot() == before


@pytest.mark.parametrize(
    ("body", "field"),
    [({"text": " "}, "text"), ({"tiara": "x"}, "tiara"), ({"hidden": None}, "hidden")],
)
def test_bad_question_changes_are_422(alice, alice_client, body, field):
    question = bank(alice)[0]
    before = snapshot()

    assert field in messages(send(alice_client, "patch", f"/questions/{question.uuid}", body))
    assert snapshot() == before


def test_bad_question_filters_are_422(alice_client):
    assert "tiara" in messages(alice_client.get(f"{API}/questions", {"tiara": "gossip"}))


# Research ------------------------------------------------------------------------------


def test_research_notes_checklist_and_links(alice_client, dana):
    path = f"/contacts/{dana.uuid}/research"
    empty = alice_client.get(f"{API}{path}").json()
    assert (empty["notes"], empty["done"]) == ("", False)

    saved = send(
        alice_client,
        "put",
        path,
        {"notes": "Ten years in health data.", "searched": True, "linkedin_read": True},
    )
    assert saved.status_code == 200
    assert saved.json()["notes"] == "Ten years in health data."
    assert saved.json()["searched_at"] and saved.json()["linkedin_read_at"]
    assert [c["done"] for c in saved.json()["checklist"]] == [True, True, False]

    finished = send(
        alice_client, "put", path, {"organization_notes": "Hospital group.", "website_read": True}
    )
    assert finished.json()["done"] is True
    assert finished.json()["notes"] == "Ten years in health data."  # left alone
    assert finished.json()["searched_at"] == saved.json()["searched_at"]

    person = send(
        alice_client,
        "post",
        f"{path}/links",
        {"url": "https://www.linkedin.com/in/dana", "title": "Dana on LinkedIn"},
    )
    org = send(
        alice_client,
        "post",
        f"{path}/links",
        {"url": "https://acme.example/news", "about": "organization", "kind": "news"},
    )
    assert person.status_code == 201 and org.status_code == 201
    assert (person.json()["kind"], person.json()["about"]) == ("linkedin", "person")
    assert (org.json()["kind"], org.json()["about"]) == ("news", "organization")
    research = alice_client.get(f"{API}{path}").json()
    assert [link["id"] for link in research["person_links"]] == [person.json()["id"]]
    assert [link["id"] for link in research["organization_links"]] == [org.json()["id"]]

    assert alice_client.delete(f"{API}/research/links/{person.json()['id']}").status_code == 204
    assert ResearchLink.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"notes": "x" * 20_001}, "notes"),
        ({"searched": "perhaps"}, "searched"),
        ({"notes": None}, "notes"),
        ({"organization_notes": "Startup"}, "organization_notes"),  # no organization
        ({"searched_at": "2030-01-01T00:00:00Z"}, "searched_at"),
    ],
)
def test_bad_research_is_422_and_changes_nothing(alice, alice_client, body, field):
    loner = make_contact(alice, "Lee Park")
    before = snapshot()

    assert field in messages(send(alice_client, "put", f"/contacts/{loner.uuid}/research", body))
    assert snapshot() == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"url": "javascript:alert(1)"}, "url"),
        ({"url": ""}, "url"),
        ({"url": "https://example.com", "kind": "gossip"}, "kind"),
        ({"url": "https://example.com", "about": "organization"}, "about"),  # none recorded
        ({"url": "https://example.com", "about": "friend"}, "about"),
    ],
)
def test_bad_research_links_are_422_and_add_nothing(alice, alice_client, body, field):
    loner = make_contact(alice, "Lee Park")
    before = snapshot()

    response = send(alice_client, "post", f"/contacts/{loner.uuid}/research/links", body)

    assert field in messages(response)
    assert snapshot() == before


# Access ---------------------------------------------------------------------------------


@pytest.fixture
def alices_ids(alice, meeting, dana) -> dict[str, str]:
    """One of each of alice's things that the API addresses by id."""
    question = bank(alice)[0]
    item = services.plan_add(meeting=meeting, question=question)
    note, _ = services.note_add(meeting=meeting, text="Private")
    link = services.research_link_add(owner=alice, url="https://example.com", contact=dana)
    services.research_update(contact=dana, notes="Private notes")
    return {
        "meeting_id": str(meeting.uuid),
        "contact_id": str(dana.uuid),
        "question_id": str(question.uuid),
        "item_id": str(item.uuid),
        "note_id": str(note.uuid),
        "link_id": str(link.uuid),
    }


# Bodies each route accepts, so that only the owner check can refuse them.
ID_ROUTES = [
    ("get", "/meetings/{meeting_id}", None),
    ("patch", "/meetings/{meeting_id}", {"status": "cancelled"}),
    ("get", "/meetings/{meeting_id}/ics", None),
    ("get", "/meetings/{meeting_id}/prep", None),
    ("get", "/meetings/{meeting_id}/plan", None),
    ("put", "/meetings/{meeting_id}/plan", {"questions": []}),
    ("post", "/meetings/{meeting_id}/plan", {"text": "Hacked?"}),
    ("patch", "/plan/{item_id}", {"state": "skipped", "note": "Hacked"}),
    ("delete", "/plan/{item_id}", None),
    ("post", "/meetings/{meeting_id}/start", None),
    ("post", "/meetings/{meeting_id}/finish", None),
    ("get", "/meetings/{meeting_id}/notes", None),
    ("post", "/meetings/{meeting_id}/notes", {"text": "Hacked"}),
    ("patch", "/notes/{note_id}", {"text": "Hacked", "acted_on": True}),
    ("delete", "/notes/{note_id}", None),
    ("get", "/meetings/{meeting_id}/referrals", None),
    ("post", "/meetings/{meeting_id}/referrals", {"name": "Hacked"}),
    ("get", "/questions/{question_id}", None),
    ("patch", "/questions/{question_id}", {"text": "Hacked", "hidden": True}),
    ("delete", "/questions/{question_id}", None),
    ("get", "/contacts/{contact_id}/research", None),
    ("put", "/contacts/{contact_id}/research", {"notes": "Hacked", "searched": True}),
    ("post", "/contacts/{contact_id}/research/links", {"url": "https://hacked.example"}),
    ("delete", "/research/links/{link_id}", None),
]


@pytest.mark.parametrize(("method", "template", "body"), ID_ROUTES, ids=lambda v: str(v))
def test_bob_gets_404_on_alices_ids_and_changes_nothing(bob, alices_ids, method, template, body):
    _, key = api_token_create(user=bob)
    bob_api = Client(headers={"Authorization": f"Bearer {key}"})
    before = snapshot()

    response = send(bob_api, method, template.format(**alices_ids), body)

    assert response.status_code == 404, response.content
    assert response.json() == {"detail": "Not Found"}
    assert snapshot() == before


def test_every_id_route_is_in_the_404_test():
    from coffeechat.api import conversations, preparing

    routes = {
        (method.lower(), path)
        for router in (conversations.router, preparing.router)
        for path, view in router.path_operations.items()
        if "{" in path
        for operation in view.operations
        for method in operation.methods
    }
    assert routes == {(method, template) for method, template, _ in ID_ROUTES}


def test_bob_cannot_use_alices_ids_in_a_body_or_filter(bob_client, alices_ids):
    before = snapshot()

    listed = bob_client.get(f"{API}/meetings", {"contact": alices_ids["contact_id"]})
    added = send(
        bob_client,
        "post",
        "/meetings",
        {"contact": alices_ids["contact_id"], "start": "2030-03-12T10:00:00-05:00"},
    )

    assert listed.status_code == 404
    assert "contact" in messages(added)
    assert bob_client.get(f"{API}/meetings", {"when": "all"}).json() == []
    assert alices_ids["question_id"] not in [
        q["id"] for q in bob_client.get(f"{API}/questions", {"hidden": "true"}).json()
    ]
    assert snapshot()[0] == before[0]  # no meeting added (bob's bank was filled, that's all)


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", "/meetings"), ("post", "/meetings"), ("get", "/questions"), ("post", "/questions")]
    + [(method, template) for method, template, _ in ID_ROUTES],
)
def test_without_credentials_it_is_401(alices_ids, method, path):
    before = snapshot()

    body = {"text": "Hacked"} if method != "get" else None
    response = send(Client(), method, path.format(**alices_ids), body)

    assert response.status_code == 401
    assert snapshot() == before
