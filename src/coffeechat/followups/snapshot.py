"""The reminder snapshot: what the rules said, kept so that Today reads one page of rows.

Working reminders out reads the history of everyone with something recent. For a student
with thousands of conversations a year that is a second of work, and Today is the page they
open most. So the answer is kept: how many reminders each Today section holds, and its first
ROWS_KEPT in order (`StoredReminder`), used for as long as nothing could change them:

* **Data.** Database triggers raise `ReminderSnapshot.version` on every insert, update and
  delete, by any code path (a service, a bulk import, a restore, a cascade), of the rows the
  rules read: `STALE_ON` below (on PostgreSQL at the commit). A snapshot worked out at
  another version is out of date.
* **Time.** A snapshot holds from the moment it was worked out until the first moment at
  which time alone could change the answer (`_valid_until`): the student's next midnight (a
  reminder becomes due, overdue or stale by the day), a deadline, a meeting starting or
  ending, a snooze ending, a thank-you turning a month old.
* **Code.** `RULES_VERSION` is a hash of the rules and the selectors that feed them.

Anything else is worked out again, by the same `selectors.reminders_for` the API, the feed
and the CLI use (passed in as `work_out`). With `COFFEECHAT_VERIFY_REMINDER_SNAPSHOTS` (on
in the test suite) every snapshot that is used is also checked against a fresh answer, and a
difference raises.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Min, Q

from coffeechat.followups import rules
from coffeechat.followups.models import ReminderChoice, ReminderSnapshot, StoredReminder
from coffeechat.followups.rules import Bucket, Clock, Reminder, Rule
from coffeechat.outreach.models import Meeting, MeetingStatus

if TYPE_CHECKING:
    from coffeechat.followups.selectors import Reminders

# selectors.reminders_for: how reminders are worked out (passed in, since it reads Today here).
WorkOut = Callable[[Any, dt.datetime], "Reminders"]

# The tables the rules read, with the column naming their student. A write to any of them
# marks that student's snapshot out of date.
STALE_ON = [
    ("outreach_message", "owner_id"),
    ("outreach_reply", "owner_id"),
    ("outreach_meeting", "owner_id"),
    ("conversations_conversation", "owner_id"),
    ("conversations_note", "owner_id"),
    ("conversations_plannedquestion", "owner_id"),
    ("conversations_research", "owner_id"),
    ("conversations_organizationresearch", "owner_id"),
    ("network_contact", "owner_id"),
    ("network_organization", "owner_id"),
    ("followups_reminderchoice", "owner_id"),
    ("followups_followupsettings", "user_id"),
    ("accounts_profile", "user_id"),
]
SNAPSHOTS = "followups_remindersnapshot"

_SOURCES = ("rules.py", "selectors.py", "snapshot.py")
RULES_VERSION = hashlib.sha256(
    b"".join((Path(__file__).parent / name).read_bytes() for name in _SOURCES)
).hexdigest()[:32]

SNOOZED = "snoozed"
DISMISSED = "dismissed"
SECTIONS = (Bucket.OVERDUE, Bucket.TODAY, Bucket.WEEK, Bucket.LATER)
# Reminders kept of each section: a page of Today. The rest are counted; the lists that show
# every reminder (the API, the CLI, the digest) ask the rules.
ROWS_KEPT = 25


class SnapshotDrift(AssertionError):
    """A snapshot in use differs from what the rules say now (only when verifying)."""


# Triggers -------------------------------------------------------------------------------


def _trigger_name(table: str, event: str) -> str:
    return f"followups_stale_{table}_{event.lower()}"


def _sqlite_triggers() -> dict[str, str]:
    """Each trigger's name and the statement that makes it."""
    bump = f"UPDATE {SNAPSHOTS} SET version = version + 1 WHERE owner_id"
    triggers = {}
    for table, column in STALE_ON:
        for event, owners in (
            ("INSERT", f"= NEW.{column}"),
            ("UPDATE", f"IN (OLD.{column}, NEW.{column})"),
            ("DELETE", f"= OLD.{column}"),
        ):
            name = _trigger_name(table, event)
            triggers[name] = (
                f"CREATE TRIGGER {name} AFTER {event} ON {table} BEGIN {bump} {owners}; END"
            )
    return triggers


# PostgreSQL: a row trigger per table, deferred to the commit. Raising the version locks the
# student's snapshot row; taken at each statement, that lock would make two of the student's
# transactions that also touch a common row deadlock (one holds the snapshot row and waits
# for the row, the other the reverse). At the commit nothing is waited for after it. One
# raise per student per statement (the commit runs all deferred ones as one): a bulk insert
# of 50,000 rows updates the snapshot row once. The test suite, whose transactions never
# commit, runs them at each statement instead (SET CONSTRAINTS ALL IMMEDIATE).
_PG_FUNCTION = f"""
CREATE OR REPLACE FUNCTION followups_snapshot_stale() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    owner text;
    owners text[] := ARRAY[]::text[];
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        owners := owners || (to_jsonb(NEW) ->> TG_ARGV[0]);
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        owners := owners || (to_jsonb(OLD) ->> TG_ARGV[0]);
    END IF;
    FOREACH owner IN ARRAY owners LOOP
        CONTINUE WHEN owner IS NULL OR current_setting('followups.stale_' || owner, true)
            IS NOT DISTINCT FROM statement_timestamp()::text;
        UPDATE {SNAPSHOTS} SET version = version + 1 WHERE owner_id = owner::bigint;
        PERFORM set_config('followups.stale_' || owner, statement_timestamp()::text, true);
    END LOOP;
    RETURN NULL;
END $$
"""


