"""iCalendar (.ics): busy times in from Google, Outlook and Apple calendars; meetings out.

`parse_busy` reads a whole calendar (icalendar needs it whole; uploads are size-capped),
less the events that plainly cannot reach the window (`_Far`: an export of years is mostly
the past), expands repeating events with recurring-ical-events over it, and yields the spans
the student is busy, in UTC. Not busy: cancelled events or instances (STATUS:CANCELLED),
`TRANSP:TRANSPARENT`, and Outlook's `X-MICROSOFT-CDO-BUSYSTATUS:FREE`. Floating times and
all-day dates are read in the student's time zone (after Google's X-WR-TIMEZONE, which
recurring-ical-events applies). Outlook's Windows zone names ("Central Standard Time")
resolve through icalendar's own Windows-to-IANA table.

`write` emits one VEVENT per meeting with VTIMEZONEs, CRLF line ends and folded lines.
"""

from __future__ import annotations

import datetime as dt
import math
import threading
import zoneinfo
from collections.abc import Iterable, Iterator
from typing import Any, TextIO

import icalendar
import recurring_ical_events
from icalendar.enums import STATUS
from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

from coffeechat.interchange.records import BusyRecord, EventRecord, FormatError
from coffeechat.interchange.textio import Upload

UTC = dt.UTC
PRODID = "-//Coffeechat//EN"
# Far more than any student's weeks hold; each costs about 0.15 ms to expand, so a file
# made to blow up stays a few seconds of work.
MAX_INTERVALS = 20_000

# dateutil walks every repetition from an event's DTSTART up to the window, so an event
# repeating each second, or daily since the year 1, costs seconds to minutes of CPU; and a
# rule that can never match (30 February, a sixth Monday) it searches up to the year 9999.
# So rules are vetted first (see _rule_supported) and their steps estimated: an event over
# the budget is skipped as broken, a file over the total budget is refused.
MAX_RULE_STEPS = 100_000
MAX_FILE_STEPS = 1_000_000
_FREQ_SECONDS = {
    "SECONDLY": 1,
    "MINUTELY": 60,
    "HOURLY": 3_600,
    "DAILY": 86_400,
    "WEEKLY": 604_800,
    "MONTHLY": 2_419_200,  # the shortest month, so the estimate errs high
    "YEARLY": 31_536_000,
}
_EXPANDING = ("BYSECOND", "BYMINUTE", "BYHOUR", "BYDAY", "BYMONTHDAY", "BYYEARDAY", "BYWEEKNO")
# Real calendars nest three deep (VCALENDAR › VEVENT › VALARM); a file nested deeper is
# refused while it is read, before icalendar builds a component per BEGIN.
MAX_NESTING = 10
_TOO_MANY_EVENTS = (
    "This calendar has more than {limit:,} events in the weeks Coffeechat looks at. "
    "Export a calendar with fewer events and try again."
)

# Floating times and all-day dates get the student's zone only after expansion, so the
# library is asked for a window wider by more than any UTC offset, then trimmed exactly.
_SLACK = dt.timedelta(days=2)

# icalendar keeps the VTIMEZONEs it parses in one process-wide cache and the first
# definition of a TZID wins: Outlook's "Customized Time Zone" from one student's file
# would place another student's events. Parses take turns, each with an empty cache.
_PARSE_LOCK = threading.Lock()


class BusyTimes(Iterator[BusyRecord]):
    """The busy spans of a calendar, expanded as they are read.

    `event_count` is how many events the file holds (a repeating event with moved or
    cancelled instances counts once), busy or not, in the window or not.
    """

    def __init__(self, records: Iterator[BusyRecord], event_count: int) -> None:
        self._records = records
        self.event_count = event_count

    def __next__(self) -> BusyRecord:
        return next(self._records)


