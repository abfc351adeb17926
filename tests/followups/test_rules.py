"""The reminder rules as pure functions: facts in, exact due dates out, no database.

Every test builds the facts by hand (PersonFacts, Clock, Numbers) and sets the clock where
it needs it, so "what is due when" is checked to the day, and so is what cancels or resets
a reminder. The Hypothesis tests at the end throw random histories at all the rules.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from zoneinfo import ZoneInfo

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coffeechat.followups import rules
from coffeechat.followups.rules import (
    Bucket,
    Choice,
    Clock,
    MeetingFact,
    MessageFact,
    NoteFact,
    Numbers,
    PersonFacts,
    ReplyFact,
    Rule,
    add_months,
)
from tests.followups.conftest import CHICAGO, chicago, day

DEFAULTS = Numbers()


# Wednesday 18 November 2026, noon in Chicago.
NOW = chicago("2026-11-18", 12)


def clock(now: dt.datetime = NOW, country: str = "") -> Clock:
    return Clock(now=now, tz=CHICAGO, country=country)


def done(
    end: dt.datetime,
    key: str = "m1",
    *,
    minutes: int = 30,
    finished: bool = True,
    status: str = "done",
) -> MeetingFact:
    """A conversation that ended at `end` (finished in live mode, or only marked done)."""
    return MeetingFact(
        key=key,
        start=end - dt.timedelta(minutes=minutes),
        end=end,
        status=status,
        finished_at=end if finished else None,
    )


def upcoming(
    start: dt.datetime,
    key: str = "m9",
    *,
    to_do: tuple[str, ...] = ("search for Dana Reyes online", "read their LinkedIn page"),
    questions: int = 0,
    status: str = "scheduled",
    scheduled_at: dt.datetime | None = None,
) -> MeetingFact:
    return MeetingFact(
        key=key,
        start=start,
        end=start + dt.timedelta(minutes=20),
        status=status,
        research_to_do=to_do,
        planned_questions=questions,
        scheduled_at=scheduled_at,
    )


def sent(kind: str, at: dt.datetime, key: str = "") -> MessageFact:
    return MessageFact(key=key or f"{kind}@{at.isoformat()}", kind=kind, created_at=at, sent_at=at)


def draft(kind: str, at: dt.datetime, key: str = "draft") -> MessageFact:
    return MessageFact(key=key, kind=kind, created_at=at)


def note(
    kind: str = "advice",
    at: dt.datetime = NOW,
    *,
    key: str = "n1",
    acted: dt.datetime | None = None,
    text: str = "Join the local UX guild",
) -> NoteFact:
    return NoteFact(key=key, kind=kind, text=text, created_at=at, acted_on_at=acted)


def dana(**facts: object) -> PersonFacts:
    return PersonFacts(key="dana", name="Dana Reyes", organization="Acme Health", **facts)  # type: ignore[arg-type]


def dues(
    rule: Rule, person: PersonFacts, at: Clock | None = None, numbers: Numbers = DEFAULTS
) -> list[dt.date]:
    """The due dates of one rule's reminders for one person."""
    return [r.due for r in rules.RULES[rule](person, numbers, at or clock())]


def found(
    rule: Rule, person: PersonFacts, at: Clock | None = None, numbers: Numbers = DEFAULTS
) -> list[rules.Reminder]:
    return rules.RULES[rule](person, numbers, at or clock())


# --- Thank-you ------------------------------------------------------------------------------


def test_thank_you_is_due_the_day_of_the_conversation_within_24_hours() -> None:
    person = dana(meetings=(done(chicago("2026-11-18", 10)),))

    (reminder,) = found(Rule.THANK_YOU, person)

    assert reminder.due == day("2026-11-18")
    assert reminder.deadline == chicago("2026-11-19", 10)
    assert (reminder.key, reminder.meeting_key, reminder.contact_key) == ("m1", "m1", "dana")
    assert reminder.title == "Thank Dana Reyes"
    assert rules.bucket(reminder, clock()) == Bucket.TODAY
    assert rules.bucket(reminder, clock(chicago("2026-11-19", 9, 59))) == Bucket.OVERDUE


def test_thank_you_appears_as_soon_as_the_conversation_is_finished() -> None:
    running = dana(meetings=(done(chicago("2026-11-18", 11, 30), status="scheduled"),))
    finished = dana(meetings=(done(chicago("2026-11-18", 11, 30)),))

    assert dues(Rule.THANK_YOU, running, clock(chicago("2026-11-18", 11, 29))) == []
    assert dues(Rule.THANK_YOU, finished, clock(chicago("2026-11-18", 11, 30))) == [
        day("2026-11-18")
    ]


def test_a_meeting_marked_done_without_live_mode_counts_from_its_end() -> None:
    person = dana(meetings=(done(chicago("2026-11-17", 16), finished=False),))

    (reminder,) = found(Rule.THANK_YOU, person)

    assert reminder.due == day("2026-11-17")
    assert reminder.deadline == chicago("2026-11-18", 16)


