"""`coffeechat slots | availability | draft | outreach | reply`."""

from __future__ import annotations

import datetime as dt
import json
import re
import zoneinfo
from typing import Any

import pytest
from django.utils import timezone
from typer.testing import CliRunner

from coffeechat.accounts.models import AvailabilityWindow
from coffeechat.cli import app
from coffeechat.cli.outreach import window_parse
from coffeechat.lib.businessdays import business_day_before
from coffeechat.network.models import Contact
from coffeechat.outreach import selectors, services
from coffeechat.outreach.models import Kind, Meeting, Message, Outcome, Reply
from coffeechat.outreach.slots import slot_from_json, slot_label
from tests.factories import make_contact

CHICAGO = zoneinfo.ZoneInfo("America/Chicago")
MESSAGE_OUT = {
    "id",
    "contact",
    "kind",
    "subject",
    "body",
    "minutes",
    "medium",
    "channel",
    "sent_at",
    "checks",
    "slots",
}


def run(*args: str) -> Any:
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})


def failed(result: Any, message: str) -> None:
    """Exit 1 with one line on stderr saying `message`, and no traceback."""
    assert result.exit_code == 1, result.output
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "Traceback" not in result.output


def sent_request(owner: Any, contact: Contact, business_days_ago: int, **fields: Any) -> Message:
    """A request drafted and sent that many business days ago, at 10:00 Chicago time."""
    today = timezone.now().astimezone(CHICAGO).date()
    day = business_day_before(today, business_days_ago)
    at = dt.datetime.combine(day, dt.time(10), tzinfo=CHICAGO)
    message = services.message_draft(owner=owner, contact=contact, now=at, **fields)
    return services.message_send(message=message, channel="copy", now=at)


@pytest.fixture
def grace(alice: Any) -> Contact:
    return make_contact(
        alice,
        "Grace Liu",
        organization_name="Northwind Design",
        title="Design Director",
        email="grace@northwind.example",
        time_zone="Europe/London",
    )


@pytest.fixture
def secret(bob: Any) -> Contact:
    return make_contact(bob, "Bob's Secret Contact")


# slots ---------------------------------------------------------------------------------


def test_slots_lists_the_proposed_times(alice: Any) -> None:
    result = run("slots", "--user", "alice", "--count", "2", "--minutes", "30")

    assert result.exit_code == 0, result.stderr
    labels = selectors.slots_propose(alice, minutes=30, count=2).labels()
    assert len(labels) == 2
    assert result.stdout.splitlines() == [
        "Times to propose (30 minutes):",
        f"  1. {labels[0]}",
        f"  2. {labels[1]}",
    ]


def test_slots_json_writes_the_times_in_the_contacts_zone_too(grace: Any, alice: Any) -> None:
    result = run("slots", "--user", "alice", "--contact", "grace liu", "--json")

    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    proposal = selectors.slots_propose(alice, contact=grace)
    assert rows == [
        {"start": s.start.isoformat(), "end": s.end.isoformat(), "label": label}
        for s, label in zip(proposal.slots, proposal.labels(), strict=True)
    ]
    assert len(rows) == 3
    first = dt.datetime.fromisoformat(rows[0]["start"])
    assert first.utcoffset() == dt.timedelta(0)
    assert dt.datetime.fromisoformat(rows[0]["end"]) - first == dt.timedelta(minutes=20)
    assert "CST)" in rows[0]["label"] or "CDT)" in rows[0]["label"]  # London first, then hers


def test_slots_with_no_availability_left_says_so(alice: Any) -> None:
    services.availability_update(
        user=alice, windows=[(5, dt.time(9), dt.time(9, 15))], horizon_days=1
    )

    result = run("slots", "--user", "alice")

    assert result.exit_code == 0, result.stderr
    assert "No free time found" in result.stdout
    assert run("slots", "--user", "alice", "--json").stdout == "[]\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--minutes", "2"], "--minutes: ask for between 5 and 240 minutes."),
        (["--count", "0"], "--count: propose between 1 and 10 times."),
        (["--contact", "Nobody"], "No such contact “Nobody”."),
    ],
)
def test_slots_rejects_bad_input(alice: Any, args: list[str], message: str) -> None:
    result = run("slots", "--user", "alice", *args)
    failed(result, message)
    assert result.stdout == ""