def parse_busy(
    upload: Upload, *, start: dt.datetime, end: dt.datetime, tz: zoneinfo.ZoneInfo
) -> BusyTimes:
    """The busy spans overlapping [start, end), in UTC, unsorted and not merged.

    A file that cannot be read as iCalendar raises FormatError here, and so does one whose
    plain rules alone repeat more than MAX_INTERVALS times around the window (counted,
    not expanded); any other file that expands to more raises it while iterating. A
    broken event is skipped.
    """
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("start and end must be aware datetimes.")
    far = _Far(start - _SLACK, end + _SLACK)
    calendars = _calendars(upload, far)
    steps = 0
    instances = 0
    uids: set[str] = set(far.uids)
    for calendar in calendars:
        for number, event in enumerate(calendar.walk("VEVENT")):
            uids.add(_text(event, "UID") or f"no UID #{number}")
            # Counted before runaway rules are dropped: a flood of events in the window
            # (every second, every minute) is refused, not skipped as broken.
            instances += _plain_instances(event, start - _SLACK, end + _SLACK)
        if instances > MAX_INTERVALS:
            raise FormatError(_TOO_MANY_EVENTS.format(limit=MAX_INTERVALS))
        steps += _drop_runaway_rules(calendar, end + _SLACK)
    if steps > MAX_FILE_STEPS:
        raise FormatError(
            "This calendar has too many repeating events to work through. "
            "Export a shorter period (for example the next three months) and try again."
        )
    records = _busy(calendars, start.astimezone(UTC), end.astimezone(UTC), tz)
    return BusyTimes(records, len(uids) + far.without_uid)


class _Far:
    """Events that cannot reach the window, dropped while the file is read.

    A calendar exported after years of use is mostly past events. Building each one with
    icalendar and walking it costs about 0.4 ms, so a 20 MB export took 16 s to come to a
    few weeks of busy times. An event is dropped only when its own lines show it cannot
    overlap the window: it does not repeat (no RRULE or RDATE), is not a moved instance of
    one that does (no RECURRENCE-ID), holds no other component but alarms, and its one
    DTSTART and DTEND (or all-day length) are dates a day or more outside the window, so no
    time zone can bring them in; and no event that is kept has its UID (events with one UID
    are read together, as one repeating event). Anything else, readable or not, goes to
    icalendar as before. Dropped events are still counted in `event_count`.
    """

    _KEEP = ("RRULE", "RDATE", "RECURRENCE-ID", "EXRULE", "DURATION")

    def __init__(self, since: dt.datetime, until: dt.datetime) -> None:
        # A floating or zoned time is at most 14 hours from UTC: a day either side is safe.
        self.first = since.astimezone(UTC).date() - dt.timedelta(days=1)
        self.last = until.astimezone(UTC).date() + dt.timedelta(days=1)
        self.uids: set[str] = set()  # of the events dropped
        self.without_uid = 0

    def look(self, lines: list[str]) -> tuple[str, bool]:
        """The UID ("" for none) of the event in `lines` (BEGIN:VEVENT … END:VEVENT), and
        whether its own lines keep it out of the window."""
        found: dict[str, list[str]] = {}
        readable = True
        for line in _unfolded(lines[1:-1]):
            if ":" not in line:
                readable = False  # malformed: icalendar decides, as for any other event
                continue
            name = _property_name(line)
            if name == "BEGIN" and line[6:].strip().upper() != "VALARM":
                readable = False
            found.setdefault(name, []).append(line)
        uid = _property_value(found["UID"][0]) if "UID" in found else ""
        return uid, readable and self._outside(found)

    def _outside(self, found: dict[str, list[str]]) -> bool:
        if any(name in found for name in self._KEEP):
            return False
        starts, ends = found.get("DTSTART", []), found.get("DTEND", [])
        if len(starts) != 1 or len(ends) > 1:
            return False
        first = _date_of(starts[0])
        if first is None:
            return False
        # With no DTEND, the RFC's default: a day for a date, no time for a time.
        last = _date_of(ends[0]) if ends else first
        if last is None:
            return False
        return max(first, last) < self.first or min(first, last) > self.last

    def without(self, lines: list[str], outside: list[tuple[int, str]], kept: set[str]) -> str:
        """The text of `lines` without the events outside the window (their place in
        `lines` and UID) that share no UID with an event kept; counting them."""
        parts = []
        done = 0
        for place, uid in outside:
            if uid in kept:
                continue
            parts.append("".join(lines[done:place]))
            done = place + 1
            if uid:
                self.uids.add(uid)
            else:
                self.without_uid += 1
        parts.append("".join(lines[done:]))
        return "".join(parts)


def _unfolded(lines: list[str]) -> Iterator[str]:
    current = ""
    for line in lines:
        line = line.rstrip("\r\n")
        if line[:1] in (" ", "\t"):
            current += line[1:]
            continue
        if current:
            yield current
        current = line
    if current:
        yield current


def _property_name(line: str) -> str:
    end = len(line)
    for mark in (";", ":"):
        at = line.find(mark)
        if at != -1:
            end = min(end, at)
    return line[:end].strip().upper()