def test_a_meeting_marked_done_before_its_planned_end_is_thanked_at_once() -> None:
    # 11:30 to 12:30, marked done at noon: no waiting for the planned end.
    person = dana(meetings=(done(chicago("2026-11-18", 12, 30), minutes=60, finished=False),))

    assert dues(Rule.THANK_YOU, person, clock(chicago("2026-11-18", 12))) == [day("2026-11-18")]
    # Marked done before it even started: a slip of the finger, nothing due yet.
    assert dues(Rule.THANK_YOU, person, clock(chicago("2026-11-18", 11))) == []


def test_a_changed_number_of_hours_moves_the_deadline() -> None:
    person = dana(meetings=(done(chicago("2026-11-18", 9)),))
    four_hours = Numbers(thank_you_hours=4)

    (reminder,) = found(Rule.THANK_YOU, person, numbers=four_hours)

    assert reminder.due == day("2026-11-18")
    assert reminder.deadline == chicago("2026-11-18", 13)
    assert rules.bucket(reminder, clock(chicago("2026-11-18", 12, 59))) == Bucket.TODAY
    assert rules.bucket(reminder, clock(chicago("2026-11-18", 13, 1))) == Bucket.OVERDUE
    assert "Within 4 hours" in reminder.detail


@pytest.mark.parametrize("status", ["cancelled", "no_show", "scheduled"])
def test_no_thank_you_for_a_meeting_that_did_not_happen(status: str) -> None:
    person = dana(meetings=(done(chicago("2026-11-18", 10), status=status),))

    assert dues(Rule.THANK_YOU, person) == []


def test_a_thank_you_sent_after_the_meeting_started_ends_it_a_draft_does_not() -> None:
    meeting = done(chicago("2026-11-18", 10))
    written = draft("thank_you", chicago("2026-11-18", 10, 5))

    (reminder,) = found(Rule.THANK_YOU, dana(meetings=(meeting,), messages=(written,)))
    assert reminder.draft_key == "draft"

    thanked = dana(meetings=(meeting,), messages=(sent("thank_you", chicago("2026-11-18", 11)),))
    assert dues(Rule.THANK_YOU, thanked) == []


def test_a_thank_you_sent_before_the_meeting_does_not_count() -> None:
    # Thanked for agreeing to talk, a week before: the conversation still needs its own.
    earlier = sent("thank_you", chicago("2026-11-11", 9))
    person = dana(meetings=(done(chicago("2026-11-18", 10)),), messages=(earlier,))

    assert dues(Rule.THANK_YOU, person) == [day("2026-11-18")]


def test_a_thank_you_is_dropped_30_days_after_the_conversation() -> None:
    person = dana(meetings=(done(chicago("2026-11-18", 10)),))

    assert dues(Rule.THANK_YOU, person, clock(chicago("2026-12-18", 10))) == [day("2026-11-18")]
    assert dues(Rule.THANK_YOU, person, clock(chicago("2026-12-18", 10, 1))) == []


def test_two_conversations_two_thank_yous_and_one_sent_after_both_covers_both() -> None:
    """One thank-you after the second conversation thanks them for both: a second note
    for the first one, days later, would be odd. Sent between the two, it covers only
    the first."""
    first = done(chicago("2026-11-10", 10), "m1")
    second = done(chicago("2026-11-17", 10), "m2")
    person = dana(meetings=(first, second))

    assert [(r.key, r.due) for r in found(Rule.THANK_YOU, person)] == [
        ("m1", day("2026-11-10")),
        ("m2", day("2026-11-17")),
    ]
    between = replace(person, messages=(sent("thank_you", chicago("2026-11-11", 9)),))
    assert [r.key for r in found(Rule.THANK_YOU, between)] == ["m2"]
    after = replace(person, messages=(sent("thank_you", chicago("2026-11-17", 18)),))
    assert found(Rule.THANK_YOU, after) == []


# --- LinkedIn -------------------------------------------------------------------------------


def test_no_linkedin_reminder_before_the_thank_you_is_sent() -> None:
    meeting = done(chicago("2026-11-17", 10))

    assert dues(Rule.LINKEDIN, dana(meetings=(meeting,))) == []
    written = dana(meetings=(meeting,), messages=(draft("thank_you", chicago("2026-11-17", 11)),))
    assert dues(Rule.LINKEDIN, written) == []


def test_linkedin_is_due_the_day_after_the_thank_you() -> None:
    person = dana(
        meetings=(done(chicago("2026-11-17", 10)),),
        messages=(sent("thank_you", chicago("2026-11-17", 15)),),
    )

    (reminder,) = found(Rule.LINKEDIN, person)
    assert (reminder.key, reminder.due) == ("dana", day("2026-11-18"))
    assert dues(Rule.LINKEDIN, person, numbers=Numbers(linkedin_days=3)) == [day("2026-11-20")]
    assert dues(Rule.LINKEDIN, person, numbers=Numbers(linkedin_days=0)) == [day("2026-11-17")]


