"""Writes for Reach out: calendars in, busy intervals stored for the slot finder.

A calendar is read for the window BUSY_DAYS ahead (and a day back, so nothing that just
started is missed). A file or address that cannot be read writes nothing.

Fetching by URL must not let a shared career-centre instance reach its own network, so
every connection, redirects included, goes only to public addresses: the host's
addresses are resolved and checked first, and the socket connects to exactly those (a
DNS answer that changes in between cannot slip a private address in). No proxies, no
schemes but http and https, a capped body read in chunks, and one deadline for the fetch.
"""

from __future__ import annotations

import datetime as dt
import http.client
import io
import ipaddress
import re
import socket
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
import zoneinfo
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO, Any, BinaryIO, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from coffeechat.accounts.models import AvailabilityWindow, Medium
from coffeechat.accounts.services import profile_for
from coffeechat.interchange import ics
from coffeechat.interchange.records import BusyRecord, FormatError
from coffeechat.interchange.textio import Limits, Upload, megabytes
from coffeechat.lib import email
from coffeechat.lib.businessdays import country_choices
from coffeechat.lib.validators import refuse_null_characters
from coffeechat.network.models import Contact, Source
from coffeechat.network.services import contact_create
from coffeechat.outreach import drafting, invites, selectors
from coffeechat.outreach.models import (
    FOLLOW_UP_KINDS,
    REQUEST_KINDS,
    BusyInterval,
    Calendar,
    Channel,
    DraftTemplate,
    Kind,
    Meeting,
    MeetingStatus,
    Message,
    Outcome,
    Reply,
)
from coffeechat.outreach.slots import Slot, slot_label, slot_to_json

BUSY_DAYS = 60
MAX_CALENDARS = 20
CHUNK = 64 * 1024
MAX_REDIRECTS = 5
USER_AGENT = "Coffeechat calendar fetcher"
_TLS = ssl.create_default_context()
_NAME_MAX = Calendar._meta.get_field("name").max_length or 200
_SUMMARY_MAX = BusyInterval._meta.get_field("summary").max_length or 500


def calendar_import(*, owner: Any, upload: BinaryIO | File, name: str = "") -> Calendar:
    """A new calendar from an uploaded .ics file, with its busy intervals."""
    filename = str(getattr(upload, "name", "") or "")
    name = _name(name, PurePath(filename).stem if filename else "")
    _check_room(owner)
    parsed = _parse(owner, cast(BinaryIO, upload), filename, field="file")
    with transaction.atomic():
        calendar = Calendar.objects.create(
            owner=owner, name=name, refreshed_at=timezone.now(), event_count=parsed.event_count
        )
        _store(calendar, parsed.records)
    return calendar


def calendar_subscribe(*, owner: Any, url: str, name: str = "") -> Calendar:
    """A new calendar read from an address (https://, http:// or webcal://)."""
    url = calendar_url_clean(url)
    name = _name(name, urllib.parse.urlsplit(url).hostname or "")
    _check_room(owner)
    if Calendar.objects.filter(owner=owner, source_url=url).exists():
        raise ValidationError({"url": ["You already subscribe to this calendar."]})
    parsed = _parse(owner, io.BytesIO(fetch(url)), url, field="url")
    with transaction.atomic():
        calendar = Calendar.objects.create(
            owner=owner,
            name=name,
            source_url=url,
            refreshed_at=timezone.now(),
            event_count=parsed.event_count,
        )
        _store(calendar, parsed.records)
    return calendar


def calendar_refresh(*, calendar: Calendar) -> Calendar:
    """Read a subscribed calendar again and replace its busy intervals.

    When the address cannot be read, the old intervals stay and `last_error` says why
    (the caller shows it); only an uploaded calendar, which has no address, is an error.
    """
    if not calendar.source_url:
        raise ValidationError(
            {"url": ["This calendar was uploaded as a file: upload it again to update it."]}
        )
    try:
        parsed = _parse(
            calendar.owner, io.BytesIO(fetch(calendar.source_url)), calendar.source_url, "url"
        )
    except ValidationError as exc:
        calendar.last_error = " ".join(exc.messages)
        Calendar.objects.filter(pk=calendar.pk).update(last_error=calendar.last_error)
        return calendar
    with transaction.atomic():
        # The row lock makes two refreshes of one calendar take turns, so neither
        # inserts its rows next to the other's.
        locked = Calendar.objects.select_for_update().filter(pk=calendar.pk).first()
        if locked is None:  # deleted meanwhile
            return calendar
        BusyInterval.objects.filter(calendar=locked).delete()
        _store(locked, parsed.records)
        locked.refreshed_at = timezone.now()
        locked.event_count = parsed.event_count
        locked.last_error = ""
        locked.save(update_fields=["refreshed_at", "event_count", "last_error"])
    return locked


