from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coffeechat.outreach.slots import (
    Slot,
    Window,
    slot_from_json,
    slot_label,
    slot_to_json,
    slots_find,
)

UTC = dt.UTC
CHICAGO = ZoneInfo("America/Chicago")
NEW_YORK = ZoneInfo("America/New_York")
TOKYO = ZoneInfo("Asia/Tokyo")
# Offsets here are all whole quarter hours, so the student's quarter hours are UTC quarter hours.
ZONES = [
    CHICAGO,
    ZoneInfo("Europe/London"),
    ZoneInfo("Asia/Kolkata"),
    ZoneInfo("Australia/Lord_Howe"),
    ZoneInfo("America/St_Johns"),
]
# 2026 clock changes in those zones, to land horizons on them more often than chance would.
CLOCK_CHANGES = [
    dt.datetime(2026, 3, 8),
    dt.datetime(2026, 11, 1),
    dt.datetime(2026, 3, 29),
    dt.datetime(2026, 10, 25),
    dt.datetime(2026, 4, 5),
    dt.datetime(2026, 10, 4),
]
QUARTER = dt.timedelta(minutes=15)
WEEKDAYS = range(5)


def weekday_windows(start: dt.time, end: dt.time, days=WEEKDAYS) -> list[Window]:
    return [Window(weekday=day, start=start, end=end) for day in days]


