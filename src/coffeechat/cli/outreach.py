"""`coffeechat slots | availability | draft | outreach | reply`: Reach out from the terminal.

Each command calls the same selectors and services as the pages and the API; JSON output
has the API's shapes, so a script can use either.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
import zoneinfo
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from rich import box
from rich.table import Table
from rich.text import Text

from coffeechat.cli.runtime import (
    database_prepare,
    django_setup,
    fail,
    say,
    stdout,
    user_get,
    validation_messages,
)

if TYPE_CHECKING:
    from coffeechat.network.models import Contact
    from coffeechat.outreach.models import Meeting
    from coffeechat.outreach.selectors import QueueEntry
    from coffeechat.outreach.slots import Slot

UserOption = Annotated[str, typer.Option("--user", help="Whose outreach.")]
ContactArgument = Annotated[
    str,
    typer.Argument(
        metavar="CONTACT",
        help="The contact's id, or their name (“Name — Organization” when two share a name).",
    ),
]
MinutesOption = Annotated[
    int | None,
    typer.Option("--minutes", help="How long to ask for, 5 to 240 (default: your profile's)."),
]


def _json_option(shape: str) -> Any:
    return typer.Option("--json", help=f"Print JSON ({shape}) instead of text.")


def _print_json(data: Any) -> None:
    typer.echo(json.dumps(data, indent=2))


def _fail_invalid(prefix: str, exc: Any) -> NoReturn:
    fail(f"{prefix}: " + " ".join(validation_messages(exc)))


# Looking people up -------------------------------------------------------------------


def contact_find(owner: Any, value: str) -> Contact:
    """The owner's contact with this id or name; "No such contact" (exit 1) for anyone
    else's or nobody, and a request for the id when several people share the name."""
    from django.http import Http404

    from coffeechat.network.selectors import contact_get_for_user, contacts_named

    value = value.strip()
    try:
        uuid.UUID(value)
    except ValueError:
        found = contacts_named(owner, value)
    else:
        try:
            return contact_get_for_user(owner, value)
        except Http404:
            fail(f"No such contact “{value}”.")
    if not found:
        fail(f"No such contact “{value}”. `coffeechat contacts list` shows names and ids.")
    if len(found) > 1:
        ids = ", ".join(str(c.uuid) for c in found)
        fail(f"Several contacts are named “{value}”: give the id instead ({ids}).")
    return contact_get_for_user(owner, found[0].uuid)


def _zone(owner: Any) -> zoneinfo.ZoneInfo:
    from coffeechat.outreach.selectors import student_zone

    return student_zone(owner)


def _slot_rows(
    slots: list[Slot], student_tz: zoneinfo.ZoneInfo, contact: Contact | None
) -> list[dict[str, str]]:
    from coffeechat.outreach.selectors import slot_rows, zone_of

    contact_tz = zone_of(contact.time_zone) if contact is not None else None
    return slot_rows(slots, student_tz=student_tz, contact_tz=contact_tz)


def _say_times(rows: list[dict[str, str]]) -> None:
    for number, row in enumerate(rows, 1):
        say(f"  {number}. {row['label']}")


# slots -------------------------------------------------------------------------------


def slots_command(
    user: UserOption,
    minutes: MinutesOption = None,
    count: Annotated[int, typer.Option("--count", help="How many times, 1 to 10.")] = 3,
    contact: Annotated[
        str, typer.Option("--contact", help="Write the times in this contact's zone too.")
    ] = "",
    as_json: Annotated[bool, _json_option('[{"start", "end", "label"}]')] = False,
) -> None:
    """Propose free times to offer someone, from your availability and calendars.

    Examples:

    ```
    coffeechat slots --user sam
    coffeechat slots --user sam --minutes 30 --count 5 --contact "Grace Liu"
    coffeechat slots --user sam --json
    ```
    """
    django_setup()
    database_prepare(migrate=False)
    from coffeechat.outreach.selectors import slots_propose

    owner = user_get(user)
    if minutes is not None and not 5 <= minutes <= 240:
        fail("--minutes: ask for between 5 and 240 minutes.")
    if not 1 <= count <= 10:
        fail("--count: propose between 1 and 10 times.")
    person = contact_find(owner, contact) if contact else None
    proposal = slots_propose(owner, minutes=minutes, count=count, contact=person)
    rows = proposal.rows()
    if as_json:
        _print_json(rows)
        return
    if not rows:
        say(
            "No free time found: widen your availability (`coffeechat availability --set …`) "
            "or look further ahead (--horizon)."
        )
        return
    whom = f" to {person.name}" if person is not None else ""
    say(f"Times to propose{whom} ({proposal.minutes} minutes):")
    _say_times(rows)


