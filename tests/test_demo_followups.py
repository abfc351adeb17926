"""The demo user's follow-through: a Today list with every section, a dashboard worth a look."""

from __future__ import annotations

import datetime as dt
import itertools
import zoneinfo
from typing import Any

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.urls import reverse
from typer.testing import CliRunner

from coffeechat.cli import app
from coffeechat.conversations.demo import conversations_demo
from coffeechat.followups.dashboard import dashboard_for
from coffeechat.followups.demo import MEETINGS_ADDED, followups_demo, last_in_touch_for
from coffeechat.followups.interview_log import interview_log_for
from coffeechat.followups.rules import Rule, add_months
from coffeechat.followups.selectors import today_for
from coffeechat.network.demo import DEMO_PASSWORD, demo_network_create, demo_user_create
from coffeechat.outreach.demo import outreach_demo
from coffeechat.outreach.models import Kind, Meeting, MeetingStatus, Message, Reply

CHICAGO = zoneinfo.ZoneInfo("America/Chicago")
# A Wednesday; a Monday after a weekend and July 4th (as in the other demos' tests); the last
# Friday of a month, when "three months back" runs into shorter months; and a Sunday.
WEDNESDAY = dt.datetime(2025, 7, 9, 15, 0, tzinfo=CHICAGO)
MONDAY = dt.datetime(2025, 7, 7, 8, 30, tzinfo=CHICAGO)
MONTH_END = dt.datetime(2026, 5, 29, 16, 45, tzinfo=CHICAGO)
SUNDAY = dt.datetime(2026, 11, 29, 11, 0, tzinfo=CHICAGO)


@pytest.fixture(
    params=[WEDNESDAY, MONDAY, MONTH_END, SUNDAY],
    ids=["wednesday", "monday", "month-end", "sunday"],
)
def now(request: Any) -> dt.datetime:
    return request.param


@pytest.fixture
def demo(db: Any, now: dt.datetime) -> Any:
    user = demo_user_create(username="demo", password=DEMO_PASSWORD)
    demo_network_create(owner=user)
    outreach_demo(user, now=now)
    conversations_demo(user, now=now)
    assert followups_demo(user, now=now) == MEETINGS_ADDED
    return user


def assert_today_has_every_section(user: Any, now: dt.datetime) -> None:
    today = today_for(user, now)
    assert today.overdue, "nothing overdue"
    assert today.today, "nothing due today"
    assert today.week, "nothing this week"
    assert today.meetings, "no meeting in the next 7 days"
    assert all(now < row.meeting.end <= now + dt.timedelta(days=7) for row in today.meetings)


def test_today_has_something_in_every_section(demo: Any, now: dt.datetime) -> None:
    assert_today_has_every_section(demo, now)
    today = today_for(demo, now)
    overdue = {(r.rule, r.contact_name) for r in today.overdue}
    assert (Rule.THANK_YOU, "Amara Okafor") in overdue
    assert (Rule.PROGRESS, "Mateo García") in {(r.rule, r.contact_name) for r in today.today}
    assert (Rule.KEEP_IN_TOUCH, "Dr. Priya Raman") in {(r.rule, r.contact_name) for r in today.week}


def test_the_dashboard_has_every_funnel_step_and_a_deep_referral_tree(
    demo: Any, now: dt.datetime
) -> None:
    found = dashboard_for(demo, now)

    assert all(step.count for step in found.funnel), [s.count for s in found.funnel]
    assert [s.count for s in found.funnel][3:] == [4, 3]  # Raman, Herrera, García, Okafor
    assert found.network.depth >= 4
    chain = {n.person.name: n for n in found.network.nodes}
    path = ["Dr. Priya Raman", "Grace Liu", "Mateo García", "Amara Okafor", "Priyanka Desai"]
    for referrer, referred in itertools.pairwise(path):
        node = chain[referred].parent
        assert node is not None and node.person.name == referrer
    assert chain["Dr. Priya Raman"].depth == 1 and chain["Priyanka Desai"].depth == 5
    assert chain["Dr. Priya Raman"].led_in_all == 2  # García and Okafor, down the chain
    assert chain["Mateo García"].led_directly == 1
    assert found.median_reply_days is not None and found.response_rate
    assert sum(m.count for m in found.months) == 4
    assert (found.practice_conversations, found.funnel[0].count) == (1, 33)
    assert found.sources[0].conversations > 0