def test_linkedin_counts_from_the_thank_you_day_in_the_students_zone() -> None:
    # 11 PM Tuesday in Chicago is 05:00 Wednesday in UTC: the student thanked on Tuesday.
    late = chicago("2026-11-17", 23)
    person = dana(meetings=(done(chicago("2026-11-17", 10)),), messages=(sent("thank_you", late),))

    assert dues(Rule.LINKEDIN, person) == [day("2026-11-18")]
    in_utc = Clock(now=NOW, tz=dt.UTC)
    assert dues(Rule.LINKEDIN, person, in_utc) == [day("2026-11-19")]


@pytest.mark.parametrize("kind", ["linkedin_connect", "linkedin_note"])
def test_linkedin_ends_once_a_connection_note_is_sent(kind: str) -> None:
    person = dana(
        meetings=(done(chicago("2026-11-17", 10)),),
        messages=(
            sent("thank_you", chicago("2026-11-17", 15)),
            sent(kind, chicago("2026-11-18", 9)),
        ),
    )

    assert dues(Rule.LINKEDIN, person) == []


def test_a_linkedin_draft_does_not_end_the_reminder() -> None:
    person = dana(
        meetings=(done(chicago("2026-11-17", 10)),),
        messages=(
            sent("thank_you", chicago("2026-11-17", 15)),
            draft("linkedin_connect", chicago("2026-11-18", 9), key="note-draft"),
        ),
    )

    (reminder,) = found(Rule.LINKEDIN, person)
    assert reminder.draft_key == "note-draft"


def test_never_linkedin_for_someone_imported_as_a_linkedin_connection() -> None:
    person = replace(
        dana(
            meetings=(done(chicago("2026-11-17", 10)),),
            messages=(sent("thank_you", chicago("2026-11-17", 15)),),
        ),
        linkedin_connected=True,
    )

    assert dues(Rule.LINKEDIN, person) == []


# --- Progress update ------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["advice", "resource"])
def test_progress_is_due_two_days_after_acting_on_advice_or_a_resource(kind: str) -> None:
    acted = note(kind, chicago("2026-11-10", 10), acted=chicago("2026-11-16", 20))
    person = dana(meetings=(done(chicago("2026-11-10", 10)),), notes=(acted,))

    (reminder,) = found(Rule.PROGRESS, person)
    assert (reminder.key, reminder.note_key, reminder.due) == ("n1", "n1", day("2026-11-18"))
    assert reminder.title == f"Tell Dana Reyes how their {kind} helped"
    assert "Join the local UX guild" in reminder.detail
    assert dues(Rule.PROGRESS, person, numbers=Numbers(progress_days=5)) == [day("2026-11-21")]


@pytest.mark.parametrize("kind", ["idea", "asked_me", "note"])
def test_no_progress_update_for_other_notes_even_if_acted_on(kind: str) -> None:
    acted = note(kind, chicago("2026-11-10", 10), acted=chicago("2026-11-16", 10))

    assert dues(Rule.PROGRESS, dana(notes=(acted,))) == []


def test_no_progress_update_until_a_note_is_acted_on_and_none_once_unmarked() -> None:
    marked = note("advice", chicago("2026-11-10", 10), acted=chicago("2026-11-16", 10))
    unmarked = replace(marked, acted_on_at=None)

    assert dues(Rule.PROGRESS, dana(notes=(marked,))) == [day("2026-11-18")]
    assert dues(Rule.PROGRESS, dana(notes=(unmarked,))) == []


def test_a_progress_update_sent_after_acting_ends_it_one_sent_before_does_not() -> None:
    acted = note("advice", chicago("2026-11-10", 10), acted=chicago("2026-11-16", 10))

    before = dana(notes=(acted,), messages=(sent("progress_update", chicago("2026-11-12", 9)),))
    after = dana(notes=(acted,), messages=(sent("progress_update", chicago("2026-11-17", 9)),))
    written = dana(notes=(acted,), messages=(draft("progress_update", chicago("2026-11-17", 9)),))

    assert dues(Rule.PROGRESS, before) == [day("2026-11-18")]
    assert dues(Rule.PROGRESS, after) == []
    assert [r.draft_key for r in found(Rule.PROGRESS, written)] == ["draft"]


# --- Keep in touch --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        ("2026-11-18", 3, "2027-02-18"),
        ("2026-11-30", 3, "2027-02-28"),
        ("2027-11-30", 3, "2028-02-29"),
        ("2026-08-31", 1, "2026-09-30"),
        ("2026-12-31", 2, "2027-02-28"),
        ("2026-10-15", 24, "2028-10-15"),
    ],
)
def test_add_months_keeps_the_day_or_takes_the_months_last(
    start: str, months: int, expected: str
) -> None:
    assert add_months(day(start), months) == day(expected)


def test_keep_in_touch_is_for_people_met() -> None:
    asked = dana(messages=(sent("request_cold", chicago("2026-11-02", 9)),))
    missed = dana(meetings=(done(chicago("2026-11-02", 10), status="no_show"),))

    assert dues(Rule.KEEP_IN_TOUCH, asked) == []
    assert dues(Rule.KEEP_IN_TOUCH, missed) == []


