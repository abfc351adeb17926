"""Snooze, dismiss and restore; the settings; the feed token; what a reminder refuses.

A reminder is found among the owner's current reminders, so another user's (or a made-up)
id is LookupError and nothing is stored; bad input is ValidationError, nothing stored.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from coffeechat.conversations import services as conversations
from coffeechat.followups import selectors, services
from coffeechat.followups.models import FollowupSettings, ReminderChoice
from coffeechat.followups.rules import Numbers, Reminder, Rule
from coffeechat.network.models import Contact
from coffeechat.outreach import services as outreach
from coffeechat.outreach.models import Kind, Meeting, Message
from tests.factories import make_contact
from tests.followups.conftest import at, chicago, day

NOW = chicago("2026-11-18", 12)  # a Wednesday


@pytest.fixture
def dana(alice: Any) -> Contact:
    return make_contact(alice, "Dana Reyes", title="UX researcher", organization_name="Acme Health")


def talk(owner: Any, contact: Contact, end: dt.datetime) -> Meeting:
    """A 30-minute conversation that ended (finished in live mode) at `end`."""
    start = end - dt.timedelta(minutes=30)
    with at(start - dt.timedelta(days=7)):
        meeting = outreach.meeting_schedule(owner=owner, contact=contact, start=start, minutes=30)
    with at(end):
        conversations.conversation_finish(meeting=meeting)
    return meeting


@pytest.fixture
def thank_you(alice: Any, dana: Contact) -> Reminder:
    """alice talked with Dana this morning: a thank-you is due today."""
    talk(alice, dana, chicago("2026-11-18", 10))
    return selectors.reminder_get_for_user(
        alice, Rule.THANK_YOU, str(Meeting.objects.get().uuid), NOW
    )


def shown(owner: Any, now: dt.datetime = NOW) -> dict[tuple[str, str], Reminder]:
    return {(r.rule, r.key): r for r in selectors.reminders_for(owner, now).shown}


def where(owner: Any, reminder: Reminder, now: dt.datetime) -> str:
    """Which Today section the reminder is in at `now` ("" when not shown at all)."""
    today = selectors.today_for(owner, now)
    for name in ("overdue", "today", "week", "later"):
        if any((r.rule, r.key) == (reminder.rule, reminder.key) for r in getattr(today, name)):
            return name
    return ""


# --- Snooze ---------------------------------------------------------------------------------


def test_a_snoozed_reminder_leaves_today_and_comes_back_on_the_day(
    alice: Any, thank_you: Reminder
) -> None:
    choice = services.reminder_snooze(
        owner=alice, rule=thank_you.rule, key=thank_you.key, days=2, now=NOW
    )

    # Until 8 AM on Friday, alice's time.
    assert choice.snoozed_until == chicago("2026-11-20", 8)
    moved = shown(alice)[(thank_you.rule, thank_you.key)]
    assert (moved.due, moved.original_due, moved.deadline) == (
        day("2026-11-20"),
        day("2026-11-18"),
        None,
    )
    assert where(alice, thank_you, NOW) == ""  # off Today while snoozed; only counted
    assert selectors.today_for(alice, NOW).snoozed == 1
    assert (
        where(alice, thank_you, chicago("2026-11-19", 18)) == ""
    )  # past its deadline, still snoozed
    assert where(alice, thank_you, chicago("2026-11-20", 7, 59)) == ""
    # The snooze is over: back where it belongs, overdue since Wednesday.
    assert where(alice, thank_you, chicago("2026-11-20", 8)) == "overdue"
    assert selectors.today_for(alice, chicago("2026-11-20", 8)).snoozed == 0


def test_snooze_until_a_moment(alice: Any, thank_you: Reminder) -> None:
    until = chicago("2026-11-18", 17)

    services.reminder_snooze(
        owner=alice, rule=thank_you.rule, key=thank_you.key, until=until, now=NOW
    )

    assert ReminderChoice.objects.get().snoozed_until == until
    assert where(alice, thank_you, chicago("2026-11-18", 16, 59)) == ""
    assert shown(alice, chicago("2026-11-18", 16, 59))[
        (thank_you.rule, thank_you.key)
    ].snoozed_until
    assert (
        shown(alice, chicago("2026-11-18", 17))[(thank_you.rule, thank_you.key)].snoozed_until
        is None
    )


def test_snooze_days_from_a_form_are_read_as_a_whole_number(
    alice: Any, thank_you: Reminder
) -> None:
    services.reminder_snooze(
        owner=alice, rule=thank_you.rule, key=thank_you.key, days=" 3 ", now=NOW
    )  # type: ignore[arg-type]

    assert ReminderChoice.objects.get().snoozed_until == chicago("2026-11-21", 8)


@pytest.mark.parametrize("days", [0, -1, 367, 400, "x", "", None, 1.5, True, [2]])
def test_bad_snooze_days_are_refused_and_nothing_is_stored(
    alice: Any, thank_you: Reminder, days: Any
) -> None:
    with pytest.raises(ValidationError) as refused:
        services.reminder_snooze(
            owner=alice, rule=thank_you.rule, key=thank_you.key, days=days, now=NOW
        )

    assert "days" in refused.value.message_dict
    assert not ReminderChoice.objects.exists()


@pytest.mark.parametrize(
    "until",
    [
        pytest.param(dt.datetime(2026, 11, 20, 8), id="naive"),
        pytest.param(chicago("2026-11-18", 11), id="past"),
        pytest.param(chicago("2027-11-20", 8), id="over a year"),
        pytest.param("2026-11-20", id="not a datetime"),
    ],
)
def test_bad_snooze_times_are_refused_and_nothing_is_stored(
    alice: Any, thank_you: Reminder, until: Any
) -> None:
    with pytest.raises(ValidationError) as refused:
        services.reminder_snooze(
            owner=alice, rule=thank_you.rule, key=thank_you.key, until=until, now=NOW
        )

    assert "until" in refused.value.message_dict
    assert not ReminderChoice.objects.exists()


def test_snoozing_a_reminder_that_does_not_exist_stores_nothing(
    alice: Any, thank_you: Reminder
) -> None:
    for rule, key in [
        (Rule.THANK_YOU, "00000000-0000-0000-0000-000000000000"),
        ("birthday", thank_you.key),
        (Rule.NUDGE, thank_you.key),  # a real meeting, but not a nudge
    ]:
        with pytest.raises(LookupError):
            services.reminder_snooze(owner=alice, rule=rule, key=key, days=2, now=NOW)
    assert not ReminderChoice.objects.exists()


def test_someone_else_cannot_snooze_dismiss_restore_or_draft_alices_reminder(
    alice: Any, bob: Any, thank_you: Reminder
) -> None:
    services.reminder_snooze(owner=alice, rule=thank_you.rule, key=thank_you.key, days=2, now=NOW)
    before = list(ReminderChoice.objects.values())

    for act in (
        lambda: services.reminder_snooze(
            owner=bob, rule=thank_you.rule, key=thank_you.key, days=5, now=NOW
        ),
        lambda: services.reminder_dismiss(
            owner=bob, rule=thank_you.rule, key=thank_you.key, now=NOW
        ),
        lambda: services.reminder_restore(
            owner=bob, rule=thank_you.rule, key=thank_you.key, now=NOW
        ),
        lambda: services.reminder_draft(owner=bob, rule=thank_you.rule, key=thank_you.key, now=NOW),
    ):
        with pytest.raises(LookupError):
            act()

    assert list(ReminderChoice.objects.values()) == before
    assert not ReminderChoice.objects.filter(owner=bob).exists()
    assert not Message.objects.exists()


# --- Dismiss and restore --------------------------------------------------------------------


def test_a_dismissed_thank_you_stays_away_and_restore_brings_it_back(
    alice: Any, thank_you: Reminder
) -> None:
    services.reminder_dismiss(owner=alice, rule=thank_you.rule, key=thank_you.key, now=NOW)

    assert (thank_you.rule, thank_you.key) not in shown(alice)
    assert [r.key for r in selectors.reminders_for(alice, NOW).dismissed] == [thank_you.key]
    assert where(alice, thank_you, chicago("2026-11-25", 9)) == ""

    services.reminder_restore(owner=alice, rule=thank_you.rule, key=thank_you.key, now=NOW)

    assert where(alice, thank_you, NOW) == "today"
    assert not ReminderChoice.objects.exists()


def test_restore_undoes_a_snooze(alice: Any, thank_you: Reminder) -> None:
    services.reminder_snooze(owner=alice, rule=thank_you.rule, key=thank_you.key, days=5, now=NOW)
    assert where(alice, thank_you, NOW) == ""

    services.reminder_restore(owner=alice, rule=thank_you.rule, key=thank_you.key, now=NOW)

    assert where(alice, thank_you, NOW) == "today"


def test_dismissing_a_snoozed_reminder_dismisses_it_and_snoozing_undismisses(
    alice: Any, thank_you: Reminder
) -> None:
    services.reminder_snooze(owner=alice, rule=thank_you.rule, key=thank_you.key, days=5, now=NOW)
    services.reminder_dismiss(owner=alice, rule=thank_you.rule, key=thank_you.key, now=NOW)

    choice = ReminderChoice.objects.get()
    assert choice.snoozed_until is None
    assert choice.dismissed_due == chicago("2026-11-18", 0)  # its own day, not the snooze's
    assert where(alice, thank_you, NOW) == ""

    services.reminder_snooze(owner=alice, rule=thank_you.rule, key=thank_you.key, days=1, now=NOW)
    assert shown(alice)[(thank_you.rule, thank_you.key)].snoozed_until is not None
    assert ReminderChoice.objects.get().dismissed_due is None


def test_a_dismissed_keep_in_touch_comes_back_after_the_next_interaction(
    alice: Any, dana: Contact
) -> None:
    talk(alice, dana, chicago("2026-08-03", 10))
    then = chicago("2026-11-03", 9)
    (reminder,) = [r for r in shown(alice, then).values() if r.rule == Rule.KEEP_IN_TOUCH]
    assert reminder.due == day("2026-11-03")

    services.reminder_dismiss(owner=alice, rule=reminder.rule, key=reminder.key, now=then)
    assert (Rule.KEEP_IN_TOUCH, reminder.key) not in shown(alice, then)
    # Dismissed for this round only: once the round is past, the next one (3 months on) shows.
    assert (Rule.KEEP_IN_TOUCH, reminder.key) not in shown(alice, chicago("2026-12-02"))
    assert shown(alice, chicago("2027-01-10"))[(Rule.KEEP_IN_TOUCH, reminder.key)].due == day(
        "2027-02-03"
    )

    with at(chicago("2026-11-10", 9)):
        message = outreach.message_draft(owner=alice, contact=dana, kind=Kind.KEEP_IN_TOUCH)
        outreach.message_send(message=message, channel="copy")

    back = shown(alice, chicago("2027-01-10"))[(Rule.KEEP_IN_TOUCH, reminder.key)]
    assert back.due == day("2027-02-10")


def test_dismiss_and_restore_of_a_missing_reminder_store_nothing(alice: Any, dana: Contact) -> None:
    talk(alice, dana, chicago("2026-11-18", 10))

    with pytest.raises(LookupError):
        services.reminder_dismiss(owner=alice, rule=Rule.PROGRESS, key="nothing", now=NOW)
    with pytest.raises(LookupError):
        services.reminder_restore(owner=alice, rule=Rule.PROGRESS, key="nothing", now=NOW)
    assert not ReminderChoice.objects.exists()


# --- Drafts a reminder cannot write ---------------------------------------------------------


def test_a_reminder_that_is_not_a_message_has_no_draft(alice: Any, dana: Contact) -> None:
    with at(chicago("2026-11-09", 9)):
        request = outreach.message_draft(owner=alice, contact=dana, kind=Kind.REQUEST_COLD)
        outreach.message_send(message=request, channel="copy")
    with at(chicago("2026-11-16", 9)):
        booked = outreach.meeting_schedule(
            owner=alice,
            contact=make_contact(alice, "Sam Lee"),
            start=chicago("2026-11-24", 8),
            minutes=20,
        )

    with pytest.raises(ValidationError, match="Try the next person"):
        services.reminder_draft(owner=alice, rule=Rule.TRY_NEXT, key=str(request.uuid), now=NOW)
    with pytest.raises(ValidationError, match="Prepare"):
        services.reminder_draft(owner=alice, rule=Rule.PREPARE, key=str(booked.uuid), now=NOW)
    assert Message.objects.count() == 1


# --- Settings -------------------------------------------------------------------------------


def test_settings_default_to_the_guides_numbers_until_changed(alice: Any) -> None:
    found = selectors.settings_for(alice)

    assert found.pk is None
    assert selectors.numbers_of(found) == Numbers()
    assert (found.thank_you_hours, found.keep_in_touch_months, found.nudge_days) == (24, 3, 7)


def test_settings_update_changes_only_what_is_given(alice: Any) -> None:
    services.settings_update(user=alice, thank_you_hours=12, digest=True)
    services.settings_update(user=alice, prepare_days=2)

    saved = FollowupSettings.objects.get(user=alice)
    assert (saved.thank_you_hours, saved.prepare_days, saved.digest) == (12, 2, True)
    assert (saved.keep_in_touch_months, saved.try_next_days, saved.nudge_days) == (3, 3, 7)


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"thank_you_hours": 0}, "thank_you_hours"),
        ({"thank_you_hours": 169}, "thank_you_hours"),
        ({"keep_in_touch_months": "x"}, "keep_in_touch_months"),
        ({"keep_in_touch_months": 25}, "keep_in_touch_months"),
        ({"prepare_days": 0}, "prepare_days"),
        ({"try_next_days": 7}, "try_next_days"),
        ({"try_next_days": 5, "nudge_days": 4}, "try_next_days"),
        ({"birthday_days": 1}, "birthday_days"),
        ({"feed_token": "mine"}, "feed_token"),
    ],
)
def test_bad_settings_are_refused_and_nothing_is_stored(
    alice: Any, values: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        services.settings_update(user=alice, **values)

    assert field in refused.value.message_dict
    assert not FollowupSettings.objects.exists()


def test_try_next_before_nudge_says_what_it_means(alice: Any) -> None:
    with pytest.raises(ValidationError) as refused:
        services.settings_update(user=alice, try_next_days=8)

    assert refused.value.message_dict["try_next_days"] == [
        "Try the next person before the nudge: use fewer business days than the nudge (7)."
    ]


def test_a_refused_change_keeps_the_saved_settings(alice: Any) -> None:
    services.settings_update(user=alice, thank_you_hours=12)

    with pytest.raises(ValidationError):
        services.settings_update(user=alice, thank_you_hours=6, prepare_days=0)

    assert FollowupSettings.objects.get(user=alice).thank_you_hours == 12


# --- The feed token -------------------------------------------------------------------------


def test_a_new_feed_token_replaces_the_old_one(alice: Any) -> None:
    first = services.feed_token_new(user=alice, now=NOW).feed_token
    second = services.feed_token_new(user=alice, now=NOW + dt.timedelta(hours=1))

    saved = FollowupSettings.objects.get(user=alice)
    assert len(first) >= 40 and first != second.feed_token
    assert saved.feed_token == second.feed_token
    assert saved.feed_created_at == NOW + dt.timedelta(hours=1)


def test_revoking_the_feed_token(alice: Any, bob: Any) -> None:
    services.feed_token_new(user=alice, now=NOW)
    bobs = services.feed_token_new(user=bob, now=NOW).feed_token

    services.feed_token_revoke(user=alice)

    saved = FollowupSettings.objects.get(user=alice)
    assert (saved.feed_token, saved.feed_created_at) == ("", None)
    assert FollowupSettings.objects.get(user=bob).feed_token == bobs


def test_revoking_without_a_feed_stores_nothing(alice: Any) -> None:
    revoked = services.feed_token_revoke(user=alice)

    assert revoked.feed_token == ""
    assert not FollowupSettings.objects.exists()
