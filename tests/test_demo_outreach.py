"""The demo user's outreach: every state of Reach out, true on whatever day it is made."""

from __future__ import annotations

import datetime as dt
import json
import zoneinfo
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from typer.testing import CliRunner

from coffeechat.accounts.models import AvailabilityWindow
from coffeechat.cli import app
from coffeechat.conversations.demo import MEETINGS_ADDED
from coffeechat.followups import demo as followups_demo
from coffeechat.lib.businessdays import business_day_before, business_days_between, is_business_day
from coffeechat.network.demo import DEMO_PASSWORD, demo_network_create, demo_user_create
from coffeechat.network.models import Contact
from coffeechat.outreach import selectors
from coffeechat.outreach.demo import outreach_demo
from coffeechat.outreach.models import Kind, Meeting, Message, Outcome, Reply
from coffeechat.outreach.selectors import Queue, Stage
from coffeechat.outreach.slots import slot_from_json
from coffeechat.outreach.waiting import Responder, Step

CHICAGO = zoneinfo.ZoneInfo("America/Chicago")
# A Wednesday, and a Monday whose last business days straddle a weekend and July 4th.
WEDNESDAY = dt.datetime(2025, 7, 9, 15, 0, tzinfo=CHICAGO)
MONDAY = dt.datetime(2025, 7, 7, 8, 30, tzinfo=CHICAGO)


def run(*args: str) -> Any:
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})


@pytest.fixture(params=[WEDNESDAY, MONDAY], ids=["wednesday", "monday"])
def now(request: Any) -> dt.datetime:
    return request.param


@pytest.fixture
def demo(db: Any, now: dt.datetime) -> Any:
    user = demo_user_create(username="demo", password=DEMO_PASSWORD)
    demo_network_create(owner=user)
    assert outreach_demo(user, now=now) == 1
    return user


def person(user: Any, name: str) -> Contact:
    return Contact.objects.get(owner=user, name=name)


def outreach(user: Any, name: str, now: dt.datetime) -> selectors.ContactOutreach:
    return selectors.contact_outreach(user, person(user, name), now=now)


def waiting_steps(queue: Queue) -> dict[str, tuple[Step, int]]:
    steps = {}
    for entry in queue.waiting:
        assert entry.outreach.waiting is not None
        steps[entry.outreach.contact.name] = (
            entry.outreach.waiting.step,
            entry.outreach.waiting.business_days,
        )
    return steps


def test_business_day_before_is_the_inverse_of_business_days_between() -> None:
    assert business_day_before(dt.date(2025, 7, 9), 2, "US") == dt.date(2025, 7, 7)  # Wed → Mon
    assert business_day_before(dt.date(2025, 7, 7), 1, "US") == dt.date(2025, 7, 3)  # July 4th
    assert business_day_before(dt.date(2025, 7, 7), 2, "US") == dt.date(2025, 7, 2)
    assert business_day_before(dt.date(2025, 7, 12), 1, "US") == dt.date(2025, 7, 10)  # Sat
    assert business_day_before(dt.date(2025, 7, 5), 1, "US") == dt.date(2025, 7, 2)  # + July 4th
    start = dt.date(2025, 1, 1)
    for offset in range(60):
        today = start + dt.timedelta(days=offset)
        for n in (1, 2, 4, 8, 12):
            day = business_day_before(today, n, "US")
            assert is_business_day(day, "US")
            assert business_days_between(day, today, "US") == n


def test_queue_has_an_entry_at_every_step_of_3b7(demo: Any, now: dt.datetime) -> None:
    queue = selectors.outreach_queue(demo, now=now)

    assert waiting_steps(queue) == {
        "Dr. Samuel Osei": (Step.WAIT, 2),
        "David Park": (Step.TRY_NEXT, 4),
        "Ethan Brown": (Step.NUDGE, 8),
        "Nadia Petrova": (Step.STOP, 12),
    }
    park = next(e for e in queue.waiting if e.outreach.contact.name == "David Park")
    assert park.next_person is not None and park.next_person.name == "Marcus Lee"
    assert not Message.objects.filter(contact=park.next_person).exists()
    assert {e.outreach.contact.name for e in queue.due} == {"David Park", "Ethan Brown"}
    petrova = outreach(demo, "Nadia Petrova", now)
    assert [m.kind for m in petrova.messages if m.is_sent] == [Kind.NUDGE, Kind.REQUEST_ALUMNI]