def calendar_delete(*, calendar: Calendar) -> None:
    calendar.delete()


# Reading ------------------------------------------------------------------------------


class _Parsed:
    def __init__(self, records: list[BusyRecord], event_count: int) -> None:
        self.records = records
        self.event_count = event_count


def busy_window(now: dt.datetime | None = None) -> tuple[dt.datetime, dt.datetime]:
    now = now or timezone.now()
    return now - dt.timedelta(days=1), now + dt.timedelta(days=BUSY_DAYS)


def _parse(owner: Any, binary: BinaryIO, filename: str, field: str) -> _Parsed:
    start, end = busy_window()
    try:
        binary.seek(0)
        if binary.read(4) == b"PK\x03\x04":
            raise FormatError(
                "This is a ZIP archive. Google Calendar exports a .zip: unzip it and "
                "upload the .ics file inside."
            )
        upload = Upload(binary, name=filename, limits=Limits.from_settings())
        busy = ics.parse_busy(upload, start=start, end=end, tz=_zone(owner))
        records = list(busy)
    except FormatError as exc:
        raise ValidationError({field: [str(exc)]}) from None
    return _Parsed(records, busy.event_count)


def _zone(owner: Any) -> zoneinfo.ZoneInfo:
    profile = getattr(owner, "profile", None)
    try:
        return zoneinfo.ZoneInfo(profile.time_zone if profile else "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def _store(calendar: Calendar, records: list[BusyRecord]) -> None:
    BusyInterval.objects.bulk_create(
        (
            BusyInterval(
                owner_id=calendar.owner_id,
                calendar=calendar,
                start=record.start,
                end=record.end,
                summary=record.summary[:_SUMMARY_MAX],
            )
            for record in records
        ),
        batch_size=1000,
    )


def _name(name: str, fallback: str) -> str:
    name = name.strip()
    if "\x00" in name:
        raise ValidationError({"name": ["Null characters are not allowed."]})
    if len(name) > _NAME_MAX:
        raise ValidationError({"name": [f"Use at most {_NAME_MAX} characters."]})
    return name or fallback.replace("\x00", "").strip()[:_NAME_MAX] or "Calendar"


def _check_room(owner: Any) -> None:
    if Calendar.objects.filter(owner=owner).count() >= MAX_CALENDARS:
        raise ValidationError(
            f"You have {MAX_CALENDARS} calendars, the most Coffeechat keeps. "
            "Delete one you no longer need first."
        )


# Fetching -----------------------------------------------------------------------------


def calendar_url_clean(url: str) -> str:
    """The address to fetch: http(s) only, webcal:// read as https://."""
    url = url.strip()
    if not url:
        raise _url_error("Enter the calendar's address.")
    if len(url) > 2000 or "\x00" in url or any(ch.isspace() for ch in url):
        raise _url_error("That does not look like a web address.")
    scheme, _, rest = url.partition("://")
    scheme = scheme.lower()
    if scheme in {"webcal", "webcals"}:
        scheme = "https"
    if scheme not in {"http", "https"} or not rest:
        raise _url_error("Use the calendar's web address: it starts with https:// or webcal://.")
    url = f"{scheme}://{rest}"
    try:
        parts = urllib.parse.urlsplit(url)
        host, _port = parts.hostname, parts.port
    except ValueError:
        raise _url_error("That does not look like a web address.") from None
    if not host:
        raise _url_error("That address has no server name in it.")
    return url


def fetch(url: str) -> bytes:
    """The body at a cleaned address, or ValidationError({"url": [...]})."""
    timeout = settings.COFFEECHAT_CALENDAR_FETCH_TIMEOUT
    limit = settings.COFFEECHAT_IMPORT_MAX_BYTES
    deadline = time.monotonic() + timeout
    host = urllib.parse.urlsplit(url).hostname or url
    too_slow = f"That address did not answer within {timeout} second{'s' * (timeout != 1)}."
    request = urllib.request.Request(  # noqa: S310 — calendar_url_clean allows http(s) only
        url, headers={"User-Agent": USER_AGENT, "Accept": "text/calendar, */*;q=0.5"}
    )
    try:
        with _opener().open(request, timeout=timeout) as response:
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > limit:
                raise _too_big(limit)
            body = bytearray()
            while chunk := response.read1(CHUNK):
                body += chunk
                if len(body) > limit:
                    raise _too_big(limit)
                if time.monotonic() > deadline:
                    raise _url_error(too_slow)
            return bytes(body)
    except PrivateAddressError:
        raise _url_error(
            "That address is on a private network, which Coffeechat may not reach. Use the "
            "calendar's public address (in Google Calendar: Settings → your calendar → "
            "“Secret address in iCal format”)."
        ) from None
    except urllib.error.HTTPError as exc:
        raise _url_error(_http_message(exc.code, str(exc.reason))) from None
    except urllib.error.URLError as exc:
        raise _url_error(_network_message(exc.reason, host, too_slow)) from None
    except TimeoutError:
        raise _url_error(too_slow) from None
    except (OSError, http.client.HTTPException, ValueError):
        raise _url_error(f"The calendar could not be downloaded from {host}.") from None


class PrivateAddressError(Exception):
    """The host resolves to an address Coffeechat may not connect to.

    Not an OSError, so urllib lets it through instead of wrapping it as a URLError.
    """


def address_allowed(address: str) -> bool:
    if settings.COFFEECHAT_CALENDAR_ALLOW_PRIVATE_URLS:
        return True
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_reserved
        or ip.is_multicast
        or ip.is_unspecified
    )