def test_slots_for_another_users_contact_is_no_such_contact(alice: Any, secret: Any) -> None:
    result = run("slots", "--user", "alice", "--contact", str(secret.uuid))

    failed(result, f"No such contact “{secret.uuid}”.")
    assert result.stdout == ""


# availability --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "windows"),
    [
        ("Mon 09:00-17:00", [(0, "09:00", "17:00")]),
        ("Tue 13:00-15:00", [(1, "13:00", "15:00")]),
        ("Mon-Wed 9:00-12:30", [(d, "09:00", "12:30") for d in range(3)]),
        ("Mon,Wed 09:00-10:00", [(0, "09:00", "10:00"), (2, "09:00", "10:00")]),
        ("mon, fri-SUN 08:00–09:00", [(d, "08:00", "09:00") for d in (0, 4, 5, 6)]),
        ("Thursday 09:00-12:00,13:00-17:00", [(3, "09:00", "12:00"), (3, "13:00", "17:00")]),
        ("  Tues 18:00 - 20:00 ", [(1, "18:00", "20:00")]),
    ],
)
def test_window_parse_reads_days_and_times(text: str, windows: list[tuple[int, str, str]]) -> None:
    parsed = [(day, f"{start:%H:%M}", f"{end:%H:%M}") for day, start, end in window_parse(text)]
    assert parsed == windows


BAD_WINDOWS = [
    ("Funday 09:00-17:00", "“Funday” is not a day: use Mon, Tue, Wed, Thu, Fri, Sat or Sun."),
    ("Fri-Mon 09:00-17:00", "“Fri-Mon” runs backwards"),
    ("Mon 9am-5pm", "“9am-5pm” is not a time range: write it as 09:00-17:00."),
    ("Mon 17:00-09:00", "17:00-09:00: the end must be after the start."),
    ("Mon 09:00-24:00", "24:00 is not a time of day"),
    ("Mon", "write the days, then the times"),
    ("09:00-17:00", "write the days, then the times"),
    ("Mo 09:00-17:00", "“Mo” is not a day"),
]


@pytest.mark.parametrize(("text", "message"), BAD_WINDOWS)
def test_window_parse_says_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        window_parse(text)


def test_availability_shows_the_default_week(alice: Any) -> None:
    result = run("availability", "--user", "alice")

    assert result.exit_code == 0, result.stderr
    assert "Times (America/Chicago)" in result.stdout
    for day in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday"):
        row = next(line for line in result.stdout.splitlines() if day in line)
        assert "09:00–17:00" in row
    assert "Saturday" not in result.stdout
    assert "from 2 business days to 14 days ahead, 15 minutes clear" in result.stdout


def test_availability_set_replaces_the_windows_and_settings(alice: Any) -> None:
    result = run(
        "availability",
        "--user",
        "alice",
        "--set",
        "Mon-Fri 09:00-12:00,13:00-17:00",
        "--set",
        "Tue 18:00-20:00",
        "--set",
        "Mon 11:00-14:00",  # joins Monday's two spans into one
        "--buffer",
        "10",
        "--lead",
        "3",
        "--horizon",
        "21",
        "--country",
        "us",
        "--json",
    )

    assert result.exit_code == 0, result.stderr
    rows = [
        (w.weekday, f"{w.start:%H:%M}", f"{w.end:%H:%M}")
        for w in AvailabilityWindow.objects.filter(user=alice)
    ]
    assert rows == [
        (0, "09:00", "17:00"),
        (1, "09:00", "12:00"),
        (1, "13:00", "17:00"),
        (1, "18:00", "20:00"),
        *[
            (d, start, end)
            for d in (2, 3, 4)
            for start, end in [("09:00", "12:00"), ("13:00", "17:00")]
        ],
    ]
    data = json.loads(result.stdout)
    assert data == {
        "time_zone": "America/Chicago",
        "windows": [{"weekday": d, "start": s, "end": e} for d, s, e in rows],
        "buffer_minutes": 10,
        "lead_business_days": 3,
        "horizon_days": 21,
        "country": "US",
    }
    text = run("availability", "--user", "alice").stdout
    tuesday = next(line for line in text.splitlines() if "Tuesday" in line)
    assert "09:00–12:00, 13:00–17:00, 18:00–20:00" in tuesday
    assert "Public holidays: United States of America." in text


