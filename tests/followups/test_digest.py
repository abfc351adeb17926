"""The daily digest, sent over SMTP to a real server on loopback (aiosmtpd)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine

from coffeechat.followups import digest, services
from coffeechat.followups.digest import digest_send
from coffeechat.followups.models import DigestSent
from coffeechat.lib.email import EmailError
from coffeechat.outreach.services import meeting_schedule
from tests.factories import make_contact, make_user
from tests.followups.conftest import NOW, met
from tests.outreach.conftest import Inbox, RefusingInbox, SMTPServer, running

BASE = "https://coffeechat.example.edu"


@pytest.fixture(autouse=True)
def base_url(settings: Any) -> None:
    settings.COFFEECHAT_BASE_URL = BASE


@pytest.fixture
def smtp_server(settings: Any) -> Iterator[SMTPServer]:
    with running(Inbox(), settings) as server:
        yield server


@pytest.fixture
def subscribed(alice: Any) -> Any:
    services.settings_update(user=alice, digest=True)
    return alice


def thank_you_due(owner: Any, contact: Any = None) -> Any:
    """A conversation that ended two hours before NOW: the thank-you is due today."""
    return met(owner, contact, end=NOW - dt.timedelta(hours=2))


def test_one_email_per_user_per_day_even_when_run_twice(
    subscribed: Any, smtp_server: SMTPServer
) -> None:
    thank_you_due(subscribed)

    first = digest_send(now=NOW)
    second = digest_send(now=NOW + dt.timedelta(hours=3))

    assert first.sent == ["alice"]
    assert second.sent == [] and second.skipped_already == ["alice"]
    assert len(smtp_server.messages) == 1
    [message] = smtp_server.messages
    assert message["To"] == "alice@example.edu"
    assert message["Subject"] == "Today: 1 due — Coffeechat"
    assert smtp_server.envelopes[0].rcpt_tos == ["alice@example.edu"]
    [row] = DigestSent.objects.filter(owner=subscribed)
    assert row.day == dt.date(2026, 11, 18)
    assert row.items == 1


def test_the_next_day_sends_again(subscribed: Any, smtp_server: SMTPServer) -> None:
    thank_you_due(subscribed)

    digest_send(now=NOW)
    tomorrow = digest_send(now=NOW + dt.timedelta(days=1))

    assert tomorrow.sent == ["alice"]
    assert [m["Subject"] for m in smtp_server.messages] == [
        "Today: 1 due — Coffeechat",
        "Today: 1 overdue — Coffeechat",
    ]
    days = sorted(DigestSent.objects.filter(owner=subscribed).values_list("day", flat=True))
    assert days == [dt.date(2026, 11, 18), dt.date(2026, 11, 19)]


def test_the_day_is_the_students_own_date(subscribed: Any, smtp_server: SMTPServer) -> None:
    thank_you_due(subscribed)
    digest_send(now=NOW)

    # 03:00 UTC on the 19th is still the evening of the 18th in Chicago.
    late_evening = digest_send(now=dt.datetime(2026, 11, 19, 3, 0, tzinfo=dt.UTC))
    after_midnight = digest_send(now=dt.datetime(2026, 11, 19, 7, 0, tzinfo=dt.UTC))

    assert late_evening.skipped_already == ["alice"]
    assert after_midnight.sent == ["alice"]
    assert len(smtp_server.messages) == 2


def test_the_email_lists_the_thank_you_with_its_links(
    subscribed: Any, smtp_server: SMTPServer
) -> None:
    meeting = thank_you_due(subscribed)

    digest_send(now=NOW)

    [message] = smtp_server.messages
    assert message["From"] == "Coffeechat <alice@example.edu>"
    body = message.get_content().replace("\r\n", "\n")
    assert body.startswith("Hi Alice Student, here is your Today list for Wednesday 18 November.")
    assert "DUE TODAY\n\n* Thank Dana Reyes (by Thu 10:00 AM)\n" in body
    assert "Within 24 hours of your conversation" in body
    assert f"Write thank-you: {BASE}/today/#reminder-thank_you-{meeting.uuid}\n" in body
    assert f"Everything on one page: {BASE}/today/" in body
    assert f"in your follow-up settings: {BASE}/follow-up-settings/" in body
    assert "OVERDUE" not in body
    assert "&amp;" not in body and "&#x27;" not in body
    assert "\n\n\n" not in body


def test_overdue_due_and_meetings_today_each_have_a_section(
    subscribed: Any, smtp_server: SMTPServer, dana: Any
) -> None:
    overdue = met(subscribed, dana, end=NOW - dt.timedelta(days=2))
    lee = make_contact(subscribed, "Lee O'Brien & Co", organization_name="North & South")
    with time_machine.travel(NOW - dt.timedelta(hours=1), tick=False):  # booked this morning
        meeting = meeting_schedule(
            owner=subscribed,
            contact=lee,
            start=NOW + dt.timedelta(hours=3),
            minutes=30,
            medium="video",
            location="https://zoom.example/j/1?a=1&b=2",
        )

    digest_send(now=NOW)

    [message] = smtp_server.messages
    # Long and not ASCII, the subject is folded before its first word; mail apps (and
    # Python) keep the space the fold leaves.
    assert message["Subject"].strip() == "Today: 1 overdue, 1 due, 1 meeting — Coffeechat"
    body = message.get_content().replace("\r\n", "\n")
    assert "OVERDUE\n\n* Thank Dana Reyes (was due by Tue 12:00 PM)\n" in body
    assert f"#reminder-thank_you-{overdue.uuid}" in body
    assert "DUE TODAY\n\n* Prepare for Lee O'Brien & Co\n" in body
    assert f"Open prep sheet: {BASE}/meetings/{meeting.uuid}/prep/" in body
    assert "MEETINGS TODAY\n\n* Wed, Nov 18, 3:00–3:30 PM CST: " in body
    assert ": Lee O'Brien & Co (North & South)\n" in body
    assert "  Where: https://zoom.example/j/1?a=1&b=2\n" in body
    assert body.index("OVERDUE") < body.index("DUE TODAY") < body.index("MEETINGS TODAY")


def test_later_this_week_is_listed_when_something_is_due(
    subscribed: Any, smtp_server: SMTPServer, dana: Any
) -> None:
    thank_you_due(subscribed, dana)
    lee = make_contact(subscribed, "Lee Park")
    meeting_schedule(owner=subscribed, contact=lee, start=NOW + dt.timedelta(days=4), minutes=30)

    digest_send(now=NOW)

    body = smtp_server.messages[0].get_content()
    assert "LATER THIS WEEK\n\n* Prepare for Lee Park (due Sat 21 Nov)\n" in body.replace("\r", "")


def test_nobody_gets_an_empty_or_unwanted_email(
    subscribed: Any, bob: Any, smtp_server: SMTPServer
) -> None:
    # alice: digest on, nothing due. bob: digest off, a thank-you due.
    thank_you_due(bob, make_contact(bob, "Lee Park"))
    carol = make_user("carol")
    type(carol).objects.filter(pk=carol.pk).update(email="")
    services.settings_update(user=carol, digest=True)
    thank_you_due(carol, make_contact(carol, "Kim Lo"))
    # A week's reminder alone is not worth an email.
    meeting_schedule(
        owner=subscribed, contact=make_contact(subscribed, "Ann"), start=NOW + dt.timedelta(days=4)
    )

    report = digest_send(now=NOW)

    assert report.sent == []
    assert report.skipped_empty == ["alice"]
    assert report.skipped_no_email == ["carol"]
    assert smtp_server.envelopes == []
    assert not DigestSent.objects.exists()


def test_an_inactive_user_gets_none(subscribed: Any, smtp_server: SMTPServer) -> None:
    thank_you_due(subscribed)
    subscribed.is_active = False
    subscribed.save()

    report = digest_send(now=NOW)

    assert report.counts()["sent"] == 0
    assert smtp_server.envelopes == []


def test_a_snoozed_or_dismissed_reminder_is_not_mailed(
    subscribed: Any, smtp_server: SMTPServer
) -> None:
    meeting = thank_you_due(subscribed)
    services.reminder_snooze(
        owner=subscribed, rule="thank_you", key=str(meeting.uuid), days=2, now=NOW
    )

    report = digest_send(now=NOW)

    assert report.skipped_empty == ["alice"]
    assert smtp_server.envelopes == []


def test_an_smtp_failure_leaves_no_claim_and_the_next_run_sends(
    subscribed: Any, settings: Any
) -> None:
    thank_you_due(subscribed)

    with running(RefusingInbox(), settings) as refusing:
        failed = digest_send(now=NOW)
    assert failed.sent == []
    [(who, reason)] = failed.failed
    assert who == "alice"
    assert "refused the recipient alice@example.edu" in reason
    assert refusing.envelopes == []
    assert not DigestSent.objects.exists()

    with running(Inbox(), settings) as working:
        retried = digest_send(now=NOW + dt.timedelta(minutes=5))
    assert retried.sent == ["alice"]
    assert len(working.messages) == 1
    assert DigestSent.objects.filter(owner=subscribed).count() == 1


def test_without_smtp_it_refuses_and_claims_nothing(subscribed: Any, settings: Any) -> None:
    settings.EMAIL_HOST = ""
    thank_you_due(subscribed)

    with pytest.raises(EmailError, match="COFFEECHAT_SMTP_HOST"):
        digest_send(now=NOW)

    assert not DigestSent.objects.exists()


def test_a_dry_run_says_what_it_would_send_and_writes_nothing(
    subscribed: Any, settings: Any
) -> None:
    settings.EMAIL_HOST = ""  # not needed to look
    thank_you_due(subscribed)

    report = digest_send(now=NOW, dry_run=True)

    [digest] = report.planned
    assert digest.user == subscribed
    assert digest.subject == "Today: 1 due — Coffeechat"
    assert "Thank Dana Reyes" in digest.body
    assert report.sent == []
    assert not DigestSent.objects.exists()


def test_an_installation_sender_address(
    subscribed: Any, settings: Any, smtp_server: SMTPServer
) -> None:
    settings.COFFEECHAT_EMAIL_FROM = "Career Centre <digest@career.example.edu>"
    thank_you_due(subscribed)

    digest_send(now=NOW)

    [message] = smtp_server.messages
    assert message["From"] == "Career Centre <digest@career.example.edu>"
    assert message["To"] == "alice@example.edu"


def test_only_the_users_asked_for(subscribed: Any, bob: Any, smtp_server: SMTPServer) -> None:
    services.settings_update(user=bob, digest=True)
    thank_you_due(subscribed)
    thank_you_due(bob, make_contact(bob, "Lee Park"))
    carol = make_user("carol")

    report = digest_send(now=NOW, users=[bob, carol])

    assert report.sent == ["bob"]
    assert report.skipped_off == ["carol"]
    assert [m["To"] for m in smtp_server.messages] == ["bob@example.edu"]


def test_a_day_claimed_by_another_run_meanwhile_is_not_sent_again(
    subscribed: Any, smtp_server: SMTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    thank_you_due(subscribed)
    build = digest.digest_for

    def another_run_claims_first(user: Any, now: dt.datetime) -> Any:
        # Another process claims today after this run checked and before it claims.
        DigestSent.objects.create(owner=user, day=dt.date(2026, 11, 18), sent_at=now)
        return build(user, now)

    monkeypatch.setattr(digest, "digest_for", another_run_claims_first)
    report = digest_send(now=NOW)

    assert report.skipped_already == ["alice"]
    assert smtp_server.envelopes == []
    assert DigestSent.objects.count() == 1