# availability ------------------------------------------------------------------------

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WINDOW = re.compile(r"\s*(?P<days>[^\d]+?)\s+(?P<times>\d.*?)\s*")
_TIMES = re.compile(r"(\d{1,2}):(\d{2})\s*[-–]\s*(\d{1,2}):(\d{2})")
_DAY_HINT = "use Mon, Tue, Wed, Thu, Fri, Sat or Sun"


def _weekday(name: str) -> int:
    word = name.strip().lower()
    for number, day in enumerate(WEEKDAYS):
        if len(word) >= 3 and day.startswith(word):
            return number
    raise ValueError(f"“{name.strip()}” is not a day: {_DAY_HINT}.")


def _days(text: str) -> list[int]:
    days: list[int] = []
    for part in text.split(","):
        first, dash, last = part.replace("–", "-").partition("-")
        if not dash:
            days.append(_weekday(first))
            continue
        start, end = _weekday(first), _weekday(last)
        if end < start:
            raise ValueError(
                f"“{part.strip()}” runs backwards: name the days from Monday to Sunday, "
                "e.g. “Mon,Fri-Sun”."
            )
        days.extend(range(start, end + 1))
    return days


def _clock(hours: str, minutes: str) -> dt.time:
    if int(hours) > 23 or int(minutes) > 59:
        raise ValueError(f"{hours}:{minutes} is not a time of day (00:00 to 23:59).")
    return dt.time(int(hours), int(minutes))


def window_parse(text: str) -> list[tuple[int, dt.time, dt.time]]:
    """(weekday, start, end) for "Mon-Fri 09:00-17:00", "Tue 13:00-15:00",
    "Mon,Wed 09:00-12:00,13:00-17:00"; ValueError saying what is wrong otherwise."""
    match = _WINDOW.fullmatch(text)
    if match is None:
        raise ValueError("write the days, then the times, e.g. “Mon-Fri 09:00-17:00”.")
    days = _days(match["days"])
    windows = []
    for span in match["times"].split(","):
        times = _TIMES.fullmatch(span.strip())
        if times is None:
            raise ValueError(f"“{span.strip()}” is not a time range: write it as 09:00-17:00.")
        start, end = _clock(times[1], times[2]), _clock(times[3], times[4])
        if end <= start:
            raise ValueError(f"{start:%H:%M}-{end:%H:%M}: the end must be after the start.")
        windows += [(day, start, end) for day in days]
    return windows


def _availability_json(owner: Any) -> dict[str, Any]:
    from coffeechat.outreach.selectors import availability_summary

    return availability_summary(owner)


def availability_command(
    user: UserOption,
    windows: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            metavar="DAYS HH:MM-HH:MM",
            help="Replace your weekly times with these (repeat for more): days as Mon, "
            "Mon-Fri or Mon,Wed; times as 09:00-17:00, several joined by commas.",
        ),
    ] = None,
    buffer: Annotated[
        int | None, typer.Option("--buffer", help="Minutes kept free around other events.")
    ] = None,
    lead: Annotated[
        int | None,
        typer.Option("--lead", help="Propose times at least this many business days ahead."),
    ] = None,
    horizon: Annotated[
        int | None, typer.Option("--horizon", help="Propose times at most this many days ahead.")
    ] = None,
    country: Annotated[
        str | None,
        typer.Option("--country", help="Whose public holidays are not business days, e.g. US."),
    ] = None,
    as_json: Annotated[
        bool,
        _json_option(
            "time_zone, windows [{weekday: 0 = Monday, start, end}], buffer_minutes, "
            "lead_business_days, horizon_days, country"
        ),
    ] = False,
) -> None:
    """Show when you can talk, or change it.

    Times are in your profile's time zone. A wrong --set changes nothing.

    Examples:

    ```
    coffeechat availability --user sam
    coffeechat availability --user sam --set "Mon-Fri 9:00-17:00" --set "Sat 9:00-12:00"
    coffeechat availability --user sam --set "Mon,Wed 09:00-12:00,13:00-17:00"
    coffeechat availability --user sam --buffer 15 --lead 2 --horizon 14 --country US
    coffeechat availability --user sam --json
    ```
    """
    django_setup()
    database_prepare(migrate=False)
    from django.core.exceptions import ValidationError

    from coffeechat.outreach.selectors import availability_for
    from coffeechat.outreach.services import availability_update

    owner = user_get(user)
    parsed: list[tuple[int, dt.time, dt.time]] = []
    for text in windows or []:
        try:
            parsed += window_parse(text)
        except ValueError as exc:
            fail(f"--set “{text}”: {exc}")
    if windows or any(v is not None for v in (buffer, lead, horizon, country)):
        if not windows:
            parsed = [(w.weekday, w.start, w.end) for w in availability_for(owner)]
        try:
            availability_update(
                user=owner,
                windows=parsed,
                buffer_minutes=buffer,
                lead_business_days=lead,
                horizon_days=horizon,
                country=country.strip().upper() if country is not None else None,
            )
        except ValidationError as exc:
            _fail_invalid("Availability not changed", exc)
    data = _availability_json(owner)
    if as_json:
        _print_json(data)
        return
    _say_availability(data)


