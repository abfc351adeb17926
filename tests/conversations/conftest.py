from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from coffeechat.outreach.models import Meeting
from coffeechat.outreach.services import meeting_schedule
from tests.factories import make_contact, make_organization


def make_meeting(
    owner: Any, contact: Any = None, *, hours: float = 48, minutes: int = 20
) -> Meeting:
    if contact is None:
        contact = make_contact(
            owner,
            "Dana Reyes",
            title="Data analyst",
            organization=make_organization(owner, "Acme Health", website="https://acme.example"),
            time_zone="America/New_York",
        )
    start = (timezone.now() + dt.timedelta(hours=hours)).replace(second=0, microsecond=0)
    return meeting_schedule(
        owner=owner,
        contact=contact,
        start=start,
        minutes=minutes,
        medium="video",
        location="https://zoom.example/j/123",
    )


@pytest.fixture
def meeting(alice: Any) -> Meeting:
    return make_meeting(alice)
