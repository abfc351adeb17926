"""The slot finder: a few times to propose to a contact, and how to write them.

Pure functions: the caller reads the student's availability windows and busy intervals from the
database and passes them in, so the rules below are tested without one.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from bisect import bisect_left
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

UTC = dt.UTC
_DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_NOON = dt.time(12)
_EVENING = dt.time(17)
_MORNING_PART, _AFTERNOON_PART, _EVENING_PART = 0, 1, 2


@dataclass(frozen=True)
class Window:
    """A weekly span the student can talk, in their own wall-clock time ("Tue 13:00–15:00")."""

    weekday: int  # 0 = Monday … 6 = Sunday
    start: dt.time
    end: dt.time

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= 6:
            raise ValueError(f"weekday must be 0 (Monday) to 6 (Sunday), not {self.weekday}")


@dataclass(frozen=True)
class Slot:
    """A proposed meeting time; aware datetimes (the finder returns them in UTC)."""

    start: dt.datetime
    end: dt.datetime

    def __post_init__(self) -> None:
        if self.start.utcoffset() is None or self.end.utcoffset() is None:
            raise ValueError("a slot's start and end need a time zone or UTC offset")
        if self.end <= self.start:
            raise ValueError("a slot must end after it starts")


# Busy intervals widened by the buffer and merged: (starts, ends), sorted, in UTC.
_Blocked = tuple[list[dt.datetime], list[dt.datetime]]


class _Candidate(NamedTuple):
    start: dt.datetime  # UTC
    end: dt.datetime  # UTC
    part: int  # morning, afternoon or evening in the student's time zone


def _utc(moment: dt.datetime, name: str) -> dt.datetime:
    if moment.utcoffset() is None:
        raise ValueError(f"{name} must be time-zone aware, not {moment.isoformat()}")
    return moment.astimezone(UTC)


def _blocked_spans(
    busy: Sequence[tuple[dt.datetime, dt.datetime]], buffer: dt.timedelta
) -> _Blocked:
    """Busy intervals widened by the buffer, merged, as sorted (starts, ends) in UTC.

    Merged spans are disjoint, so their ends are sorted too and one bisect finds the only span
    that can overlap a candidate: O(log n) per candidate instead of a scan of every event.
    """
    spans = sorted(
        (_utc(start, "busy start") - buffer, _utc(end, "busy end") + buffer)
        for start, end in busy
        if end > start
    )
    starts: list[dt.datetime] = []
    ends: list[dt.datetime] = []
    for start, end in spans:
        if ends and start <= ends[-1]:
            ends[-1] = max(ends[-1], end)
        else:
            starts.append(start)
            ends.append(end)
    return starts, ends


def _is_free(start: dt.datetime, end: dt.datetime, blocked: _Blocked) -> bool:
    starts, ends = blocked
    before = bisect_left(starts, end)  # spans starting before the candidate ends
    return before == 0 or ends[before - 1] <= start


def _microseconds(time: dt.time) -> int:
    return ((time.hour * 60 + time.minute) * 60 + time.second) * 1_000_000 + time.microsecond


def _part_of_day(time: dt.time) -> int:
    if time < _NOON:
        return _MORNING_PART
    return _AFTERNOON_PART if time < _EVENING else _EVENING_PART


def _day_candidates(
    *,
    day: dt.date,
    windows: Sequence[Window],
    tz: zoneinfo.ZoneInfo,
    earliest: dt.datetime,
    latest: dt.datetime,
    length: dt.timedelta,
    step: dt.timedelta,
    blocked: _Blocked,
) -> list[_Candidate]:
    """The free candidates on one local date, earliest first."""
    step_us = step // dt.timedelta(microseconds=1)
    length_us = length // dt.timedelta(microseconds=1)
    midnight = dt.datetime.combine(day, dt.time())
    found: dict[int, _Candidate] = {}  # by wall-clock start, as windows may overlap
    for window in windows:
        first = -(-_microseconds(window.start) // step_us) * step_us  # aligned to the step
        last = _microseconds(window.end) - length_us
        for wall in range(first, last + 1, step_us):
            if wall in found:
                continue
            naive = midnight + dt.timedelta(microseconds=wall)
            # fold=0: an ambiguous wall time (the repeated hour in autumn) means its first
            # occurrence, so the same words never name two different instants.
            local = naive.replace(tzinfo=tz)
            start = local.astimezone(UTC)
            end = start + length
            if start < earliest or end > latest or not _is_free(start, end, blocked):
                continue
            there = start.astimezone(tz)
            # A wall time skipped in spring comes back as another hour: not a real time.
            if there.replace(tzinfo=None) != naive:
                continue
            # A slot across a clock change would read "1:50–1:10" or "1:50–3:10": skip it.
            if end.astimezone(tz).utcoffset() != there.utcoffset():
                continue
            found[wall] = _Candidate(start, end, _part_of_day(naive.time()))
    return sorted(found.values())


def _gap(candidate: _Candidate, picks: Sequence[_Candidate]) -> dt.timedelta:
    """Time between the candidate and the nearest slot already picked."""
    return min(max(p.start - candidate.end, candidate.start - p.end) for p in picks)


def _pick(
    candidates: Sequence[_Candidate], picks: Sequence[_Candidate], usage: list[int], *, spaced: bool
) -> _Candidate | None:
    """The candidate in the least-used part of the day; the earliest, or when `spaced` the
    farthest from the slots picked so far (earliest on a tie)."""
    open_ = [c for c in candidates if all(c.end <= p.start or p.end <= c.start for p in picks)]
    if not open_:
        return None
    fewest = min(usage[c.part] for c in open_)
    pool = [c for c in open_ if usage[c.part] == fewest]
    if not spaced or not picks:
        return pool[0]
    return min(pool, key=lambda c: (-_gap(c, picks), c.start))


def _local_days(first: dt.date, last: dt.date) -> Iterator[dt.date]:
    day = first
    while day <= last:
        yield day
        day += dt.timedelta(days=1)


def slots_find(
    *,
    windows: Sequence[Window],
    busy: Sequence[tuple[dt.datetime, dt.datetime]],
    tz: zoneinfo.ZoneInfo,
    earliest: dt.datetime,
    latest: dt.datetime,
    minutes: int = 20,
    count: int = 3,
    buffer: dt.timedelta = dt.timedelta(0),
    step_minutes: int = 15,
    closed_days: Collection[dt.date] = (),
) -> list[Slot]:
    """Up to `count` non-overlapping times to propose, sorted, spread over days and times of day.

    A slot lies inside one availability window on one local date in `tz` (wall-clock time, so a
    9:00–17:00 window stays 9:00–17:00 across a DST change), starts on a multiple of
    `step_minutes` past midnight local time, starts at or after `earliest`, ends by `latest`,
    and keeps `buffer` clear of every busy interval. A contact says yes more easily when the
    offers are on different days and at different times of day, so the first pass takes one
    slot per day, in date order, from whichever of morning (before 12:00), afternoon or evening
    (17:00 on) was offered least so far; only when fewer days than `count` have free time does a
    second pass add slots to the same days, as far from the others as it can. Fewer than `count`
    (or none) when the calendar is that full. No slot falls on a local date in `closed_days`
    (the student's public holidays).
    """
    if count <= 0:
        return []
    if minutes <= 0 or step_minutes <= 0:
        raise ValueError("minutes and step_minutes must be positive")
    if buffer < dt.timedelta(0):
        raise ValueError("buffer cannot be negative")
    earliest = _utc(earliest, "earliest")
    latest = _utc(latest, "latest")
    length = dt.timedelta(minutes=minutes)
    if latest - earliest < length:
        return []
    by_weekday: dict[int, list[Window]] = {}
    for window in windows:
        by_weekday.setdefault(window.weekday, []).append(window)
    blocked = _blocked_spans(busy, buffer)

    picks: list[_Candidate] = []
    usage = [0, 0, 0]  # slots picked in the morning, afternoon, evening
    days_with_time: list[list[_Candidate]] = []
    first_day, last_day = earliest.astimezone(tz).date(), latest.astimezone(tz).date()
    for day in _local_days(first_day, last_day):
        if day.weekday() not in by_weekday or day in closed_days:
            continue
        candidates = _day_candidates(
            day=day,
            windows=by_weekday[day.weekday()],
            tz=tz,
            earliest=earliest,
            latest=latest,
            length=length,
            step=dt.timedelta(minutes=step_minutes),
            blocked=blocked,
        )
        choice = _pick(candidates, picks, usage, spaced=False)
        if choice is None:
            continue
        days_with_time.append(candidates)
        picks.append(choice)
        usage[choice.part] += 1
        if len(picks) == count:
            break

    while len(picks) < count:
        added = False
        for candidates in days_with_time:
            choice = _pick(candidates, picks, usage, spaced=True)
            if choice is None:
                continue
            picks.append(choice)
            usage[choice.part] += 1
            added = True
            if len(picks) == count:
                break
        if not added:
            break
    return [Slot(start=c.start, end=c.end) for c in sorted(picks)]


def _clock(moment: dt.datetime) -> tuple[str, str]:
    """("10:00", "AM"): 12-hour time without a leading zero, whatever the process locale."""
    return f"{moment.hour % 12 or 12}:{moment.minute:02d}", "AM" if moment.hour < 12 else "PM"


def _zone_name(moment: dt.datetime) -> str:
    """The zone's abbreviation ("CST"), or "UTC+5:30" where tzdata has only numbers ("+0530")."""
    name = moment.tzname() or ""
    if name and name[0] not in "+-" and not name[0].isdigit():
        return name
    offset = moment.utcoffset() or dt.timedelta(0)
    total = int(offset.total_seconds()) // 60
    if total == 0:
        return "UTC"
    sign = "+" if total > 0 else "-"
    hours, minutes = divmod(abs(total), 60)
    return f"UTC{sign}{hours}:{minutes:02d}" if minutes else f"UTC{sign}{hours}"


def _date(moment: dt.datetime) -> str:
    return f"{_DAY_NAMES[moment.weekday()]}, {_MONTH_NAMES[moment.month - 1]} {moment.day}"


def _time_range(start: dt.datetime, end: dt.datetime) -> str:
    (start_clock, start_half), (end_clock, end_half) = _clock(start), _clock(end)
    start_zone, end_zone = _zone_name(start), _zone_name(end)
    if start_zone != end_zone:  # across a clock change in the contact's zone
        return f"{start_clock} {start_half} {start_zone}–{end_clock} {end_half} {end_zone}"
    if start_half == end_half:
        return f"{start_clock}–{end_clock} {end_half} {end_zone}"
    return f"{start_clock} {start_half}–{end_clock} {end_half} {end_zone}"


def _same_zone(one: zoneinfo.ZoneInfo, other: zoneinfo.ZoneInfo) -> bool:
    return one is other or (one.key is not None and one.key == other.key)


def slot_label(
    slot: Slot, *, student_tz: zoneinfo.ZoneInfo, contact_tz: zoneinfo.ZoneInfo | None = None
) -> str:
    """ "Tue, Dec 1, 10:00–10:20 AM CST (11:00 AM EST)": the contact's time first, the student's
    in parentheses so both can check it; only the student's when the contact's zone is unknown."""
    if contact_tz is None or _same_zone(contact_tz, student_tz):
        start, end = slot.start.astimezone(student_tz), slot.end.astimezone(student_tz)
        return f"{_date(start)}, {_time_range(start, end)}"
    start, end = slot.start.astimezone(contact_tz), slot.end.astimezone(contact_tz)
    label = f"{_date(start)}, {_time_range(start, end)}"
    own = slot.start.astimezone(student_tz)
    own_clock, own_half = _clock(own)
    own_time = f"{own_clock} {own_half} {_zone_name(own)}"
    if own.date() != start.date():
        own_time = f"{_date(own)}, {own_time}"
    return f"{label} ({own_time})"


def slot_to_json(slot: Slot) -> dict[str, str]:
    """{"start": "2026-12-01T16:00:00+00:00", "end": …}: ISO 8601 in UTC, offset included."""
    return {
        "start": slot.start.astimezone(UTC).isoformat(),
        "end": slot.end.astimezone(UTC).isoformat(),
    }


def _moment_from_json(data: Mapping[str, object], key: str) -> dt.datetime:
    value = data.get(key)
    if not isinstance(value, str):
        raise ValueError(f"a slot needs a “{key}” date and time as text, got {value!r:.60}")
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(
            f"slot {key} {value!r:.60} is not an ISO 8601 date and time "
            "such as 2026-12-01T16:00:00+00:00"
        ) from None
    if moment.utcoffset() is None:
        raise ValueError(f"slot {key} {value!r:.60} has no UTC offset: add one such as +00:00 or Z")
    return moment.astimezone(UTC)


def slot_from_json(data: Mapping[str, object]) -> Slot:
    """The slot `slot_to_json` wrote; any ISO 8601 offset (or "Z") is accepted, and converted
    to UTC. Raises ValueError, saying what is wrong, for a missing, unreadable or naive value."""
    if not isinstance(data, Mapping):
        raise ValueError(f"a slot is an object with “start” and “end”, got {data!r:.60}")
    return Slot(start=_moment_from_json(data, "start"), end=_moment_from_json(data, "end"))