def test_every_stage_is_there(demo: Any, now: dt.datetime) -> None:
    queue = selectors.outreach_queue(demo, now=now)

    assert {e.outreach.contact.name for e in queue.drafted} == {
        "Hannah Schmidt",
        "Fatima Al-Sayed",
        "Samir Haddad",  # the person Dr. Stone referred Sam to
    }
    assert all(not m.is_sent for e in queue.drafted for m in e.outreach.messages)
    stages = {
        name: outreach(demo, name, now).stage
        for name in ("Greg Olsen", "Dr. Rebecca Stone", "Grace Liu", "Hannah Schmidt")
    }
    assert stages == {
        "Greg Olsen": Stage.DECLINED,
        "Dr. Rebecca Stone": Stage.REFERRED,
        "Grace Liu": Stage.SCHEDULED,
        "Hannah Schmidt": Stage.DRAFTED,
    }
    assert [e.outreach.contact.name for e in queue.declined] == ["Greg Olsen"]
    who_else = Message.objects.get(contact=person(demo, "Greg Olsen"), kind=Kind.WHO_ELSE)
    assert not who_else.is_sent
    haddad = person(demo, "Samir Haddad")
    assert haddad.referred_by == person(demo, "Dr. Rebecca Stone")
    assert Reply.objects.get(outcome=Outcome.REFERRED).referred_contact == haddad
    assert Message.objects.get(contact=haddad).kind == Kind.REQUEST_REFERRAL


def test_a_booster_and_an_obligate(demo: Any, now: dt.datetime) -> None:
    responders = {
        name: outreach(demo, name, now).responder
        for name in ("Grace Liu", "Dr. Rebecca Stone", "Greg Olsen", "Ethan Brown")
    }

    assert responders == {
        "Grace Liu": Responder.BOOSTER,
        "Dr. Rebecca Stone": Responder.BOOSTER,
        "Greg Olsen": Responder.OBLIGATE,
        "Ethan Brown": Responder.CURMUDGEON,
    }


def test_the_yes_has_a_meeting_in_the_future_at_a_proposed_time(
    demo: Any, now: dt.datetime
) -> None:
    liu = person(demo, "Grace Liu")
    meeting = Meeting.objects.get(owner=demo)
    request = Message.objects.get(contact=liu, kind=Kind.REQUEST_REFERRAL)

    assert meeting.contact == liu and meeting.start > now
    assert meeting.start in [slot_from_json(v).start for v in request.slots]
    assert (meeting.minutes, meeting.medium) == (20, "video")
    assert selectors.outreach_queue(demo, now=now).scheduled == [meeting]


def test_replies_come_after_their_request_and_nothing_is_in_the_future(
    demo: Any, now: dt.datetime
) -> None:
    replies = list(Reply.objects.filter(owner=demo).select_related("message"))
    assert len(replies) == 3
    for reply in replies:
        assert reply.message is not None and reply.message.sent_at is not None
        assert reply.message.sent_at < reply.received_at <= now
    sent = Message.objects.filter(owner=demo, sent_at__isnull=False)
    assert sent.count() == 8  # seven requests and a nudge
    assert all(m.sent_at is not None and m.sent_at <= now for m in sent)
    assert set(sent.values_list("channel", flat=True)) == {"copy", "mailto"}


def test_availability(demo: Any) -> None:
    windows = [
        (w.weekday, w.start.hour, w.end.hour) for w in AvailabilityWindow.objects.filter(user=demo)
    ]
    expected = [(d, start, end) for d in range(5) for start, end in [(9, 12), (13, 17)]]
    expected.insert(4, (1, 18, 20))  # Tuesday evening, after Tuesday afternoon
    assert windows == expected
    profile = demo.profile
    profile.refresh_from_db()
    assert (
        profile.buffer_minutes,
        profile.lead_business_days,
        profile.horizon_days,
        profile.country,
    ) == (15, 2, 14, "US")


# Through the command -------------------------------------------------------------------


def demo_user() -> Any:
    return get_user_model().objects.get(username="demo")


def test_the_demo_command_builds_the_outreach_for_today(db: Any) -> None:
    result = run("demo")

    assert result.exit_code == 0, result.stderr
    user = demo_user()
    queue = selectors.outreach_queue(user)
    assert {name: step for name, (step, _days) in waiting_steps(queue).items()} == {
        "Dr. Samuel Osei": Step.WAIT,
        "David Park": Step.TRY_NEXT,
        "Ethan Brown": Step.NUDGE,
        "Nadia Petrova": Step.STOP,
    }
    # The yes's meeting, and the conversations demo's practice run before it.
    assert [m.contact.name for m in queue.scheduled if not m.contact.practice] == ["Grace Liu"]
    shown = json.loads(run("outreach", "--user", "demo", "--json").stdout)
    assert {row["name"] for row in shown["waiting"] if row["due"]} == {"David Park", "Ethan Brown"}


def test_the_demo_command_twice_changes_nothing_and_reset_starts_over(db: Any) -> None:
    run("demo")
    first = demo_user()
    counts = (Message.objects.count(), Reply.objects.count(), Meeting.objects.count())

    run("demo")
    assert (Message.objects.count(), Reply.objects.count(), Meeting.objects.count()) == counts

    result = run("demo", "--reset")
    assert result.exit_code == 0, result.stderr
    again = demo_user()
    assert again.pk != first.pk
    assert not Message.objects.filter(owner_id=first.pk).exists()
    assert Message.objects.filter(owner=again).count() == counts[0]
    assert (
        Meeting.objects.filter(owner=again).count()
        == 1 + MEETINGS_ADDED + followups_demo.MEETINGS_ADDED
    )
