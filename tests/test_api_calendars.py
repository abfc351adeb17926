"""/api/v1/calendars and /api/v1/busy: uploads, subscriptions, refresh, the busy query, and
access control."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from coffeechat.outreach import services
from coffeechat.outreach.models import BusyInterval, Calendar
from tests.calendars import Site, hour, summaries, upload, week_calendar

CALENDARS = "/api/v1/calendars"
BUSY = "/api/v1/busy"
KEYS = {
    "id",
    "name",
    "source_url",
    "refreshed_at",
    "event_count",
    "busy_count",
    "last_error",
    "created_at",
}


def ics_file(data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("classes.ics", data, content_type="text/calendar")


def messages(response: Any) -> list[tuple[list[Any], str]]:
    return [(error["loc"], error["msg"]) for error in response.json()["detail"]]


# Adding ---------------------------------------------------------------------------------


def test_upload_a_file(alice_client: Client, alice: Any) -> None:
    response = alice_client.post(CALENDARS, {"file": ics_file(week_calendar()), "name": "Classes"})

    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == KEYS
    calendar = Calendar.objects.get(owner=alice)
    assert body["id"] == str(calendar.uuid)
    assert (body["name"], body["source_url"]) == ("Classes", "")
    assert (body["event_count"], body["busy_count"], body["last_error"]) == (4, 2, "")
    assert calendar.refreshed_at is not None
    read = dt.datetime.fromisoformat(body["refreshed_at"])
    assert abs(read - calendar.refreshed_at) < dt.timedelta(milliseconds=1)


def test_subscribe_by_url(alice_client: Client, site: Site, private_ok: None) -> None:
    site.serve("/cal.ics", week_calendar())

    response = alice_client.post(CALENDARS, {"url": site.url("/cal.ics")})

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["source_url"], body["name"], body["busy_count"]) == (
        site.url("/cal.ics"),
        "127.0.0.1",
        2,
    )


def test_a_bad_file_is_422_on_file(alice_client: Client) -> None:
    response = alice_client.post(CALENDARS, {"file": ics_file(b"BEGIN:VCARD\r\nEND:VCARD\r\n")})

    assert response.status_code == 422
    assert messages(response) == [
        (["body", "file"], "This is a contacts file (vCard), not a calendar (.ics).")
    ]
    assert not Calendar.objects.exists()


def test_a_private_url_is_422_on_url(alice_client: Client, site: Site) -> None:
    response = alice_client.post(CALENDARS, {"url": site.url("/cal.ics")})

    assert response.status_code == 422
    [(loc, msg)] = messages(response)
    assert loc == ["body", "url"] and "private network" in msg
    assert site.hits == []


@pytest.mark.parametrize(
    "data",
    [{}, {"name": "Only a name"}, {"url": "https://example.org/a.ics", "file": "x"}],
)
def test_either_a_file_or_a_url_is_needed(alice_client: Client, data: dict[str, Any]) -> None:
    if data.get("file") == "x":
        data = {**data, "file": ics_file(week_calendar())}

    response = alice_client.post(CALENDARS, data)

    assert response.status_code == 422
    assert messages(response) == [
        (["body", "file"], "Send either an .ics file or a url, not both.")
    ]
    assert not Calendar.objects.exists()


def test_a_long_name_is_422(alice_client: Client) -> None:
    response = alice_client.post(CALENDARS, {"file": ics_file(week_calendar()), "name": "x" * 201})

    assert response.status_code == 422
    assert not Calendar.objects.exists()


# Reading, refreshing, deleting ----------------------------------------------------------


def test_list_and_get(alice_client: Client, alice: Any) -> None:
    calendar = services.calendar_import(owner=alice, upload=upload(week_calendar()), name="B")
    services.calendar_import(owner=alice, upload=upload(week_calendar()), name="A")

    listed = alice_client.get(CALENDARS).json()
    one = alice_client.get(f"{CALENDARS}/{calendar.uuid}").json()

    assert [c["name"] for c in listed] == ["A", "B"]
    assert one["id"] == str(calendar.uuid) and one["busy_count"] == 2


def test_refresh(alice_client: Client, alice: Any, site: Site, private_ok: None) -> None:
    site.serve("/cal.ics", week_calendar("Seminar"))
    calendar = services.calendar_subscribe(owner=alice, url=site.url("/cal.ics"))
    site.serve("/cal.ics", week_calendar("Lab"))

    response = alice_client.post(f"{CALENDARS}/{calendar.uuid}/refresh")

    assert response.status_code == 200
    assert response.json()["last_error"] == ""
    assert summaries(calendar) == ["Overnight", "Lab"]


def test_a_failed_refresh_is_422_and_keeps_the_busy_times(
    alice_client: Client, alice: Any, site: Site, private_ok: None
) -> None:
    site.serve("/cal.ics", week_calendar())
    calendar = services.calendar_subscribe(owner=alice, url=site.url("/cal.ics"))
    site.serve("/cal.ics", b"Gone fishing", status=500)

    response = alice_client.post(f"{CALENDARS}/{calendar.uuid}/refresh")

    assert response.status_code == 422
    [(loc, msg)] = messages(response)
    assert loc == ["body", "url"] and "(500" in msg
    assert summaries(calendar) == ["Overnight", "Seminar"]
    assert alice_client.get(f"{CALENDARS}/{calendar.uuid}").json()["last_error"] == msg


def test_delete(alice_client: Client, alice: Any) -> None:
    calendar = services.calendar_import(owner=alice, upload=upload(week_calendar()))

    response = alice_client.delete(f"{CALENDARS}/{calendar.uuid}")

    assert response.status_code == 204
    assert not Calendar.objects.exists() and not BusyInterval.objects.exists()


def test_a_stranger_gets_404_everywhere_and_changes_nothing(
    bob_client: Client, alice: Any, site: Site, private_ok: None
) -> None:
    site.serve("/cal.ics", week_calendar())
    calendar = services.calendar_subscribe(owner=alice, url=site.url("/cal.ics"))
    path = f"{CALENDARS}/{calendar.uuid}"

    assert bob_client.get(path).status_code == 404
    assert bob_client.post(f"{path}/refresh").status_code == 404
    assert bob_client.delete(path).status_code == 404
    assert bob_client.get(CALENDARS).json() == []
    start, end = hour(-3).isoformat(), hour(30).isoformat()
    assert bob_client.get(BUSY, {"start": start, "end": end}).json() == []
    assert site.hits == ["/cal.ics"]
    fresh = Calendar.objects.get(pk=calendar.pk)
    assert fresh.refreshed_at == calendar.refreshed_at
    assert summaries(fresh) == ["Overnight", "Seminar"]


def test_an_unknown_id_is_404_and_a_malformed_one_422(alice_client: Client) -> None:
    assert alice_client.get(f"{CALENDARS}/00000000-0000-0000-0000-000000000000").status_code == 404
    assert alice_client.get(f"{CALENDARS}/nope").status_code == 422


def test_signed_out_is_401(client: Client) -> None:
    assert client.get(CALENDARS).status_code == 401
    assert (
        client.get(BUSY, {"start": "2025-01-01T00:00Z", "end": "2025-01-02T00:00Z"}).status_code
        == 401
    )


# Busy -----------------------------------------------------------------------------------


def test_busy_returns_merged_times_with_offsets(alice_client: Client, alice: Any) -> None:
    calendar = Calendar.objects.create(owner=alice, name="Classes")
    for start, end in [("14:00", "15:00"), ("14:30", "16:00"), ("18:00", "19:00")]:
        BusyInterval.objects.create(
            owner=alice,
            calendar=calendar,
            start=dt.datetime.fromisoformat(f"2025-11-03T{start}+00:00"),
            end=dt.datetime.fromisoformat(f"2025-11-03T{end}+00:00"),
        )

    response = alice_client.get(
        BUSY, {"start": "2025-11-03T08:00:00-06:00", "end": "2025-11-03T12:30:00-06:00"}
    )

    assert response.status_code == 200
    assert response.json() == [
        {"start": "2025-11-03T14:00:00+00:00", "end": "2025-11-03T16:00:00+00:00"},
        {"start": "2025-11-03T18:00:00+00:00", "end": "2025-11-03T18:30:00+00:00"},
    ]


def test_busy_reads_an_unencoded_plus_in_the_offset(alice_client: Client, alice: Any) -> None:
    calendar = Calendar.objects.create(owner=alice, name="Classes")
    BusyInterval.objects.create(
        owner=alice,
        calendar=calendar,
        start=dt.datetime.fromisoformat("2025-11-03T09:00:00+00:00"),
        end=dt.datetime.fromisoformat("2025-11-03T10:00:00+00:00"),
    )

    response = alice_client.get(
        f"{BUSY}?start=2025-11-03T09:30:00+01:00&end=2025-11-03T12:00:00+01:00"
    )

    assert response.status_code == 200, response.content
    assert response.json() == [
        {"start": "2025-11-03T09:00:00+00:00", "end": "2025-11-03T10:00:00+00:00"}
    ]


@pytest.mark.parametrize(
    ("start", "end", "field", "message"),
    [
        ("2025-11-03T08:00:00", "2025-11-04T08:00:00Z", "start", "Include a UTC offset"),
        ("2025-11-03T08:00:00Z", "2025-11-04", "end", "Include a UTC offset"),
        ("next tuesday", "2025-11-04T08:00:00Z", "start", "Use ISO 8601"),
        ("2025-11-03T08:00:00Z", "2025-11-03T08:00:00Z", "end", "end must be after start"),
        ("2025-11-03T08:00:00Z", "2025-11-02T08:00:00Z", "end", "end must be after start"),
        ("2025-01-01T00:00:00Z", "2026-01-03T00:00:00Z", "end", "at most 366 days"),
    ],
)
def test_bad_busy_windows_are_422(
    alice_client: Client, start: str, end: str, field: str, message: str
) -> None:
    response = alice_client.get(BUSY, {"start": start, "end": end})

    assert response.status_code == 422
    [(loc, msg)] = messages(response)
    assert loc == ["query", field]
    assert message in msg


def test_busy_needs_both_ends(alice_client: Client) -> None:
    response = alice_client.get(BUSY, {"start": "2025-11-03T08:00:00Z"})

    assert response.status_code == 422
    assert messages(response)[0][0] == ["query", "end"]
