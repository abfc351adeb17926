"""Load run: the main pages and API under concurrent requests, on a real server over loopback.

Run with `make bench-load` (or `python bench/load.py --databases sqlite postgres`). For each
database it:

1. builds the data set with `bench/generate.py` (a fresh SQLite folder, or a fresh PostgreSQL
   database `coffeechat_bench_<pid>`, removed at the end);
2. starts gunicorn (`-w 2 --threads 4`, or `--server waitress` for `coffeechat serve`) on
   127.0.0.1 with production settings: debug off, HTTPS on behind a proxy that redirects
   itself (every request carries `X-Forwarded-Proto: https`, which gunicorn trusts from
   loopback), plus one bare view, `/bench/floor/` (bench/settings_bench.py);
3. signs the "mid" (1,000 people), "power" (50,000 people) and "wide" (50,000 people with the
   mid user's activity; Today only) students in through the login form, and for each page
   sends requests from `--concurrency` keep-alive connections for `--duration` seconds, after
   a short warm-up;
4. stops the server and prints a Markdown table: req/s, p50/p95/p99 in ms, errors (any status
   other than the expected one, or a failed connection), the number of successful requests
   (percentiles of a handful of requests say little), and two ratios from the same run:
   "× floor" = floor req/s ÷ page req/s (how many bare requests one page costs), and
   "50k ÷ 1k" = the page's p50 for the power (or wide) user ÷ its p50 for the mid user
   (1.0 = flat).

Everything is bounded: each phase by its duration, each request by a timeout, the data set and
server start-up by their own time limits; the server is stopped (its whole process group) and
the database removed in `finally` blocks. Exits 1 if any request failed.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from harness import POSTGRES_SERVER, postgres_database_drop

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
HOST = "127.0.0.1"
REQUEST_TIMEOUT = 60.0
GENERATE_TIMEOUT = 1800
START_TIMEOUT = 60.0
SECRET_KEY = "bench-load-" + "k" * 50
# The connection was closed by the server between two requests on a kept-alive connection:
# any HTTP client reconnects and sends again, so this is not counted as a failure.
STALE_CONNECTION = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)
RESULTS_LOCK = threading.Lock()


@dataclass(frozen=True)
class Case:
    """One page or endpoint to load: who asks, how, and what answer counts as success."""

    label: str
    account: str  # "mid", "power", "wide" or "" (the floor: no sign-in)
    paths: tuple[str, ...]  # cycled through by each worker
    method: str = "GET"
    body: bytes = b""
    token: bool = False  # the API token instead of the session cookie
    expect: int = 200


@dataclass
class Result:
    case: Case
    seconds: float
    latencies: list[float] = field(default_factory=list)  # ms, successes only
    errors: int = 0
    first_error: str = ""

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def percentile(self, q: float) -> float:
        """Nearest-rank percentile in ms (0 when nothing succeeded)."""
        if not self.latencies:
            return 0.0
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered) + 0.5) - 1))]


# Talking HTTP ---------------------------------------------------------------------------


class Session:
    """Headers one signed-in student sends: cookies, or the API token."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}
        self.token = ""

    def headers(self, *, token: bool = False) -> dict[str, str]:
        headers = {"Host": f"{HOST}:{self.port}", "X-Forwarded-Proto": "https"}
        if token:
            headers["Authorization"] = f"Bearer {self.token}"
        elif self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return headers

    def remember(self, response: http.client.HTTPResponse) -> None:
        for value in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = value.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]


def login(port: int, username: str, password: str) -> Session:
    """Sign in through the login form, as a browser does (CSRF cookie and token, Origin)."""
    session = Session(port)
    conn = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
    try:
        conn.request("GET", "/login/", headers=session.headers())
        response = conn.getresponse()
        page = response.read().decode()
        session.remember(response)
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if response.status != 200 or found is None:
            raise RuntimeError(f"GET /login/ answered {response.status} without a CSRF token")
        form = urllib.parse.urlencode(
            {"username": username, "password": password, "csrfmiddlewaretoken": found.group(1)}
        )
        # No Origin header: over https (gunicorn trusts X-Forwarded-Proto from loopback) Django
        # then checks the Referer; waitress drops the proxy header, so the request is plain
        # http, where a https Origin would be refused as cross-origin.
        headers = session.headers() | {
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": f"https://{HOST}:{port}/login/",
        }
        conn.request("POST", "/login/", body=form, headers=headers)
        response = conn.getresponse()
        response.read()
        session.remember(response)
        if response.status != 302:
            raise RuntimeError(f"Signing in as {username} answered {response.status}, not 302")
    finally:
        conn.close()
    return session