def _property_value(line: str) -> str:
    try:
        _name, _params, value = icalendar.parser.Contentline(line).parts()
        return str(icalendar.vText.from_ical(value))
    except Exception:  # the raw text is as good a key as any for counting
        return line.partition(":")[2]


def _date_of(line: str) -> dt.date | None:
    """The date a DTSTART or DTEND line names (20251105, 20251105T090000Z, …), or None."""
    value = line.rpartition(":")[2].strip()
    if len(value) < 8 or not value[:8].isdigit() or (len(value) > 8 and value[8] != "T"):
        return None
    try:
        return dt.date(int(value[:4]), int(value[4:6]), int(value[6:8]))
    except ValueError:
        return None


def _calendars(upload: Upload, far: _Far) -> list[icalendar.Calendar]:
    if "BEGIN:VCALENDAR" not in upload.head.upper():
        if "BEGIN:VCARD" in upload.head.upper():
            raise FormatError("This is a contacts file (vCard), not a calendar (.ics).")
        raise FormatError(
            "This is not an iCalendar (.ics) file. In your calendar app, export or "
            "download the calendar as .ics and upload that file."
        )
    try:
        text = _read(upload, far)
    except UnicodeError as exc:
        raise FormatError(
            "The file's characters could not be read (it switches encoding part-way)."
        ) from exc
    with _PARSE_LOCK:
        icalendar.use_zoneinfo()  # also empties the cache of earlier files' VTIMEZONEs
        try:
            # Bytes, not str: icalendar reads a one-line str as the path of a file to open.
            components = icalendar.Calendar.from_ical(text.encode("utf-8"), multiple=True)
        except Exception as exc:  # any error of the library on a malformed file
            raise FormatError(f"This calendar file could not be read: {_short(exc)}") from exc
    calendars = [c for c in components if isinstance(c, icalendar.Calendar)]
    if not calendars:
        raise FormatError("This file has no calendar in it (no BEGIN:VCALENDAR … END:VCALENDAR).")
    for calendar in calendars:
        _check_time_zones(calendar)
    return calendars


def _read(upload: Upload, far: _Far) -> str:
    """The whole text, read line by line so that the line-length limit holds (for a
    property's folded lines joined, too: icalendar joins them before it parses), refusing
    components nested deeper than any calendar app writes, without the events `far` drops."""
    lines: list[str] = []
    event: list[str] | None = None  # the lines of a VCALENDAR's VEVENT, until its END
    outside: list[tuple[int, str]] = []  # events that can't reach the window: place, UID
    kept: set[str] = set()  # the UIDs of the other events
    whole = False
    depth = 0
    joined = 0  # characters in the property so far, its folded lines joined
    limit = upload.limits.max_line
    for number, line in enumerate(upload.lines(), start=1):
        joined = joined + len(line) if line[:1] in (" ", "\t") else len(line)
        if joined > limit:
            raise FormatError(
                f"a property is longer than {limit:,} characters (its folded lines joined); "
                "this does not look like a calendar file.",
                line=number,
            )
        # A folded continuation starts with a blank, so it never looks like BEGIN/END.
        head = line[:6].upper()
        if head == "BEGIN:":
            depth += 1
            if depth > MAX_NESTING:
                raise FormatError(
                    f"Calendar parts are nested more than {MAX_NESTING} deep (BEGIN: inside "
                    "BEGIN:); this does not look like a calendar file.",
                    line=number,
                )
            if depth == 2 and line[6:].strip().upper() == "VEVENT":
                event = []
        elif head[:4] == "END:":
            depth = max(depth - 1, 0)
            if event is not None and depth < 2:
                event.append(line)
                if line[4:].strip().upper() == "VEVENT":
                    uid, out = far.look(event)
                    if out:
                        outside.append((len(lines), uid))
                    else:
                        kept.add(uid)
                else:  # ended by another END: malformed, so keep every event
                    whole = True
                lines.append("".join(event))  # one string per event holds less memory
                event = None
                continue
        (lines if event is None else event).append(line)
    if event is not None:  # never ended: icalendar says what is wrong
        lines.extend(event)
    return far.without(lines, [] if whole else outside, kept)


def _short(exc: Exception) -> str:
    message = str(exc).strip() or type(exc).__name__
    return message if len(message) <= 160 else message[:157] + "…"