def test_availability_settings_alone_keep_the_windows(alice: Any) -> None:
    services.availability_update(user=alice, windows=[(2, dt.time(8), dt.time(10))])

    result = run("availability", "--user", "alice", "--buffer", "30")

    assert result.exit_code == 0, result.stderr
    assert [(w.weekday, w.start) for w in AvailabilityWindow.objects.filter(user=alice)] == [
        (2, dt.time(8))
    ]
    alice.profile.refresh_from_db()
    assert alice.profile.buffer_minutes == 30


@pytest.mark.parametrize(("text", "message"), BAD_WINDOWS[:4])
def test_availability_set_with_a_bad_window_changes_nothing(
    alice: Any, text: str, message: str
) -> None:
    services.availability_update(user=alice, windows=[(2, dt.time(8), dt.time(10))])

    result = run(
        "availability",
        "--user",
        "alice",
        "--set",
        "Mon 09:00-10:00",
        "--set",
        text,
        "--buffer",
        "5",
    )

    failed(result, f"--set “{text}”: {message}")
    assert result.stdout == ""
    assert [(w.weekday, w.start) for w in AvailabilityWindow.objects.filter(user=alice)] == [
        (2, dt.time(8))
    ]
    alice.profile.refresh_from_db()
    assert alice.profile.buffer_minutes == 15


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--buffer", "500"], "buffer_minutes: Ensure this value is less than or equal to 120."),
        (["--country", "XX"], "country: “XX” is not a country code Coffeechat knows"),
    ],
)
def test_availability_rejects_bad_settings(alice: Any, args: list[str], message: str) -> None:
    result = run("availability", "--user", "alice", "--set", "Sat 10:00-11:00", *args)

    failed(result, f"Availability not changed: {message}")
    assert not AvailabilityWindow.objects.filter(user=alice).exists()


# draft ---------------------------------------------------------------------------------


def test_draft_prints_the_message_its_checks_and_times(grace: Any, alice: Any) -> None:
    result = run("draft", "Grace Liu", "--user", "alice", "--medium", "video")

    assert result.exit_code == 0, result.stderr
    message = Message.objects.get(owner=alice, contact=grace)
    assert message.kind == Kind.REQUEST_COLD and not message.is_sent and message.medium == "video"
    out = result.stdout
    assert f"Draft {message.uuid}: Request: someone new to you, to Grace Liu" in out
    assert f"Subject: {message.subject}" in out
    assert message.body in out
    checks = selectors.message_checks(message)
    for check in checks:
        assert f"{'✓' if check.ok else '✗'} {check.message}" in out
        if check.fix:
            assert f"Fix: {check.fix}" in out
    london = zoneinfo.ZoneInfo("Europe/London")
    labels = [
        slot_label(slot_from_json(v), student_tz=CHICAGO, contact_tz=london) for v in message.slots
    ]
    assert len(labels) == 3
    assert out.split("Proposed times:\n")[1].splitlines() == [
        f"  {number}. {label}" for number, label in enumerate(labels, 1)
    ]


