"""`coffeechat backup` and `restore-backup`, for real: fresh installs in subprocesses.

The backup is made while another process keeps adding people, on SQLite and on PostgreSQL
(skipped with the reason when no server or no matching pg_dump is at hand).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from typer.testing import CliRunner

from coffeechat.cli import app
from tests.services import missing
from tests.test_cli import coffeechat_executable, standalone_env

SECONDS = 60  # no subprocess here may take longer
# The suite's PostgreSQL server when it runs on one, else the local one; its maintenance
# database, from which each test creates (and drops) databases of its own.
_SUITE_DATABASE = os.environ.get("DATABASE_URL", "")
POSTGRES_SERVER = urlunsplit(
    urlsplit(
        _SUITE_DATABASE
        if _SUITE_DATABASE.startswith(("postgres://", "postgresql://"))
        else "postgres://postgres@127.0.0.1:5432/postgres"
    )._replace(path="/postgres")
)

# Adds "Writer 00000", "Writer 00001", … one transaction each, until the stop file appears.
WRITER = """
import os, sys, time
os.environ["DJANGO_SETTINGS_MODULE"] = "coffeechat.settings"
import django
django.setup()
from django.contrib.auth import get_user_model
from coffeechat.network.services import contact_create
owner = get_user_model().objects.get(username="sam")
stop, deadline, written = sys.argv[1], time.monotonic() + 30, 0
while not os.path.exists(stop) and time.monotonic() < deadline:
    contact_create(owner=owner, name=f"Writer {written:05d}")
    written += 1
    if written == 20:
        print("writing", flush=True)
print(written, flush=True)
"""


@dataclass
class Install:
    """A fresh Coffeechat: its environment, its data folder and a way to look inside."""

    env: dict[str, str]
    data_dir: Path
    database_url: str = ""

    @property
    def sqlite_file(self) -> Path:
        return self.data_dir / "coffeechat.sqlite3"

    def run(self, *args: str, input: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [coffeechat_executable(), *args],
            env=self.env,
            input=input,
            capture_output=True,
            text=True,
            timeout=SECONDS,
        )

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        if self.database_url:
            import psycopg

            with psycopg.connect(self.database_url, connect_timeout=5) as connection:
                return list(connection.execute(sql).fetchall())
        with closing(sqlite3.connect(self.sqlite_file, timeout=20)) as connection:
            return connection.execute(sql).fetchall()

    def contact_names(self) -> list[str]:
        return [row[0] for row in self.query("SELECT name FROM network_contact ORDER BY name")]

    def contact_count(self) -> int:
        return int(self.query("SELECT count(*) FROM network_contact")[0][0])


def checksum(names: list[str]) -> str:
    return hashlib.sha256("\n".join(sorted(names)).encode()).hexdigest()


def sqlite_names(path: Path) -> list[str]:
    with closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)) as connection:
        return [row[0] for row in connection.execute("SELECT name FROM network_contact")]


def assert_ok(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == 0, f"exit {result.returncode}: {result.stderr}{result.stdout}"


def install_prepare(install: Install, *, people: int = 3) -> None:
    """Migrate, add the student sam and a few people (a small LinkedIn file)."""
    assert_ok(install.run("manage", "migrate", "-v0"))
    assert_ok(install.run("user", "create", "sam", "--email", "sam@example.edu"))
    if people:
        lines = ["First Name,Last Name,URL,Email Address,Company,Position,Connected On"]
        lines += [f"Seed,Person{i},,,Acme,Analyst,01 Jan 2025" for i in range(people)]
        seed = install.data_dir.parent / "seed.csv"
        seed.write_text("\n".join(lines) + "\n", encoding="utf-8")
        assert_ok(install.run("import", str(seed), "--user", "sam", "--format", "linkedin"))


@pytest.fixture(scope="module")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite install with sam and three people, copied by each test."""
    root = tmp_path_factory.mktemp("template")
    install = sqlite_install_at(root / "data")
    install_prepare(install)
    return install.sqlite_file


def sqlite_install_at(data_dir: Path) -> Install:
    env = standalone_env(data_dir, COFFEECHAT_DEBUG="1", DATABASE_URL="")
    return Install(env=env, data_dir=data_dir)


