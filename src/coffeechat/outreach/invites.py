"""The calendar invitation (.ics, iTIP) sent with a meeting, and its updates and cancellation.

A calendar app matches an update to the invite it already holds by UID and keeps the one
with the highest SEQUENCE, so a moved meeting keeps its UID and goes up one in SEQUENCE,
and a cancellation is METHOD:CANCEL with the same UID.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import icalendar
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from coffeechat.interchange import ics
from coffeechat.interchange.records import EventRecord

UID_DOMAIN = "coffeechat"
METHODS = {"REQUEST", "CANCEL", "PUBLISH"}
STATUSES = {"CONFIRMED", "TENTATIVE", "CANCELLED"}


def invite_ics(
    *,
    uid: str,
    sequence: int,
    start: dt.datetime,
    end: dt.datetime,
    summary: str,
    description: str,
    location: str,
    organizer_name: str,
    organizer_email: str,
    attendee_name: str,
    attendee_email: str,
    tz: ZoneInfo,
    method: str = "REQUEST",
    status: str = "CONFIRMED",
    stamp: dt.datetime | None = None,
) -> bytes:
    """A VCALENDAR holding one VEVENT, with times in `tz` (the student's zone).

    `uid` gets "@coffeechat" unless it has an "@" already. METHOD:CANCEL always carries
    STATUS:CANCELLED. An invitation (REQUEST or CANCEL) must name its organizer, so a
    blank `organizer_email` raises ValueError rather than inventing an address: for a
    student without one, METHOD:PUBLISH gives a plain "add to calendar" file with no
    ORGANIZER. The ATTENDEE is left out when `attendee_email` is blank. `stamp`
    (DTSTAMP) defaults to now; pass it to get the same bytes twice.
    """
    method = method.upper()
    status = "CANCELLED" if method == "CANCEL" else status.upper()
    if method not in METHODS:
        raise ValueError(f"method must be one of {sorted(METHODS)}, not {method!r}")
    if status not in STATUSES:
        raise ValueError(f"status must be one of {sorted(STATUSES)}, not {status!r}")
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("start and end must be aware datetimes.")
    # Compared in UTC: two times in one zone compare by their wall clocks, which is wrong
    # across the repeated hour of a DST change.
    if end.astimezone(dt.UTC) <= start.astimezone(dt.UTC):
        raise ValueError("A meeting must end after it starts.")
    if sequence < 0:
        raise ValueError("sequence cannot be negative.")
    organizer_email, attendee_email = organizer_email.strip(), attendee_email.strip()
    if method != "PUBLISH" and not organizer_email:
        raise ValueError(
            "A calendar invitation needs the organizer's email address; "
            "use method='PUBLISH' for a plain calendar file."
        )

    for address in (organizer_email, attendee_email):
        if address:
            try:
                validate_email(address)
            except ValidationError:
                raise ValueError(f"“{address[:100]}” is not an email address.") from None

    uid = uid.strip()
    event = ics.vevent(
        EventRecord(
            uid=uid if "@" in uid else f"{uid}@{UID_DOMAIN}",
            start=start,
            end=end,
            summary=summary,
            description=description,
            location=location,
            sequence=sequence,
            time_zone=tz.key,
            organizer_name=organizer_name,
            organizer_email=organizer_email,
            attendee_name=attendee_name,
            attendee_email=attendee_email,
            status=status,
            stamp=stamp or dt.datetime.now(dt.UTC),
            rsvp=True,
        )
    )

    # Calendar() rather than Calendar.new(), which adds a random UID to the calendar
    # itself and so would make two versions of one invite differ.
    calendar = icalendar.Calendar()
    calendar.add("PRODID", ics.PRODID)
    calendar.add("VERSION", "2.0")
    calendar.add("METHOD", method)
    calendar.add_component(event)
    # The VTIMEZONE lists the zone's changes over whole years around the meeting: short,
    # and the same for a meeting moved within the year, so only the times change.
    calendar.add_missing_timezones(
        first_date=dt.date(start.year - 1, 1, 1), last_date=dt.date(end.year + 1, 12, 31)
    )
    return calendar.to_ical()