def test_draft_json_has_the_apis_message_shape(grace: Any, alice: Any) -> None:
    result = run("draft", str(grace.uuid), "--user", "alice", "--minutes", "30", "--json")

    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    message = Message.objects.get(owner=alice, contact=grace)
    assert set(data) == MESSAGE_OUT
    assert data["id"] == str(message.uuid)
    assert data["contact"] == str(grace.uuid)
    assert data["kind"] == "request_cold"
    assert (data["subject"], data["body"]) == (message.subject, message.body)
    assert data["minutes"] == 30 and data["sent_at"] is None and data["channel"] == ""
    assert data["checks"] and all(
        set(c) == {"code", "ok", "message", "fix", "level"} for c in data["checks"]
    )
    assert {c["level"] for c in data["checks"]} <= {"required", "advice"}
    assert [(s["start"], s["end"]) for s in data["slots"]] == [
        (v["start"], v["end"]) for v in message.slots
    ]
    assert len(data["slots"]) == 3 and all(s["label"] for s in data["slots"])


def test_draft_another_kind(grace: Any, alice: Any) -> None:
    sent_request(alice, grace, 8)

    result = run("draft", "Grace Liu", "--user", "alice", "--kind", "nudge", "--json")

    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["kind"] == "nudge"
    assert Message.objects.filter(contact=grace, kind=Kind.NUDGE, sent_at=None).count() == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--kind", "bogus"], "kind: Unknown kind “bogus”."),
        (["--medium", "fax"], "medium: Choose one of: phone, video, in_person."),
        (["--minutes", "999"], "minutes: Ask for between 5 and 240 minutes."),
    ],
)
def test_draft_rejects_bad_input(grace: Any, args: list[str], message: str) -> None:
    failed(run("draft", "Grace Liu", "--user", "alice", *args), message)
    assert not Message.objects.exists()


def test_draft_for_nobody_or_another_users_contact(alice: Any, secret: Any) -> None:
    for value in ("Dana Nobody", str(secret.uuid), "Bob's Secret Contact", "not-a-uuid-1234"):
        failed(run("draft", value, "--user", "alice"), f"No such contact “{value}”.")
    assert not Message.objects.exists()


def test_draft_asks_which_one_when_two_share_a_name(alice: Any) -> None:
    make_contact(alice, "Sam Lee", organization_name="Acme")
    other = make_contact(alice, "Sam Lee", organization_name="Globex")

    failed(run("draft", "sam lee", "--user", "alice"), "Several contacts are named “sam lee”")
    result = run("draft", "Sam Lee — Globex", "--user", "alice", "--json")

    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["contact"] == str(other.uuid)


# outreach ------------------------------------------------------------------------------


@pytest.fixture
def queue_rows(alice: Any, grace: Any) -> dict[str, Contact]:
    people = {
        "dana": make_contact(alice, "Dana Reyes", organization_name="Globex"),
        "eli": make_contact(alice, "Eli Park", organization_name="Acme"),
        "fay": make_contact(alice, "Fay Acme", organization_name="Acme"),  # not contacted
        "gus": make_contact(alice, "Gus Wait"),
        "hal": make_contact(alice, "Hal Draft"),
        "ivy": make_contact(alice, "Ivy Yes", time_zone="America/Chicago"),
        "jon": make_contact(alice, "Jon No"),
    }
    sent_request(alice, people["dana"], 8)
    sent_request(alice, people["eli"], 4)
    sent_request(alice, people["gus"], 1)
    services.message_draft(owner=alice, contact=people["hal"])
    asked = sent_request(alice, people["ivy"], 1)
    services.reply_record(
        owner=alice,
        contact=people["ivy"],
        outcome=Outcome.YES,
        start=slot_from_json(asked.slots[0]).start,
    )
    sent_request(alice, people["jon"], 2)
    services.reply_record(owner=alice, contact=people["jon"], outcome=Outcome.NO)
    return people


