"""Crashes and concurrency, for real: `kill -9` in the middle of an import, and a server
under concurrent reads and writes on the SQLite default.

Every process here is a real `coffeechat` on a fresh install (see tests/test_cli_backup.py
for the installs); every wait is bounded.
"""

from __future__ import annotations

import csv
import json
import os
import signal
import sqlite3
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.test_cli import coffeechat_executable, free_port
from tests.test_cli_backup import (  # noqa: F401  (fixtures, used by name)
    SECONDS,
    Install,
    assert_ok,
    postgres_install,
    postgres_template,
    sqlite_install,
    sqlite_template,
)

PEOPLE = 6_000  # a large LinkedIn export (a typical one has a few hundred to a few thousand)
PREAMBLE = (
    "Notes:\r\n"
    '"When exporting your connection data, you may notice that some of the email addresses '
    'are missing."\r\n'
    "\r\n"
)
HEADER = ["First Name", "Last Name", "URL", "Email Address", "Company", "Position", "Connected On"]


def linkedin_export(path: Path, people: int) -> Path:
    """A LinkedIn Connections.csv in the current format (preamble, CRLF)."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(PREAMBLE)
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(HEADER)
        for i in range(people):
            writer.writerow(
                [
                    "Crash",
                    f"Person{i:05d}",
                    f"https://www.linkedin.com/in/crash-person-{i:05d}",
                    f"crash.{i}@example.com" if i % 10 == 0 else "",
                    f"Crashco {i % 400}",
                    "Analyst",
                    "12 Mar 2025",
                ]
            )
    return path


def wait_for(what: str, ready: Callable[[], bool], process: subprocess.Popen[Any]) -> None:
    deadline = time.monotonic() + SECONDS
    while not ready():
        assert process.poll() is None, f"the import ended before {what}"
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.05)


def sqlite_write_locked(path: Path) -> bool:
    """Whether another connection holds the write lock (an open write transaction)."""
    with closing(sqlite3.connect(path, timeout=0, isolation_level=None)) as connection:
        try:
            connection.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            assert "locked" in str(exc), exc
            return True
        connection.execute("ROLLBACK")
        return False


def wal_size(path: Path) -> int:
    wal = path.with_name(path.name + "-wal")
    return wal.stat().st_size if wal.exists() else 0


def postgres_writing(install: Install) -> bool:
    """Whether a backend of this database has written in a transaction still open."""
    rows = install.query(
        "SELECT count(*) FROM pg_stat_activity "
        "WHERE datname = current_database() AND backend_xid IS NOT NULL "
        "AND pid <> pg_backend_pid()"
    )
    return rows[0][0] > 0


def import_people(install: Install) -> tuple[int, int]:
    """(people from the file, their organizations) now in the database."""
    [(people,)] = install.query("SELECT count(*) FROM network_contact WHERE name LIKE 'Crash %'")
    [(companies,)] = install.query(
        "SELECT count(*) FROM network_organization WHERE name LIKE 'Crashco %'"
    )
    return people, companies


@pytest.mark.parametrize("engine", ["sqlite", "postgres"])
def test_kill_9_in_the_middle_of_a_large_import_leaves_no_trace_and_it_can_run_again(
    engine: str, request: pytest.FixtureRequest, tmp_path: Path
):
    install: Install = request.getfixturevalue(f"{engine}_install")
    export = linkedin_export(tmp_path / "Connections.csv", PEOPLE)
    seeded = install.contact_names()
    if engine == "sqlite":
        live = install.sqlite_file
        with closing(sqlite3.connect(live)) as connection:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # from here, WAL = this run

    with (tmp_path / "import.log").open("w") as log:
        process = subprocess.Popen(
            [coffeechat_executable(), "import", str(export), "--user", "sam"],
            env=install.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        if engine == "sqlite":
            # Past a megabyte of WAL, batches of people are being written (the page cache
            # spills them there) in a transaction that holds the write lock, uncommitted.
            wait_for("rows were written", lambda: wal_size(live) > 1_000_000, process)
            assert sqlite_write_locked(live), "the import is not inside its transaction"
        else:
            wait_for("rows were written", lambda: postgres_writing(install), process)
            time.sleep(1)  # a few batches in
            assert postgres_writing(install)
        assert process.poll() is None
        os.kill(process.pid, signal.SIGKILL)
        assert process.wait(timeout=SECONDS) == -signal.SIGKILL
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=SECONDS)

    if engine == "sqlite":
        with closing(sqlite3.connect(live)) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
    else:
        # The server rolls back once it sees the client gone.
        deadline = time.monotonic() + SECONDS
        while postgres_writing(install):
            assert time.monotonic() < deadline, "PostgreSQL kept the dead import's transaction"
            time.sleep(0.1)
    assert import_people(install) == (0, 0), "part of the import survived the crash"
    assert install.contact_names() == seeded

    again = subprocess.run(
        [coffeechat_executable(), "import", str(export), "--user", "sam"],
        env=install.env,
        capture_output=True,
        text=True,
        timeout=3 * SECONDS,
    )

    assert_ok(again)
    assert f"Added {PEOPLE:,}" in again.stdout
    assert import_people(install) == (PEOPLE, 400)
    [(profiles,)] = install.query(
        "SELECT count(DISTINCT linkedin_url) FROM network_contact WHERE name LIKE 'Crash %'"
    )
    assert profiles == PEOPLE


# Concurrent reads and writes against the real server -----------------------------------


@dataclass
class Load:
    base: str
    token: str
    deadline: float
    created: list[str] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def call(self, path: str, body: dict[str, Any] | None = None) -> dict[str, Any] | None:
        request = urllib.request.Request(
            self.base + path,
            data=None if body is None else json.dumps(body).encode(),
            headers={"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"},
            method="GET" if body is None else "POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=SECONDS) as response:
                status, payload = response.status, response.read()
        except urllib.error.HTTPError as exc:
            status, payload = exc.code, exc.read()
        except OSError as exc:
            with self.lock:
                self.failures.append(f"{path}: {exc}")
            return None
        with self.lock:
            self.statuses[status] = self.statuses.get(status, 0) + 1
            if status >= 400:
                self.failures.append(f"{path}: {status} {payload[:300]!r}")
        return json.loads(payload) if status < 400 else None

    def writer(self, number: int) -> None:
        for n in range(150):
            if time.monotonic() > self.deadline:
                return
            made = self.call(
                "/api/v1/contacts",
                {"name": f"Load {number}-{n}", "organization_name": f"Loadco {n % 5}"},
            )
            if made is not None:
                with self.lock:
                    self.created.append(made["id"])

    def reader(self, number: int) -> None:
        paths = ["/api/v1/contacts?q=load", "/api/v1/contacts?limit=50", "/api/v1/today"]
        for n in range(300):
            if time.monotonic() > self.deadline:
                return
            self.call(paths[(number + n) % len(paths)])


@contextmanager
def serving(install: Install, log: Path) -> Iterator[str]:
    """`coffeechat serve` on a free loopback port; its address once it answers."""
    port = free_port()
    with log.open("w") as output:
        server = subprocess.Popen(
            [coffeechat_executable(), "serve", "--port", str(port), "--threads", "8"],
            env=install.env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + SECONDS
        while True:
            assert server.poll() is None, f"serve exited: {log.read_text()}"
            try:
                urllib.request.urlopen(base + "/", timeout=5).close()
                break
            except OSError:
                assert time.monotonic() < deadline, f"serve never answered: {log.read_text()}"
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=SECONDS)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=SECONDS)


def test_no_database_is_locked_under_concurrent_reads_and_writes_on_sqlite(
    sqlite_install: Install,  # noqa: F811  (the fixture, imported above)
    tmp_path: Path,
):
    install = sqlite_install
    token = install.run("token", "create", "--user", "sam", "--name", "load")
    assert_ok(token)
    export = linkedin_export(tmp_path / "Connections.csv", 1_000)
    log = tmp_path / "serve.log"

    with serving(install, log) as base:
        load = Load(base=base, token=token.stdout.strip(), deadline=time.monotonic() + 5)
        threads = [threading.Thread(target=load.writer, args=(i,)) for i in range(4)]
        threads += [threading.Thread(target=load.reader, args=(i,)) for i in range(4)]
        for thread in threads:
            thread.start()
        # Meanwhile, a long write transaction (an import) and a backup, from other processes.
        side = [
            subprocess.run(
                [coffeechat_executable(), *args],
                env=install.env,
                capture_output=True,
                text=True,
                timeout=SECONDS,
            )
            for args in (
                ["import", str(export), "--user", "sam"],
                ["backup", "--output", str(tmp_path / "during-load.sqlite3")],
            )
        ]
        for thread in threads:
            thread.join(timeout=2 * SECONDS)
        assert not any(thread.is_alive() for thread in threads)

    printed = log.read_text()
    assert load.failures == [], load.failures[:5]
    assert "database is locked" not in printed
    assert "Traceback" not in printed
    for result in side:
        assert_ok(result)
        assert "locked" not in result.stderr
    assert load.statuses.get(201, 0) >= 20, load.statuses
    assert load.statuses.get(200, 0) >= 20, load.statuses
    assert set(load.statuses) == {200, 201}
    # Every write the server acknowledged is there, once.
    stored = {row[0] for row in install.query("SELECT uuid FROM network_contact")}
    assert {created.replace("-", "") for created in load.created} <= stored
    [(loaded,)] = install.query("SELECT count(*) FROM network_contact WHERE name LIKE 'Load %'")
    assert loaded == len(load.created) == load.statuses[201]
    assert import_people(install) == (1_000, 400)
