"""The load benchmark's scripts still run: a tiny data set, a real server, zero errors.

`make bench-load` is run by hand on a quiet machine, so nothing else would notice when a
change to the app breaks it (a renamed route, a new required field). This runs both scripts
at a tiny size, on the database the suite runs on, in about ten seconds.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TINY = ["--users", "3", "--contacts", "50", "--meetings", "5", "--notes", "50"]
TINY += ["--mid-contacts", "10", "--small-contacts", "2"]
ROW = re.compile(r"^\| (?P<label>[^|]+?) \| (?P<people>[^|]+) \| (?P<rate>[\d.]+) \|.*$", re.M)


def postgres_server() -> str | None:
    """The server of the suite's PostgreSQL database, when the suite runs on PostgreSQL."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return None
    return urllib.parse.urlsplit(url)._replace(path="/postgres").geturl()


def run_bench(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )


def test_generator_builds_the_accounts_the_load_run_needs(tmp_path: Path) -> None:
    manifest = tmp_path / "manifest.json"
    args = [str(ROOT / "bench" / "generate.py"), *TINY, "--data-dir", str(tmp_path)]
    done = run_bench([*args, "--manifest", str(manifest), "--keep"], ROOT)

    assert done.returncode == 0, done.stderr
    found = json.loads(manifest.read_text())
    assert found["users"] == 3
    assert found["database_url"] == ""
    assert (tmp_path / "coffeechat.sqlite3").exists()
    power, mid, wide = (found["accounts"][name] for name in ("power", "mid", "wide"))
    assert (power["contacts"], mid["contacts"], wide["contacts"]) == (50, 10, 50)
    # The wide student has the power user's people and the mid user's activity.
    assert (wide["meetings"], wide["notes"]) == (mid["meetings"], mid["notes"])
    assert power["token"].startswith("cc_")
    assert power["draft"] and len(power["draft_contacts"]) == 5
    assert "power user: 50 contacts" in done.stderr


def test_load_run_serves_every_page_without_errors(tmp_path: Path) -> None:
    output = tmp_path / "load.md"
    server = postgres_server()
    databases = ["--databases", "postgres", "--postgres-url", server] if server else []
    # waitress (`coffeechat serve`): always installed, unlike gunicorn (the `bench` extra).
    args = [str(ROOT / "bench" / "load.py"), *TINY, *databases, "--server", "waitress"]
    args += ["--concurrency", "1", "--duration", "0.15", "--warmup", "0"]
    done = run_bench([*args, "--output", str(output)], tmp_path)

    assert done.returncode == 0, done.stdout + done.stderr
    rows = {(m["label"], m["people"]): m.group(0) for m in ROW.finditer(output.read_text())}
    labels = {label for label, _ in rows}
    assert {"Today", "contact list", "contact page", "draft composer"} <= labels
    assert {"API: search", "API: new draft (POST)", "bare Django view (floor)"} <= labels
    # The floor, 7 pages for each of the two students, and Today for the wide one.
    assert len(rows) == 16
    assert ("Today", "50 (10's activity)") in rows
    for row in rows.values():
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        assert float(cells[2]) > 0, row  # req/s: at least one request succeeded
        assert cells[6] == "0", row  # errors


def test_calendar_upload_benchmark_runs_and_keeps_the_busy_times(tmp_path: Path) -> None:
    done = run_bench(
        [str(ROOT / "bench" / "calendar_ics.py"), "--sizes", "800", "--runs", "1"], tmp_path
    )

    assert done.returncode == 0, done.stdout + done.stderr
    row = done.stdout.strip().splitlines()[-1]
    cells = [cell.strip() for cell in row.strip("|").split("|")]
    assert cells[0] == "800"
    # The lecture and the events of the 60 days ahead: some busy times, far fewer than events.
    assert 0 < int(cells[4]) < 800, row