def test_outreach_shows_what_is_due_waiting_drafted_scheduled_and_declined(
    queue_rows: dict[str, Contact],
) -> None:
    result = run("outreach", "--user", "alice")

    assert result.exit_code == 0, result.stderr
    out = result.stdout
    due, rest = out.split("Waiting for a reply")
    lines = due.splitlines()
    dana = next(line for line in lines if "Dana Reyes" in line)
    assert "8 business days" in dana and "Send one follow-up nudge" in dana
    eli = next(line for line in lines if "Eli Park" in line)
    assert "4 business days" in eli
    assert "Contact the next person at this organization: Fay Acme" in eli
    gus = next(line for line in rest.splitlines() if "Gus Wait" in line)
    assert "1 business day " in gus and "Give them time to answer" in gus
    hal_draft = Message.objects.get(contact=queue_rows["hal"])
    assert str(hal_draft.uuid) in rest.split("Drafts")[1].split("Scheduled")[0]
    scheduled = rest.split("Scheduled")[1].split("Declined")[0]
    assert "Ivy Yes" in scheduled
    who_else = Message.objects.get(contact=queue_rows["jon"], kind=Kind.WHO_ELSE)
    assert "Jon No" in rest.split("Declined")[1] and str(who_else.uuid) in rest


def test_outreach_json(queue_rows: dict[str, Contact], alice: Any) -> None:
    result = run("outreach", "--user", "alice", "--json")

    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == {"today", "waiting", "drafted", "declined", "scheduled"}
    steps = {
        row["name"]: (row["step"], row["business_days"], row["due"]) for row in data["waiting"]
    }
    assert steps == {
        "Dana Reyes": ("nudge", 8, True),
        "Eli Park": ("try_next", 4, True),
        "Gus Wait": ("wait", 1, False),
    }
    eli = next(row for row in data["waiting"] if row["name"] == "Eli Park")
    assert eli["next_person"] == str(queue_rows["fay"].uuid)
    assert eli["next_person_name"] == "Fay Acme" and eli["organization"] == "Acme"
    assert [row["name"] for row in data["drafted"]] == ["Hal Draft"]
    assert data["drafted"][0]["draft"] == str(Message.objects.get(contact=queue_rows["hal"]).uuid)
    assert [row["name"] for row in data["declined"]] == ["Jon No"]
    meeting = Meeting.objects.get(contact=queue_rows["ivy"])
    (row,) = data["scheduled"]
    assert row["id"] == str(meeting.uuid)
    assert dt.datetime.fromisoformat(row["start"]) == meeting.start
    assert row["label"].endswith(("CST", "CDT"))


def test_outreach_with_nothing_yet(alice: Any, secret: Any) -> None:
    services.message_draft(owner=secret.owner, contact=secret)

    result = run("outreach", "--user", "alice")

    assert result.exit_code == 0, result.stderr
    assert "alice has not reached out to anyone yet." in result.stdout
    data = json.loads(run("outreach", "--user", "alice", "--json").stdout)
    assert data["drafted"] == data["waiting"] == data["scheduled"] == data["declined"] == []


# reply ---------------------------------------------------------------------------------


def test_reply_yes_with_a_slot_schedules_the_meeting_at_that_time(grace: Any, alice: Any) -> None:
    request = sent_request(alice, grace, 1, medium="video", minutes=30)

    result = run("reply", "Grace Liu", "--user", "alice", "--outcome", "yes", "--slot", "2")

    assert result.exit_code == 0, result.stderr
    meeting = Meeting.objects.get(owner=alice, contact=grace)
    assert meeting.start == slot_from_json(request.slots[1]).start
    assert meeting.minutes == 30 and meeting.medium == "video"
    reply = Reply.objects.get(contact=grace)
    assert reply.outcome == Outcome.YES and reply.message == request
    assert "Grace Liu said yes: meeting on " in result.stdout
    assert str(meeting.uuid) in result.stdout


def test_reply_yes_at_another_time(grace: Any, alice: Any) -> None:
    sent_request(alice, grace, 1)

    result = run(
        "reply",
        "Grace Liu",
        "--user",
        "alice",
        "--outcome",
        "yes",
        "--start",
        "2030-03-12T15:00-05:00",
        "--minutes",
        "45",
    )

    assert result.exit_code == 0, result.stderr
    meeting = Meeting.objects.get(contact=grace)
    assert meeting.start == dt.datetime(2030, 3, 12, 20, tzinfo=dt.UTC)
    assert meeting.minutes == 45


