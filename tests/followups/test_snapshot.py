"""The reminder snapshot Today reads: marked out of date by triggers on every write to what
the rules read, expiring when time alone changes the answer, and checked in this suite."""

from __future__ import annotations

import datetime as dt
import threading
import time
from typing import Any

import pytest
from django.db import connection, transaction

from coffeechat.followups import selectors, services, snapshot
from coffeechat.followups.models import ReminderSnapshot, StoredReminder
from coffeechat.followups.rules import Bucket
from coffeechat.outreach.models import Message
from tests.factories import make_contact, make_user
from tests.followups.conftest import chicago
from tests.followups.test_reminders import NOW, network
from tests.test_account_delete import fill


def page(owner: Any, now: dt.datetime | None = None) -> selectors.Today:
    """Today as its page reads it: a page of each section, from the snapshot."""
    return selectors.today_for(owner, now, limit=snapshot.ROWS_KEPT)


def version(owner: Any) -> int:
    return ReminderSnapshot.objects.get(owner=owner).version


def computed_at(owner: Any) -> dt.datetime | None:
    return ReminderSnapshot.objects.get(owner=owner).computed_at


@pytest.mark.parametrize(("table", "column"), snapshot.STALE_ON)
def test_any_write_to_a_table_the_rules_read_marks_only_its_owners_snapshot(
    alice: Any, bob: Any, table: str, column: str
) -> None:
    fill(alice)  # a row in every model a student owns
    fill(bob)
    page(alice)
    page(bob)
    before, bobs = version(alice), version(bob)

    # Plain SQL, as a bulk update or a data migration would write: no Django signal.
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {column} = {column} WHERE {column} = %s", [alice.pk])
        assert cursor.rowcount >= 1
    assert version(alice) > before
    assert version(bob) == bobs

    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table} WHERE {column} = %s", [bob.pk])
        assert version(bob) > bobs
        transaction.set_rollback(True)  # (cascades aside: the table may be referenced)


def test_bulk_writes_mark_the_snapshot_out_of_date_and_today_follows(alice: Any) -> None:
    network(alice, 8)
    first = page(alice, NOW)
    assert first.counts[Bucket.OVERDUE.value] + first.counts[Bucket.TODAY.value] > 0
    stamp = version(alice)

    # bulk_create and QuerySet.update/delete send no signals; the triggers still see them.
    Message.objects.filter(owner=alice, sent_at__isnull=False).update(sent_at=None)
    assert version(alice) > stamp
    after = page(alice, NOW)
    assert after.counts != first.counts
    assert computed_at(alice) == NOW


def test_a_snapshot_is_used_until_time_could_change_it(alice: Any, settings: Any) -> None:
    network(alice, 12)
    page(alice, NOW)
    snap = ReminderSnapshot.objects.get(owner=alice)
    # The earliest of: midnight in Chicago, a deadline, a booked meeting starting or ending.
    assert NOW < snap.valid_until <= chicago("2026-11-19", 0)

    later = NOW + (snap.valid_until - NOW) / 2
    page(alice, later)
    assert computed_at(alice) == NOW  # still good: read, not worked out again
    page(alice, snap.valid_until)
    assert computed_at(alice) == snap.valid_until
    page(alice, NOW)  # back in time: worked out again too
    assert computed_at(alice) == NOW


def test_the_snapshot_agrees_with_the_rules_at_every_hour_of_two_weeks(alice: Any) -> None:
    """Meetings start and end, deadlines pass, snoozes end, rounds come due: at every hour
    the stored answer is checked against a fresh one (COFFEECHAT_VERIFY_REMINDER_SNAPSHOTS,
    on in the suite, raises SnapshotDrift), and it is reused most of the time."""
    network(alice, 16)
    found = selectors.reminders_for(alice, NOW).shown
    services.reminder_snooze(owner=alice, rule=found[0].rule, key=found[0].key, days=3)
    worked_out = set()
    moment = NOW - dt.timedelta(days=3)
    while moment < NOW + dt.timedelta(days=14):
        today = selectors.today_for(alice, moment, limit=5)
        assert all(len(found) <= 5 for _, found in today.sections())
        worked_out.add(computed_at(alice))
        moment += dt.timedelta(hours=1)
    hours = 17 * 24
    assert len(worked_out) < hours / 4, f"worked out {len(worked_out)} times in {hours} hours"