def _say_availability(data: dict[str, Any]) -> None:
    from coffeechat.lib.businessdays import country_choices

    table = Table(box=box.SIMPLE_HEAD, header_style="bold")
    table.add_column("Day")
    table.add_column(f"Times ({data['time_zone']})", overflow="fold")
    for number, day in enumerate(WEEKDAYS):
        spans = [f"{w['start']}–{w['end']}" for w in data["windows"] if w["weekday"] == number]
        if spans:
            table.add_row(Text(day.capitalize(), style="bold"), Text(", ".join(spans)))
    stdout.print(table)
    holidays = dict(country_choices()).get(data["country"], data["country"])
    say(
        f"Times are proposed from {data['lead_business_days']} business days to "
        f"{data['horizon_days']} days ahead, {data['buffer_minutes']} minutes clear of "
        f"other events. Public holidays: {holidays}."
    )


# draft -------------------------------------------------------------------------------


def draft_command(
    contact: ContactArgument,
    user: UserOption,
    kind: Annotated[
        str,
        typer.Option(
            "--kind",
            help="request (the variant that suits the contact), request_known, "
            "request_referral, request_alumni, request_cold, request_practice, nudge, "
            "confirm, who_else or linkedin_note.",
        ),
    ] = "request",
    minutes: MinutesOption = None,
    medium: Annotated[
        str, typer.Option("--medium", help="phone, video or in_person (default: your profile's).")
    ] = "",
    count: Annotated[int, typer.Option("--count", help="How many times to propose, 0 to 10.")] = 3,
    as_json: Annotated[
        bool,
        _json_option(
            "id, contact, kind, subject, body, minutes, medium, channel, sent_at, "
            "checks [{code, ok, message, fix, level}], slots [{start, end, label}]"
        ),
    ] = False,
) -> None:
    """Draft a message to a contact from your template, with the coach's checks.

    Requests and nudges propose free times. Edit and send the draft in the app.

    Examples:

    ```
    coffeechat draft "Grace Liu" --user sam
    coffeechat draft "Grace Liu" --user sam --kind nudge
    coffeechat draft "Grace Liu — Northwind" --user sam --medium phone --json
    ```
    """
    django_setup()
    database_prepare(migrate=False)
    from django.core.exceptions import ValidationError

    from coffeechat.outreach.services import message_draft

    owner = user_get(user)
    person = contact_find(owner, contact)
    try:
        message = message_draft(
            owner=owner, contact=person, kind=kind, minutes=minutes, medium=medium, count=count
        )
    except ValidationError as exc:
        _fail_invalid("Could not draft the message", exc)
    from coffeechat.outreach.selectors import message_summary

    data = message_summary(message)
    if as_json:
        _print_json(data)
        return
    say(f"Draft {data['id']}: {message.get_kind_display()}, to {person.name}")
    say(f"Subject: {message.subject}" if message.subject else "(no subject)")
    say("")
    say(message.body)
    say("")
    say("Checks:")
    for check in data["checks"]:
        advice = " (advice)" if check["level"] == "advice" and not check["ok"] else ""
        say(f"  {'✓' if check['ok'] else '✗'} {check['message']}{advice}")
        if check["fix"]:
            say(f"      Fix: {check['fix']}")
    if data["slots"]:
        say("Proposed times:")
        _say_times(data["slots"])


# outreach (the queue) ----------------------------------------------------------------


