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
import socket
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
import zoneinfo
from pathlib import PurePath
from typing import IO, Any, BinaryIO, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from coffeechat.interchange import ics
from coffeechat.interchange.records import BusyRecord, FormatError
from coffeechat.interchange.textio import Limits, Upload, megabytes
from coffeechat.outreach.models import BusyInterval, Calendar

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
