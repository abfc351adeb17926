"""Calendar services and selectors: uploads, subscriptions fetched from a real HTTP server on
loopback, refreshes, and the merged busy times the slot finder reads."""

from __future__ import annotations

import datetime as dt
import time
from http.server import BaseHTTPRequestHandler
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from coffeechat.interchange import ics
from coffeechat.outreach import selectors, services
from coffeechat.outreach.models import BusyInterval, Calendar
from tests.calendars import (
    FILES,
    Site,
    hour,
    summaries,
    upload,
    vcalendar,
    vevent,
    week_calendar,
)

# Uploads --------------------------------------------------------------------------------


def test_import_keeps_the_busy_times_of_the_coming_weeks(alice: Any) -> None:
    calendar = services.calendar_import(owner=alice, upload=upload(week_calendar()))

    assert calendar.name == "classes"  # from the file name
    assert calendar.source_url == ""
    assert calendar.event_count == 4
    assert calendar.refreshed_at is not None
    assert summaries(calendar) == ["Overnight", "Seminar"]
    seminar = calendar.intervals.get(summary="Seminar")
    assert (seminar.start, seminar.end) == (hour(2), hour(2) + dt.timedelta(hours=1))
    assert seminar.owner == alice


def test_import_expands_repeating_events_within_the_window(alice: Any) -> None:
    data = vcalendar(
        vevent("w", hour(-30), hour(-30) + dt.timedelta(hours=1), "Weekly", "RRULE:FREQ=WEEKLY")
    )

    calendar = services.calendar_import(owner=alice, upload=upload(data), name="Weekly class")

    starts = list(calendar.intervals.order_by("start").values_list("start", flat=True))
    expected = [hour(-30 + 7 * n) for n in range(20)]
    low, high = services.busy_window()
    assert starts == [s for s in expected if low < s + dt.timedelta(hours=1) and s < high]
    assert len(starts) in {8, 9}
    assert calendar.name == "Weekly class"


def test_real_exports_import_with_their_event_counts(alice: Any) -> None:
    with (FILES / "ics_outlook.ics").open("rb") as binary:
        calendar = services.calendar_import(owner=alice, upload=binary)

    assert calendar.name == "ics_outlook"
    assert calendar.event_count == 8  # its dates are in 2025: none is in the window now