@pytest.fixture
def sqlite_install(tmp_path: Path, sqlite_template: Path) -> Install:
    install = sqlite_install_at(tmp_path / "data")
    install.data_dir.mkdir()
    with (
        closing(sqlite3.connect(sqlite_template)) as source,
        closing(sqlite3.connect(install.sqlite_file)) as target,
    ):
        source.backup(target)
    return install


def postgres_server_or_skip(*tools: str) -> str:
    """The server's admin URL, or skip: no server, no tools, or tools older than it."""
    psycopg = pytest.importorskip("psycopg")
    try:
        with psycopg.connect(POSTGRES_SERVER, connect_timeout=3) as connection:
            server = int(connection.execute("SHOW server_version_num").fetchone()[0]) // 10000
    except psycopg.Error as exc:
        missing(f"PostgreSQL is not reachable at {POSTGRES_SERVER}: {exc}")
    for tool in tools:
        path = shutil.which(tool)
        if path is None:
            pytest.skip(f"{tool} is not installed")
        printed = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=10)
        found = re.search(r"(\d+)\.", printed.stdout)
        if found is None or int(found.group(1)) < server:
            pytest.skip(f"{tool} ({printed.stdout.strip()}) is older than the server ({server})")
    return POSTGRES_SERVER


def postgres_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(POSTGRES_SERVER, autocommit=True, connect_timeout=5) as connection:
        connection.execute(sql)  # type: ignore[arg-type]


def postgres_url(name: str) -> str:
    return urlunsplit(urlsplit(POSTGRES_SERVER)._replace(path=f"/{name}"))


def postgres_install_of(name: str, data_dir: Path) -> Install:
    url = postgres_url(name)
    data_dir.mkdir(parents=True, exist_ok=True)
    env = standalone_env(data_dir, COFFEECHAT_DEBUG="1", DATABASE_URL=url)
    return Install(env=env, data_dir=data_dir, database_url=url)