def _check_time_zones(calendar: icalendar.Calendar) -> None:
    for timezone in calendar.walk("VTIMEZONE"):
        for rule in _rules(timezone.walk()):
            # Real zones change offsets once or twice a year; anything else is refused
            # because dateutil would replay it on every time conversion.
            if _first(rule, "FREQ") != "YEARLY" or not _rule_supported(rule):
                raise FormatError(
                    f"The time zone “{_text(timezone, 'TZID')}” in this file is not a "
                    "real time zone definition."
                )
    name = _text(calendar, "X-WR-TIMEZONE")
    if name:
        zone = _zone(name)
        if zone is None:
            del calendar["X-WR-TIMEZONE"]  # unknown: read floating times as the student's
        else:
            calendar["X-WR-TIMEZONE"] = zone.key


def _zone(name: str) -> zoneinfo.ZoneInfo | None:
    for key in (name, WINDOWS_TO_OLSON.get(name, "")):
        try:
            return zoneinfo.ZoneInfo(key)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
            continue
    return None


def _rules(components: Iterable[Any]) -> Iterator[Any]:
    for component in components:
        value = component.get("RRULE")
        yield from value if isinstance(value, list) else [] if value is None else [value]


def _first(rule: Any, key: str) -> Any:
    values = rule.get(key) if hasattr(rule, "get") else None
    if values is None:
        return None
    return values[0] if isinstance(values, list) and values else values


def _expansion(rule: Any) -> int:
    product = 1
    for key in _EXPANDING:
        values = rule.get(key)
        product *= max(len(values), 1) if isinstance(values, list) else 1
    return product


def _drop_runaway_rules(calendar: icalendar.Calendar, until: dt.datetime) -> int:
    """Remove events whose rules would take too long to expand; the steps of the rest."""
    total = 0
    doomed: set[int] = set()
    for event in calendar.walk("VEVENT"):
        try:
            steps = _rule_steps(event, until)
        except Exception:  # a rule too broken to estimate is too broken to expand
            steps = math.inf
        if steps > MAX_RULE_STEPS:
            doomed.add(id(event))
        else:
            total += int(steps)
    if doomed:
        for component in calendar.walk():
            component.subcomponents = [c for c in component.subcomponents if id(c) not in doomed]
    return total


def _plain_instances(event: Any, since: dt.datetime, until: dt.datetime) -> int:
    """How many times the event's plain rules (FREQ, INTERVAL, COUNT, UNTIL and nothing
    else, so the count is exact) repeat between since and until; 0 when unreadable.

    Months count as their shortest, erring high by a few instances at most.
    """
    try:
        first = _naive_utc(event["DTSTART"].dt)
        total = 0
        for rule in _rules([event]):
            if set(rule) - {"FREQ", "INTERVAL", "COUNT", "UNTIL", "WKST"}:
                continue
            total += _steps_between(rule, first, _naive_utc(since), _naive_utc(until))
        return total
    except Exception:  # a rule too broken to count is dropped or skipped later
        return 0


def _steps_between(rule: Any, first: dt.datetime, since: dt.datetime, until: dt.datetime) -> int:
    freq, interval, count = _first(rule, "FREQ"), _first(rule, "INTERVAL"), _first(rule, "COUNT")
    if freq not in _FREQ_SECONDS or (interval is not None and int(interval) < 1):
        return 0
    period = _FREQ_SECONDS[freq] * (int(interval) if interval is not None else 1)
    rule_until = _first(rule, "UNTIL")
    if isinstance(rule_until, dt.date):
        until = min(until, _naive_utc(rule_until))
    last_step = (until - first).total_seconds() // period
    if count is not None:
        last_step = min(last_step, int(count) - 1)
    first_step = max(math.ceil((since - first).total_seconds() / period), 0)
    return max(int(last_step) - first_step + 1, 0)


def _rule_steps(event: Any, until: dt.datetime) -> float:
    rules = list(_rules([event]))
    if not rules:
        return 0
    first = _naive_utc(event["DTSTART"].dt)
    steps = 0.0
    for rule in rules:
        freq = _first(rule, "FREQ")
        raw_interval = _first(rule, "INTERVAL")
        interval = 1 if raw_interval is None else int(raw_interval)
        if freq not in _FREQ_SECONDS or interval < 1 or not _rule_supported(rule):
            return math.inf
        last = _naive_utc(until)
        rule_until = _first(rule, "UNTIL")
        if isinstance(rule_until, dt.date):
            last = min(last, _naive_utc(rule_until))
        seconds = max((last - first).total_seconds(), 0)
        steps += (seconds / (_FREQ_SECONDS[freq] * interval) + 1) * _expansion(rule)
    return steps