def test_keep_in_touch_is_due_three_months_after_the_last_interaction() -> None:
    person = dana(meetings=(done(chicago("2026-11-18", 10)),), notes=(note(at=NOW),))

    (reminder,) = found(Rule.KEEP_IN_TOUCH, person)
    assert (reminder.key, reminder.due) == ("dana", day("2027-02-18"))
    assert "Last in touch 18 Nov 2026" in reminder.detail
    assert dues(Rule.KEEP_IN_TOUCH, person, numbers=Numbers(keep_in_touch_months=6)) == [
        day("2027-05-18")
    ]


def test_keep_in_touch_clamps_to_the_end_of_a_shorter_month() -> None:
    person = dana(meetings=(done(chicago("2026-11-30", 17)),))

    assert dues(Rule.KEEP_IN_TOUCH, person, clock(chicago("2026-12-01"))) == [day("2027-02-28")]


MET = done(chicago("2026-09-01", 10))
LATER = chicago("2026-10-20", 9)


@pytest.mark.parametrize(
    "interaction",
    [
        pytest.param({"messages": (sent("request_cold", LATER),)}, id="request sent"),
        pytest.param({"messages": (sent("thank_you", LATER),)}, id="thank-you sent"),
        pytest.param({"messages": (sent("keep_in_touch", LATER),)}, id="catch-up sent"),
        pytest.param({"messages": (sent("linkedin_connect", LATER),)}, id="linkedin sent"),
        pytest.param({"replies": (ReplyFact("yes", LATER),)}, id="reply"),
        pytest.param({"replies": (ReplyFact("no", LATER),)}, id="decline"),
        pytest.param({"meetings": (MET, done(LATER + dt.timedelta(hours=1), "m2"))}, id="met"),
        pytest.param({"notes": (note(at=LATER),)}, id="note added"),
        pytest.param(
            {"notes": (note(at=chicago("2026-09-01", 10), acted=LATER),)}, id="note acted on"
        ),
    ],
)
def test_every_interaction_resets_keep_in_touch(interaction: dict[str, tuple[object]]) -> None:
    before = dana(meetings=(MET,))
    after = replace(before, **interaction)

    assert dues(Rule.KEEP_IN_TOUCH, before) == [day("2026-12-01")]
    assert dues(Rule.KEEP_IN_TOUCH, after) == [day("2027-01-20")]


def test_a_draft_does_not_reset_keep_in_touch() -> None:
    person = dana(meetings=(MET,), messages=(draft("keep_in_touch", LATER),))

    (reminder,) = found(Rule.KEEP_IN_TOUCH, person)
    assert (reminder.due, reminder.draft_key) == (day("2026-12-01"), "draft")


def test_no_keep_in_touch_while_a_meeting_is_on_the_calendar() -> None:
    person = dana(meetings=(MET, upcoming(chicago("2026-11-24", 8))))

    assert dues(Rule.KEEP_IN_TOUCH, person) == []
    # Once that meeting's time has passed (and nobody marked it), the reminder is back.
    assert dues(Rule.KEEP_IN_TOUCH, person, clock(chicago("2026-11-24", 9))) == [day("2026-12-01")]


# --- 3B7: try the next person, then nudge once ----------------------------------------------


def test_3b7_try_next_after_3_business_days_and_nudge_after_7() -> None:
    person = dana(messages=(sent("request_cold", chicago("2026-11-16", 9), key="ask"),))

    (try_next,) = found(Rule.TRY_NEXT, person)
    (nudge,) = found(Rule.NUDGE, person)

    assert (try_next.key, try_next.due) == ("ask", day("2026-11-19"))  # Monday → Thursday
    assert (nudge.key, nudge.due) == ("ask", day("2026-11-25"))  # → the next Wednesday
    assert try_next.title == "Contact the next person at Acme Health"


def test_3b7_skips_the_weekend() -> None:
    person = dana(messages=(sent("request_cold", chicago("2026-11-20", 9)),))  # a Friday

    assert dues(Rule.TRY_NEXT, person) == [day("2026-11-25")]  # Wednesday
    assert dues(Rule.NUDGE, person) == [day("2026-12-01")]  # Tuesday a week later


def test_the_holidays_library_knows_thanksgiving_but_not_the_day_after() -> None:
    # The facts the next test rests on, from the library itself rather than from memory.
    us = holidays.country_holidays("US", years=2026)
    assert "Thanksgiving" in us[day("2026-11-26")]
    assert day("2026-11-27") not in us


def test_3b7_skips_the_students_public_holidays() -> None:
    person = dana(messages=(sent("request_cold", chicago("2026-11-23", 9)),))  # Monday
    us = clock(chicago("2026-11-23", 12), country="US")
    nowhere = clock(chicago("2026-11-23", 12), country="")

    # Tue 24, Wed 25, (Thanksgiving), Fri 27.
    assert dues(Rule.TRY_NEXT, person, us) == [day("2026-11-27")]
    assert dues(Rule.TRY_NEXT, person, nowhere) == [day("2026-11-26")]
    # Tue 24, Wed 25, Fri 27, Mon 30, Tue 1, Wed 2, Thu 3.
    assert dues(Rule.NUDGE, person, us) == [day("2026-12-03")]
    assert dues(Rule.NUDGE, person, nowhere) == [day("2026-12-02")]
    assert dues(Rule.NUDGE, person, us, Numbers(try_next_days=2, nudge_days=5)) == [
        day("2026-12-01")
    ]