def _connect(host: str, port: int, timeout: Any) -> socket.socket:
    found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    if not found or not all(address_allowed(str(info[4][0])) for info in found):
        raise PrivateAddressError(host)
    error: OSError | None = None
    for family, kind, proto, _name, address in found:
        sock = socket.socket(family, kind, proto)
        try:
            if isinstance(timeout, int | float):
                sock.settimeout(timeout)
            sock.connect(address)
        except OSError as exc:
            sock.close()
            error = exc
            continue
        return sock
    raise error or OSError(f"Could not connect to {host}.")


class _CheckedHTTPConnection(http.client.HTTPConnection):
    def connect(self) -> None:
        self.sock = _connect(self.host, self.port, self.timeout)


class _CheckedHTTPSConnection(http.client.HTTPSConnection, _CheckedHTTPConnection):
    # HTTPSConnection.connect() calls super().connect(), which this order makes the
    # checked one, then wraps that socket in TLS for the original host name.
    pass


class _HTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(_CheckedHTTPConnection, req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(_CheckedHTTPSConnection, req, context=_TLS)


class _RedirectHandler(urllib.request.HTTPRedirectHandler):
    max_redirections = MAX_REDIRECTS

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: Any,
        newurl: str,
    ) -> urllib.request.Request | None:
        if urllib.parse.urlsplit(newurl).scheme.lower() not in {"http", "https"}:
            raise urllib.error.HTTPError(newurl, code, "Redirected elsewhere", headers, fp)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _opener() -> urllib.request.OpenerDirector:
    # Built by hand: build_opener() would add proxy, ftp:// and file:// handlers, which
    # the address check does not cover.
    opener = urllib.request.OpenerDirector()
    for handler in (
        _HTTPHandler(),
        _HTTPSHandler(),
        _RedirectHandler(),
        urllib.request.HTTPDefaultErrorHandler(),
        urllib.request.HTTPErrorProcessor(),
        urllib.request.UnknownHandler(),
    ):
        opener.add_handler(handler)
    return opener


def _url_error(message: str) -> ValidationError:
    return ValidationError({"url": [message]})


def _too_big(limit: int) -> ValidationError:
    return _url_error(
        f"The calendar at that address is larger than {megabytes(limit)}, the most "
        "Coffeechat reads. Share a smaller calendar (for example only your classes)."
    )