def test_every_conversation_was_asked_for_answered_thanked_and_connected(demo: Any) -> None:
    for name in ("Dr. Priya Raman", "Tomás Herrera", "Mateo García"):
        meeting = Meeting.objects.get(owner=demo, contact__name=name)
        assert meeting.status == MeetingStatus.DONE
        assert meeting.reply is not None and meeting.reply.outcome == "yes"
        sent = Message.objects.filter(owner=demo, contact=meeting.contact, sent_at__isnull=False)
        request = sent.get(kind__startswith="request_")
        thanks = sent.get(kind=Kind.THANK_YOU)
        connect = sent.get(kind=Kind.LINKEDIN_CONNECT)
        assert request.sent_at < meeting.reply.received_at < meeting.start
        assert meeting.end < thanks.sent_at < meeting.end + dt.timedelta(hours=24)
        assert thanks.sent_at < connect.sent_at
        # The thank-you is the one the Today page drafts: it quotes the conversation's notes.
        assert meeting.notes.filter(kind="advice").first().text[:30] in thanks.body
    practice = Meeting.objects.get(owner=demo, contact__name="Jordan Kim")
    assert practice.status == MeetingStatus.DONE and practice.contact.practice


def test_nothing_is_in_the_future_but_the_meetings_to_come(demo: Any, now: dt.datetime) -> None:
    assert not Message.objects.filter(owner=demo, sent_at__gt=now).exists()
    assert not Reply.objects.filter(owner=demo, received_at__gt=now).exists()
    assert not Meeting.objects.filter(owner=demo, status=MeetingStatus.DONE, end__gt=now).exists()


def test_the_interview_log_and_dashboard_pages_show_the_demo(
    demo: Any, now: dt.datetime, client: Any
) -> None:
    log = interview_log_for(demo, now=now)
    assert [r.person for r in log.rows] == [
        "Amara Okafor",
        "Mateo García",
        "Jordan Kim",
        "Tomás Herrera",
        "Dr. Priya Raman",
    ]
    client.force_login(demo)
    with time_machine.travel(now, tick=False):
        dashboard = client.get(reverse("dashboard"))
        page = client.get(reverse("interview_log"))
    assert dashboard.status_code == page.status_code == 200
    assert "Priyanka Desai" in dashboard.text and 'class="tree"' in dashboard.text
    assert "Thank-you sent" in page.text and "Sam Rivera" in page.text


@pytest.mark.parametrize(
    "today",
    [dt.date(2026, 5, 29), dt.date(2026, 5, 31), dt.date(2026, 3, 1), dt.date(2025, 12, 31)],
)
def test_keep_in_touch_with_raman_falls_due_this_week(today: dt.date) -> None:
    day = last_in_touch_for(today)
    assert 2 <= (add_months(day, 3) - today).days <= 5
    assert (day - dt.timedelta(days=1)).weekday() < 5


# Through the command ---------------------------------------------------------------------


def run(*args: str) -> Any:
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})


def demo_user() -> Any:
    return get_user_model().objects.get(username="demo")


def totals(user: Any) -> tuple[int, int, int]:
    return (
        Message.objects.filter(owner=user).count(),
        Reply.objects.filter(owner=user).count(),
        Meeting.objects.filter(owner=user).count(),
    )


def test_the_demo_command_fills_today_and_the_dashboard(db: Any) -> None:
    result = run("demo")
    assert result.exit_code == 0, result.stderr
    assert "fill the Today list and the dashboard" in result.stdout
    user = demo_user()
    assert_today_has_every_section(user, dt.datetime.now(dt.UTC))
    assert dashboard_for(user).network.depth >= 4


def test_the_demo_command_twice_adds_nothing_and_reset_starts_over(db: Any) -> None:
    run("demo")
    first = demo_user()
    before = totals(first)
    assert before[2] >= MEETINGS_ADDED

    again = run("demo")
    assert again.exit_code == 0
    assert "already exists" in again.stderr
    assert totals(first) == before

    result = run("demo", "--reset")
    assert result.exit_code == 0, result.stderr
    fresh = demo_user()
    assert fresh.pk != first.pk
    assert totals(fresh) == before
    assert not Meeting.objects.filter(owner_id=first.pk).exists()