def test_3b7_counts_from_the_first_request_not_a_later_one() -> None:
    person = dana(
        messages=(
            sent("request_cold", chicago("2026-11-16", 9), key="first"),
            sent("request_known", chicago("2026-11-18", 9), key="second"),
        )
    )

    assert [(r.key, r.due) for r in found(Rule.NUDGE, person)] == [("first", day("2026-11-25"))]


def test_3b7_waits_for_a_request_actually_sent() -> None:
    person = dana(messages=(draft("request_cold", chicago("2026-11-10", 9)),))

    assert dues(Rule.TRY_NEXT, person) == []
    assert dues(Rule.NUDGE, person) == []


ASKED = sent("request_cold", chicago("2026-11-09", 9))


@pytest.mark.parametrize("outcome", ["yes", "no", "referred"])
def test_any_reply_cancels_try_next_and_the_nudge(outcome: str) -> None:
    person = dana(messages=(ASKED,), replies=(ReplyFact(outcome, chicago("2026-11-17", 9)),))

    assert dues(Rule.TRY_NEXT, dana(messages=(ASKED,))) == [day("2026-11-12")]
    assert dues(Rule.TRY_NEXT, person) == []
    assert dues(Rule.NUDGE, person) == []


@pytest.mark.parametrize("status", ["scheduled", "done", "cancelled", "no_show"])
def test_a_meeting_logged_cancels_try_next_and_the_nudge(status: str) -> None:
    meeting = done(chicago("2026-11-20", 10), status=status)
    person = dana(messages=(ASKED,), meetings=(meeting,))

    assert dues(Rule.TRY_NEXT, person) == []
    assert dues(Rule.NUDGE, person) == []


def test_a_nudge_sent_ends_the_nudge_and_try_next_a_draft_does_not() -> None:
    nudged = dana(messages=(ASKED, sent("nudge", chicago("2026-11-18", 9))))
    written = dana(messages=(ASKED, draft("nudge", chicago("2026-11-18", 9), key="nudge-draft")))

    assert dues(Rule.NUDGE, nudged) == []
    assert dues(Rule.TRY_NEXT, nudged) == []
    assert [r.draft_key for r in found(Rule.NUDGE, written)] == ["nudge-draft"]
    assert dues(Rule.TRY_NEXT, written) == [day("2026-11-12")]


def test_try_next_ends_once_someone_else_there_is_asked_after_the_first_request() -> None:
    earlier = replace(dana(messages=(ASKED,)), organization_requests=(chicago("2026-11-02", 9),))
    later = replace(dana(messages=(ASKED,)), organization_requests=(chicago("2026-11-13", 9),))

    assert dues(Rule.TRY_NEXT, earlier) == [day("2026-11-12")]
    assert dues(Rule.TRY_NEXT, later) == []
    assert dues(Rule.NUDGE, later) == [day("2026-11-18")]  # still waiting on Dana herself


def test_no_try_next_without_an_organization_but_still_a_nudge() -> None:
    person = replace(dana(messages=(ASKED,)), organization="")

    assert dues(Rule.TRY_NEXT, person) == []
    assert dues(Rule.NUDGE, person) == [day("2026-11-18")]


# --- Prepare --------------------------------------------------------------------------------


def test_prepare_is_due_the_day_before_and_lists_what_is_missing() -> None:
    person = dana(meetings=(upcoming(chicago("2026-11-24", 8)),))  # Tuesday 8 AM

    (reminder,) = found(Rule.PREPARE, person)

    assert (reminder.key, reminder.due) == ("m9", day("2026-11-23"))  # Monday
    assert reminder.detail == (
        "Still to do: search for Dana Reyes online; read their LinkedIn page; plan your questions."
    )
    assert dues(Rule.PREPARE, person, numbers=Numbers(prepare_days=3)) == [day("2026-11-21")]


def test_prepare_counts_days_in_the_students_zone() -> None:
    # Tuesday 00:30 UTC is Monday 6:30 PM in Chicago: prepare on Sunday.
    start = dt.datetime(2026, 11, 24, 0, 30, tzinfo=dt.UTC)
    person = dana(meetings=(upcoming(start),))

    assert dues(Rule.PREPARE, person) == [day("2026-11-22")]
    assert dues(Rule.PREPARE, person, Clock(now=NOW, tz=dt.UTC)) == [day("2026-11-23")]


def test_prepare_asks_only_for_what_is_still_missing() -> None:
    researched = dana(meetings=(upcoming(chicago("2026-11-24", 8), to_do=()),))
    planned = dana(meetings=(upcoming(chicago("2026-11-24", 8), questions=3),))
    ready = dana(meetings=(upcoming(chicago("2026-11-24", 8), to_do=(), questions=1),))

    assert [r.detail for r in found(Rule.PREPARE, researched)] == [
        "Still to do: plan your questions."
    ]
    assert [r.detail for r in found(Rule.PREPARE, planned)] == [
        "Still to do: search for Dana Reyes online; read their LinkedIn page."
    ]
    assert found(Rule.PREPARE, ready) == []