def _postgresql_triggers() -> dict[str, str]:
    triggers = {}
    for table, column in STALE_ON:
        name = f"followups_stale_{table}"
        triggers[name] = (
            f"CREATE CONSTRAINT TRIGGER {name} AFTER INSERT OR UPDATE OR DELETE ON {table} "
            "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
            f"EXECUTE FUNCTION followups_snapshot_stale('{column}')"
        )
    return triggers


def ensure_triggers(conn: BaseDatabaseWrapper) -> None:
    """Create the triggers that are missing; if any was, mark every snapshot out of date.

    Runs after every migrate: SQLite drops a table's triggers when a migration rebuilds it,
    and whatever was written meanwhile went unseen. Nothing to do while the database is
    migrated back to before the snapshots.
    """
    if SNAPSHOTS not in conn.introspection.table_names():
        return
    if conn.vendor == "sqlite":
        triggers = _sqlite_triggers()
        present = "SELECT name FROM sqlite_master WHERE type = 'trigger'"
    elif conn.vendor == "postgresql":
        triggers = _postgresql_triggers()
        present = "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"
    else:  # pragma: no cover - the two databases Coffeechat supports
        raise NotImplementedError(conn.vendor)
    with transaction.atomic(using=conn.alias), conn.cursor() as cursor:
        cursor.execute(present)
        missing = set(triggers) - {name for (name,) in cursor.fetchall()}
        if not missing:
            return
        if conn.vendor == "postgresql":
            cursor.execute(_PG_FUNCTION)
        for name in sorted(missing):
            cursor.execute(triggers[name])
        cursor.execute(f"UPDATE {SNAPSHOTS} SET version = version + 1")


def run_triggers_at_each_statement(conn: BaseDatabaseWrapper) -> None:
    """In this transaction, raise versions at each statement rather than at the commit
    (PostgreSQL; SQLite's triggers always do): for tests, whose transactions never commit."""
    if conn.vendor == "postgresql":
        names = ", ".join(_postgresql_triggers())
        with conn.cursor() as cursor:
            cursor.execute(f"SET CONSTRAINTS {names} IMMEDIATE")


def drop_triggers(conn: BaseDatabaseWrapper) -> None:
    """Remove the triggers (migrating back to before the snapshots)."""
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            cursor.execute("DROP FUNCTION IF EXISTS followups_snapshot_stale() CASCADE")
            return
        for name in _sqlite_triggers():
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")


def ensure_triggers_after_migrate(using: str = "default", **kwargs: Any) -> None:
    ensure_triggers(connections[using])


# Reading --------------------------------------------------------------------------------


def counts_for(owner: Any, clock: Clock, work_out: WorkOut) -> dict[str, int]:
    """Make the owner's snapshot hold at `clock.now` (worked out again when out of date), and
    give how many reminders each section holds; `section_rows` then reads its pages."""
    found = ReminderSnapshot.objects.filter(owner=owner).first()
    if found is not None and _holds(found, clock.now):
        if settings.COFFEECHAT_VERIFY_REMINDER_SNAPSHOTS:
            _verify(owner, clock, work_out)
        return dict(found.counts)
    return _refresh(owner, clock, found, work_out)


def section_rows(owner: Any, section: str, limit: int = ROWS_KEPT) -> list[Reminder]:
    """The first `limit` reminders (ROWS_KEPT at most) of one section of the snapshot."""
    if limit > ROWS_KEPT:
        raise ValueError(f"a snapshot keeps {ROWS_KEPT} reminders of a section, not {limit}")
    rows = StoredReminder.objects.filter(owner=owner, section=section).order_by("position")
    return [_reminder(row) for row in rows[:limit]]


def _holds(found: ReminderSnapshot, now: dt.datetime) -> bool:
    return (
        found.computed_version == found.version
        and found.rules_version == RULES_VERSION
        and found.computed_at is not None
        and found.valid_until is not None
        and found.computed_at <= now < found.valid_until
    )


def _refresh(
    owner: Any, clock: Clock, found: ReminderSnapshot | None, work_out: WorkOut
) -> dict[str, int]:
    if found is None:
        found, _ = ReminderSnapshot.objects.get_or_create(owner=owner)
    # The version is read before the data: a write after this point raises it again, so a
    # snapshot of data older than a write is never taken for current.
    version = found.version
    reminders = work_out(owner, clock.now)
    rows, counts = _rows(owner, reminders, clock)
    valid_until = _valid_until(owner, reminders, clock)
    with transaction.atomic():
        # One refresh at a time per student (PostgreSQL; SQLite writes one at a time anyway).
        locked = ReminderSnapshot.objects.select_for_update().get(owner=owner)
        StoredReminder.objects.filter(owner=owner).delete()
        StoredReminder.objects.bulk_create(rows, batch_size=500)
        locked.computed_version = version
        locked.rules_version = RULES_VERSION
        locked.computed_at = clock.now
        locked.valid_until = valid_until
        locked.counts = counts
        # Not `version`: a trigger may have raised it since it was read.
        locked.save(
            update_fields=[
                "computed_version",
                "rules_version",
                "computed_at",
                "valid_until",
                "counts",
            ]
        )
    return counts


