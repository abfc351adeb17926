"""/api/v1 Reach out: slots, availability, drafts with checks, sending, replies, the queue."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client

from coffeechat.accounts.models import AvailabilityWindow
from coffeechat.accounts.services import api_token_create
from coffeechat.outreach import services
from coffeechat.outreach.models import Meeting, Message
from tests.factories import make_contact


def put(client: Client, path: str, body: Any) -> Any:
    return client.put(path, json.dumps(body), content_type="application/json")


def post(client: Client, path: str, body: Any) -> Any:
    return client.post(path, json.dumps(body), content_type="application/json")


@pytest.fixture
def dana(alice):
    return make_contact(
        alice,
        "Dana Reyes",
        email="dana@acme.example",
        organization_name="Acme Health",
        title="UX Researcher",
        source="alumni",
        time_zone="America/New_York",
    )


def test_slots_are_free_specific_times_with_offsets(alice, dana):
    _, key = api_token_create(user=alice)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    response = client.get("/api/v1/slots", {"minutes": 30, "count": 4, "contact": str(dana.uuid)})
    assert response.status_code == 200
    slots = response.json()
    assert len(slots) == 4
    now = dt.datetime.now(dt.UTC)
    for slot in slots:
        start = dt.datetime.fromisoformat(slot["start"])
        end = dt.datetime.fromisoformat(slot["end"])
        assert start.utcoffset() is not None and start > now
        assert end - start == dt.timedelta(minutes=30)
        assert "EST (" in slot["label"]


@pytest.mark.parametrize(
    "query", [{"minutes": 1}, {"count": 0}, {"count": 99}, {"contact": "not-a-uuid"}]
)
def test_bad_slot_queries_are_422(alice_client, query):
    assert alice_client.get("/api/v1/slots", query).status_code == 422


def test_availability_round_trip(alice, alice_client):
    got = alice_client.get("/api/v1/availability").json()
    assert got["time_zone"] == "America/Chicago"
    assert len(got["windows"]) == 5  # Monday to Friday 9–5 until the student sets their own
    body = {
        "windows": [
            {"weekday": 1, "start": "13:00", "end": "15:00"},
            {"weekday": 1, "start": "14:00", "end": "16:00"},  # overlaps: joined
            {"weekday": 5, "start": "10:00", "end": "12:00"},
        ],
        "buffer_minutes": 5,
        "country": "ca",
    }
    response = put(alice_client, "/api/v1/availability", body)
    assert response.status_code == 200
    assert response.json()["windows"] == [
        {"weekday": 1, "start": "13:00:00", "end": "16:00:00"},
        {"weekday": 5, "start": "10:00:00", "end": "12:00:00"},
    ]
    assert response.json()["country"] == "CA"
    assert response.json()["buffer_minutes"] == 5
    assert alice_client.get("/api/v1/availability").json() == response.json()


@pytest.mark.parametrize(
    "body",
    [
        {"windows": []},
        {"windows": [{"weekday": 7, "start": "09:00", "end": "10:00"}]},
        {"windows": [{"weekday": 1, "start": "10:00", "end": "09:00"}]},
        {"windows": [{"weekday": 1, "start": "09:00", "end": "10:00"}], "country": "ZZ"},
        {"windows": [{"weekday": 1, "start": "09:00", "end": "10:00"}], "owner": 2},
    ],
)
def test_bad_availability_is_422_and_changes_nothing(alice, alice_client, body):
    services.availability_update(user=alice, windows=[(4, dt.time(9), dt.time(10))])
    response = put(alice_client, "/api/v1/availability", body)
    assert response.status_code == 422
    assert response.json()["detail"]
    assert list(AvailabilityWindow.objects.values_list("weekday", flat=True)) == [4]


def test_draft_returns_subject_body_checks_and_slots(alice_client, dana):
    response = post(alice_client, f"/api/v1/contacts/{dana.uuid}/drafts", {"kind": "request"})
    assert response.status_code == 201
    draft = response.json()
    assert draft["kind"] == "request_alumni"
    assert draft["subject"] and draft["body"].startswith("Hi Dana,")
    codes = {c["code"]: c["ok"] for c in draft["checks"]}
    assert {"introduces", "asks_time", "proposes_times", "short"} <= set(codes)
    assert all(codes[c] for c in ("asks_time", "proposes_times", "not_job_ask"))
    assert len(draft["slots"]) == 3
    for slot in draft["slots"]:
        assert slot["label"] in draft["body"]

    edited = put(
        alice_client,
        f"/api/v1/messages/{draft['id']}",
        {"subject": "", "body": "Can I have a job?"},
    ).json()
    failing = {c["code"] for c in edited["checks"] if not c["ok"]}
    assert {"has_subject", "not_job_ask", "asks_time"} <= failing


@pytest.mark.parametrize(
    "body", [{"kind": "bribe"}, {"minutes": 1}, {"medium": "fax"}, {"kind": "request", "x": 1}]
)
def test_bad_draft_bodies_are_422(alice_client, dana, body):
    response = post(alice_client, f"/api/v1/contacts/{dana.uuid}/drafts", body)
    assert response.status_code == 422
    assert not Message.objects.exists()


def test_send_reply_yes_and_the_queue(alice_client, dana):
    draft = post(alice_client, f"/api/v1/contacts/{dana.uuid}/drafts", {}).json()
    sent = post(alice_client, f"/api/v1/messages/{draft['id']}/sent", {"channel": "copy"})
    assert sent.status_code == 200 and sent.json()["sent_at"]
    again = post(alice_client, f"/api/v1/messages/{draft['id']}/sent", {"channel": "copy"})
    assert again.status_code == 422

    queue = alice_client.get("/api/v1/outreach/queue").json()
    assert [(row["name"], row["business_days"], row["step"]) for row in queue] == [
        ("Dana Reyes", 0, "wait")
    ]

    start = draft["slots"][1]["start"]
    reply = post(
        alice_client,
        f"/api/v1/contacts/{dana.uuid}/replies",
        {"outcome": "yes", "start": start, "medium": "phone"},
    )
    assert reply.status_code == 201
    meeting = reply.json()["meeting"]
    assert dt.datetime.fromisoformat(meeting["start"]) == dt.datetime.fromisoformat(start)
    assert meeting["sequence"] == 0
    assert Meeting.objects.get().medium == "phone"
    assert alice_client.get("/api/v1/outreach/queue").json() == []


def test_reply_no_and_referred_point_at_the_next_draft(alice_client, dana):
    no = post(alice_client, f"/api/v1/contacts/{dana.uuid}/replies", {"outcome": "no"}).json()
    assert Message.objects.get(uuid=no["draft"]).kind == "who_else"
    referred = post(
        alice_client,
        f"/api/v1/contacts/{dana.uuid}/replies",
        {"outcome": "referred", "referred_name": "Sam Okafor"},
    ).json()
    draft = Message.objects.get(uuid=referred["draft"])
    assert str(draft.contact.uuid) == referred["referred_contact"]
    assert draft.contact.referred_by == dana


@pytest.mark.parametrize(
    "body",
    [
        {"outcome": "yes"},
        {"outcome": "yes", "start": "2026-12-01T10:00:00"},  # no offset
        {"outcome": "referred"},
        {"outcome": "no", "received_at": "2026-01-01T10:00:00"},
        {"outcome": "later"},
    ],
)
def test_bad_replies_are_422_and_change_nothing(alice_client, dana, body):
    response = post(alice_client, f"/api/v1/contacts/{dana.uuid}/replies", body)
    assert response.status_code == 422
    assert not Meeting.objects.exists()
    assert not Message.objects.exists()


def test_fresh_times_for_an_old_draft(alice, alice_client, dana):
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(days=30)
    draft = services.message_draft(owner=alice, contact=dana, now=long_ago)
    response = post(alice_client, f"/api/v1/messages/{draft.uuid}/times", {})
    assert response.status_code == 200
    now = dt.datetime.now(dt.UTC)
    slots = response.json()["slots"]
    assert len(slots) == 3
    assert all(dt.datetime.fromisoformat(s["start"]) > now for s in slots)
    assert all(s["label"] in response.json()["body"] for s in slots)
    services.message_send(message=Message.objects.get(uuid=draft.uuid), channel="copy")
    assert post(alice_client, f"/api/v1/messages/{draft.uuid}/times", {}).status_code == 422
