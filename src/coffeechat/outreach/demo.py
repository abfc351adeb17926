"""Reach out for the demo user: outreach in every state, so every page has something to show.

Sam has drafted requests, sent others that wait at each step of 3B7, and heard back a no, a
referral and a yes with a meeting. Rows are made through the services, and every time is
counted back from `now` in business days, so "waiting 2 business days" is true on whatever
day the demo is made (weekends and US public holidays skipped, as the app counts them).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from coffeechat.lib.businessdays import business_day_before
from coffeechat.network.demo import CONTACTS
from coffeechat.network.models import Contact
from coffeechat.outreach import selectors, services
from coffeechat.outreach.models import Channel, Kind, Message, Outcome
from coffeechat.outreach.slots import slot_from_json

COUNTRY = "US"
# People a reply in the demo suggested, whom the outreach demo adds to the list.
PEOPLE_REFERRED = 1
MORNING, AFTERNOON, EVENING = (9, 12), (13, 17), (18, 20)
# (weekday, start hour, end hour): Monday to Friday around lunch, and Tuesday evenings.
AVAILABILITY = [
    *((day, *hours) for day in range(5) for hours in (MORNING, AFTERNOON)),
    (1, *EVENING),
]


@transaction.atomic
def outreach_demo(user: Any, *, now: dt.datetime) -> int:
    """Give the demo user (with the network demo's people) outreach in every state.

    Returns how many people it added to the list: the one a reply referred Sam to.
    """
    services.availability_update(
        user=user,
        windows=[(day, dt.time(start), dt.time(end)) for day, start, end in AVAILABILITY],
        buffer_minutes=15,
        lead_business_days=2,
        horizon_days=14,
        country=COUNTRY,
    )
    tz = selectors.student_zone(user)
    today = now.astimezone(tz).date()

    def days_ago(n: int, hour: int, minute: int = 0) -> dt.datetime:
        """A time of day on the business day n business days before today, in Sam's zone."""
        day = business_day_before(today, n, COUNTRY)
        return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=tz)

    people = _people(user)

    def request(key: str, sent_at: dt.datetime, medium: str = "") -> Message:
        contact = people[key]
        message = services.message_draft(owner=user, contact=contact, medium=medium, now=sent_at)
        channel = Channel.MAILTO if contact.email else Channel.COPY
        return services.message_send(message=message, channel=channel, now=sent_at)

    # Waiting, one at each step of 3B7.
    request("osei", days_ago(2, 10))  # give them time
    request("park", days_ago(4, 9, 30))  # try the next person: Marcus Lee, not contacted yet
    request("brown", days_ago(8, 11))  # the nudge is due (and no reply: a Curmudgeon)
    request("petrova", days_ago(12, 8))
    nudged_at = days_ago(4, 8)
    nudge = services.message_draft(
        owner=user, contact=people["petrova"], kind=Kind.NUDGE, now=nudged_at
    )
    services.message_send(message=nudge, channel=Channel.COPY, now=nudged_at)  # then stop

    # A yes the same day (a Booster): the meeting is at the first time proposed, which the
    # lead time puts after today.
    asked = request("liu", days_ago(1, 10), medium="video")
    start = next((s.start for s in map(slot_from_json, asked.slots) if s.start > now), None)
    if start is None:
        raise RuntimeError("The demo availability offered no time after today.")
    services.reply_record(
        owner=user,
        contact=people["liu"],
        outcome=Outcome.YES,
        received_at=days_ago(1, 15),
        note="Happy to chat! The first time works for me.",
        start=start,
        now=now,
    )

    # A no after 5 business days (an Obligate): the "who else?" draft waits to be sent.
    request("olsen", days_ago(9, 10))
    services.reply_record(
        owner=user,
        contact=people["olsen"],
        outcome=Outcome.NO,
        received_at=days_ago(4, 16),
        note="Swamped with the audit this month, sorry.",
        now=now,
    )

    # A referral after 2 business days (a Booster): the new person gets a first request.
    request("stone", days_ago(6, 10), medium="phone")
    referral = services.reply_record(
        owner=user,
        contact=people["stone"],
        outcome=Outcome.REFERRED,
        received_at=days_ago(4, 12),
        note="Samir on my team started as an intern: he's the one to ask.",
        # Not in the network yet: the reply adds him, referred by Dr. Stone.
        referred_name="Samir Haddad",
        referred_email="shaddad@lakeshorehealth.example",
        referred_organization="Lakeshore Health",
        now=now,
    )

    # Drafted, not sent yet.
    for key in ("schmidt", "alsayed"):
        services.message_draft(owner=user, contact=people[key], now=now)
    return 1 if referral.referred is not None else 0


def _people(user: Any) -> dict[str, Contact]:
    """The network demo's people by their key ("liu"), found by name."""
    names = {row["key"]: row["name"] for row in CONTACTS}
    by_name = {c.name: c for c in Contact.objects.filter(owner=user, name__in=names.values())}
    return {key: by_name[name] for key, name in names.items() if name in by_name}