def _waiting_json(entry: QueueEntry) -> dict[str, Any]:
    from coffeechat.outreach.waiting import Step

    outreach, waiting = entry.outreach, entry.outreach.waiting
    assert waiting is not None  # the queue's waiting list holds requests without a reply
    contact, person = outreach.contact, entry.next_person
    return {
        "contact": str(contact.uuid),
        "name": contact.name,
        "organization": contact.organization.name if contact.organization else "",
        "business_days": waiting.business_days,
        "step": waiting.step.value,
        "advice": waiting.label,
        "due": waiting.step in (Step.TRY_NEXT, Step.NUDGE),
        "nudge_due": waiting.nudge_due.isoformat(),
        "responder": outreach.responder_label,
        "next_person": str(person.uuid) if person else None,
        "next_person_name": person.name if person else None,
    }


def _entry_json(entry: QueueEntry) -> dict[str, Any]:
    outreach = entry.outreach
    contact = outreach.contact
    draft = outreach.drafts[0] if outreach.drafts else None
    return {
        "contact": str(contact.uuid),
        "name": contact.name,
        "organization": contact.organization.name if contact.organization else "",
        "draft": str(draft.uuid) if draft else None,
        "kind": draft.kind if draft else None,
        "responder": outreach.responder_label,
    }


def _meeting_json(meeting: Meeting, student_tz: zoneinfo.ZoneInfo) -> dict[str, Any]:
    from coffeechat.outreach.slots import Slot

    contact = meeting.contact
    return {
        "id": str(meeting.uuid),
        "contact": str(contact.uuid),
        "name": contact.name,
        "organization": contact.organization.name if contact.organization else "",
        "medium": meeting.medium,
        **_slot_rows([Slot(meeting.start, meeting.end)], student_tz, contact)[0],
    }


def outreach_command(
    user: UserOption,
    as_json: Annotated[
        bool,
        _json_option(
            "today; waiting [{contact, name, organization, business_days, step, advice, due, "
            "nudge_due, responder, next_person, next_person_name}]; drafted and declined "
            "[{contact, name, organization, draft, kind, responder}]; scheduled [{id, contact, "
            "name, organization, medium, start, end, label}]"
        ),
    ] = False,
) -> None:
    """Who to follow up with today, who you are waiting for, drafts and meetings.

    Waiting follows the 3B7 rule: after 3 business days without a reply, try the next
    person at the same organization; after 7, send one nudge; after that, move on.

    Examples:

    ```
    coffeechat outreach --user sam
    coffeechat outreach --user sam --json
    ```
    """
    django_setup()
    database_prepare(migrate=False)
    from coffeechat.outreach.selectors import outreach_queue

    owner = user_get(user)
    queue = outreach_queue(owner)
    zone = _zone(owner)
    data: dict[str, Any] = {
        "today": queue.today.isoformat(),
        "waiting": [_waiting_json(e) for e in queue.waiting],
        "drafted": [_entry_json(e) for e in queue.drafted],
        "declined": [_entry_json(e) for e in queue.declined],
        "scheduled": [_meeting_json(m, zone) for m in queue.scheduled],
    }
    if as_json:
        _print_json(data)
        return
    if not any(data[key] for key in ("waiting", "drafted", "declined", "scheduled")):
        say(f"{user} has not reached out to anyone yet. Start with `coffeechat draft CONTACT`.")
        return
    due = [row for row in data["waiting"] if row["due"]]
    rest = [row for row in data["waiting"] if not row["due"]]
    _table(
        "Due now",
        ("Name", "Organization", "Waiting", "What to do"),
        [(r["name"], r["organization"], _days_waited(r), _advice(r)) for r in due],
    )
    _table(
        "Waiting for a reply",
        ("Name", "Organization", "Waiting", "What to do"),
        [(r["name"], r["organization"], _days_waited(r), _advice(r)) for r in rest],
    )
    _table(
        "Drafts",
        ("Name", "Organization", "Draft"),
        [(r["name"], r["organization"], r["draft"] or "") for r in data["drafted"]],
    )
    _table(
        "Scheduled",
        ("When", "Name", "Organization"),
        [(r["label"], r["name"], r["organization"]) for r in data["scheduled"]],
    )
    _table(
        "Declined",
        ("Name", "Organization", "“Who else?” draft"),
        [(r["name"], r["organization"], r["draft"] or "") for r in data["declined"]],
    )


def _days_waited(row: dict[str, Any]) -> str:
    days = row["business_days"]
    return f"{days} business day{'s' * (days != 1)}"


def _advice(row: dict[str, Any]) -> str:
    words = row["advice"]
    if row["next_person_name"]:
        words += f": {row['next_person_name']}"
    if row["responder"]:
        words += f" ({row['responder']})"
    return words