def local(slot: Slot, tz: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    return slot.start.astimezone(tz), slot.end.astimezone(tz)


def part_of_day(moment: dt.datetime) -> str:
    if moment.hour < 12:
        return "morning"
    return "afternoon" if moment.hour < 17 else "evening"


def assert_no_overlaps(slots: list[Slot]) -> None:
    for i, one in enumerate(slots):
        for other in slots[i + 1 :]:
            assert one.end <= other.start or other.end <= one.start, (one, other)


def inside_a_window(slot: Slot, windows: list[Window], tz: ZoneInfo) -> bool:
    start, end = local(slot, tz)
    return start.date() == end.date() and any(
        w.weekday == start.weekday() and w.start <= start.time() and end.time() <= w.end
        for w in windows
    )


def clear_of(slot: Slot, busy, buffer: dt.timedelta) -> bool:
    return all(
        not (slot.start - buffer < busy_end and busy_start < slot.end + buffer)
        for busy_start, busy_end in busy
    )


@dataclass
class Case:
    windows: list[Window]
    busy: list[tuple[dt.datetime, dt.datetime]]
    tz: ZoneInfo
    earliest: dt.datetime
    latest: dt.datetime
    minutes: int
    count: int
    buffer: dt.timedelta

    def find(self, **changes) -> list[Slot]:
        arguments = {
            "windows": self.windows,
            "busy": self.busy,
            "tz": self.tz,
            "earliest": self.earliest,
            "latest": self.latest,
            "minutes": self.minutes,
            "count": self.count,
            "buffer": self.buffer,
        }
        return slots_find(**{**arguments, **changes})

    def free_starts(self) -> list[dt.datetime]:
        """Every possible slot start, found from the UTC side: walk UTC quarter hours and keep
        those that read, in the student's zone, as a first-occurrence wall time inside a window,
        with no clock change during the slot, clear of the calendar."""
        length = dt.timedelta(minutes=self.minutes)
        moment = self.earliest.astimezone(UTC).replace(second=0, microsecond=0)
        moment -= dt.timedelta(minutes=moment.minute % 15)
        found = []
        while moment + length <= self.latest:
            slot = Slot(start=moment, end=moment + length)
            start, end = local(slot, self.tz)
            if (
                moment >= self.earliest
                and start.fold == 0
                and start.minute % 15 == 0
                and start.utcoffset() == end.utcoffset()
                and inside_a_window(slot, self.windows, self.tz)
                and clear_of(slot, self.busy, self.buffer)
            ):
                found.append(moment)
            moment += QUARTER
        return found


@st.composite
def windows_strategy(draw) -> list[Window]:
    windows = []
    # Quarter hours mostly; five-minute steps sometimes, so a window can start off the grid.
    unit = draw(st.sampled_from([15, 15, 5]))
    per_day = 24 * 60 // unit
    for _ in range(draw(st.integers(min_value=1, max_value=6))):
        first = draw(st.integers(min_value=0, max_value=per_day - 2))  # units since midnight
        last = draw(st.integers(min_value=first + 1, max_value=per_day - 1))
        windows.append(
            Window(
                weekday=draw(st.integers(min_value=0, max_value=6)),
                start=dt.time(first * unit // 60, first * unit % 60),
                end=dt.time(last * unit // 60, last * unit % 60),
            )
        )
    return windows


@st.composite
def cases(draw) -> Case:
    tz = draw(st.sampled_from(ZONES))
    anywhere = st.datetimes(min_value=dt.datetime(2026, 1, 1), max_value=dt.datetime(2026, 12, 31))
    near_a_change = st.sampled_from(CLOCK_CHANGES).flatmap(
        lambda day: st.datetimes(
            min_value=day - dt.timedelta(days=4), max_value=day + dt.timedelta(days=1)
        )
    )
    earliest = draw(st.one_of(anywhere, near_a_change)).replace(tzinfo=tz)
    horizon = dt.timedelta(
        days=draw(st.integers(min_value=0, max_value=14)),
        minutes=draw(st.integers(min_value=0, max_value=24 * 60)),
    )
    busy = []
    for _ in range(draw(st.integers(min_value=0, max_value=30))):
        offset = draw(st.integers(min_value=-24 * 60, max_value=int(horizon.total_seconds() // 60)))
        start = earliest + dt.timedelta(minutes=offset)
        end = start + dt.timedelta(minutes=draw(st.integers(min_value=1, max_value=300)))
        shown_in = draw(st.sampled_from([*ZONES, UTC]))  # calendars come in any zone
        busy.append((start.astimezone(shown_in), end.astimezone(shown_in)))
    return Case(
        windows=draw(windows_strategy()),
        busy=busy,
        tz=tz,
        earliest=earliest,
        latest=earliest + horizon,
        minutes=draw(st.integers(min_value=10, max_value=60)),
        count=draw(st.integers(min_value=1, max_value=5)),
        buffer=dt.timedelta(minutes=draw(st.integers(min_value=0, max_value=60))),
    )


@settings(max_examples=200, deadline=None)
@given(case=cases())
def test_every_slot_follows_the_rules(case: Case):
    slots = case.find()
    assert len(slots) <= case.count
    assert slots == sorted(slots, key=lambda s: s.start)
    assert_no_overlaps(slots)
    for slot in slots:
        assert slot.end - slot.start == dt.timedelta(minutes=case.minutes)
        assert slot.start >= case.earliest
        assert slot.end <= case.latest
        assert slot.start.utcoffset() == dt.timedelta(0)
        assert inside_a_window(slot, case.windows, case.tz), local(slot, case.tz)
        assert clear_of(slot, case.busy, case.buffer)
        start, end = local(slot, case.tz)
        assert start.minute % 15 == 0 and start.second == 0
        assert end.replace(tzinfo=None) - start.replace(tzinfo=None) == slot.end - slot.start


@settings(max_examples=200, deadline=None)
@given(case=cases())
def test_slots_come_from_the_free_time_spread_over_the_first_free_days(case: Case):
    slots = case.find()
    free = case.free_starts()
    assert {slot.start for slot in slots} <= set(free)
    free_days = sorted({start.astimezone(case.tz).date() for start in free})
    slot_days = sorted({slot.start.astimezone(case.tz).date() for slot in slots})
    # One slot a day, on the first free days, before any day gets a second.
    assert slot_days == free_days[: case.count]
    if len(free_days) >= case.count:
        assert len(slots) == case.count
    # Fewer than asked only when no free time is left that does not overlap a slot.
    if len(slots) < case.count:
        length = dt.timedelta(minutes=case.minutes)
        for start in free:
            assert any(start < s.end and s.start < start + length for s in slots), start


@settings(max_examples=200, deadline=None)
@given(case=cases())
def test_same_input_gives_the_same_slots_whatever_the_order(case: Case):
    slots = case.find()
    assert case.find() == slots
    assert case.find(busy=case.busy[::-1], windows=case.windows[::-1]) == slots


def test_three_slots_fall_on_three_different_days():
    monday = dt.datetime(2026, 3, 2, 8, tzinfo=CHICAGO)
    slots = slots_find(
        windows=weekday_windows(dt.time(9), dt.time(17)),
        busy=[],
        tz=CHICAGO,
        earliest=monday,
        latest=monday + dt.timedelta(days=14),
    )
    days = [slot.start.astimezone(CHICAGO).date() for slot in slots]
    first_three_weekdays = [
        day for day in (monday.date() + dt.timedelta(days=i) for i in range(7)) if day.weekday() < 5
    ][:3]
    assert days == first_three_weekdays


def test_parts_of_day_differ_when_windows_allow():
    monday = dt.datetime(2026, 3, 2, tzinfo=CHICAGO)
    slots = slots_find(
        windows=weekday_windows(dt.time(8), dt.time(20)),
        busy=[],
        tz=CHICAGO,
        earliest=monday,
        latest=monday + dt.timedelta(days=14),
        count=3,
    )
    assert len({slot.start.astimezone(CHICAGO).date() for slot in slots}) == 3
    assert sorted(part_of_day(slot.start.astimezone(CHICAGO)) for slot in slots) == [
        "afternoon",
        "evening",
        "morning",
    ]


def test_a_day_with_only_mornings_leaves_the_afternoon_to_the_next_day():
    monday = dt.datetime(2026, 3, 2, tzinfo=CHICAGO)
    windows = [
        Window(weekday=0, start=dt.time(9), end=dt.time(11)),
        Window(weekday=1, start=dt.time(9), end=dt.time(16)),
        Window(weekday=2, start=dt.time(9), end=dt.time(16)),
    ]
    slots = slots_find(
        windows=windows, busy=[], tz=CHICAGO, earliest=monday, latest=monday + dt.timedelta(days=6)
    )
    parts = [part_of_day(slot.start.astimezone(CHICAGO)) for slot in slots]
    # Monday can only offer a morning; Tuesday then offers an afternoon. Wednesday has no
    # evening, so it repeats the least-offered part: one of the two, never a third morning.
    assert parts[:2] == ["morning", "afternoon"]
    assert len(slots) == 3


def test_busy_blocks_are_kept_clear_with_the_buffer():
    tuesday = dt.date(2026, 3, 3)
    busy_start = dt.datetime.combine(tuesday, dt.time(9, 30), tzinfo=CHICAGO)
    busy_end = dt.datetime.combine(tuesday, dt.time(10, 30), tzinfo=CHICAGO)
    buffer = dt.timedelta(minutes=15)
    slots = slots_find(
        windows=[Window(weekday=1, start=dt.time(9), end=dt.time(12))],
        # The calendar speaks UTC; the student lives in Chicago.
        busy=[(busy_start.astimezone(UTC), busy_end.astimezone(UTC))],
        tz=CHICAGO,
        earliest=dt.datetime.combine(tuesday, dt.time(0), tzinfo=CHICAGO),
        latest=dt.datetime.combine(tuesday, dt.time(23), tzinfo=CHICAGO),
        count=5,
        buffer=buffer,
    )
    assert slots
    assert all(slot.start >= busy_end + buffer for slot in slots)
    assert slots[0].start == busy_end + buffer  # the first free quarter hour
    assert_no_overlaps(slots)


def test_buffer_applies_before_a_meeting_too():
    tuesday = dt.date(2026, 3, 3)
    busy_start = dt.datetime.combine(tuesday, dt.time(11), tzinfo=CHICAGO)
    buffer = dt.timedelta(minutes=30)
    slots = slots_find(
        windows=[Window(weekday=1, start=dt.time(9), end=dt.time(12))],
        busy=[(busy_start, busy_start + dt.timedelta(hours=1))],
        tz=CHICAGO,
        earliest=dt.datetime.combine(tuesday, dt.time(0), tzinfo=CHICAGO),
        latest=dt.datetime.combine(tuesday, dt.time(23), tzinfo=CHICAGO),
        count=5,
        buffer=buffer,
    )
    assert slots
    assert all(slot.end <= busy_start - buffer for slot in slots)


def test_overlapping_unsorted_busy_intervals_are_all_respected():
    tuesday = dt.date(2026, 3, 3)

    def at(hour: int, minute: int = 0) -> dt.datetime:
        return dt.datetime.combine(tuesday, dt.time(hour, minute), tzinfo=CHICAGO)

    busy = [(at(13), at(14)), (at(9), at(11)), (at(10), at(10, 30)), (at(10, 45), at(12, 30))]
    slots = slots_find(
        windows=[Window(weekday=1, start=dt.time(9), end=dt.time(15))],
        busy=busy,
        tz=CHICAGO,
        earliest=at(0),
        latest=at(23),
        count=5,
    )
    assert slots
    assert all(clear_of(slot, busy, dt.timedelta(0)) for slot in slots)
    assert all(at(12, 30) <= slot.start < at(13) or slot.start >= at(14) for slot in slots)


def test_never_proposes_a_time_before_earliest():
    now = dt.datetime(2026, 3, 3, 10, 7, tzinfo=CHICAGO)
    slots = slots_find(
        windows=weekday_windows(dt.time(9), dt.time(17)),
        busy=[],
        tz=CHICAGO,
        earliest=now,
        latest=now + dt.timedelta(days=7),
    )
    next_quarter = now.replace(minute=0) + QUARTER * -(-now.minute // 15)
    assert slots[0].start == next_quarter
    assert all(slot.start >= now for slot in slots)


def test_starts_are_on_the_quarter_hours_even_when_a_window_is_not():
    monday = dt.datetime(2026, 3, 2, tzinfo=CHICAGO)
    slots = slots_find(
        windows=weekday_windows(dt.time(9, 5), dt.time(9, 50)),
        busy=[],
        tz=CHICAGO,
        earliest=monday,
        latest=monday + dt.timedelta(days=7),
    )
    assert slots
    for slot in slots:
        start, end = local(slot, CHICAGO)
        assert start.minute % 15 == 0 and start.second == 0
        assert dt.time(9, 5) <= start.time() and end.time() <= dt.time(9, 50)


def test_a_second_slot_on_the_same_day_is_spaced_away_from_the_first():
    tuesday = dt.date(2026, 3, 3)
    slots = slots_find(
        windows=[Window(weekday=1, start=dt.time(9), end=dt.time(17))],
        busy=[],
        tz=CHICAGO,
        earliest=dt.datetime.combine(tuesday, dt.time(0), tzinfo=CHICAGO),
        latest=dt.datetime.combine(tuesday, dt.time(23), tzinfo=CHICAGO),
        count=3,
    )
    assert len(slots) == 3
    # Three 20-minute slots spread over eight hours leave well over three hours between them.
    gaps = [later.start - earlier.end for earlier, later in itertools.pairwise(slots)]
    assert min(gaps) >= dt.timedelta(hours=3), gaps


def test_a_full_calendar_gives_fewer_slots_or_none():
    monday = dt.datetime(2026, 3, 2, tzinfo=CHICAGO)
    latest = monday + dt.timedelta(days=14)
    windows = weekday_windows(dt.time(9), dt.time(17))
    gap_start = dt.datetime(2026, 3, 4, 14, tzinfo=CHICAGO)
    gap_end = gap_start + dt.timedelta(minutes=30)
    busy = [(monday, gap_start), (gap_end, latest)]
    slots = slots_find(windows=windows, busy=busy, tz=CHICAGO, earliest=monday, latest=latest)
    assert len(slots) == 1
    assert gap_start <= slots[0].start and slots[0].end <= gap_end

    full = slots_find(
        windows=windows, busy=[(monday, latest)], tz=CHICAGO, earliest=monday, latest=latest
    )
    assert full == []


def test_asking_for_no_slots_gives_none():
    monday = dt.datetime(2026, 3, 2, tzinfo=CHICAGO)
    for count in (0, -1):
        found = slots_find(
            windows=weekday_windows(dt.time(9), dt.time(17)),
            busy=[],
            tz=CHICAGO,
            earliest=monday,
            latest=monday + dt.timedelta(days=7),
            count=count,
        )
        assert found == []


def test_naive_times_are_refused():
    with pytest.raises(ValueError, match="aware"):
        slots_find(
            windows=weekday_windows(dt.time(9), dt.time(17)),
            busy=[],
            tz=CHICAGO,
            earliest=dt.datetime(2026, 3, 2),
            latest=dt.datetime(2026, 3, 9, tzinfo=CHICAGO),
        )


def test_windows_keep_their_wall_clock_time_across_the_november_change():
    thursday = dt.datetime(2026, 10, 29, tzinfo=CHICAGO)
    slots = slots_find(
        windows=weekday_windows(dt.time(9), dt.time(9, 20)),  # one possible slot a day
        busy=[],
        tz=CHICAGO,
        earliest=thursday,
        latest=thursday + dt.timedelta(days=9),
        count=5,
    )
    change = dt.date(2026, 11, 1)
    days = [slot.start.astimezone(CHICAGO).date() for slot in slots]
    assert [d < change for d in days] == [True, True, False, False, False]
    for slot in slots:
        assert slot.start.astimezone(CHICAGO).time() == dt.time(9)
        # 9:00 CDT is 14:00 UTC; after the change 9:00 CST is 15:00 UTC.
        before = slot.start.astimezone(CHICAGO).date() < change
        assert slot.start.hour == (14 if before else 15)


@pytest.mark.parametrize(
    ("day", "window_end"),
    [
        (dt.date(2026, 3, 8), dt.time(3, 30)),  # 2:00–2:59 does not exist in Chicago
        (dt.date(2026, 11, 1), dt.time(2, 30)),  # 1:00–1:59 happens twice
    ],
)
def test_clock_change_nights_give_only_real_slots_inside_the_window(day, window_end):
    window = Window(weekday=day.weekday(), start=dt.time(0, 30), end=window_end)
    slots = slots_find(
        windows=[window],
        busy=[],
        tz=CHICAGO,
        earliest=dt.datetime.combine(day, dt.time(0), tzinfo=UTC) - dt.timedelta(days=1),
        latest=dt.datetime.combine(day, dt.time(0), tzinfo=UTC) + dt.timedelta(days=2),
        count=20,
        step_minutes=5,
    )
    assert slots
    assert_no_overlaps(slots)
    for slot in slots:
        start, end = local(slot, CHICAGO)
        assert start.date() == end.date() == day
        assert window.start <= start.time() and end.time() <= window.end
        assert end.replace(tzinfo=None) - start.replace(tzinfo=None) == dt.timedelta(minutes=20)
        # A repeated wall time is offered once, at its first occurrence, so "1:15 AM" names
        # one instant.
        assert start.fold == 0


def test_label_in_the_contacts_zone_with_the_students_in_parentheses():
    start = dt.datetime(2026, 12, 1, 16, tzinfo=UTC)
    slot = Slot(start=start, end=start + dt.timedelta(minutes=20))
    label = slot_label(slot, student_tz=NEW_YORK, contact_tz=CHICAGO)
    assert label == "Tue, Dec 1, 10:00–10:20 AM CST (11:00 AM EST)"


def test_label_writes_am_and_pm_on_both_ends_when_they_differ():
    start = dt.datetime(2026, 12, 1, 17, 50, tzinfo=UTC)
    slot = Slot(start=start, end=start + dt.timedelta(minutes=20))
    label = slot_label(slot, student_tz=NEW_YORK, contact_tz=CHICAGO)
    assert label == "Tue, Dec 1, 11:50 AM–12:10 PM CST (12:50 PM EST)"


def test_label_dates_the_students_time_when_the_day_differs():
    start = dt.datetime(2026, 12, 1, 16, tzinfo=UTC)
    slot = Slot(start=start, end=start + dt.timedelta(minutes=20))
    label = slot_label(slot, student_tz=TOKYO, contact_tz=CHICAGO)
    assert label == "Tue, Dec 1, 10:00–10:20 AM CST (Wed, Dec 2, 1:00 AM JST)"


def test_label_without_the_contacts_zone_is_the_students_time_alone():
    start = dt.datetime(2026, 12, 1, 5, 5, tzinfo=UTC)
    slot = Slot(start=start, end=start + dt.timedelta(minutes=30))
    assert slot_label(slot, student_tz=NEW_YORK) == "Tue, Dec 1, 12:05–12:35 AM EST"
    same = slot_label(slot, student_tz=NEW_YORK, contact_tz=ZoneInfo("America/New_York"))
    assert same == "Tue, Dec 1, 12:05–12:35 AM EST"


def test_label_spells_numeric_zone_names_as_utc_offsets():
    start = dt.datetime(2026, 6, 1, 12, tzinfo=UTC)
    slot = Slot(start=start, end=start + dt.timedelta(minutes=20))
    label = slot_label(
        slot, student_tz=ZoneInfo("Asia/Kathmandu"), contact_tz=ZoneInfo("America/Sao_Paulo")
    )
    assert label == "Mon, Jun 1, 9:00–9:20 AM UTC-3 (5:45 PM UTC+5:45)"


def test_json_round_trip_keeps_utc_offsets():
    start = dt.datetime(2026, 12, 1, 16, tzinfo=UTC)
    slot = Slot(start=start, end=start + dt.timedelta(minutes=20))
    data = slot_to_json(slot)
    assert data == {"start": "2026-12-01T16:00:00+00:00", "end": "2026-12-01T16:20:00+00:00"}
    assert slot_from_json(data) == slot


def test_json_accepts_z_and_other_offsets():
    slot = slot_from_json({"start": "2026-12-01T10:00:00-06:00", "end": "2026-12-01T16:20Z"})
    assert slot.start == dt.datetime(2026, 12, 1, 16, tzinfo=UTC)
    assert slot.start.utcoffset() == dt.timedelta(0)
    assert slot.end - slot.start == dt.timedelta(minutes=20)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"start": "2026-12-01T16:00:00", "end": "2026-12-01T16:20:00+00:00"}, "no UTC offset"),
        ({"start": "next Tuesday", "end": "2026-12-01T16:20:00+00:00"}, "not an ISO 8601"),
        ({"end": "2026-12-01T16:20:00+00:00"}, "start"),
        ({"start": 1764604800, "end": "2026-12-01T16:20:00+00:00"}, "start"),
        ({"start": "2026-12-01T16:20:00Z", "end": "2026-12-01T16:00:00Z"}, "end after it starts"),
        (["2026-12-01T16:00:00Z", "2026-12-01T16:20:00Z"], "object"),
    ],
)
def test_json_refuses_unreadable_or_naive_times(data, message):
    with pytest.raises(ValueError, match=message):
        slot_from_json(data)
