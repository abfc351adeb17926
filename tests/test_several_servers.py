"""Several app processes against one PostgreSQL and one Redis behave as one process.

Two real servers (`coffeechat serve`, production settings) are started together on loopback
against a fresh PostgreSQL database and Redis. A student signs in on one and is signed in on
the other; sign-in failures on both add up to one cool-off; two `coffeechat digest` runs at
the same moment (cron on two machines) send one email; signing out on one signs out on both.

It needs PostgreSQL at 127.0.0.1:5432 and Redis at 127.0.0.1:6379; without them it is
skipped, unless COFFEECHAT_REQUIRE_SERVICES=1 (set by .ci/run), where it fails instead.
"""

from __future__ import annotations

import html
import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import urllib.parse
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
import redis
from aiosmtpd.controller import Controller

from coffeechat.accounts import throttle
from tests.outreach.conftest import Inbox, parsed
from tests.services import missing, reachable

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
POSTGRES = "postgres://postgres@127.0.0.1:5432"
# A database of its own, so nothing else's keys are touched.
REDIS_URL = "redis://127.0.0.1:6379/14"
PASSWORD = "correct horse battery staple 42"
COOL_OFF = "Too many attempts: try again in 15 minutes."


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def services() -> None:
    absent = [name for name, port in (("PostgreSQL", 5432), ("Redis", 6379)) if not reachable(port)]
    if absent:
        missing(f"{' and '.join(absent)} not running on {HOST}")


@pytest.fixture(scope="module")
def database(services: None) -> Iterator[str]:
    """A fresh, empty PostgreSQL database, dropped at the end."""
    name = f"coffeechat_servers_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{POSTGRES}/{name}"
    finally:
        with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def env(database: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Production settings (debug off, HTTPS behind a proxy that redirects by itself)."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("COFFEECHAT_", "DATABASE"))}
    return base | {
        "DJANGO_SETTINGS_MODULE": "coffeechat.settings",
        "DATABASE_URL": database,
        "COFFEECHAT_REDIS_URL": REDIS_URL,
        "COFFEECHAT_DEBUG": "0",
        "COFFEECHAT_HTTPS": "1",
        "COFFEECHAT_SSL_REDIRECT": "0",
        "COFFEECHAT_SECRET_KEY": "several-servers-" + "s" * 50,
        "COFFEECHAT_ALLOWED_HOSTS": HOST,
        "COFFEECHAT_LOG_LEVEL": "WARNING",
        "COFFEECHAT_BASE_URL": "https://coffeechat.example.edu",
        "COFFEECHAT_DATA_DIR": str(tmp_path_factory.mktemp("data")),
    }


def coffeechat(
    env: dict[str, str], *args: str, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "coffeechat"), *args],
        input=stdin,
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


@contextmanager
def servers(env: dict[str, str], count: int) -> Iterator[list[int]]:
    """`count` servers started at the same moment on an empty database (each one migrates
    first: they must not trip over each other), stopped at the end."""
    ports = [free_port() for _ in range(count)]
    processes = [
        subprocess.Popen(
            [str(BIN / "coffeechat"), "serve", "--host", HOST, "--port", str(port)],
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        for port in ports
    ]
    try:
        for port, process in zip(ports, processes, strict=True):
            assert process.stdout is not None
            line = process.stdout.readline().decode()  # "Coffeechat is running at …", or why not
            assert f"running at http://{HOST}:{port}" in line, line + process.stdout.read().decode()
        yield ports
    finally:
        for process in processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=15)


class Browser:
    """Cookies and CSRF as a browser keeps them, sent to whichever server is asked."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def request(
        self, port: int, method: str, path: str, form: dict[str, str] | None = None
    ) -> tuple[int, str, str]:
        headers = {"Host": f"{HOST}:{port}", "X-Forwarded-Proto": "https"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"https://{HOST}:{port}{path}"
        conn = http.client.HTTPConnection(HOST, port, timeout=60)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode()
        finally:
            conn.close()
        for value in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = value.partition("=")
            cookie = rest.split(";", 1)[0]
            if cookie in ('""', "") or "Max-Age=0" in value:
                self.cookies.pop(name.strip(), None)
            else:
                self.cookies[name.strip()] = cookie
        return response.status, response.headers.get("Location", ""), text

    def get(self, port: int, path: str) -> tuple[int, str, str]:
        return self.request(port, "GET", path)

    def submit(self, port: int, path: str, **fields: str) -> tuple[int, str, str]:
        """Open the page, then post its form (the one with the first of these fields) with
        the given fields changed."""
        status, _, page = self.get(port, path)
        assert status == 200, (path, status)
        return self.request(port, "POST", path, form_values(page, next(iter(fields))) | fields)


def form_values(page: str, field: str) -> dict[str, str]:
    """What a browser would post from the page's form that has this field."""
    forms = re.findall(r"<form[^>]*>(.*?)</form>", page, re.S | re.I)
    found = [form for form in forms if f'name="{field}"' in form]
    assert found, f"no form with {field!r}"
    form = found[0]
    values: dict[str, str] = {}
    for tag in re.findall(r"<input\b[^>]*>", form):
        attrs = dict(re.findall(r'(\w[\w-]*)="([^"]*)"', tag))
        kind = attrs.get("type", "text")
        if "name" not in attrs or kind in ("submit", "button"):
            continue
        if kind in ("checkbox", "radio") and "checked" not in tag:
            continue
        values[attrs["name"]] = html.unescape(
            attrs.get("value", "on" if kind == "checkbox" else "")
        )
    return values