def _http_message(code: int, reason: str) -> str:
    if code in {401, 403}:
        return (
            f"The calendar server refused access ({code}). Use the calendar's secret or "
            "public iCal address, which works without signing in."
        )
    if code in {404, 410}:
        return (
            f"There is no calendar at that address ({code} {reason}). It may have been "
            "reset: copy the address from your calendar's settings again."
        )
    return f"The calendar server answered with an error ({code} {reason}). Try again later."


def _network_message(reason: Any, host: str, too_slow: str) -> str:
    if isinstance(reason, TimeoutError):
        return too_slow
    if isinstance(reason, socket.gaierror):
        return f"Coffeechat could not find the server “{host}”. Check the address."
    if isinstance(reason, ssl.SSLError):
        return f"A secure connection to {host} could not be made."
    if isinstance(reason, ConnectionRefusedError):
        return f"The server {host} refused the connection."
    return f"The calendar could not be downloaded from {host}."


# Reaching out: availability, drafts, sending, replies, meetings ---------------------------


def availability_update(
    *,
    user: Any,
    windows: Iterable[tuple[int, dt.time, dt.time]],
    buffer_minutes: int | None = None,
    lead_business_days: int | None = None,
    horizon_days: int | None = None,
    country: str | None = None,
) -> list[AvailabilityWindow]:
    """Replace the user's weekly availability (and, when given, the scheduling settings).

    Windows on the same day that overlap or touch are joined. Nothing is written when any
    value is wrong.
    """
    if country is not None:
        country = country.strip().upper()
    by_day: dict[int, list[tuple[dt.time, dt.time]]] = {}
    errors: list[str] = []
    for weekday, start, end in windows:
        if not 0 <= weekday <= 6:
            errors.append(f"{weekday} is not a weekday (0 = Monday … 6 = Sunday).")
        elif end <= start:
            day = dict(AvailabilityWindow.WEEKDAYS)[weekday]
            errors.append(f"{day} {start:%H:%M}–{end:%H:%M}: the end must be after the start.")
        else:
            by_day.setdefault(weekday, []).append((start, end))
    profile = profile_for(user)
    settings_given = {
        "buffer_minutes": buffer_minutes,
        "lead_business_days": lead_business_days,
        "horizon_days": horizon_days,
        "country": country,
    }
    for name, value in settings_given.items():
        if value is not None:
            setattr(profile, name, value)
    problems: dict[str, list[str]] = {"windows": errors} if errors else {}
    if country and country not in dict(country_choices()):
        problems["country"] = [
            f"“{country[:20]}” is not a country code Coffeechat knows (e.g. US, CA)."
        ]
    try:
        profile.full_clean()
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            problems.setdefault(name, []).extend(messages)
    if problems:
        profile.refresh_from_db()  # the cached profile must not keep the refused values
        raise ValidationError(problems)
    rows = []
    for weekday in sorted(by_day):
        spans = sorted(by_day[weekday])
        joined = [spans[0]]
        for start, end in spans[1:]:
            if start <= joined[-1][1]:
                joined[-1] = (joined[-1][0], max(end, joined[-1][1]))
            else:
                joined.append((start, end))
        rows += [AvailabilityWindow(user=user, weekday=weekday, start=s, end=e) for s, e in joined]
    with transaction.atomic():
        profile.save()
        AvailabilityWindow.objects.filter(user=user).delete()
        AvailabilityWindow.objects.bulk_create(rows)
    return rows


REQUEST = "request"  # asks for the first-request variant that suits the contact