def worker(
    port: int, case: Case, session: Session, offset: int, deadline: float, result: Result
) -> None:
    """Send the case's requests back to back on one kept-alive connection until the deadline."""
    conn = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
    headers = session.headers(token=case.token)
    if case.body:
        headers["Content-Type"] = "application/json"
    latencies, errors, first_error = [], 0, ""
    sent_on_connection = 0
    i = offset
    try:
        while time.monotonic() < deadline:
            path = case.paths[i % len(case.paths)]
            i += 1
            for attempt in range(2):
                began = time.perf_counter()
                try:
                    conn.request(case.method, path, body=case.body or None, headers=headers)
                    response = conn.getresponse()
                    response.read()
                except STALE_CONNECTION as exc:
                    conn.close()
                    if attempt == 0 and sent_on_connection:
                        sent_on_connection = 0
                        continue
                    errors, first_error = errors + 1, first_error or f"{path}: {exc!r}"
                    break
                except (OSError, http.client.HTTPException) as exc:
                    conn.close()
                    sent_on_connection = 0
                    errors, first_error = errors + 1, first_error or f"{path}: {exc!r}"
                    break
                elapsed = (time.perf_counter() - began) * 1000
                sent_on_connection += 1
                if response.will_close:
                    conn.close()
                    sent_on_connection = 0
                if response.status == case.expect:
                    latencies.append(elapsed)
                else:
                    errors += 1
                    first_error = first_error or f"{path}: HTTP {response.status}"
                break
    finally:
        conn.close()
        with RESULTS_LOCK:
            result.latencies.extend(latencies)
            result.errors += errors
            result.first_error = result.first_error or first_error


def load(port: int, case: Case, session: Session, concurrency: int, seconds: float) -> Result:
    """`concurrency` workers for `seconds`; every thread is joined before this returns."""
    result = Result(case, seconds)
    deadline = time.monotonic() + seconds
    threads = [
        threading.Thread(
            target=worker, args=(port, case, session, n, deadline, result), daemon=True
        )
        for n in range(concurrency)
    ]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + REQUEST_TIMEOUT + 5)
    result.seconds = time.monotonic() - began
    if any(t.is_alive() for t in threads):
        result.errors += 1
        result.first_error = result.first_error or "a worker did not finish in time"
    return result


# The server -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def server_env(manifest: dict[str, Any]) -> dict[str, str]:
    """Production settings (debug off, HTTPS behind a proxy) plus the floor view."""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="settings_bench",
        PYTHONPATH=os.pathsep.join([str(BENCH), str(ROOT / "src")]),
        COFFEECHAT_DEBUG="0",
        COFFEECHAT_HTTPS="1",
        # The proxy redirects to https in production; waitress ignores X-Forwarded-Proto.
        COFFEECHAT_SSL_REDIRECT="0",
        COFFEECHAT_SECRET_KEY=SECRET_KEY,
        COFFEECHAT_ALLOWED_HOSTS=HOST,
        COFFEECHAT_LOG_LEVEL="WARNING",
        COFFEECHAT_DATA_DIR=manifest["data_dir"],
        DATABASE_URL=manifest["database_url"],
    )
    return env


def server_command(server: str, port: int, workers: int, threads: int) -> list[str]:
    bin_dir = Path(sys.executable).parent
    if server == "gunicorn":
        return [
            str(bin_dir / "gunicorn"),
            *("--workers", str(workers), "--threads", str(threads)),
            *("--bind", f"{HOST}:{port}", "--graceful-timeout", "5", "--log-level", "warning"),
            # A page slower than gunicorn's default 30 s should show as slow, not as errors.
            *("--timeout", "120"),
            "coffeechat.wsgi:application",
        ]
    return [
        str(bin_dir / "coffeechat"),
        "serve",
        *("--host", HOST, "--port", str(port), "--threads", str(workers * threads)),
    ]