def test_prepare_is_gone_once_the_meeting_starts_or_if_it_was_cancelled() -> None:
    start = chicago("2026-11-24", 8)
    person = dana(meetings=(upcoming(start),))
    cancelled = dana(meetings=(upcoming(start, status="cancelled"),))

    assert dues(Rule.PREPARE, person, clock(start - dt.timedelta(minutes=1))) == [day("2026-11-23")]
    assert dues(Rule.PREPARE, person, clock(start)) == []
    assert dues(Rule.PREPARE, cancelled) == []


def test_prepare_for_a_meeting_booked_today_is_due_today_not_overdue() -> None:
    # Booked at 9 AM for 3 PM the same day: the reminder did not exist yesterday.
    booked = chicago("2026-11-18", 9)
    person = dana(meetings=(upcoming(chicago("2026-11-18", 15), scheduled_at=booked),))

    (reminder,) = found(Rule.PREPARE, person)
    assert reminder.due == day("2026-11-18")
    assert rules.bucket(reminder, clock()) == Bucket.TODAY
    # Booked a week ahead, it is due the day before as usual.
    early = dana(meetings=(upcoming(chicago("2026-11-24", 8), scheduled_at=booked),))
    assert dues(Rule.PREPARE, early) == [day("2026-11-23")]


# --- Zones and buckets ----------------------------------------------------------------------


def test_due_dates_are_the_students_local_date() -> None:
    # 11 PM in Chicago on Tuesday is 05:00 UTC on Wednesday.
    late = chicago("2026-11-17", 23)
    assert late.astimezone(dt.UTC).date() == day("2026-11-18")
    person = dana(meetings=(done(late),))

    assert dues(Rule.THANK_YOU, person) == [day("2026-11-17")]
    assert dues(Rule.THANK_YOU, person, Clock(now=NOW, tz=dt.UTC)) == [day("2026-11-18")]
    assert dues(Rule.KEEP_IN_TOUCH, person) == [day("2027-02-17")]


def reminder_due(due: dt.date, deadline: dt.datetime | None = None) -> rules.Reminder:
    return rules.Reminder(
        rule=Rule.PROGRESS,
        key=due.isoformat(),
        contact_key="dana",
        contact_name="Dana Reyes",
        due=due,
        title="x",
        deadline=deadline,
    )


@pytest.mark.parametrize(
    ("offset", "expected"),
    [
        (-30, Bucket.OVERDUE),
        (-1, Bucket.OVERDUE),
        (0, Bucket.TODAY),
        (1, Bucket.WEEK),
        (6, Bucket.WEEK),
        (7, Bucket.LATER),
        (90, Bucket.LATER),
    ],
)
def test_bucket_boundaries(offset: int, expected: Bucket) -> None:
    due = day("2026-11-18") + dt.timedelta(days=offset)

    assert rules.bucket(reminder_due(due), clock()) == expected


def test_a_passed_deadline_is_overdue_even_on_the_due_day() -> None:
    today = day("2026-11-18")
    passed = reminder_due(today, deadline=NOW - dt.timedelta(minutes=1))
    coming = reminder_due(today, deadline=NOW + dt.timedelta(minutes=1))

    assert rules.bucket(passed, clock()) == Bucket.OVERDUE
    assert rules.bucket(coming, clock()) == Bucket.TODAY


def test_buckets_sorts_each_reminder_into_its_list() -> None:
    today = day("2026-11-18")
    made = [reminder_due(today + dt.timedelta(days=d)) for d in (-2, 0, 3, 6, 7, 40)]

    sorted_into = rules.buckets(made, clock())

    assert [r.key for r in sorted_into.overdue] == ["2026-11-16"]
    assert [r.key for r in sorted_into.today] == ["2026-11-18"]
    assert [r.key for r in sorted_into.week] == ["2026-11-21", "2026-11-24"]
    assert [r.key for r in sorted_into.later] == ["2026-11-25", "2026-12-28"]


def test_midnight_in_the_students_zone_moves_today() -> None:
    tomorrow = reminder_due(day("2026-11-19"))

    assert rules.bucket(tomorrow, clock(chicago("2026-11-18", 23, 59))) == Bucket.WEEK
    assert rules.bucket(tomorrow, clock(chicago("2026-11-19", 0, 0))) == Bucket.TODAY


def test_all_rules_together_sorted_soonest_first() -> None:
    person = dana(
        meetings=(done(chicago("2026-11-17", 10)), upcoming(chicago("2026-11-20", 9))),
        notes=(note(acted=chicago("2026-11-18", 9)),),
    )

    assert [(r.rule, r.due) for r in rules.reminders([person], DEFAULTS, clock())] == [
        (Rule.THANK_YOU, day("2026-11-17")),
        (Rule.PREPARE, day("2026-11-19")),
        (Rule.PROGRESS, day("2026-11-20")),
    ]