@pytest.fixture(scope="module")
def postgres_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One migrated database with sam and three people, cloned by each test (it is quick)."""
    postgres_server_or_skip()
    name = f"coffeechat_safety_template_{uuid.uuid4().hex[:12]}"
    postgres_admin(f'CREATE DATABASE "{name}"')
    try:
        install_prepare(postgres_install_of(name, tmp_path_factory.mktemp("pg") / "data"))
        yield name
    finally:
        postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def postgres_install(postgres_template: str, tmp_path: Path) -> Iterator[Install]:
    """A database of its own, a copy of the template, dropped afterwards."""
    name = f"coffeechat_safety_{uuid.uuid4().hex[:12]}"
    postgres_admin(f'CREATE DATABASE "{name}" TEMPLATE "{postgres_template}"')
    try:
        yield postgres_install_of(name, tmp_path / "data")
    finally:
        postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def postgres_tools() -> None:
    postgres_server_or_skip("pg_dump", "pg_restore")


@dataclass
class Writer:
    process: subprocess.Popen[str]
    stop: Path

    def finish(self) -> int:
        """Stop it; how many people it added (each in a transaction of its own)."""
        self.stop.touch()
        try:
            out, err = self.process.communicate(timeout=SECONDS)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait(timeout=SECONDS)
        assert self.process.returncode == 0, err
        return int(out.split()[-1])


def writer_start(install: Install) -> Writer:
    """Another process adding people as fast as it can; returns once it is under way."""
    stop = install.data_dir.parent / f"stop-{uuid.uuid4().hex}"
    process = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(stop)],
        env=install.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    writer = Writer(process=process, stop=stop)
    assert process.stdout is not None
    if process.stdout.readline().strip() != "writing":
        writer.stop.touch()
        process.kill()
        _, err = process.communicate(timeout=SECONDS)
        pytest.fail(f"the writer did not start: {err}")
    return writer


def held_contacts(printed: str) -> int:
    found = re.search(r"([\d,]+) contacts?\b", printed)
    assert found, printed
    return int(found.group(1).replace(",", ""))


def sqlite_integrity(path: Path) -> str:
    with closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)) as connection:
        return str(connection.execute("PRAGMA integrity_check").fetchone()[0])


def leftovers(install: Install) -> list[str]:
    """Files a restore should not leave behind in the data folder."""
    return sorted(
        path.name
        for path in install.data_dir.iterdir()
        if path.name.startswith(".restore-") or ".before-restore-" in path.name
    )


# Help ---------------------------------------------------------------------------------


def test_help_lists_backup_and_restore_backup():
    result = CliRunner().invoke(app, ["--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert "backup" in result.stdout
    assert "restore-backup" in result.stdout


# The round trip, under writes -----------------------------------------------------------


@pytest.mark.parametrize("engine", ["sqlite", "postgres"])
def test_backup_while_another_process_writes_then_restore_brings_back_exactly_it(
    engine: str, request: pytest.FixtureRequest, tmp_path: Path
):
    if engine == "postgres":
        request.getfixturevalue("postgres_tools")
    install: Install = request.getfixturevalue(f"{engine}_install")
    seeded = install.contact_names()
    assert len(seeded) == 3
    backup = tmp_path / "coffeechat.backup"

    writer = writer_start(install)
    try:
        before = install.contact_count()
        made = install.run("backup", "--output", str(backup))
        after = install.contact_count()
        still_writing = writer.process.poll() is None
    finally:
        written = writer.finish()

    assert_ok(made)
    assert still_writing, "the writer stopped before the backup ended"
    assert after > before, "nothing was written during the backup"
    held = held_contacts(made.stdout)
    assert before <= held <= after
    # The backup is a snapshot: the first writes in order, none missing, none half-made.
    expected = sorted(seeded + [f"Writer {i:05d}" for i in range(held - len(seeded))])
    if engine == "sqlite":
        assert "integrity check" in made.stdout
        assert sqlite_integrity(backup) == "ok"
        assert sorted(sqlite_names(backup)) == expected
        assert not backup.with_name(backup.name + "-wal").exists(), "the copy is one file"
    # The writer lost nothing while the backup ran.
    assert install.contact_count() == len(seeded) + written > held

    restored = install.run("restore-backup", str(backup), "--yes")

    assert_ok(restored)
    assert install.contact_count() == held
    assert checksum(install.contact_names()) == checksum(expected)
    assert f"{held:,} contacts" in restored.stdout
    if engine == "sqlite":
        assert sqlite_integrity(install.sqlite_file) == "ok"
        [previous] = install.data_dir.glob("coffeechat.before-restore-*.sqlite3")
        assert str(previous) in restored.stdout
        assert len(sqlite_names(previous)) == len(seeded) + written
    # The restored database is a working one.
    assert_ok(install.run("contacts", "list", "--user", "sam", "--json"))


# Refusals ---------------------------------------------------------------------------------


def damaged_copies(backup: Path, folder: Path) -> dict[str, tuple[Path, str]]:
    """Files restore-backup must refuse, with (part of) the reason it gives."""
    data = backup.read_bytes()
    page = 4096
    files: dict[str, tuple[bytes, str]] = {
        "text": (b"first,last\nSam,Lee\n", "not an SQLite database"),
        "pg_dump": (b"PGDMP\x01\x0e\x00" + b"\x00" * 100, "PostgreSQL backup"),
        "truncated": (data[: len(data) // 2], "damaged"),
        # Every other page from the second on overwritten: the tables' b-trees are gone.
        "scribbled": (
            b"".join(
                data[i : i + page] if i < page or (i // page) % 2 else b"\xa5" * page
                for i in range(0, len(data), page)
            ),
            "damaged",
        ),
    }
    made = {name: (folder / f"{name}.sqlite3", reason) for name, (_, reason) in files.items()}
    for name, (content, _) in files.items():
        made[name][0].write_bytes(content)
    other = folder / "other.sqlite3"
    with closing(sqlite3.connect(other)) as connection:
        connection.execute("CREATE TABLE notes (body TEXT)")
        connection.commit()
    made["another app's database"] = (other, "not a Coffeechat database")
    newer = folder / "newer.sqlite3"
    shutil.copyfile(backup, newer)
    with closing(sqlite3.connect(newer)) as connection:
        connection.execute(
            "INSERT INTO django_migrations (app, name, applied) "
            "VALUES ('network', '9999_from_the_future', '2030-01-01')"
        )
        connection.commit()
    made["from a newer Coffeechat"] = (newer, "newer Coffeechat")
    return made


def test_a_damaged_or_wrong_file_is_refused_and_nothing_changes(
    sqlite_install: Install, tmp_path: Path
):
    backup = tmp_path / "good.sqlite3"
    assert_ok(sqlite_install.run("backup", "-o", str(backup)))
    assert_ok(sqlite_install.run("user", "create", "kim", "--email", "kim@example.edu"))
    names = checksum(sqlite_install.contact_names())
    users = sqlite_install.query("SELECT username FROM auth_user ORDER BY username")

    for label, (path, reason) in damaged_copies(backup, tmp_path).items():
        result = sqlite_install.run("restore-backup", str(path), "--yes")

        assert result.returncode == 1, (label, result.stdout)
        assert "Nothing was restored" in result.stderr, label
        assert reason in result.stderr, (label, result.stderr)
        assert "Traceback" not in result.stderr, label
        assert checksum(sqlite_install.contact_names()) == names, label
        assert sqlite_install.query("SELECT username FROM auth_user ORDER BY username") == users
        assert leftovers(sqlite_install) == [], label
    assert sqlite_integrity(sqlite_install.sqlite_file) == "ok"


def test_restore_asks_first_and_no_answer_changes_nothing(sqlite_install: Install, tmp_path):
    backup = tmp_path / "good.sqlite3"
    assert_ok(sqlite_install.run("backup", "-o", str(backup)))
    assert_ok(sqlite_install.run("user", "create", "kim", "--email", "kim@example.edu"))

    for answer in ("n\n", ""):
        result = sqlite_install.run("restore-backup", str(backup), input=answer)

        assert result.returncode == 1
        assert "Replace everything in" in result.stdout
        assert "Nothing was restored (add --yes" in result.stderr
        assert sqlite_install.query("SELECT count(*) FROM auth_user") == [(2,)]
        assert leftovers(sqlite_install) == []

    result = sqlite_install.run("restore-backup", str(backup), input="y\n")
    assert_ok(result)
    assert sqlite_install.query("SELECT username FROM auth_user") == [("sam",)]


def test_backup_refuses_to_write_over_the_database_or_into_a_folder_or_nowhere(
    sqlite_install: Install,
):
    live = sqlite_install.sqlite_file
    before = live.read_bytes()

    over = sqlite_install.run("backup", "--output", str(live))
    folder = sqlite_install.run("backup", "--output", str(sqlite_install.data_dir))
    nowhere = sqlite_install.run("backup", "--output", str(sqlite_install.data_dir / "no" / "b"))

    assert over.returncode == 1
    assert "No backup was made: That is the database itself" in over.stderr
    assert folder.returncode in (1, 2)  # typer refuses a folder (2) before we see it
    assert nowhere.returncode == 1
    assert f"There is no folder {sqlite_install.data_dir / 'no'}" in nowhere.stderr
    assert live.read_bytes() == before


def test_backup_of_an_install_with_no_database_yet_says_so(tmp_path: Path):
    install = sqlite_install_at(tmp_path / "empty")

    result = install.run("backup", "--output", str(tmp_path / "b.sqlite3"))

    assert result.returncode == 1
    assert "There is no database at" in result.stderr
    assert not (tmp_path / "b.sqlite3").exists()
    assert not (tmp_path / "b.sqlite3.part").exists()


def test_a_backup_restores_onto_a_fresh_install(sqlite_install: Install, tmp_path: Path):
    backup = tmp_path / "moving.sqlite3"
    assert_ok(sqlite_install.run("backup", "-o", str(backup)))
    fresh = sqlite_install_at(tmp_path / "new-machine")

    result = fresh.run("restore-backup", str(backup), "--yes")

    assert_ok(result)
    assert fresh.contact_names() == sqlite_install.contact_names()
    assert fresh.query("PRAGMA journal_mode") == [("wal",)]
    assert "before-restore" not in result.stdout


def test_postgresql_refuses_a_damaged_dump_and_an_sqlite_file(
    postgres_tools: None, postgres_install: Install, tmp_path: Path
):
    dump = tmp_path / "coffeechat.dump"
    assert_ok(postgres_install.run("backup", "-o", str(dump)))
    names = checksum(postgres_install.contact_names())
    cut = tmp_path / "cut.dump"
    cut.write_bytes(dump.read_bytes()[:3000])
    sqlite_file = tmp_path / "other.sqlite3"
    with closing(sqlite3.connect(sqlite_file)) as connection:
        connection.execute("CREATE TABLE t (x)")
        connection.commit()

    for path, reason in ((cut, "pg_restore --list failed"), (sqlite_file, "SQLite backup")):
        result = postgres_install.run("restore-backup", str(path), "--yes")

        assert result.returncode == 1, result.stdout
        assert "Nothing was restored" in result.stderr
        assert reason in result.stderr
        assert checksum(postgres_install.contact_names()) == names