def wait_until_up(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"The server exited with code {process.returncode}")
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=2)
            conn.request("GET", "/bench/floor/", headers=Session(port).headers())
            status = conn.getresponse().status
            conn.close()
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"The server did not answer within {START_TIMEOUT:.0f} s")


@contextmanager
def running_server(args: argparse.Namespace, manifest: dict[str, Any]) -> Iterator[int]:
    """The server in its own process group, always stopped (SIGTERM, then SIGKILL)."""
    port = free_port()
    command = server_command(args.server, port, args.workers, args.threads)
    process = subprocess.Popen(command, env=server_env(manifest), cwd=ROOT, start_new_session=True)
    try:
        wait_until_up(port, process)
        yield port
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=15)


# The data set -------------------------------------------------------------------------------


@contextmanager
def data_set(args: argparse.Namespace, database: str) -> Iterator[dict[str, Any]]:
    """Build the data with bench/generate.py; remove the database or folder afterwards."""
    folder = tempfile.mkdtemp(prefix="coffeechat-load-")
    manifest_path = Path(folder) / "manifest.json"
    command = [
        sys.executable,
        str(BENCH / "generate.py"),
        *("--users", str(args.users), "--contacts", str(args.contacts)),
        *("--meetings", str(args.meetings), "--notes", str(args.notes)),
        *("--mid-contacts", str(args.mid_contacts), "--small-contacts", str(args.small_contacts)),
        *("--data-dir", folder, "--manifest", str(manifest_path), "--keep"),
    ]
    if database == "postgres":
        command += ["--database-url", args.postgres_url]
    # The generator names its PostgreSQL database after its pid, so it can be dropped even
    # when the generator is killed at the time limit before writing the manifest.
    generator = subprocess.Popen(command)
    database_url = args.postgres_url.rsplit("/", 1)[0] + f"/coffeechat_bench_{generator.pid}"
    try:
        if generator.wait(timeout=GENERATE_TIMEOUT) != 0:
            raise RuntimeError(f"bench/generate.py failed with code {generator.returncode}")
        manifest = json.loads(manifest_path.read_text())
        yield manifest
    finally:
        if generator.poll() is None:
            generator.kill()
            generator.wait(timeout=15)
        if database == "postgres":
            postgres_database_drop(database_url, args.postgres_url)
        shutil.rmtree(folder, ignore_errors=True)


# The run ----------------------------------------------------------------------------------


def cases_for(account: str, ids: dict[str, Any]) -> list[Case]:
    """The main pages and API calls for one student, in the order they are loaded."""
    q = ids["search"]
    draft = json.dumps({"kind": "request", "count": 3}).encode()
    cases = [
        Case("Today", account, ("/today/",)),
        Case("contact list", account, ("/contacts/",)),
        Case(f"search “{q}”", account, (f"/contacts/?q={q}",)),
        Case("contact page", account, (f"/contacts/{ids['contact']}/",)),
        Case("draft composer", account, (f"/messages/{ids['draft']}/",)),
        Case("API: search", account, (f"/api/v1/contacts?q={q}",), token=True),
        Case(
            "API: new draft (POST)",
            account,
            tuple(f"/api/v1/contacts/{c}/drafts" for c in ids["draft_contacts"]),
            method="POST",
            body=draft,
            token=True,
            expect=201,
        ),
    ]
    return cases


