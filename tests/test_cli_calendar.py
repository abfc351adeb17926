"""`coffeechat calendar import | subscribe | refresh | list`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from coffeechat.cli import app
from coffeechat.outreach import services
from coffeechat.outreach.models import Calendar
from tests.calendars import Site, summaries, upload, week_calendar

FILES = Path(__file__).parent / "interchange" / "files"


def run(*args: str) -> Any:
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})


def test_import_a_file(alice: Any, tmp_path: Path) -> None:
    path = tmp_path / "classes.ics"
    path.write_bytes(week_calendar())

    result = run("calendar", "import", str(path), "--user", "alice", "--name", "Classes")

    assert result.exit_code == 0, result.stderr
    assert "Added “Classes”: 4 events, 2 busy times in the next 60 days." in result.stdout
    calendar = Calendar.objects.get(owner=alice)
    assert summaries(calendar) == ["Overnight", "Seminar"]


def test_importing_a_file_that_is_not_a_calendar_fails_on_stderr(alice: Any) -> None:
    result = run("calendar", "import", str(FILES / "ics_google.ics"), "--user", "alice")
    assert result.exit_code == 0, result.stderr  # a real export imports

    result = run("calendar", "import", __file__, "--user", "alice")

    assert result.exit_code == 1
    assert "Could not import test_cli_calendar.py:" in result.stderr
    assert "file: This is not an iCalendar (.ics) file." in result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.output
    assert Calendar.objects.count() == 1


def test_import_for_an_unknown_user_fails(db: Any, tmp_path: Path) -> None:
    path = tmp_path / "classes.ics"
    path.write_bytes(week_calendar())

    result = run("calendar", "import", str(path), "--user", "ghost")

    assert result.exit_code == 1
    assert "No user named “ghost”" in result.stderr
    assert not Calendar.objects.exists()


def test_import_of_a_missing_file_fails(alice: Any) -> None:
    result = run("calendar", "import", "/nonexistent/cal.ics", "--user", "alice")

    assert result.exit_code == 2
    assert "does not exist" in result.stderr
    assert not Calendar.objects.exists()


def test_subscribe(alice: Any, site: Site, private_ok: None) -> None:
    site.serve("/cal.ics", week_calendar())

    result = run("calendar", "subscribe", site.url("/cal.ics"), "--user", "alice")

    assert result.exit_code == 0, result.stderr
    assert "Added “127.0.0.1”" in result.stdout
    assert Calendar.objects.get(owner=alice).source_url == site.url("/cal.ics")


def test_subscribe_to_a_private_address_fails(alice: Any, site: Site) -> None:
    result = run("calendar", "subscribe", site.url("/cal.ics"), "--user", "alice")

    assert result.exit_code == 1
    assert "url: That address is on a private network" in result.stderr
    assert site.hits == []
    assert not Calendar.objects.exists()


def test_refresh_reads_every_subscription(alice: Any, site: Site, private_ok: None) -> None:
    site.serve("/a.ics", week_calendar("Seminar"))
    site.serve("/b.ics", week_calendar("Shift"))
    first = services.calendar_subscribe(owner=alice, url=site.url("/a.ics"), name="Classes")
    services.calendar_subscribe(owner=alice, url=site.url("/b.ics"), name="Work")
    services.calendar_import(owner=alice, upload=upload(week_calendar()), name="File")
    site.serve("/a.ics", week_calendar("Lab"))

    result = run("calendar", "refresh", "--user", "alice")

    assert result.exit_code == 0, result.stderr
    assert "Classes: 4 events read." in result.stdout
    assert "Work: 4 events read." in result.stdout
    assert "File" not in result.stdout
    assert summaries(first) == ["Overnight", "Lab"]
    assert site.hits.count("/a.ics") == 2


def test_a_failed_refresh_exits_1_and_keeps_the_old_busy_times(
    alice: Any, site: Site, private_ok: None
) -> None:
    site.serve("/a.ics", week_calendar())
    calendar = services.calendar_subscribe(owner=alice, url=site.url("/a.ics"), name="Classes")
    del site.routes["/a.ics"]

    result = run("calendar", "refresh", "--user", "alice")

    assert result.exit_code == 1
    assert "Classes: There is no calendar at that address (404" in result.stderr
    assert summaries(calendar) == ["Overnight", "Seminar"]
    assert Calendar.objects.get(pk=calendar.pk).last_error.startswith("There is no calendar")


def test_refresh_with_no_subscriptions_says_so(alice: Any) -> None:
    result = run("calendar", "refresh", "--user", "alice")

    assert result.exit_code == 0
    assert "No calendars added by address" in result.stdout


def test_refresh_all_reads_everyones_subscriptions(
    alice: Any, bob: Any, site: Site, private_ok: None
) -> None:
    site.serve("/a.ics", week_calendar("Seminar"))
    site.serve("/b.ics", week_calendar("Shift"))
    services.calendar_subscribe(owner=alice, url=site.url("/a.ics"), name="Classes")
    services.calendar_subscribe(owner=bob, url=site.url("/b.ics"), name="Work")

    result = run("calendar", "refresh", "--all")

    assert result.exit_code == 0, result.stderr
    assert "alice: Classes: 4 events read." in result.stdout
    assert "bob: Work: 4 events read." in result.stdout
    assert site.hits.count("/a.ics") == 2 and site.hits.count("/b.ics") == 2


def test_refresh_needs_a_user_or_all(alice: Any) -> None:
    for args in ([], ["--user", "alice", "--all"]):
        result = run("calendar", "refresh", *args)
        assert result.exit_code == 1
        assert "Give --user NAME or --all." in result.stderr


def test_list(alice: Any, bob: Any) -> None:
    services.calendar_import(owner=alice, upload=upload(week_calendar()), name="Classes")
    services.calendar_import(owner=bob, upload=upload(week_calendar()), name="Bob's own")

    result = run("calendar", "list", "--user", "alice")

    assert result.exit_code == 0, result.stderr
    row = next(line for line in result.stdout.splitlines() if "Classes" in line)
    assert "uploaded file" in row and " 4 " in row and " 2 " in row
    assert "Bob's own" not in result.stdout


def test_list_with_no_calendars(alice: Any) -> None:
    result = run("calendar", "list", "--user", "alice")

    assert result.exit_code == 0
    assert "alice has no calendars yet" in result.stdout


@pytest.mark.parametrize("command", ["import", "subscribe", "refresh", "list"])
def test_every_command_has_examples(command: str) -> None:
    result = run("calendar", command, "--help")

    assert result.exit_code == 0
    assert f"coffeechat calendar {command}" in result.stdout.split("Examples:")[1]