_RANGES = {
    "BYSECOND": range(61),
    "BYMINUTE": range(60),
    "BYHOUR": range(24),
    "BYMONTH": range(1, 13),
    "BYMONTHDAY": [*range(-31, 0), *range(1, 32)],
    "BYYEARDAY": [*range(-366, 0), *range(1, 367)],
    "BYWEEKNO": [*range(-53, 0), *range(1, 54)],
    "BYSETPOS": [*range(-4, 0), *range(1, 5)],
}
_MONTH_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _rule_supported(rule: Any) -> bool:
    """Whether a rule has a shape that calendar apps write and that can always match.

    Proving that any rule matches somewhere is hard; these shapes (weekly on some days,
    monthly on a day or on the last Friday, yearly on a date…) always do, within a few
    years at most, so dateutil never searches far.
    """
    if not isinstance(rule, icalendar.vRecur):  # a value icalendar could not read
        return False
    freq = _first(rule, "FREQ")
    keys = {key for key in (*_RANGES, "BYDAY") if rule.get(key)}
    for key in keys - {"BYDAY"}:
        if not all(isinstance(v, int) and v in _RANGES[key] for v in rule.get(key)):
            return False
    days = keys & {"BYMONTHDAY", "BYYEARDAY", "BYWEEKNO"}
    ordinals = [getattr(day, "relative", None) or 0 for day in rule.get("BYDAY") or []]
    if len(days) > 1 or (days - {"BYMONTHDAY"} and "BYMONTH" in keys):
        return False
    if freq in {"HOURLY", "MINUTELY", "SECONDLY"} and keys - {"BYSECOND", "BYMINUTE", "BYHOUR"}:
        return False
    if any(ordinals) or "BYSETPOS" in keys:
        # The last Friday of the month, the 2nd Sunday of March: on weekdays alone.
        if freq not in {"MONTHLY", "YEARLY"} or days or "BYDAY" not in keys:
            return False
        if any(ordinals) and "BYSETPOS" in keys:
            return False
        # Every month has four of each weekday, most have a fifth; years have 52 or 53.
        limit = 4 if "BYMONTH" in keys else 5 if freq == "MONTHLY" else 53
        if any(abs(n) > limit for n in ordinals):
            return False
    if "BYMONTHDAY" in keys and "BYMONTH" in keys:
        months, dates = rule.get("BYMONTH"), rule.get("BYMONTHDAY")
        return any(abs(d) <= _MONTH_DAYS[m - 1] for m in months for d in dates)
    return True


def _naive_utc(value: dt.date) -> dt.datetime:
    if not isinstance(value, dt.datetime):
        return dt.datetime(value.year, value.month, value.day)
    if value.tzinfo is not None:
        value = value.astimezone(UTC)
    return value.replace(tzinfo=None)


def _busy(
    calendars: list[icalendar.Calendar],
    start: dt.datetime,
    end: dt.datetime,
    tz: zoneinfo.ZoneInfo,
) -> Iterator[BusyRecord]:
    count = 0
    for calendar in calendars:
        try:
            query = recurring_ical_events.of(
                calendar, skip_bad_series=True, calendar_query=_TolerantQuery
            )
        except Exception as exc:  # e.g. a CALSCALE other than GREGORIAN
            raise FormatError(f"This calendar could not be read: {_short(exc)}") from exc
        for series in query.series:
            try:
                for occurrence in series.between(start - _SLACK, end + _SLACK):
                    # Free and cancelled ones count too: each costs as much to look at.
                    count += 1
                    if count > MAX_INTERVALS:
                        raise FormatError(_TOO_MANY_EVENTS.format(limit=MAX_INTERVALS))
                    record = _record(occurrence, tz)
                    if record is not None and record.end > start and record.start < end:
                        yield record
            except FormatError:
                raise
            except Exception:  # noqa: S112 — one broken event (or series) is skipped
                continue


class _TolerantQuery(recurring_ical_events.CalendarQuery):
    # Any error while setting up one event's series drops that event, not the file.
    suppressed_errors = [Exception]


