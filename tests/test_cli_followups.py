"""`coffeechat today | digest`."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from typer.testing import CliRunner

from coffeechat.cli import app
from coffeechat.conversations.selectors import when_label
from coffeechat.followups import services
from coffeechat.followups.models import DigestSent
from coffeechat.followups.selectors import today_for
from coffeechat.followups.shapes import today_json
from coffeechat.outreach.models import Kind
from coffeechat.outreach.services import meeting_schedule
from tests.factories import make_contact, make_organization
from tests.followups.conftest import NOW, met, sent
from tests.outreach.conftest import Inbox, RefusingInbox, SMTPServer, running


def run(*args: str, at: dt.datetime = NOW) -> Any:
    with time_machine.travel(at, tick=False):
        return CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})


def assert_failed(result: Any, message: str) -> None:
    """Exit 1 with `message` on stderr, and no traceback."""
    assert result.exit_code == 1, result.output
    assert message in result.stderr
    assert "Traceback" not in result.output


@pytest.fixture
def smtp_server(settings: Any) -> Iterator[SMTPServer]:
    with running(Inbox(), settings) as server:
        yield server


@pytest.fixture
def week(alice: Any) -> dict[str, Any]:
    """Something in every section of alice's Today list, and one for later."""
    dana = make_contact(alice, "Dana Reyes", organization=make_organization(alice, "Acme Health"))
    overdue = met(alice, dana, end=NOW - dt.timedelta(days=2))
    lee = make_contact(alice, "Lee Park")
    with time_machine.travel(NOW - dt.timedelta(hours=1), tick=False):  # booked this morning
        soon = meeting_schedule(
            owner=alice, contact=lee, start=NOW + dt.timedelta(hours=3), minutes=30
        )
    kim = make_contact(alice, "Kim Lo")
    with time_machine.travel(NOW - dt.timedelta(days=1), tick=False):
        meeting_schedule(owner=alice, contact=kim, start=NOW + dt.timedelta(days=4), minutes=30)
    # Met, thanked and connected: keeping in touch is months away.
    ann = make_contact(alice, "Ann Chu")
    met(alice, ann, end=NOW - dt.timedelta(days=10))
    sent(alice, ann, Kind.THANK_YOU, NOW - dt.timedelta(days=10))
    sent(alice, ann, Kind.LINKEDIN_CONNECT, NOW - dt.timedelta(days=9))
    return {"overdue": overdue, "soon": soon, "dana": dana}


# today ------------------------------------------------------------------------------------


def test_today_prints_each_section_with_the_page_that_does_it(
    alice: Any, week: dict[str, Any]
) -> None:
    result = run("today", "--user", "alice")

    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert out.startswith("Today, Wednesday 18 November 2026")
    assert out.index("Overdue") < out.index("Due today") < out.index("This week")
    assert out.index("This week") < out.index("Upcoming meetings")
    thank = next(line for line in out.splitlines() if "Thank Dana Reyes" in line)
    assert "was due by Tue 12:00 PM" in thank
    assert f"Write thank-you: /today/#reminder-thank_you-{week['overdue'].uuid}" in thank
    prepare = next(line for line in out.splitlines() if "Prepare for Lee Park" in line)
    assert f"Open prep sheet: /meetings/{week['soon'].uuid}/prep/" in prepare
    assert "Prepare for Kim Lo" in out.split("This week")[1]
    assert when_label(alice, week["soon"]) in out.split("Upcoming meetings")[1]
    assert "Keep in touch with Ann Chu" not in out
    assert "2 due later (--all lists them)." in out


def test_today_all_adds_later(alice: Any, week: dict[str, Any]) -> None:
    result = run("today", "--user", "alice", "--all")

    assert result.exit_code == 0, result.stderr
    later = result.stdout.split("Later")[1]
    ann = next(line for line in later.splitlines() if "Keep in touch with Ann Chu" in line)
    assert "due Tue 9 Feb" in ann
    # Not on Today yet: the link is to the list of every reminder.
    assert "Write a note: /reminders/#reminder-keep_in_touch-" in ann
    assert "--all lists them" not in result.stdout


