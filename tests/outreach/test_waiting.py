"""Steve Dalton's 3B7 rule, Boosters/Obligates/Curmudgeons, and the outreach queue."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from coffeechat.outreach import selectors, services
from coffeechat.outreach.models import Kind
from coffeechat.outreach.waiting import Responder, Step, responder, waiting
from tests.factories import make_contact

CHICAGO = zoneinfo.ZoneInfo("America/Chicago")
MONDAY = dt.date(2026, 11, 16)


@pytest.mark.parametrize(
    ("days_later", "step", "business_days"),
    [
        (0, Step.WAIT, 0),
        (2, Step.WAIT, 2),  # Wednesday
        (3, Step.TRY_NEXT, 3),  # Thursday
        (7, Step.TRY_NEXT, 5),  # next Monday: the weekend does not count
        (9, Step.NUDGE, 7),  # next Wednesday
        (30, Step.NUDGE, 22),
    ],
)
def test_3b7_counts_business_days(days_later, step, business_days):
    state = waiting(sent=MONDAY, today=MONDAY + dt.timedelta(days=days_later), nudged=False)
    assert (state.step, state.business_days) == (step, business_days)
    assert state.nudge_due == dt.date(2026, 11, 25)


def test_3b7_skips_the_students_public_holidays():
    # Thanksgiving (Thursday 26 November 2026) is not a business day in the US.
    sent = dt.date(2026, 11, 23)
    today = dt.date(2026, 11, 27)
    assert waiting(sent=sent, today=today, nudged=False).business_days == 4
    assert waiting(sent=sent, today=today, nudged=False, country="US").business_days == 3


def test_3b7_stops_after_one_nudge():
    state = waiting(sent=MONDAY, today=MONDAY + dt.timedelta(days=40), nudged=True)
    assert state.step == Step.STOP


@pytest.mark.parametrize(
    ("replied_after", "today_after", "expected"),
    [
        (1, 1, Responder.BOOSTER),
        (3, 3, Responder.BOOSTER),  # Thursday: 3 business days
        (7, 7, Responder.OBLIGATE),  # next Monday: 5 business days
        (None, 2, None),  # too early to tell
        (None, 9, None),  # 7 business days: the nudge is due, not yet a curmudgeon
        (None, 10, Responder.CURMUDGEON),
    ],
)
def test_responders_are_labelled_by_how_fast_they_reply(replied_after, today_after, expected):
    replied = MONDAY + dt.timedelta(days=replied_after) if replied_after is not None else None
    today = MONDAY + dt.timedelta(days=today_after)
    assert responder(sent=MONDAY, replied=replied, today=today) == expected


def _sent_request(owner, contact, when):
    draft = services.message_draft(owner=owner, contact=contact, now=when)
    return services.message_send(message=draft, channel="copy", now=when)


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=CHICAGO)


def test_the_queue_shows_waiting_days_what_is_due_and_who_is_next(alice):
    today = dt.date(2026, 12, 9)  # a Wednesday
    now = _at(today, 15)
    acme = "Acme Health"
    fresh = make_contact(alice, "Fresh Wait", organization_name=acme)
    three = make_contact(alice, "Three Days", organization_name=acme)
    next_at_acme = make_contact(alice, "Aaron Next", organization_name=acme)
    eight = make_contact(alice, "Eight Days", organization_name="Lakeshore")
    nudged = make_contact(alice, "Nudged Once", organization_name="Lakeshore")
    drafted = make_contact(alice, "Only Drafted")
    said_no = make_contact(alice, "Said No")

    _sent_request(alice, fresh, _at(today, 9))
    _sent_request(alice, three, _at(dt.date(2026, 12, 4)))  # Friday: 3 business days
    _sent_request(alice, eight, _at(dt.date(2026, 11, 27)))  # 8 business days
    _sent_request(alice, nudged, _at(dt.date(2026, 11, 18)))
    nudge = services.message_draft(owner=alice, contact=nudged, kind=Kind.NUDGE, now=now)
    services.message_send(message=nudge, channel="copy", now=_at(dt.date(2026, 11, 30)))
    services.message_draft(owner=alice, contact=drafted, now=now)
    _sent_request(alice, said_no, _at(dt.date(2026, 12, 7)))
    services.reply_record(
        owner=alice,
        contact=said_no,
        outcome="no",
        received_at=_at(dt.date(2026, 12, 8)),
        now=now,
    )

    with CaptureQueriesContext(connection) as queries:
        queue = selectors.outreach_queue(alice, now=now)
    assert len(queries) <= 6

    days = {e.outreach.contact.name: e.outreach.waiting.business_days for e in queue.waiting}
    assert days == {"Fresh Wait": 0, "Three Days": 3, "Eight Days": 8, "Nudged Once": 15}
    assert queue.waiting[0].outreach.contact.name == "Nudged Once"
    steps = {e.outreach.contact.name: e.outreach.waiting.step for e in queue.waiting}
    assert steps["Three Days"] == Step.TRY_NEXT
    assert steps["Eight Days"] == Step.NUDGE
    assert steps["Nudged Once"] == Step.STOP
    due = {e.outreach.contact.name: e for e in queue.due}
    assert set(due) == {"Three Days", "Eight Days"}
    # Day 3: the next person at the same organization who has not been contacted yet.
    assert due["Three Days"].next_person == next_at_acme
    # The who-else draft after the "no" belongs to a declined contact, not to the drafts.
    assert [e.outreach.contact.name for e in queue.drafted] == ["Only Drafted"]
    assert [e.outreach.contact.name for e in queue.declined] == ["Said No"]


def test_the_queue_page_lists_the_due_and_its_query_count_does_not_grow(alice, alice_client):
    now = dt.datetime.now(dt.UTC)
    for n in range(3):
        contact = make_contact(alice, f"Person {n}", organization_name=f"Org {n}")
        _sent_request(alice, contact, now - dt.timedelta(days=12))
    with CaptureQueriesContext(connection) as small:
        response = alice_client.get("/outreach/")
    assert response.status_code == 200
    assert "Send one follow-up nudge" in response.text
    for n in range(3, 12):
        contact = make_contact(alice, f"Person {n}", organization_name=f"Org {n}")
        _sent_request(alice, contact, now - dt.timedelta(days=12))
    with CaptureQueriesContext(connection) as large:
        response = alice_client.get("/outreach/")
    assert response.text.count("Send one follow-up nudge") >= 12
    assert response.text.count('aria-label="Write the nudge to Person') == 12
    assert len(large) == len(small)