def test_the_check_catches_a_stored_reminder_that_differs(alice: Any) -> None:
    network(alice, 4)
    page(alice, NOW)
    row = StoredReminder.objects.filter(owner=alice).order_by("position").first()
    assert row is not None
    # StoredReminder itself has no trigger: a change here is exactly what the check is for.
    StoredReminder.objects.filter(pk=row.pk).update(title="Something else")

    with pytest.raises(snapshot.SnapshotDrift, match="out of date"):
        page(alice, NOW + dt.timedelta(minutes=1))


def test_without_the_triggers_writes_go_unseen_and_ensure_puts_them_back(alice: Any) -> None:
    network(alice, 4)
    page(alice, NOW)
    snapshot.drop_triggers(connection)
    try:
        stamp = version(alice)
        Message.objects.filter(owner=alice).update(subject="Changed")
        assert version(alice) == stamp  # the triggers are what notices writes
    finally:
        snapshot.ensure_triggers(connection)
        snapshot.run_triggers_at_each_statement(connection)  # made again: at the commit
    # Putting them back marks every snapshot out of date: writes may have gone unseen.
    assert version(alice) > stamp
    stamp = version(alice)
    Message.objects.filter(owner=alice).update(subject="Changed again")
    assert version(alice) > stamp
    # With every trigger in place (a restart migrates), snapshots stay good.
    stamp = version(alice)
    snapshot.ensure_triggers(connection)
    assert version(alice) == stamp


def test_today_shows_the_first_of_each_section_and_counts_them_all(alice: Any) -> None:
    network(alice, 40)
    whole = selectors.today_for(alice, NOW)  # every reminder, as the rules say
    first = selectors.today_for(alice, NOW, limit=3)  # the snapshot

    for (bucket, everything), (_, three) in zip(whole.sections(), first.sections(), strict=True):
        assert three == everything[:3]
        assert first.counts[bucket.value] == len(everything)
    assert len(whole.overdue) > 3 and len(whole.week) > 3
    assert first.later == whole.later[:3]
    assert first.counts[Bucket.LATER.value] == len(whole.later)
    assert first.snoozed == whole.snoozed
    assert first.meetings == whole.meetings[:3]
    assert first.counts[selectors.MEETINGS] == len(whole.meetings) == 10
    assert StoredReminder.objects.filter(owner=alice).count() <= 4 * snapshot.ROWS_KEPT

    with pytest.raises(ValueError, match="keeps 25"):
        selectors.today_for(alice, NOW, limit=snapshot.ROWS_KEPT + 1)


@pytest.mark.django_db(transaction=True)
def test_two_of_a_students_transactions_sharing_a_row_do_not_deadlock_on_postgresql() -> None:
    """One request changes a message, then the contact; another changes that contact first.
    With the snapshot's version raised at each statement they would deadlock (or here, time
    out); raised at the commit, the second waits for the first as it always did."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writing transaction at a time")
    import psycopg

    sam = make_user("sam")
    dana = make_contact(sam, "Dana Reyes")
    Message.objects.create(owner=sam, contact=dana, kind="request_cold", subject="Hi", body="…")
    page(sam)  # the snapshot row exists: raising its version locks it
    stamp = version(sam)
    db = connection.settings_dict
    conninfo = {"dbname": db["NAME"], "user": db["USER"], "host": db["HOST"], "port": db["PORT"]}
    first, second = psycopg.connect(**conninfo), psycopg.connect(**conninfo)
    failures: list[BaseException] = []
    try:
        for conn in (first, second):
            conn.execute("SET lock_timeout = '5s'")
        first.execute("UPDATE outreach_message SET subject = 'Hello' WHERE owner_id = %s", [sam.pk])
        second.execute("UPDATE network_contact SET notes = 'b' WHERE id = %s", [dana.pk])

        def then_the_contact() -> None:
            try:
                first.execute("UPDATE network_contact SET notes = 'a' WHERE id = %s", [dana.pk])
                first.commit()
            except BaseException as exc:  # a deadlock or a lock timeout
                failures.append(exc)

        waiting = threading.Thread(target=then_the_contact)
        waiting.start()
        time.sleep(0.3)  # it is waiting for the contact row now
        second.commit()
        waiting.join(timeout=15)
    finally:
        first.close()
        second.close()

    assert not failures, failures
    assert not waiting.is_alive()
    assert version(sam) >= stamp + 2  # each commit raised it
    dana.refresh_from_db()
    assert dana.notes == "a"