def test_today_json_is_the_api_shape(alice: Any, week: dict[str, Any]) -> None:
    result = run("today", "--user", "alice", "--json")

    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data == json.loads(json.dumps(today_json(today_for(alice, NOW), alice)))
    assert data["date"] == "2026-11-18"
    [thank] = data["overdue"]
    assert thank == {
        "id": f"thank_you:{week['overdue'].uuid}",
        "rule": "thank_you",
        "key": str(week["overdue"].uuid),
        "label": "Thank-you",
        "title": "Thank Dana Reyes",
        "detail": thank["detail"],
        "contact": {"id": str(week["dana"].uuid), "name": "Dana Reyes"},
        "due": "2026-11-16",
        "deadline": "2026-11-17T12:00:00-06:00",
        "snoozed_until": None,
        "draft": None,
        "draft_kind": "thank_you",
        "action_url": f"/reminders/thank_you/{week['overdue'].uuid}/draft/",
    }
    assert [r["rule"] for r in data["today"]] == ["prepare"]
    assert [r["title"] for r in data["later"]] == [
        "Keep in touch with Ann Chu",
        "Keep in touch with Dana Reyes",
    ]
    [meeting] = data["meetings"][:1]
    assert meeting["id"] == str(week["soon"].uuid)
    assert meeting["start"] == "2026-11-18T15:00:00-06:00"
    assert meeting["prep_url"] == f"/meetings/{week['soon'].uuid}/prep/"
    assert data["snoozed"] == 0


def test_today_leaves_snoozed_reminders_out_and_counts_them(
    alice: Any, week: dict[str, Any]
) -> None:
    services.reminder_snooze(
        owner=alice, rule="thank_you", key=str(week["overdue"].uuid), days=3, now=NOW
    )

    result = run("today", "--user", "alice")
    as_json = json.loads(run("today", "--user", "alice", "--json").stdout)

    assert "Thank Dana Reyes" not in result.stdout
    assert "1 snoozed." in result.stdout
    assert as_json["overdue"] == [] and as_json["snoozed"] == 1


def test_today_with_nothing_due(alice: Any) -> None:
    result = run("today", "--user", "alice")

    assert result.exit_code == 0
    assert "Nothing due for alice." in result.stdout


def test_today_for_an_unknown_user_fails(db: Any) -> None:
    assert_failed(run("today", "--user", "nobody"), "No user named “nobody”")


def test_today_shows_only_the_users_own_list(alice: Any, bob: Any, week: dict[str, Any]) -> None:
    result = run("today", "--user", "bob", "--json")

    data = json.loads(result.stdout)
    assert all(data[key] == [] for key in ("overdue", "today", "week", "later", "meetings"))


# digest -----------------------------------------------------------------------------------


@pytest.fixture
def due(alice: Any) -> Any:
    services.settings_update(user=alice, digest=True)
    return met(alice, end=NOW - dt.timedelta(hours=2))


def test_digest_sends_once_a_day(due: Any, smtp_server: SMTPServer) -> None:
    first = run("digest")
    second = run("digest", at=NOW + dt.timedelta(hours=1))

    assert first.exit_code == 0, first.output
    assert "Sent 1 digest: alice." in first.stdout
    assert second.exit_code == 0
    assert "Sent 0 digests." in second.stdout
    assert "Skipped (already sent today): alice." in second.stdout
    assert [m["Subject"] for m in smtp_server.messages] == ["Today: 1 due — Coffeechat"]


def test_digest_dry_run_prints_and_writes_nothing(due: Any, smtp_server: SMTPServer) -> None:
    result = run("digest", "--dry-run")

    assert result.exit_code == 0, result.output
    assert "Would send to alice <alice@example.edu>: Today: 1 due — Coffeechat" in result.stdout
    assert "    * Thank Dana Reyes (by Thu 10:00 AM)" in result.stdout
    assert "Sent" not in result.stdout
    assert smtp_server.envelopes == []
    assert not DigestSent.objects.exists()


def test_digest_without_smtp_fails_and_claims_nothing(due: Any, settings: Any) -> None:
    settings.EMAIL_HOST = ""

    assert_failed(run("digest"), "COFFEECHAT_SMTP_HOST is empty")
    assert not DigestSent.objects.exists()


def test_digest_failure_exits_1_and_the_next_run_sends(due: Any, settings: Any) -> None:
    with running(RefusingInbox(), settings):
        failed = run("digest")
    with running(Inbox(), settings) as working:
        retried = run("digest")

    assert_failed(failed, "Failed for alice: The mail server refused the recipient")
    assert retried.exit_code == 0
    assert len(working.messages) == 1


def test_digest_for_one_user(due: Any, bob: Any, smtp_server: SMTPServer) -> None:
    for_bob = run("digest", "--user", "bob")
    for_alice = run("digest", "--user", "alice")

    assert "Skipped (digest not turned on): bob." in for_bob.stdout
    assert "Sent 1 digest: alice." in for_alice.stdout
    assert len(smtp_server.messages) == 1
    assert_failed(run("digest", "--user", "nobody"), "No user named “nobody”")


def test_digest_help_says_to_run_it_from_cron() -> None:
    result = CliRunner().invoke(app, ["digest", "--help"], env={"COLUMNS": "200"})

    assert result.exit_code == 0
    assert "0 7 * * * coffeechat digest" in result.stdout