def _section(reminder: Reminder, clock: Clock) -> str:
    return SNOOZED if reminder.snoozed_until is not None else rules.bucket(reminder, clock).value


def _rows(
    owner: Any, reminders: Reminders, clock: Clock
) -> tuple[list[StoredReminder], dict[str, int]]:
    rows = []
    counts = counts_of(reminders, clock)
    for section, position, reminder in _kept(reminders, clock):
        values = {f.name: getattr(reminder, f.name) for f in fields(Reminder)}
        values["rule"] = str(reminder.rule)
        rows.append(StoredReminder(owner=owner, section=section, position=position, **values))
    return rows, counts


def counts_of(reminders: Reminders, clock: Clock) -> dict[str, int]:
    """How many reminders each Today section holds, and how many are snoozed or dismissed."""
    counts = {section.value: 0 for section in SECTIONS} | {SNOOZED: 0}
    for reminder in reminders.shown:
        counts[_section(reminder, clock)] += 1
    return counts | {DISMISSED: len(reminders.dismissed)}


def _kept(reminders: Reminders, clock: Clock) -> list[tuple[str, int, Reminder]]:
    """The first ROWS_KEPT reminders of each Today section: (section, place, reminder)."""
    kept: list[tuple[str, int, Reminder]] = []
    taken = {section.value: 0 for section in SECTIONS}
    for position, reminder in enumerate(reminders.shown):
        section = _section(reminder, clock)
        if section in taken and taken[section] < ROWS_KEPT:
            taken[section] += 1
            kept.append((section, position, reminder))
    return kept


def _reminder(row: StoredReminder) -> Reminder:
    values = {f.name: getattr(row, f.name) for f in fields(Reminder)}
    values["rule"] = Rule(row.rule)
    return Reminder(**values)


def _valid_until(owner: Any, reminders: Reminders, clock: Clock) -> dt.datetime:
    """The first moment after `clock.now` at which time alone could change the answer."""
    now = clock.now
    tomorrow = clock.today + dt.timedelta(days=1)
    moments: list[dt.datetime | None] = [dt.datetime.combine(tomorrow, dt.time.min, clock.tz)]
    # Past its deadline a reminder is overdue, and sorts differently among that day's.
    moments += [r.deadline for r in reminders.shown if r.deadline and r.deadline > now]
    month = now - rules.THANK_YOU_STALE
    done = Q(status=MeetingStatus.DONE)
    meetings = Meeting.objects.filter(owner=owner).aggregate(
        # Starting: no longer to prepare for; a meeting marked done early gets its thank-you.
        starts=Min("start", filter=Q(start__gt=now)),
        # Ending: keeping in touch waits for a booked meeting to end.
        ends=Min("end", filter=Q(end__gt=now)),
        booked_at=Min("created_at", filter=Q(created_at__gt=now)),
        # A month after a conversation its thank-you is dropped.
        done_ends=Min("end", filter=done & Q(end__gt=month)),
        done_finishes=Min(
            "conversation__finished_at", filter=done & Q(conversation__finished_at__gt=month)
        ),
    )
    moments += [meetings["starts"], meetings["ends"], meetings["booked_at"]]
    moments += [
        m + rules.THANK_YOU_STALE for m in (meetings["done_ends"], meetings["done_finishes"]) if m
    ]
    choices = ReminderChoice.objects.filter(owner=owner).aggregate(
        snoozes_end=Min("snoozed_until", filter=Q(snoozed_until__gt=now)),
        # What a snooze brought back stays for STALE_AFTER after it ended.
        lately=Min("snoozed_until", filter=Q(snoozed_until__gte=now - rules.STALE_AFTER)),
    )
    moments.append(choices["snoozes_end"])
    if choices["lately"] is not None:
        moments.append(choices["lately"] + rules.STALE_AFTER)
    return min(m for m in moments if m is not None and m > now)


def _verify(owner: Any, clock: Clock, work_out: WorkOut) -> None:
    fresh = work_out(owner, clock.now)
    expected = [(section, reminder) for section, _, reminder in _kept(fresh, clock)]
    stored = StoredReminder.objects.filter(owner=owner).order_by("position")
    found = [(row.section, _reminder(row)) for row in stored]
    counts = ReminderSnapshot.objects.get(owner=owner).counts
    if found != expected or counts != counts_of(fresh, clock):
        raise SnapshotDrift(
            f"The reminder snapshot of user {owner.pk} is out of date at {clock.now}: "
            f"stored {counts} and {found[:3]!r}…, the rules say {counts_of(fresh, clock)} "
            f"and {expected[:3]!r}…"
        )