def test_reply_no_drafts_the_who_else_message(grace: Any, alice: Any) -> None:
    sent_request(alice, grace, 3)

    result = run("reply", "Grace Liu", "--user", "alice", "--outcome", "no")

    assert result.exit_code == 0, result.stderr
    draft = Message.objects.get(contact=grace, kind=Kind.WHO_ELSE)
    assert not draft.is_sent
    assert f"draft {draft.uuid}" in result.stdout
    assert Reply.objects.get(contact=grace).outcome == Outcome.NO
    assert not Meeting.objects.exists()
    assert selectors.contact_outreach(alice, grace).waiting is None  # no nudge due any more


def test_reply_referred_adds_the_person_with_a_first_request(grace: Any, alice: Any) -> None:
    sent_request(alice, grace, 2)

    result = run(
        "reply",
        "Grace Liu",
        "--user",
        "alice",
        "--outcome",
        "referred",
        "--referred-name",
        "Mateo García",
        "--referred-email",
        "mateo@northwind.example",
        "--referred-organization",
        "Northwind Design",
    )

    assert result.exit_code == 0, result.stderr
    mateo = Contact.objects.get(owner=alice, name="Mateo García")
    assert mateo.referred_by == grace and mateo.email == "mateo@northwind.example"
    assert mateo.organization == grace.organization
    draft = Message.objects.get(contact=mateo)
    assert draft.kind == Kind.REQUEST_REFERRAL and not draft.is_sent
    assert "Grace Liu referred you to Mateo García" in result.stdout
    assert f"draft {draft.uuid}" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--outcome", "yes", "--slot", "4"],
            "--slot 4: the last request to Grace Liu proposed 1 to 3.",
        ),
        (["--outcome", "yes", "--slot", "0"], "--slot 0: the last request"),
        (["--outcome", "yes"], "start: Pick one of the proposed times, or enter another."),
        (["--outcome", "yes", "--start", "tomorrow"], "--start “tomorrow” is not a date and time"),
        (["--outcome", "yes", "--start", "2030-03-12T15:00"], "needs its UTC offset"),
        (
            ["--outcome", "yes", "--slot", "1", "--start", "2030-03-12T15:00Z"],
            "Give --start or --slot, not both.",
        ),
        (["--outcome", "no", "--slot", "1"], "--start and --slot are for --outcome yes."),
        (["--outcome", "maybe"], "outcome: Choose yes, no or referred."),
        (["--outcome", "referred"], "referred_name: Who did they suggest? Enter a name."),
        (["--outcome", "yes", "--slot", "1", "--minutes", "1"], "minutes: A meeting lasts"),
    ],
)
def test_reply_rejects_bad_input_and_records_nothing(
    grace: Any, alice: Any, args: list[str], message: str
) -> None:
    sent_request(alice, grace, 1)
    contacts = Contact.objects.count()

    failed(run("reply", "Grace Liu", "--user", "alice", *args), message)

    assert not Reply.objects.exists() and not Meeting.objects.exists()
    assert Contact.objects.count() == contacts


def test_reply_with_a_slot_but_no_request_sent(grace: Any, alice: Any) -> None:
    services.message_draft(owner=alice, contact=grace)  # drafted, never sent

    result = run("reply", "Grace Liu", "--user", "alice", "--outcome", "yes", "--slot", "1")

    failed(result, "No request to Grace Liu proposed times: give --start instead.")
    assert not Reply.objects.exists()


def test_reply_for_another_users_contact_is_no_such_contact(alice: Any, secret: Any) -> None:
    services.message_send(
        message=services.message_draft(owner=secret.owner, contact=secret), channel="copy"
    )

    result = run("reply", str(secret.uuid), "--user", "alice", "--outcome", "no")

    failed(result, "No such contact")
    assert not Reply.objects.exists()
    assert Message.objects.count() == 1