def draft_values(
    *,
    owner: Any,
    contact: Contact,
    minutes: int,
    medium: str,
    labels: list[str],
    subject: str = "",
    time: str = "",
    extra: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """What the placeholders of a template stand for, for this contact and student.

    `extra` fills the follow-up placeholders (when you met, what you learned, what you
    did), which only the followups app can read from a conversation's notes; without it
    they are [blanks] the draft checks ask the student to fill.
    """
    profile = profile_for(owner)
    referrer = contact.referred_by.name if contact.referred_by is not None else ""
    interests = [f.strip() for f in profile.fields_of_interest.split(",") if f.strip()]
    me = "a student"
    if profile.school:
        me = f"a student at {profile.school}"
        if profile.graduation_year:
            me += f" (class of {profile.graduation_year})"
    organization = contact.organization.name if contact.organization is not None else ""
    return {
        "first_name": drafting.first_name(contact.name),
        "name": contact.name,
        "organization": organization or "your organization",
        "their_work": drafting.their_work(contact),
        "referrer": referrer,
        "referrer_first_name": drafting.first_name(referrer),
        "found_how": drafting.found_how(contact),
        "my_name": profile.name,
        "my_first_name": drafting.first_name(profile.name),
        "me": me,
        "field": contact.field
        or (interests[0] if interests else "")
        or (contact.organization.industry if contact.organization is not None else "")
        or "your field",
        "minutes": str(minutes),
        "wording": profile.wording,
        "a_wording": ("an " if profile.wording[:1] in "aeiou" else "a ") + profile.wording,
        "medium": drafting.media_phrase([medium] if medium else list(profile.preferred_media)),
        "times": "\n".join(f"- {label}" for label in labels),
        "time": time,
        "subject": subject,
        "met_when": "recently",
        "learned": "[something specific they told you]",
        "acted_on": "[what you did and how it helped]",
    } | dict(extra or {})


def _thread_parent(contact: Contact) -> Message | None:
    """The latest message sent to the contact: replies and nudges answer it."""
    return (
        Message.objects.filter(owner=contact.owner, contact=contact, sent_at__isnull=False)
        .order_by("-sent_at")
        .first()
    )


@transaction.atomic
def message_draft(
    *,
    owner: Any,
    contact: Contact,
    kind: str = REQUEST,
    minutes: int | None = None,
    medium: str = "",
    count: int = 3,
    meeting: Meeting | None = None,
    now: dt.datetime | None = None,
    extra: Mapping[str, str] | None = None,
) -> Message:
    """A new draft to the contact from the owner's template for `kind`.

    Requests and nudges carry freshly proposed free times; a reply to a "yes" names the
    meeting's time; replies and nudges answer the last message sent (same subject, and
    In-Reply-To so an email thread stays one thread).
    """
    if contact.owner_id != owner.pk:
        raise ValidationError("That contact is not yours.")
    if kind == REQUEST:
        kind = drafting.request_kind_for(contact)
    if kind not in Kind.values:
        raise ValidationError(
            {
                "kind": [
                    f"Unknown kind “{kind[:40]}”. Use one of: request, {', '.join(Kind.values)}."
                ]
            }
        )
    profile = profile_for(owner)
    minutes = minutes or profile.default_minutes
    if not 5 <= minutes <= 240:
        raise ValidationError({"minutes": ["Ask for between 5 and 240 minutes."]})
    if medium and medium not in Medium.values:
        raise ValidationError({"medium": [f"Choose one of: {', '.join(Medium.values)}."]})
    if not 0 <= count <= 10:
        raise ValidationError({"count": ["Propose between 0 and 10 times."]})
    parent = _thread_parent(contact)
    slots: list[Slot] = []
    labels: list[str] = []
    time = ""
    if kind in REQUEST_KINDS or kind == Kind.NUDGE:
        proposal = selectors.slots_propose(
            owner, minutes=minutes, count=count, contact=contact, now=now
        )
        slots, labels = proposal.slots, proposal.labels()
    if kind == Kind.CONFIRM:
        meeting = meeting or contact.meetings.filter(status=MeetingStatus.SCHEDULED).first()
        if meeting is not None:
            student_tz = selectors.student_zone(owner)
            time = slot_label(
                Slot(meeting.start, meeting.end),
                student_tz=student_tz,
                contact_tz=selectors.zone_of(contact.time_zone),
            )
            medium = medium or meeting.medium
    template = selectors.template_for(owner, kind)
    values = draft_values(
        owner=owner,
        contact=contact,
        minutes=minutes,
        medium=medium,
        labels=labels,
        subject=_strip_re(parent.subject) if parent is not None else "",
        time=time or "the time you chose",
        extra=extra,
    )
    subject = drafting.fill(template.subject, values).strip()
    if subject in {"Re:", "Re: "} or subject.endswith("Re:"):
        subject = ""
    message = Message(
        owner=owner,
        contact=contact,
        kind=kind,
        subject=subject[:300],
        body=drafting.fill(template.body, values)[:10_000],
        minutes=minutes,
        medium=medium,
        slots=[slot_to_json(s) for s in slots],
        # A follow-up starts its own thread: "Thank you for your time" is not a reply.
        in_reply_to=parent.message_id
        if parent is not None and kind not in REQUEST_KINDS | FOLLOW_UP_KINDS
        else "",
    )
    message.save()
    return message


def _strip_re(subject: str) -> str:
    while subject[:3].lower() == "re:":
        subject = subject[3:].strip()
    return subject


def message_update(*, message: Message, subject: str, body: str) -> Message:
    """Save the student's edits to a draft; a sent message is a record and stays as sent."""
    if message.is_sent:
        raise ValidationError("This message was sent already; write a new one instead.")
    message.subject = subject.replace("\r", " ").replace("\n", " ").strip()
    message.body = body.replace("\r\n", "\n")
    refuse_null_characters(message)
    message.full_clean(exclude=["owner", "contact", "slots"])
    message.save(update_fields=["subject", "body", "updated_at"])
    return message


def message_times_refresh(*, message: Message, now: dt.datetime | None = None) -> Message:
    """Propose fresh times in a draft whose times have passed or are no longer free.

    Each old time written in the body is replaced by a new one, in place, so the student's
    own wording around them stays; times they removed from the body stay removed.
    """
    if message.is_sent:
        raise ValidationError("This message was sent already; write a new one instead.")
    old = selectors.message_slots(message)
    proposal = selectors.slots_propose(
        message.owner,
        minutes=message.minutes,
        count=max(len(old), 3),
        contact=message.contact,
        now=now,
    )
    if not proposal.slots:
        raise ValidationError(
            "No free time in the coming days: widen your availability or look further ahead."
        )
    student_tz = proposal.student_tz
    old_labels = [slot_label(s, student_tz=student_tz, contact_tz=proposal.contact_tz) for s in old]
    # All at once: a new time may read like an old one still to be replaced.
    replacements = dict(zip(old_labels, proposal.labels(), strict=False))
    if replacements:
        pattern = re.compile("|".join(re.escape(label) for label in replacements))
        message.body = pattern.sub(lambda found: replacements[found.group(0)], message.body)
    message.slots = [slot_to_json(s) for s in proposal.slots]
    message.save(update_fields=["body", "slots", "updated_at"])
    return message


def message_delete(*, message: Message) -> None:
    if message.is_sent:
        raise ValidationError("A sent message is part of the record and cannot be deleted.")
    message.delete()


def message_send(*, message: Message, channel: str, now: dt.datetime | None = None) -> Message:
    """Log a message as sent by `channel`; with "smtp", send it by email first.

    Copy, the mail app and LinkedIn are sent by the student, who then marks the message
    sent here. Email sent by Coffeechat carries a Message-ID, and answers to an earlier
    email carry In-Reply-To and References so the conversation stays one thread.
    """
    if message.is_sent:
        raise ValidationError("This message was sent already.")
    if channel not in Channel.values:
        raise ValidationError({"channel": [f"Choose one of: {', '.join(Channel.values)}."]})
    if not message.body.strip():
        raise ValidationError({"body": ["The message is empty."]})
    contact = message.contact
    if channel == Channel.SMTP:
        if not email.smtp_configured():
            raise ValidationError(
                "Email sending is not set up on this installation: copy the message or open "
                "it in your email app."
            )
        if not contact.email:
            raise ValidationError(f"Add an email address for {contact.name} first.")
        if not message.owner.email:
            raise ValidationError(
                "Add your own email address to your account first: replies go there."
            )
        profile = profile_for(message.owner)
        parent = _thread_parent(contact) if message.in_reply_to else None
        references = [parent.message_id] if parent is not None and parent.message_id else []
        message.message_id = email.message_id_new()
        try:
            email.send_email(
                sender_name=profile.name,
                sender_email=message.owner.email,
                to=contact.email,
                subject=message.subject,
                body=message.body,
                message_id=message.message_id,
                in_reply_to=message.in_reply_to,
                references=references,
            )
        except (email.EmailError, ValueError) as exc:
            raise ValidationError(str(exc)) from exc
    message.channel = channel
    message.sent_at = now or timezone.now()
    message.save(update_fields=["channel", "sent_at", "message_id", "updated_at"])
    return message


@dataclass
class ReplyResult:
    reply: Reply
    meeting: Meeting | None = None
    draft: Message | None = None  # what to send next: the "who else" or the referral request
    referred: Contact | None = None


@transaction.atomic
def reply_record(
    *,
    owner: Any,
    contact: Contact,
    outcome: str,
    received_at: dt.datetime | None = None,
    note: str = "",
    start: dt.datetime | None = None,
    minutes: int | None = None,
    medium: str = "",
    location: str = "",
    referred_name: str = "",
    referred_email: str = "",
    referred_organization: str = "",
    now: dt.datetime | None = None,
) -> ReplyResult:
    """Record what a contact answered. Any reply ends the wait: no more nudges are due.

    - yes: a meeting at `start` (one of the proposed times or another), with an invite;
    - no: declined, with a "who else might talk to me?" draft ready;
    - referred: the person they suggested becomes a contact, referred by this one, with a
      first request that names the referrer.
    """
    if contact.owner_id != owner.pk:
        raise ValidationError("That contact is not yours.")
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": ["Choose yes, no or referred."]})
    now = now or timezone.now()
    received_at = received_at or now
    if received_at > now + dt.timedelta(minutes=5):
        raise ValidationError({"received_at": ["A reply cannot come from the future."]})
    request = (
        Message.objects.filter(owner=owner, contact=contact, sent_at__isnull=False)
        .exclude(kind__in=[Kind.CONFIRM, Kind.WHO_ELSE])
        .order_by("-sent_at")
        .first()
    )
    reply = Reply(
        owner=owner,
        contact=contact,
        message=request,
        outcome=outcome,
        received_at=received_at,
        note=note.strip(),
    )
    result = ReplyResult(reply)
    if outcome == Outcome.YES:
        if start is None:
            raise ValidationError({"start": ["Pick one of the proposed times, or enter another."]})
        minutes = minutes or (request.minutes if request is not None else None)
        medium = medium or (request.medium if request is not None else "")
        refuse_null_characters(reply)
        reply.save()
        result.meeting = meeting_schedule(
            owner=owner,
            contact=contact,
            start=start,
            minutes=minutes,
            medium=medium,
            location=location,
            reply=reply,
        )
        return result
    if outcome == Outcome.REFERRED:
        name = referred_name.strip()
        if not name:
            raise ValidationError({"referred_name": ["Who did they suggest? Enter a name."]})
        refuse_null_characters(reply)
        result.referred = contact_create(
            owner=owner,
            name=name,
            email=referred_email.strip(),
            source=Source.REFERRAL,
            referred_by=contact,
            organization_name=referred_organization.strip() or None,
        )
        reply.referred_contact = result.referred
        reply.save()
        result.draft = message_draft(owner=owner, contact=result.referred, kind=REQUEST, now=now)
        return result
    refuse_null_characters(reply)
    reply.save()
    result.draft = message_draft(owner=owner, contact=contact, kind=Kind.WHO_ELSE, now=now)
    return result


def _meeting_times(start: dt.datetime, minutes: int | None) -> tuple[dt.datetime, dt.datetime]:
    if timezone.is_naive(start):
        raise ValidationError({"start": ["Give the time with its time zone."]})
    if minutes is None or not 5 <= minutes <= 240:
        raise ValidationError({"minutes": ["A meeting lasts between 5 and 240 minutes."]})
    start = start.astimezone(dt.UTC).replace(microsecond=0)
    return start, start + dt.timedelta(minutes=minutes)


def meeting_schedule(
    *,
    owner: Any,
    contact: Contact,
    start: dt.datetime,
    minutes: int | None = None,
    medium: str = "",
    location: str = "",
    reply: Reply | None = None,
) -> Meeting:
    """A meeting with the contact; its time then counts as busy for new proposals."""
    if contact.owner_id != owner.pk:
        raise ValidationError("That contact is not yours.")
    start, end = _meeting_times(start, minutes or profile_for(owner).default_minutes)
    if medium and medium not in Medium.values:
        raise ValidationError({"medium": [f"Choose one of: {', '.join(Medium.values)}."]})
    meeting = Meeting(
        owner=owner,
        contact=contact,
        reply=reply,
        start=start,
        end=end,
        medium=medium,
        location=location.strip()[:500],
    )
    refuse_null_characters(meeting)
    meeting.save()
    return meeting


def meeting_reschedule(
    *, meeting: Meeting, start: dt.datetime, minutes: int | None = None
) -> Meeting:
    """Move a meeting: the invite is re-issued with a higher SEQUENCE, same UID."""
    if meeting.status != MeetingStatus.SCHEDULED:
        raise ValidationError("Only a scheduled meeting can be moved.")
    previous = meeting.start
    meeting.start, meeting.end = _meeting_times(start, minutes or meeting.minutes)
    if meeting.start != previous:
        meeting.rescheduled_from = previous
    meeting.sequence += 1
    meeting.save(update_fields=["start", "end", "sequence", "rescheduled_from", "updated_at"])
    return meeting


def meeting_cancel(*, meeting: Meeting) -> Meeting:
    if meeting.status != MeetingStatus.SCHEDULED:
        raise ValidationError("Only a scheduled meeting can be cancelled.")
    meeting.status = MeetingStatus.CANCELLED
    meeting.sequence += 1
    meeting.save(update_fields=["status", "sequence", "updated_at"])
    return meeting


def meeting_mark(*, meeting: Meeting, status: str, now: dt.datetime | None = None) -> Meeting:
    """Done or no-show once it has started; back to scheduled to undo a wrong mark."""
    now = now or timezone.now()
    if status not in (MeetingStatus.DONE, MeetingStatus.NO_SHOW, MeetingStatus.SCHEDULED):
        raise ValidationError({"status": ["Choose done, no_show or scheduled."]})
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError("This meeting was cancelled; schedule a new one instead.")
    if status == MeetingStatus.NO_SHOW and meeting.start > now:
        raise ValidationError("It has not started yet, so nobody has missed it.")
    meeting.status = status
    meeting.save(update_fields=["status", "updated_at"])
    return meeting


MEDIUM_WORDS = {Medium.PHONE: "Phone call", Medium.VIDEO: "Video call", Medium.IN_PERSON: "Coffee"}


def meeting_invite(*, meeting: Meeting) -> bytes:
    """The meeting as an iCalendar invite (.ics) in the student's zone."""
    profile = profile_for(meeting.owner)
    contact = meeting.contact
    what = (
        MEDIUM_WORDS.get(Medium(meeting.medium), "Conversation")
        if meeting.medium in Medium.values
        else "Conversation"
    )
    description = f"{profile.wording.capitalize()} between {profile.name} and {contact.name}."
    return invites.invite_ics(
        uid=meeting.ical_uid,
        sequence=meeting.sequence,
        start=meeting.start,
        end=meeting.end,
        summary=f"{what}: {profile.name} / {contact.name}",
        description=description,
        location=meeting.location,
        organizer_name=profile.name,
        organizer_email=meeting.owner.email,
        attendee_name=contact.name,
        attendee_email=contact.email,
        tz=selectors.student_zone(meeting.owner),
        # An invite needs an organizer address; without one it is a plain calendar entry.
        method=(
            "PUBLISH"
            if not meeting.owner.email
            else "CANCEL"
            if meeting.status == MeetingStatus.CANCELLED
            else "REQUEST"
        ),
        status="CANCELLED" if meeting.status == MeetingStatus.CANCELLED else "CONFIRMED",
    )


def template_save(*, owner: Any, kind: str, subject: str, body: str) -> DraftTemplate:
    """The student's own wording for a kind of message."""
    if kind not in Kind.values:
        raise ValidationError({"kind": ["Unknown kind of message."]})
    unknown = drafting.placeholders_unknown(subject + "\n" + body)
    if unknown:
        names = ", ".join("{" + n + "}" for n in unknown)
        raise ValidationError(
            {"body": [f"Unknown placeholder {names}: use the names listed beside the editor."]}
        )
    if not body.strip():
        raise ValidationError({"body": ["Write the message, or reset to the built-in wording."]})
    template, _ = DraftTemplate.objects.get_or_create(
        owner=owner, kind=kind, defaults={"body": body}
    )
    template.subject = subject.replace("\n", " ").strip()
    template.body = body.replace("\r\n", "\n")
    refuse_null_characters(template)
    template.full_clean(exclude=["owner"])
    template.save()
    return template


def template_reset(*, owner: Any, kind: str) -> None:
    DraftTemplate.objects.filter(owner=owner, kind=kind).delete()