# --- Snooze and dismiss, as pure functions ---------------------------------------------------


def test_a_snooze_moves_the_reminder_to_the_day_it_ends_and_clears_the_deadline() -> None:
    (reminder,) = found(Rule.THANK_YOU, dana(meetings=(done(chicago("2026-11-18", 10)),)))
    snooze = Choice(snoozed_until=chicago("2026-11-20", 8))

    moved = rules.apply_choice(reminder, snooze, clock())

    assert moved is not None
    assert (moved.due, moved.original_due, moved.deadline) == (
        day("2026-11-20"),
        day("2026-11-18"),
        None,
    )
    back = rules.apply_choice(reminder, snooze, clock(chicago("2026-11-20", 8, 1)))
    assert back == reminder


def test_a_dismissal_covers_this_round_only() -> None:
    (reminder,) = found(Rule.KEEP_IN_TOUCH, dana(meetings=(MET,)))
    dismissed = Choice(dismissed_due=rules.dismissal_moment(reminder, clock()))

    assert rules.apply_choice(reminder, dismissed, clock()) is None
    next_round = replace(reminder, due=day("2027-01-20"))
    assert rules.apply_choice(next_round, dismissed, clock()) == next_round


# --- Random histories (Hypothesis) ----------------------------------------------------------

BASE = chicago("2026-10-01", 8)
EVENT_KINDS = (
    "request",
    "reply",
    "schedule",
    "meet",
    "note",
    "act",
    "thank_you",
    "linkedin_connect",
    "progress_update",
    "keep_in_touch",
    "nudge",
    "other_request",
)
events_strategy = st.lists(
    st.tuples(
        st.sampled_from(EVENT_KINDS),
        st.integers(min_value=0, max_value=60 * 24 * 30),  # minutes after the previous
        st.integers(min_value=0, max_value=10_000),  # a choice within the event
    ),
    max_size=14,
)
ZONES = (CHICAGO, dt.UTC, ZoneInfo("Asia/Tokyo"), ZoneInfo("Pacific/Kiritimati"))
numbers_strategy = st.builds(
    Numbers,
    thank_you_hours=st.integers(1, 168),
    linkedin_days=st.integers(0, 60),
    progress_days=st.integers(0, 60),
    keep_in_touch_months=st.integers(1, 24),
    try_next_days=st.integers(1, 29),
    nudge_days=st.just(30),
    prepare_days=st.integers(1, 14),
)


def history(
    events: list[tuple[str, int, int]],
) -> tuple[PersonFacts, dict[tuple[Rule, str], dt.datetime], dt.datetime]:
    """A person from random events, what caused each possible reminder, and the last moment.

    The causes are worked out here from the events, independently of the rules: a
    thank-you is caused by the conversation ending, a nudge by the first request, etc.
    """
    at = BASE
    meetings: list[MeetingFact] = []
    messages: list[MessageFact] = []
    replies: list[ReplyFact] = []
    notes: list[NoteFact] = []
    org_requests: list[dt.datetime] = []
    causes: dict[tuple[Rule, str], dt.datetime] = {}
    for index, (kind, gap, choice) in enumerate(events):
        at += dt.timedelta(minutes=gap)
        key = f"e{index}"
        if kind == "request":
            messages.append(sent((choice % 2 and "request_cold") or "request_known", at, key))
        elif kind == "reply":
            replies.append(ReplyFact(("yes", "no", "referred")[choice % 3], at))
        elif kind == "schedule":
            start = at + dt.timedelta(hours=1 + choice % 300)
            status = ("scheduled", "scheduled", "cancelled")[choice % 3]
            meetings.append(upcoming(start, key, status=status, scheduled_at=at))
            causes[(Rule.PREPARE, key)] = at
        elif kind == "meet":
            finished = bool(choice % 2)
            meetings.append(done(at, key, minutes=5 + choice % 120, finished=finished))
            causes[(Rule.THANK_YOU, key)] = at
        elif kind == "note":
            notes.append(note(("advice", "resource", "idea", "note")[choice % 4], at, key=key))
        elif kind == "act" and notes:
            target = notes[choice % len(notes)]
            if target.acted_on_at is None:
                notes[notes.index(target)] = replace(target, acted_on_at=at)
                causes[(Rule.PROGRESS, target.key)] = at
        elif kind == "other_request":
            org_requests.append(at)
        elif kind in rules.DRAFT_KIND.values():
            if choice % 3 == 0:
                messages.append(draft(kind, at, key))
            else:
                messages.append(sent(kind, at, key))
    person = dana(
        meetings=tuple(meetings),
        messages=tuple(messages),
        replies=tuple(replies),
        notes=tuple(notes),
    )
    person = replace(person, organization_requests=tuple(org_requests))
    thanks = [m.sent_at for m in person.sent if m.kind == "thank_you" and m.sent_at]
    if thanks:
        causes[(Rule.LINKEDIN, person.key)] = thanks[0]
    requests = [m for m in person.sent if m.kind.startswith("request_")]
    if requests and requests[0].sent_at:
        causes[(Rule.TRY_NEXT, requests[0].key)] = requests[0].sent_at
        causes[(Rule.NUDGE, requests[0].key)] = requests[0].sent_at
    return person, causes, at