def sign_in(browser: Browser, port: int, username: str, password: str) -> tuple[int, str, str]:
    status, _, page = browser.get(port, "/login/")
    assert status == 200
    return browser.request(
        port,
        "POST",
        "/login/",
        form_values(page, "username") | {"username": username, "password": password},
    )


def test_two_servers_share_sessions_throttles_and_digests(env: dict[str, str]) -> None:
    username = f"sam{uuid.uuid4().hex[:8]}"
    inbox = Inbox()
    smtp_port = free_port()
    smtp = Controller(inbox, hostname=HOST, port=smtp_port)
    smtp.start()
    cache = redis.Redis.from_url(REDIS_URL)
    try:
        with servers(env, 2) as (a, b):
            made = coffeechat(
                env, "demo", "--username", username, "--password-stdin", stdin=PASSWORD
            )
            assert made.returncode == 0, made.stderr

            # A session made on A is a session on B ----------------------------------------
            student = Browser()
            status, location, _ = sign_in(student, a, username, PASSWORD)
            assert (status, location) == (302, "/")
            assert student.get(b, "/today/")[0] == 200
            # It lives in Redis (and the database behind it), not in either process.
            [session_cookie] = [v for k, v in student.cookies.items() if k.endswith("sessionid")]
            assert cache.keys(f"coffeechat:*{session_cookie}")

            # What B saves, A reads: the digest turned on through B.
            status, _, _ = student.submit(b, "/follow-up-settings/", digest="on")
            assert status == 302
            settings_page = student.get(a, "/follow-up-settings/")[2]
            assert re.search(r'name="digest"[^>]*checked', settings_page)

            # Two digests at the same moment, as cron on two machines: one email ------------
            mail = env | {
                "COFFEECHAT_SMTP_HOST": HOST,
                "COFFEECHAT_SMTP_PORT": str(smtp_port),
                "COFFEECHAT_SMTP_TLS": "0",
            }
            runs = [
                subprocess.Popen(
                    [str(BIN / "coffeechat"), "digest", "--user", username],
                    env=mail,
                    cwd=ROOT,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                )
                for _ in range(2)
            ]
            outputs = [run.communicate(timeout=120) for run in runs]
            assert [run.returncode for run in runs] == [0, 0], outputs
            assert len(inbox.envelopes) == 1, outputs
            [message] = [parsed(envelope) for envelope in inbox.envelopes]
            assert message["To"] == f"{username}@example.com"
            assert message["Subject"].startswith("Today:")
            assert "https://coffeechat.example.edu/today/" in message.get_content()
            again = coffeechat(mail, "digest", "--user", username)
            assert again.returncode == 0 and len(inbox.envelopes) == 1, again.stdout

            # Signing out on B ends the session on A too ---------------------------------------
            page = student.get(a, "/today/")[2]
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
            assert token is not None
            other_tab = Browser()
            other_tab.cookies = dict(student.cookies)
            status, _, _ = student.request(
                b, "POST", "/logout/", {"csrfmiddlewaretoken": token.group(1)}
            )
            assert status == 302
            status, location, _ = other_tab.get(a, "/today/")
            assert status == 302 and location.startswith("/login/")
            assert not cache.keys(f"coffeechat:*{session_cookie}")

            # Wrong passwords on both servers add up to one cool-off -----------------------
            guesser = Browser()
            for port in (a, b, a, b, a):
                status, _, page = sign_in(guesser, port, username, "wrong guess")
                assert status == 200 and "correct username and password" in page
            for port in (b, a):
                status, _, page = sign_in(Browser(), port, username, PASSWORD)
                assert status == 429 and COOL_OFF in html.unescape(page), port
            # The cool-off is in Redis: a restarted server would still see it.
            until = throttle._key(throttle.SIGNIN_ACCOUNT, throttle.account_key(username), "until")
            assert cache.exists(f"coffeechat:1:{until}")
    finally:
        smtp.stop()
        cache.flushdb()
        cache.close()
