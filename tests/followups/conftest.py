"""Building the stories the follow-up rules read: a conversation done, a request unanswered.

Every helper takes `now` so a test can set the clock; rows are written through the
services (or with explicit times where a service would use the real clock).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from coffeechat.conversations.models import Conversation, Note
from coffeechat.network.models import Contact
from coffeechat.outreach.models import Kind, Meeting, MeetingStatus, Message
from tests.factories import make_contact, make_organization

# A Wednesday at noon in Chicago (alice's zone): 18:00 UTC.
NOW = dt.datetime(2026, 11, 18, 18, 0, tzinfo=dt.UTC)
CHICAGO = ZoneInfo("America/Chicago")


def chicago(day: str, hour: int = 12, minute: int = 0) -> dt.datetime:
    """A moment in Chicago, alice's zone: chicago("2026-11-18", 9) is 9 AM there."""
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour, minute), tzinfo=CHICAGO)


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


@contextmanager
def at(moment: dt.datetime) -> Iterator[None]:
    """Run the services as if it were `moment` (their timestamps included)."""
    with time_machine.travel(moment, tick=False):
        yield


def met(
    owner: Any,
    contact: Contact | None = None,
    *,
    end: dt.datetime = NOW,
    minutes: int = 20,
    notes: tuple[tuple[str, str], ...] = (("advice", "Join the local UX guild"),),
) -> Meeting:
    """A conversation that ended at `end` and was finished in live mode then, with notes."""
    if contact is None:
        contact = make_contact(
            owner,
            "Dana Reyes",
            title="UX researcher",
            organization=make_organization(owner, "Acme Health"),
            email="dana@acme.example",
        )
    meeting = Meeting.objects.create(
        owner=owner,
        contact=contact,
        start=end - dt.timedelta(minutes=minutes),
        end=end,
        medium="video",
        status=MeetingStatus.DONE,
    )
    Conversation.objects.create(
        owner=owner, meeting=meeting, started_at=meeting.start, finished_at=end
    )
    for kind, text in notes:
        note = Note.objects.create(owner=owner, meeting=meeting, kind=kind, text=text)
        Note.objects.filter(pk=note.pk).update(created_at=end)
    return meeting


def sent(owner: Any, contact: Contact, kind: str, at: dt.datetime, *, body: str = "Hi") -> Message:
    """A message of `kind` marked sent at `at`."""
    message = Message.objects.create(
        owner=owner, contact=contact, kind=kind, body=body, sent_at=at, channel="copy"
    )
    Message.objects.filter(pk=message.pk).update(created_at=at)
    message.refresh_from_db()
    return message


def request_sent(owner: Any, contact: Contact, at: dt.datetime) -> Message:
    return sent(owner, contact, Kind.REQUEST_COLD, at)


@pytest.fixture
def dana(alice: Any) -> Contact:
    return make_contact(
        alice,
        "Dana Reyes",
        title="UX researcher",
        organization=make_organization(alice, "Acme Health"),
        email="dana@acme.example",
    )