def test_a_file_that_is_not_a_calendar_writes_nothing(alice: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        services.calendar_import(owner=alice, upload=upload(b"Name,Email\r\nDana,d@x.org\r\n"))

    assert "not an iCalendar" in caught.value.message_dict["file"][0]
    assert not Calendar.objects.exists()


def test_a_zip_gets_a_hint_to_unzip_it(alice: Any) -> None:
    with pytest.raises(ValidationError, match="unzip it"):
        services.calendar_import(owner=alice, upload=upload(b"PK\x03\x04" + b"\x00" * 40))


def test_a_calendar_over_the_interval_cap_writes_nothing(
    alice: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ics, "MAX_INTERVALS", 3)
    daily = vcalendar(
        vevent("d", hour(1), hour(1) + dt.timedelta(hours=1), "Daily", "RRULE:FREQ=DAILY")
    )

    with pytest.raises(ValidationError, match="more than 3 events"):
        services.calendar_import(owner=alice, upload=upload(daily))

    assert not Calendar.objects.exists()
    assert not BusyInterval.objects.exists()


def test_names_are_checked(alice: Any) -> None:
    with pytest.raises(ValidationError, match="at most 200"):
        services.calendar_import(owner=alice, upload=upload(week_calendar()), name="x" * 201)
    with pytest.raises(ValidationError, match="Null characters"):
        services.calendar_import(owner=alice, upload=upload(week_calendar()), name="a\x00b")
    assert not Calendar.objects.exists()


def test_a_student_keeps_at_most_twenty_calendars(
    alice: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(services, "MAX_CALENDARS", 2)
    for _ in range(2):
        services.calendar_import(owner=alice, upload=upload(week_calendar()))

    with pytest.raises(ValidationError, match="2 calendars"):
        services.calendar_import(owner=alice, upload=upload(week_calendar()))
    assert Calendar.objects.count() == 2


def test_delete_removes_the_calendar_and_its_busy_times(alice: Any) -> None:
    calendar = services.calendar_import(owner=alice, upload=upload(week_calendar()))

    services.calendar_delete(calendar=calendar)

    assert not Calendar.objects.exists()
    assert not BusyInterval.objects.exists()


# Subscriptions --------------------------------------------------------------------------


def test_subscribe_fetches_the_address(alice: Any, site: Site, private_ok: None) -> None:
    site.serve("/cal.ics", week_calendar())

    calendar = services.calendar_subscribe(owner=alice, url=site.url("/cal.ics"))

    assert calendar.source_url == site.url("/cal.ics")
    assert calendar.name == "127.0.0.1"
    assert summaries(calendar) == ["Overnight", "Seminar"]
    assert site.hits == ["/cal.ics"]


def test_loopback_addresses_are_refused_by_default(alice: Any, site: Site) -> None:
    site.serve("/cal.ics", week_calendar())

    with pytest.raises(ValidationError) as caught:
        services.calendar_subscribe(owner=alice, url=site.url("/cal.ics"))

    assert "private network" in caught.value.message_dict["url"][0]
    assert site.hits == []  # not even connected to
    assert not Calendar.objects.exists()


def test_a_redirect_to_a_private_address_is_not_followed(
    alice: Any, site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Only 127.0.0.1 counts as public here; the redirect points at another loopback address.
    monkeypatch.setattr(services, "address_allowed", lambda address: address == "127.0.0.1")

    def redirect(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(302)
        handler.send_header("Location", f"http://127.0.0.2:{site.port}/internal")
        handler.end_headers()

    site.routes["/moved"] = redirect

    with pytest.raises(ValidationError, match="private network"):
        services.calendar_subscribe(owner=alice, url=site.url("/moved"))
    assert site.hits == ["/moved"]


def test_a_redirect_to_another_scheme_is_not_followed(
    alice: Any, site: Site, private_ok: None
) -> None:
    def redirect(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(301)
        handler.send_header("Location", "file:///etc/passwd")
        handler.end_headers()

    site.routes["/moved"] = redirect

    with pytest.raises(ValidationError, match="answered with an error"):
        services.calendar_subscribe(owner=alice, url=site.url("/moved"))
    assert not Calendar.objects.exists()


def test_a_redirect_to_a_calendar_is_followed(alice: Any, site: Site, private_ok: None) -> None:
    site.serve("/new.ics", week_calendar())

    def redirect(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(301)
        handler.send_header("Location", "/new.ics")
        handler.end_headers()

    site.routes["/old.ics"] = redirect

    calendar = services.calendar_subscribe(owner=alice, url=site.url("/old.ics"))

    assert summaries(calendar) == ["Overnight", "Seminar"]
    assert site.hits == ["/old.ics", "/new.ics"]


@pytest.mark.parametrize("length", [True, False])
def test_an_oversize_body_is_refused(
    alice: Any, site: Site, private_ok: None, settings: Any, length: bool
) -> None:
    settings.COFFEECHAT_IMPORT_MAX_BYTES = 2_000
    site.serve("/big.ics", week_calendar() + b" " * 5_000, length=length)

    with pytest.raises(ValidationError, match="larger than"):
        services.calendar_subscribe(owner=alice, url=site.url("/big.ics"))
    assert not Calendar.objects.exists()


def test_an_endless_body_is_cut_off_early(
    alice: Any, site: Site, private_ok: None, settings: Any
) -> None:
    settings.COFFEECHAT_IMPORT_MAX_BYTES = 100_000

    def endless(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.end_headers()
        chunk = b"BEGIN:VCALENDAR\r\n" * 4096
        for _ in range(20_000):  # up to 1.4 GB if nobody stops reading
            handler.wfile.write(chunk)
            site.sent += len(chunk)

    site.routes["/endless.ics"] = endless

    with pytest.raises(ValidationError, match="larger than"):
        services.calendar_subscribe(owner=alice, url=site.url("/endless.ics"))
    time.sleep(0.2)
    assert site.sent < 50_000_000


def test_a_slow_server_times_out(alice: Any, site: Site, private_ok: None, settings: Any) -> None:
    settings.COFFEECHAT_CALENDAR_FETCH_TIMEOUT = 1

    def drip(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.end_headers()
        for _ in range(30):
            handler.wfile.write(b"BEGIN:VCALENDAR\r\n")
            handler.wfile.flush()
            time.sleep(0.2)

    site.routes["/slow.ics"] = drip

    began = time.monotonic()
    with pytest.raises(ValidationError, match="did not answer within 1 second\\."):
        services.calendar_subscribe(owner=alice, url=site.url("/slow.ics"))
    assert time.monotonic() - began < 3


def test_a_missing_calendar_says_so(alice: Any, site: Site, private_ok: None) -> None:
    with pytest.raises(ValidationError, match="no calendar at that address \\(404"):
        services.calendar_subscribe(owner=alice, url=site.url("/gone.ics"))


def test_subscribing_twice_to_one_address_is_refused(
    alice: Any, site: Site, private_ok: None
) -> None:
    site.serve("/cal.ics", week_calendar())
    services.calendar_subscribe(owner=alice, url=site.url("/cal.ics"))

    with pytest.raises(ValidationError, match="already subscribe"):
        services.calendar_subscribe(owner=alice, url=site.url("/cal.ics"))
    assert site.hits == ["/cal.ics"]


@pytest.mark.parametrize(
    ("url", "cleaned"),
    [
        (
            "webcal://p12-caldav.icloud.com/published/2/abc",
            "https://p12-caldav.icloud.com/published/2/abc",
        ),
        (" HTTPS://calendar.google.com/x/basic.ics ", "https://calendar.google.com/x/basic.ics"),
        ("http://example.org/cal.ics", "http://example.org/cal.ics"),
    ],
)
def test_addresses_are_cleaned(url: str, cleaned: str) -> None:
    assert services.calendar_url_clean(url) == cleaned


@pytest.mark.parametrize(
    "url",
    ["", "ftp://example.org/x.ics", "file:///etc/passwd", "https://", "calendar.ics", "http://a b"],
)
def test_addresses_that_cannot_be_fetched_are_refused(url: str) -> None:
    with pytest.raises(ValidationError) as caught:
        services.calendar_url_clean(url)
    assert list(caught.value.message_dict) == ["url"]


@pytest.mark.parametrize(
    ("address", "allowed"),
    [
        ("8.8.8.8", True),
        ("2606:4700:4700::1111", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("172.16.0.9", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),  # cloud metadata
        ("100.64.0.1", False),  # carrier-grade NAT
        ("0.0.0.0", False),
        ("224.0.0.1", False),
        ("240.0.0.1", False),
        ("::1", False),
        ("fe80::1%eth0", False),
        ("fd00::1", False),
        ("::ffff:127.0.0.1", False),
    ],
)
def test_only_public_addresses_are_allowed(address: str, allowed: bool, settings: Any) -> None:
    settings.COFFEECHAT_CALENDAR_ALLOW_PRIVATE_URLS = False
    assert services.address_allowed(address) is allowed


# Refresh --------------------------------------------------------------------------------


def test_refresh_replaces_the_busy_times(alice: Any, site: Site, private_ok: None) -> None:
    site.serve("/cal.ics", week_calendar("Seminar"))
    calendar = services.calendar_subscribe(owner=alice, url=site.url("/cal.ics"))
    Calendar.objects.filter(pk=calendar.pk).update(last_error="old failure")
    before = calendar.refreshed_at
    site.serve("/cal.ics", week_calendar("Lab"))

    refreshed = services.calendar_refresh(calendar=Calendar.objects.get(pk=calendar.pk))

    assert summaries(refreshed) == ["Overnight", "Lab"]
    assert BusyInterval.objects.count() == 2
    assert refreshed.last_error == ""
    assert refreshed.refreshed_at is not None and before is not None
    assert refreshed.refreshed_at > before


def test_a_failed_refresh_keeps_the_old_busy_times(
    alice: Any, site: Site, private_ok: None
) -> None:
    site.serve("/cal.ics", week_calendar())
    calendar = services.calendar_subscribe(owner=alice, url=site.url("/cal.ics"))
    site.serve("/cal.ics", b"<html>Maintenance</html>", status=503)

    refreshed = services.calendar_refresh(calendar=calendar)

    assert "503" in refreshed.last_error
    stored = Calendar.objects.get(pk=calendar.pk)
    assert stored.last_error == refreshed.last_error
    assert stored.refreshed_at == calendar.refreshed_at
    assert summaries(stored) == ["Overnight", "Seminar"]


def test_a_refresh_that_is_not_a_calendar_keeps_the_old_busy_times(
    alice: Any, site: Site, private_ok: None
) -> None:
    site.serve("/cal.ics", week_calendar())
    calendar = services.calendar_subscribe(owner=alice, url=site.url("/cal.ics"))
    site.serve("/cal.ics", b"<html>Sign in to continue</html>")

    refreshed = services.calendar_refresh(calendar=calendar)

    assert "not an iCalendar" in refreshed.last_error
    assert summaries(Calendar.objects.get(pk=calendar.pk)) == ["Overnight", "Seminar"]


def test_an_uploaded_calendar_cannot_be_refreshed(alice: Any) -> None:
    calendar = services.calendar_import(owner=alice, upload=upload(week_calendar()))

    with pytest.raises(ValidationError, match="upload it again"):
        services.calendar_refresh(calendar=calendar)


# Selectors ------------------------------------------------------------------------------


def add_busy(owner: Any, calendar: Calendar, *spans: tuple[str, str], summary: str = "") -> None:
    for start, end in spans:
        BusyInterval.objects.create(
            owner=owner,
            calendar=calendar,
            start=dt.datetime.fromisoformat(start),
            end=dt.datetime.fromisoformat(end),
            summary=summary,
        )


def test_busy_between_merges_clips_and_sorts(alice: Any, bob: Any) -> None:
    classes = Calendar.objects.create(owner=alice, name="Classes")
    work = Calendar.objects.create(owner=alice, name="Work")
    add_busy(
        alice,
        classes,
        ("2025-11-03T14:00+00:00", "2025-11-03T15:00+00:00"),
        ("2025-11-03T08:00+00:00", "2025-11-03T09:30+00:00"),
        ("2025-11-03T18:00+00:00", "2025-11-04T02:00+00:00"),
    )
    add_busy(
        alice,
        work,
        ("2025-11-03T14:30+00:00", "2025-11-03T16:00+00:00"),  # overlaps
        ("2025-11-03T16:00+00:00", "2025-11-03T16:30+00:00"),  # touches
        ("2025-11-03T14:40+00:00", "2025-11-03T14:50+00:00"),  # inside
    )
    bobs = Calendar.objects.create(owner=bob, name="Bob's")
    add_busy(bob, bobs, ("2025-11-03T11:00+00:00", "2025-11-03T12:00+00:00"))

    chicago = ZoneInfo("America/Chicago")
    busy = selectors.busy_between(
        alice,
        dt.datetime(2025, 11, 3, 3, 0, tzinfo=chicago),
        dt.datetime(2025, 11, 3, 19, 0, tzinfo=chicago),
    )

    z = dt.datetime.fromisoformat
    assert busy == [
        (z("2025-11-03T09:00+00:00"), z("2025-11-03T09:30+00:00")),  # clipped at the start
        (z("2025-11-03T14:00+00:00"), z("2025-11-03T16:30+00:00")),
        (z("2025-11-03T18:00+00:00"), z("2025-11-04T01:00+00:00")),  # clipped at the end
    ]


def test_busy_between_with_nothing_busy_is_empty(alice: Any) -> None:
    start = timezone.now()
    assert selectors.busy_between(alice, start, start + dt.timedelta(days=7)) == []


def test_busy_days_groups_by_the_students_local_day(alice: Any) -> None:
    calendar = Calendar.objects.create(owner=alice, name="Classes")
    add_busy(alice, calendar, ("2025-11-04T05:30+00:00", "2025-11-04T06:30+00:00"), summary="Late")
    add_busy(alice, calendar, ("2025-11-05T06:00+00:00", "2025-11-07T06:00+00:00"), summary="Trip")
    chicago = ZoneInfo("America/Chicago")

    days = selectors.busy_days(alice, dt.datetime(2025, 11, 3, 12, tzinfo=chicago), 7, chicago)

    listed = [
        (
            d.day.isoformat(),
            [(i.interval.summary, i.all_day, i.from_day_before, i.to_day_after) for i in d.items],
        )
        for d in days
    ]
    assert listed == [
        ("2025-11-03", [("Late", False, False, True)]),  # 23:30 CST to 00:30
        ("2025-11-04", [("Late", False, True, False)]),
        ("2025-11-05", [("Trip", True, False, True)]),  # midnight to midnight, two days
        ("2025-11-06", [("Trip", True, True, False)]),
    ]