def last_interaction(person: PersonFacts) -> dt.datetime:
    moments = [m.sent_at for m in person.messages if m.sent_at]
    moments += [r.received_at for r in person.replies]
    moments += [m.finished_at or m.end for m in person.meetings if m.status == "done"]
    moments += [n.created_at for n in person.notes]
    moments += [n.acted_on_at for n in person.notes if n.acted_on_at]
    return max(moments)


def answered(person: PersonFacts, reminder: rules.Reminder, now: dt.datetime) -> PersonFacts:
    """The person after the student did what the reminder asks, at `now`."""
    if reminder.rule == Rule.PREPARE:
        meetings = tuple(
            replace(m, research_to_do=(), planned_questions=1) if m.key == reminder.key else m
            for m in person.meetings
        )
        return replace(person, meetings=meetings)
    if reminder.rule == Rule.TRY_NEXT:
        return replace(person, organization_requests=(*person.organization_requests, now))
    kind = rules.DRAFT_KIND[reminder.rule]
    return replace(person, messages=(*person.messages, sent(kind, now, "answer")))


@settings(max_examples=300, deadline=None)
@given(
    events=events_strategy,
    wait=st.integers(min_value=0, max_value=60 * 24 * 200),
    zone=st.sampled_from(ZONES),
    country=st.sampled_from(["", "US", "FR"]),
    numbers=numbers_strategy,
)
def test_no_reminder_is_due_before_what_caused_it(
    events: list[tuple[str, int, int]],
    wait: int,
    zone: dt.tzinfo,
    country: str,
    numbers: Numbers,
) -> None:
    person, causes, last = history(events)
    now = Clock(now=last + dt.timedelta(minutes=wait), tz=zone, country=country)

    for reminder in rules.reminders([person], numbers, now):
        if reminder.rule == Rule.KEEP_IN_TOUCH:
            cause = last_interaction(person)
        else:
            cause = causes[(reminder.rule, reminder.key)]
        assert reminder.due >= now.day(cause), reminder
        assert reminder.contact_key == person.key


@settings(max_examples=300, deadline=None)
@given(
    events=events_strategy,
    wait=st.integers(min_value=0, max_value=60 * 24 * 200),
    zone=st.sampled_from(ZONES),
    numbers=numbers_strategy,
)
def test_doing_what_a_reminder_asks_ends_it(
    events: list[tuple[str, int, int]], wait: int, zone: dt.tzinfo, numbers: Numbers
) -> None:
    person, _, last = history(events)
    now = Clock(now=last + dt.timedelta(minutes=wait), tz=zone)

    for reminder in rules.reminders([person], numbers, now):
        after = rules.reminders([answered(person, reminder, now.now)], numbers, now)
        again = [r for r in after if (r.rule, r.key) == (reminder.rule, reminder.key)]
        if reminder.rule == Rule.KEEP_IN_TOUCH:
            # Keeping in touch comes round again: the next one, months from today.
            assert [r.due for r in again] == [add_months(now.today, numbers.keep_in_touch_months)]
        else:
            assert again == [], reminder


# --- Staleness: nothing stays red for ever ---------------------------------------------------


def test_keep_in_touch_rolls_to_the_next_round_once_a_round_is_a_month_past() -> None:
    last = day("2026-01-10")
    # Due 10 Apr; still that round up to 30 days late, then 10 Jul, 10 Oct…
    assert rules.keep_in_touch_due(last, 3, day("2026-04-10")) == day("2026-04-10")
    assert rules.keep_in_touch_due(last, 3, day("2026-05-10")) == day("2026-04-10")
    assert rules.keep_in_touch_due(last, 3, day("2026-05-11")) == day("2026-07-10")
    assert rules.keep_in_touch_due(last, 3, day("2026-11-18")) == day("2027-01-10")
    assert rules.keep_in_touch_due(last, 1, day("2026-03-20")) == day("2026-03-10")


def test_a_keep_in_touch_missed_long_ago_shows_the_current_round() -> None:
    person = dana(meetings=(done(chicago("2025-11-03", 10)),))

    assert dues(Rule.KEEP_IN_TOUCH, person) == [day("2026-11-03")]


def test_a_reminder_a_month_past_its_day_is_stale_unless_a_snooze_moved_it() -> None:
    reminder = rules.Reminder(
        rule=Rule.NUDGE,
        key="r1",
        contact_key="c1",
        contact_name="Dana",
        due=day("2026-10-19"),
        title="Nudge Dana once",
    )

    assert not rules.is_stale(reminder, clock())  # 30 days late
    assert rules.is_stale(replace(reminder, due=day("2026-10-18")), clock())  # 31
    snoozed = rules.apply_choice(
        replace(reminder, due=day("2026-09-01")),
        Choice(snoozed_until=chicago("2026-11-20", 8)),
        clock(),
    )
    assert snoozed is not None and not rules.is_stale(snoozed, clock())
