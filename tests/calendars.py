"""Calendar test helpers: .ics files built around today, and a real HTTP server on loopback."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from django.utils import timezone

from coffeechat.outreach.models import Calendar

FILES = Path(__file__).parent / "interchange" / "files"
UTC = dt.UTC


def stamp(moment: dt.datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def vevent(uid: str, start: dt.datetime, end: dt.datetime, summary: str, *extra: str) -> list[str]:
    return [
        "BEGIN:VEVENT",
        f"UID:{uid}",
        "DTSTAMP:20250101T000000Z",
        f"DTSTART:{stamp(start)}",
        f"DTEND:{stamp(end)}",
        f"SUMMARY:{summary}",
        *extra,
        "END:VEVENT",
    ]


def vcalendar(*events: list[str]) -> bytes:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Test//EN"]
    for event in events:
        lines += event
    lines.append("END:VCALENDAR")
    return "".join(f"{line}\r\n" for line in lines).encode()


def hour(days: float, at: int = 15) -> dt.datetime:
    """A whole hour `days` from today (UTC), so tests never straddle a minute boundary."""
    today = timezone.now().astimezone(UTC).replace(hour=at, minute=0, second=0, microsecond=0)
    return today + dt.timedelta(days=days)


def week_calendar(summary: str = "Seminar") -> bytes:
    """One event in the window, one too far ahead, one long past, one across the start."""
    return vcalendar(
        vevent("in", hour(2), hour(2) + dt.timedelta(hours=1), summary),
        vevent("far", hour(70), hour(70) + dt.timedelta(hours=1), "Too far"),
        vevent("past", hour(-5), hour(-5) + dt.timedelta(hours=1), "Long ago"),
        vevent("edge", timezone.now() - dt.timedelta(days=1, hours=1), hour(0, 0), "Overnight"),
    )


def upload(data: bytes, name: str = "classes.ics") -> io.BytesIO:
    binary = io.BytesIO(data)
    binary.name = name  # type: ignore[attr-defined]
    return binary


def summaries(calendar: Calendar) -> list[str]:
    return list(calendar.intervals.order_by("start").values_list("summary", flat=True))


# A real HTTP server on loopback ---------------------------------------------------------


class Site:
    def __init__(self, port: int) -> None:
        self.port = port
        self.routes: dict[str, Callable[[BaseHTTPRequestHandler], None]] = {}
        self.hits: list[str] = []
        self.sent = 0

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def serve(self, path: str, body: bytes, status: int = 200, length: bool = True) -> None:
        def handle(handler: BaseHTTPRequestHandler) -> None:
            handler.send_response(status)
            handler.send_header("Content-Type", "text/calendar; charset=utf-8")
            if length:
                handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            handler.wfile.write(body)

        self.routes[path] = handle


@contextlib.contextmanager
def serving() -> Iterator[Site]:
    """An HTTP server on 127.0.0.1 in a thread, answering from `Site.routes`."""
    holder: list[Site] = []

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"

        def do_GET(self) -> None:
            holder[0].hits.append(self.path)
            route = holder[0].routes.get(self.path)
            if route is None:
                self.send_error(404, "Not Found")
                return
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                route(self)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    holder.append(Site(server.server_address[1]))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield holder[0]
    finally:
        server.shutdown()
        server.server_close()