def _table(title: str, headings: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    if not rows:
        return
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, header_style="bold")
    for heading in headings:
        table.add_column(heading, overflow="fold")
    for row in rows:
        table.add_row(Text(row[0], style="bold"), *(Text(cell) for cell in row[1:]))
    stdout.print(table)


# reply -------------------------------------------------------------------------------


def _start_from(owner: Any, contact: Contact, start: str, slot: int | None) -> dt.datetime | None:
    """The meeting's start: --start as given, or the --slot-th time the last request offered."""
    from coffeechat.outreach.selectors import contact_outreach
    from coffeechat.outreach.slots import slot_from_json

    if start:
        try:
            moment = dt.datetime.fromisoformat(start)
        except ValueError:
            fail(f"--start “{start}” is not a date and time such as 2026-03-10T15:00-06:00.")
        if moment.utcoffset() is None:
            fail(f"--start “{start}” needs its UTC offset, e.g. 2026-03-10T15:00-06:00.")
        return moment
    if slot is None:
        return None
    request = contact_outreach(owner, contact).last_request
    offered = request.slots if request is not None else []
    if not offered:
        fail(f"No request to {contact.name} proposed times: give --start instead.")
    if not 1 <= slot <= len(offered):
        fail(f"--slot {slot}: the last request to {contact.name} proposed 1 to {len(offered)}.")
    return slot_from_json(offered[slot - 1]).start


def reply_command(
    contact: ContactArgument,
    user: UserOption,
    outcome: Annotated[str, typer.Option("--outcome", help="yes, no or referred.")],
    start: Annotated[
        str,
        typer.Option(
            "--start",
            help="For yes: when you meet, ISO 8601 with its offset (2026-03-10T15:00-06:00).",
        ),
    ] = "",
    slot: Annotated[
        int | None,
        typer.Option("--slot", help="For yes: the time they chose, 1 for the first one offered."),
    ] = None,
    minutes: Annotated[
        int | None,
        typer.Option("--minutes", help="For yes: how long, 5 to 240 (default: as asked)."),
    ] = None,
    referred_name: Annotated[
        str, typer.Option("--referred-name", help="For referred: who they suggested.")
    ] = "",
    referred_email: Annotated[
        str, typer.Option("--referred-email", help="For referred: their email address.")
    ] = "",
    referred_organization: Annotated[
        str, typer.Option("--referred-organization", help="For referred: where they work.")
    ] = "",
) -> None:
    """Record a contact's answer: a yes schedules the meeting, a no or a referral drafts what
    to send next.

    Any reply ends the wait: no nudge is due any more.

    Examples:

    ```
    coffeechat reply "Grace Liu" --user sam --outcome yes --slot 2
    coffeechat reply "Grace Liu" --user sam --outcome yes --start 2026-03-10T15:00-06:00
    coffeechat reply "Greg Olsen" --user sam --outcome no
    coffeechat reply "Olivia Chen" --user sam --outcome referred --referred-name Ana
    ```
    """
    django_setup()
    database_prepare(migrate=False)
    from django.core.exceptions import ValidationError

    from coffeechat.outreach.models import Outcome
    from coffeechat.outreach.services import reply_record

    owner = user_get(user)
    person = contact_find(owner, contact)
    outcome = outcome.strip().lower()
    if start and slot is not None:
        fail("Give --start or --slot, not both.")
    if (start or slot is not None) and outcome != Outcome.YES:
        fail("--start and --slot are for --outcome yes.")
    moment = _start_from(owner, person, start, slot)
    try:
        result = reply_record(
            owner=owner,
            contact=person,
            outcome=outcome,
            start=moment,
            minutes=minutes,
            referred_name=referred_name,
            referred_email=referred_email,
            referred_organization=referred_organization,
        )
    except ValidationError as exc:
        _fail_invalid("Reply not recorded", exc)
    if result.meeting is not None:
        when = _meeting_json(result.meeting, _zone(owner))["label"]
        say(f"{person.name} said yes: meeting on {when} (id {result.meeting.uuid}).")
        say(f'Confirm the time: `coffeechat draft "{person.name}" --user {user} --kind confirm`.')
    elif result.referred is not None and result.draft is not None:
        say(f"{person.name} referred you to {result.referred.name}, now on your list.")
        say(f"A first request that names {person.name} is ready: draft {result.draft.uuid}.")
    elif result.draft is not None:
        say(f"{person.name} said no: that is normal, not personal.")
        say(f"A thank-you asking who else might talk to you is ready: draft {result.draft.uuid}.")