def run_database(args: argparse.Namespace, database: str) -> tuple[list[Result], float]:
    """The results for every case, and how long the data set took to build (seconds)."""
    print(f"## {database}: building the data set", file=sys.stderr, flush=True)
    with data_set(args, database) as manifest, running_server(args, manifest) as port:
        built = sum(manifest["timings"].values())
        accounts = manifest["accounts"]
        sessions = {"": Session(port)}
        for name in ("mid", "power", "wide"):
            sessions[name] = login(port, accounts[name]["username"], accounts[name]["password"])
            sessions[name].token = accounts[name]["token"]
        floor = Case("bare Django view (floor)", "", ("/bench/floor/",))
        cases = [floor]
        for mid, power in zip(
            cases_for("mid", accounts["mid"]), cases_for("power", accounts["power"]), strict=True
        ):
            cases += [mid, power]
            if mid.label == "Today":
                # The power user's people with the mid user's activity (bench/generate.py).
                cases.append(replace(mid, account="wide"))
        results = []
        for case in cases:
            session = sessions[case.account]
            load(port, case, session, 1, args.warmup)  # templates, caches, connections
            result = load(port, case, session, args.concurrency, args.duration)
            print(
                f"# {database} {case.label} ({case.account or '-'}): {result.rate:.1f} req/s, "
                f"{result.errors} errors {result.first_error}",
                file=sys.stderr,
                flush=True,
            )
            results.append(result)
        return results, built


def short(count: int) -> str:
    """50000 -> "50k", 1500 -> "1.5k", 100 -> "100"."""
    return f"{count / 1000:g}k" if count >= 1000 else str(count)


def table(database: str, results: list[Result], contacts: dict[str, int]) -> str:
    floor = results[0]
    p50 = {(r.case.label, r.case.account): r.percentile(0.5) for r in results}
    growth_label = f"{short(contacts['power'])} ÷ {short(contacts['mid'])}"
    lines = [
        f"| {database} | people | req/s | p50 ms | p95 ms | p99 ms | errors | requests "
        f"| × floor | {growth_label} |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        vs_floor = f"{floor.rate / r.rate:.1f}" if r.rate else "–"
        growth = ""
        if r.case.account in ("power", "wide") and p50.get((r.case.label, "mid")):
            growth = f"{p50[(r.case.label, r.case.account)] / p50[(r.case.label, 'mid')]:.2f}"
        people = f"{contacts[r.case.account]:,}" if r.case.account else "–"
        if r.case.account == "wide":
            people += f" ({short(contacts['mid'])}'s activity)"
        lines.append(
            f"| {r.case.label} | {people} | {r.rate:.1f} | {r.percentile(0.5):.1f} "
            f"| {r.percentile(0.95):.1f} | {r.percentile(0.99):.1f} | {r.errors} "
            f"| {len(r.latencies)} | {vs_floor} | {growth} |"
        )
    return "\n".join(lines)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--databases", nargs="+", choices=["sqlite", "postgres"], default=["sqlite"]
    )
    parser.add_argument("--postgres-url", default=POSTGRES_SERVER, help="the PostgreSQL server")
    parser.add_argument("--server", choices=["gunicorn", "waitress"], default="gunicorn")
    parser.add_argument("--workers", type=int, default=2, help="server processes (gunicorn)")
    parser.add_argument("--threads", type=int, default=4, help="threads per server process")
    parser.add_argument("--concurrency", type=int, default=4, help="connections at once")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per page")
    parser.add_argument("--warmup", type=float, default=1.0, help="seconds before each page")
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--contacts", type=int, default=50_000, help="the power user's people")
    parser.add_argument("--meetings", type=int, default=5000)
    parser.add_argument("--notes", type=int, default=50_000)
    parser.add_argument("--mid-contacts", type=int, default=1000)
    parser.add_argument("--small-contacts", type=int, default=20)
    parser.add_argument("--output", type=Path, help="also write the tables here (Markdown)")
    args = parser.parse_args(argv)
    if not (0 < args.duration <= 600 and 0 <= args.warmup <= 60 and 1 <= args.concurrency <= 64):
        parser.error("Need 0 < --duration <= 600, 0 <= --warmup <= 60, 1 <= --concurrency <= 64.")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    tables, errors = [], 0
    contacts = {"mid": args.mid_contacts, "power": args.contacts, "wide": args.contacts}
    for database in args.databases:
        results, built = run_database(args, database)
        errors += sum(r.errors for r in results)
        tables.append(table(database, results, contacts) + f"\n\n(data set built in {built:.0f} s)")
    header = (
        f"{args.server}, {args.workers} workers × {args.threads} threads, "
        f"{args.concurrency} connections, {args.duration:g} s per page, "
        f"{args.users:,} students"
    )
    text = header + "\n\n" + "\n\n".join(tables) + "\n"
    print(text)
    if args.output:
        args.output.write_text(text)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
