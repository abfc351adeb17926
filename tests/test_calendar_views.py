"""The Calendars page: upload, subscribe, refresh, delete, the busy agenda, and access."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coffeechat.outreach import services
from coffeechat.outreach.models import BusyInterval, Calendar
from tests.calendars import Site, hour, summaries, upload, week_calendar

CHICAGO = ZoneInfo("America/Chicago")


def ics_file(data: bytes, name: str = "classes.ics") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="text/calendar")


def snapshot(calendar: Calendar) -> tuple[Any, ...]:
    fresh = Calendar.objects.get(pk=calendar.pk)
    return (
        fresh.name,
        fresh.refreshed_at,
        fresh.last_error,
        sorted(fresh.intervals.values_list("start", "end", "summary")),
    )


def test_the_empty_page_offers_both_ways_in(alice_client: Client) -> None:
    response = alice_client.get(reverse("calendar_list"))

    assert response.status_code == 200
    text = response.text
    assert "No calendars yet" in text
    assert 'enctype="multipart/form-data"' in text
    assert '<label for="id_upload-file">Calendar file (.ics)</label>' in text
    assert '<label for="id_subscribe-url">Calendar address</label>' in text
    assert "Times are in your time zone, America/Chicago" in text


def test_anonymous_visitors_are_sent_to_sign_in(client: Client) -> None:
    response = client.get(reverse("calendar_list"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_upload_adds_the_calendar_and_shows_its_busy_times(
    alice_client: Client, alice: Any
) -> None:
    response = alice_client.post(
        reverse("calendar_upload"),
        {"upload-file": ics_file(week_calendar()), "upload-name": "Classes"},
        follow=True,
    )

    calendar = Calendar.objects.get(owner=alice)
    assert calendar.name == "Classes"
    assert summaries(calendar) == ["Overnight", "Seminar"]
    text = response.text
    assert "Classes added: 4 events, 2 busy times in the next 60 days." in text
    assert "Uploaded file" in text
    assert "Seminar" in text
    start = hour(2).astimezone(CHICAGO)
    end = start + dt.timedelta(hours=1)
    assert f"{start:%H:%M}–{end:%H:%M}" in text  # in the student's zone
    assert f"{start:%A} {start.day} {start:%B}" in text  # the day heading


def test_an_unreadable_upload_shows_why_and_saves_nothing(alice_client: Client) -> None:
    response = alice_client.post(
        reverse("calendar_upload"),
        {"upload-file": ics_file(b"Subject,Start\r\nLecture,today\r\n", "export.csv")},
    )

    assert response.status_code == 200
    assert "This is not an iCalendar (.ics) file." in response.text
    assert not Calendar.objects.exists()


def test_an_upload_without_a_file_asks_for_one(alice_client: Client) -> None:
    response = alice_client.post(reverse("calendar_upload"), {"upload-name": "Classes"})

    assert "This field is required." in response.text
    assert not Calendar.objects.exists()


def test_subscribe_by_address(
    alice_client: Client, alice: Any, site: Site, private_ok: None
) -> None:
    site.serve("/cal.ics", week_calendar())

    response = alice_client.post(
        reverse("calendar_subscribe"),
        {"subscribe-url": site.url("/cal.ics"), "subscribe-name": "Work"},
        follow=True,
    )

    calendar = Calendar.objects.get(owner=alice)
    assert (calendar.name, calendar.source_url) == ("Work", site.url("/cal.ics"))
    assert "Work added" in response.text
    assert site.url("/cal.ics") in response.text
    assert 'aria-label="Refresh Work"' in response.text


def test_subscribing_to_a_private_address_is_refused_on_the_form(
    alice_client: Client, site: Site
) -> None:
    site.serve("/cal.ics", week_calendar())

    response = alice_client.post(
        reverse("calendar_subscribe"), {"subscribe-url": site.url("/cal.ics")}
    )

    assert response.status_code == 200
    assert "private network" in response.text
    assert site.hits == []
    assert not Calendar.objects.exists()


def test_refresh_reads_the_address_again(
    alice_client: Client, alice: Any, site: Site, private_ok: None
) -> None:
    site.serve("/cal.ics", week_calendar("Seminar"))
    calendar = services.calendar_subscribe(owner=alice, url=site.url("/cal.ics"), name="Work")
    site.serve("/cal.ics", week_calendar("Lab"))

    response = alice_client.post(reverse("calendar_refresh", args=[calendar.uuid]), follow=True)

    assert "Work is up to date." in response.text
    assert summaries(calendar) == ["Overnight", "Lab"]


def test_a_failed_refresh_says_why_and_keeps_the_busy_times(
    alice_client: Client, alice: Any, site: Site, private_ok: None
) -> None:
    site.serve("/cal.ics", week_calendar())
    calendar = services.calendar_subscribe(owner=alice, url=site.url("/cal.ics"), name="Work")
    del site.routes["/cal.ics"]

    response = alice_client.post(reverse("calendar_refresh", args=[calendar.uuid]), follow=True)

    assert "Work could not be refreshed: There is no calendar at that address (404" in (
        response.text
    )
    assert "busy times from the last refresh are kept" in response.text
    assert summaries(calendar) == ["Overnight", "Seminar"]
    assert "Failed:" in response.text  # shown on the calendar too


def test_refreshing_an_uploaded_calendar_explains(alice_client: Client, alice: Any) -> None:
    calendar = services.calendar_import(owner=alice, upload=upload(week_calendar()))

    response = alice_client.post(reverse("calendar_refresh", args=[calendar.uuid]), follow=True)

    assert "upload it again to update it" in response.text


def test_delete_asks_first_then_deletes(alice_client: Client, alice: Any) -> None:
    calendar = services.calendar_import(owner=alice, upload=upload(week_calendar()), name="Old")

    page = alice_client.get(reverse("calendar_delete", args=[calendar.uuid]))
    assert "Delete Old?" in page.text
    assert "Its 2 busy times go with it" in page.text
    assert Calendar.objects.exists()

    response = alice_client.post(reverse("calendar_delete", args=[calendar.uuid]), follow=True)
    assert "Old was deleted, with its busy times." in response.text
    assert not Calendar.objects.exists()
    assert not BusyInterval.objects.exists()


@pytest.mark.parametrize("name", ["calendar_upload", "calendar_subscribe"])
def test_writing_pages_only_take_post(alice_client: Client, name: str) -> None:
    assert alice_client.get(reverse(name)).status_code == 405


def test_refresh_only_takes_post(alice_client: Client, alice: Any) -> None:
    calendar = services.calendar_import(owner=alice, upload=upload(week_calendar()))

    assert alice_client.get(reverse("calendar_refresh", args=[calendar.uuid])).status_code == 405


def test_a_stranger_gets_404_and_changes_nothing(
    bob_client: Client, alice: Any, site: Site, private_ok: None
) -> None:
    site.serve("/cal.ics", week_calendar())
    calendar = services.calendar_subscribe(owner=alice, url=site.url("/cal.ics"), name="Work")
    before = snapshot(calendar)

    for method, name in [
        ("get", "calendar_delete"),
        ("post", "calendar_delete"),
        ("post", "calendar_refresh"),
    ]:
        response = getattr(bob_client, method)(reverse(name, args=[calendar.uuid]))
        assert response.status_code == 404, (method, name)

    assert snapshot(calendar) == before
    assert site.hits == ["/cal.ics"]  # bob's refresh never fetched
    page = bob_client.get(reverse("calendar_list")).text
    assert "Work" not in page and "Seminar" not in page


def test_unknown_and_malformed_ids_are_404(alice_client: Client) -> None:
    for key in ["00000000-0000-0000-0000-000000000000", "not-a-uuid"]:
        assert alice_client.get(reverse("calendar_delete", args=[key])).status_code == 404


def test_the_agenda_lists_all_day_and_overnight_times(alice_client: Client, alice: Any) -> None:
    calendar = Calendar.objects.create(owner=alice, name="Life")
    today = timezone.localdate(timezone.now(), CHICAGO)
    midnight = dt.datetime.combine(today + dt.timedelta(days=2), dt.time(), tzinfo=CHICAGO)
    BusyInterval.objects.create(
        owner=alice,
        calendar=calendar,
        start=midnight,
        end=midnight + dt.timedelta(days=1),
        summary="Career fair",
    )
    BusyInterval.objects.create(
        owner=alice,
        calendar=calendar,
        start=midnight + dt.timedelta(days=1, hours=23),
        end=midnight + dt.timedelta(days=2, hours=1),
        summary="Night shift",
    )

    text = alice_client.get(reverse("calendar_list")).text

    assert "All day" in text and "Career fair" in text
    assert "from 23:00" in text and "until 01:00" in text