def _record(occurrence: Any, tz: zoneinfo.ZoneInfo) -> BusyRecord | None:
    event = occurrence.as_component(False)
    if _text(event, "STATUS").upper() == "CANCELLED":
        return None
    if _text(event, "TRANSP").upper() == "TRANSPARENT":
        return None
    if _text(event, "X-MICROSOFT-CDO-BUSYSTATUS").upper() == "FREE":
        return None
    start, end = _utc(occurrence.start, tz), _utc(occurrence.end, tz)
    if end <= start:
        return None  # zero-length (the RFC's default for a timed event with no end)
    return BusyRecord(start=start, end=end, summary=_text(event, "SUMMARY").replace("\x00", ""))


def _text(component: Any, name: str) -> str:
    value = component.get(name)
    if isinstance(value, list):
        value = value[0] if value else None
    return "" if value is None else str(value)


def _utc(value: dt.date, tz: zoneinfo.ZoneInfo) -> dt.datetime:
    if not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time(), tzinfo=tz)
    elif value.tzinfo is None:
        value = value.replace(tzinfo=tz)
    return value.astimezone(UTC)


# Writing ------------------------------------------------------------------------------


def write(events: Iterable[EventRecord], stream: TextIO) -> int:
    """Write a VCALENDAR with one VEVENT per record; returns how many were written.

    Open a file with newline="" so that the CRLF line ends are kept.
    """
    calendar = icalendar.Calendar.new(prodid=PRODID, method="PUBLISH")
    days: list[dt.date] = []
    for record in events:
        calendar.add_component(vevent(record))
        days += [record.start.date(), record.end.date()]
    if days:
        # VTIMEZONEs list every offset change between the dates given: a year either side
        # of the meetings keeps the file short (the default spans 1970-2038).
        calendar.add_missing_timezones(
            first_date=min(days) - dt.timedelta(days=366),
            last_date=max(days) + dt.timedelta(days=366),
        )
    stream.write(calendar.to_ical().decode("utf-8"))
    return len(days) // 2


def vevent(record: EventRecord) -> icalendar.Event:
    """One meeting as a VEVENT, its times in the record's zone (an export, or an invite)."""
    zone = _zone(record.time_zone) or zoneinfo.ZoneInfo("UTC")
    event = icalendar.Event.new(
        uid=record.uid,
        start=_local(record.start, zone),
        end=_local(record.end, zone),
        summary=_clean(record.summary),
        description=_clean(record.description) or None,
        location=_clean(record.location) or None,
        url=_clean(record.url) or None,
        sequence=record.sequence,
        status=STATUS(record.status.upper()),
        created=record.created.astimezone(UTC) if record.created else None,
        last_modified=record.last_modified.astimezone(UTC) if record.last_modified else None,
        stamp=record.stamp.astimezone(UTC) if record.stamp else None,
    )
    if record.organizer_email:
        event.add("ORGANIZER", _address(record.organizer_email, record.organizer_name))
    if record.attendee_email:
        event.add(
            "ATTENDEE",
            _address(
                record.attendee_email,
                record.attendee_name,
                role="REQ-PARTICIPANT",
                partstat="NEEDS-ACTION",
                rsvp=record.rsvp or None,
            ),
        )
    return event


def _address(
    email: str,
    name: str,
    role: str | None = None,
    partstat: str | None = None,
    rsvp: bool | None = None,
) -> icalendar.vCalAddress:
    # icalendar reads \\ \; \, and \: in a parameter as escapes, so a backslash in a
    # name is doubled; quoting the name keeps one without spaces from being split.
    cn = _clean(name).replace("\\", "\\\\")
    address = icalendar.vCalAddress.new(
        _clean(email), cn=cn or None, role=role, partstat=partstat, rsvp=rsvp
    )
    address.params = _QuotedNames(address.params)
    return address


class _QuotedNames(icalendar.Parameters):
    always_quoted = (*icalendar.Parameters.always_quoted, "CN")  # type: ignore[assignment]


def _local(moment: dt.datetime, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    """The time in its zone, or in UTC when the local time is the repeated hour of a
    DST change: a TZID time then means the first one (RFC 5545), which may be wrong."""
    local = moment.astimezone(zone)
    if local.replace(fold=1 - local.fold).utcoffset() != local.utcoffset():
        return moment.astimezone(UTC)
    return local


def _clean(text: str) -> str:
    """One kind of line break, and no control characters a calendar app would choke on."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(ch for ch in text if ch in "\n\t" or not (ord(ch) < 32 or ord(ch) == 127))
