"""The dashboard: every number on hand-built data, the pictures, ownership and query counts."""

from __future__ import annotations

import datetime as dt
import re
import time
import zoneinfo
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coffeechat.followups import charts
from coffeechat.followups.dashboard import (
    MET,
    Person,
    conversations_by_month,
    dashboard_for,
    funnel,
    median,
    referral_network,
    reply_business_days,
)
from coffeechat.followups.rules import Clock
from coffeechat.network.models import Contact, Source
from coffeechat.outreach.models import Kind, Meeting, MeetingStatus, Message, Reply
from coffeechat.outreach.waiting import Responder
from tests.factories import make_contact
from tests.followups.conftest import NOW, met, request_sent, sent

CHICAGO = zoneinfo.ZoneInfo("America/Chicago")
CLOCK = Clock(now=NOW, tz=CHICAGO, country="US")


def chicago(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=CHICAGO)


def replied(owner: Any, contact: Contact, at: dt.datetime, outcome: str = "yes") -> Reply:
    return Reply.objects.create(owner=owner, contact=contact, outcome=outcome, received_at=at)


def counts(steps: list[Any]) -> list[int]:
    return [step.count for step in steps]


@pytest.fixture
def us_alice(alice: Any) -> Any:
    alice.profile.country = "US"
    alice.profile.save()
    return alice


# --- The funnel -------------------------------------------------------------------------------


def test_funnel_counts_each_step_and_leaves_practice_out(us_alice: Any) -> None:
    alice = us_alice
    ana, ben, cleo, dev, eve = (
        make_contact(alice, name) for name in ("Ana", "Ben", "Cleo", "Dev", "Eve")
    )
    day = NOW - dt.timedelta(days=20)
    for person in (ana, ben, cleo, dev):
        request_sent(alice, person, day)
    Message.objects.create(owner=alice, contact=eve, kind=Kind.REQUEST_COLD, body="draft")
    replied(alice, ana, day + dt.timedelta(days=1))
    replied(alice, ben, day + dt.timedelta(days=2), outcome="no")
    meeting = met(alice, ana, end=day + dt.timedelta(days=5))
    sent(alice, ana, Kind.THANK_YOU, meeting.end + dt.timedelta(hours=2))
    # A thank-you without a conversation, and a cancelled meeting: neither "met" nor "thanked".
    sent(alice, ben, Kind.THANK_YOU, day + dt.timedelta(days=3))
    Meeting.objects.create(
        owner=alice,
        contact=ben,
        start=day + dt.timedelta(days=4),
        end=day + dt.timedelta(days=4, minutes=20),
        status=MeetingStatus.CANCELLED,
    )
    # A practice run with a friend goes all the way, and is counted on its own.
    friend = make_contact(alice, "Pat Friend", practice=True)
    request_sent(alice, friend, day)
    replied(alice, friend, day + dt.timedelta(hours=2))
    practice = met(alice, friend, end=day + dt.timedelta(days=1))
    sent(alice, friend, Kind.THANK_YOU, practice.end)

    found = dashboard_for(alice, NOW)

    assert counts(found.funnel) == [5, 4, 2, 1, 1]
    assert [s.percent_of_previous for s in found.funnel] == [None, 80, 50, 50, 100]
    assert [s.label for s in found.funnel] == [
        "People listed",
        "Reached out",
        "Replied",
        "Met",
        "Thanked",
    ]
    assert found.response_rate == pytest.approx(0.5)
    assert found.response_percent == 50
    assert (found.practice_people, found.practice_conversations) == (1, 1)


def test_a_thank_you_sent_before_the_conversation_does_not_count(alice: Any) -> None:
    dana = make_contact(alice, "Dana")
    sent(alice, dana, Kind.THANK_YOU, NOW - dt.timedelta(days=9))
    met(alice, dana, end=NOW - dt.timedelta(days=2))

    assert counts(dashboard_for(alice, NOW).funnel) == [1, 1, 1, 1, 0]


def test_a_later_step_counts_the_earlier_ones() -> None:
    """A meeting agreed in the corridor: met, so reached out and replied, with nothing logged."""
    people = [
        Person(1, "a", "Met only", conversations=(NOW,)),
        Person(2, "b", "Listed"),
        Person(3, "c", "Asked", first_request=NOW),
    ]
    assert counts(funnel(people)) == [3, 2, 1, 1, 0]
    assert people[0].stage == MET


def test_funnel_bars_are_scaled_to_the_first_step_and_never_vanish() -> None:
    people = [Person(i, str(i), f"P{i}") for i in range(400)]
    people.append(Person(999, "x", "Asked", first_request=NOW))
    bars = charts.funnel_bars(funnel(people))
    assert [b.width for b in bars] == ["100", "1", "0", "0", "0"]


# --- Replies ----------------------------------------------------------------------------------


def test_median_business_days_to_reply_skips_a_us_holiday(us_alice: Any) -> None:
    """1, 3 and 8 business days; Veterans Day (Wed 11 Nov 2026) is not one of them."""
    alice = us_alice
    quick, mid, slow, silent = (
        make_contact(alice, name) for name in ("Quick", "Mid", "Slow", "Silent")
    )
    request_sent(alice, quick, chicago(2026, 11, 9))
    replied(alice, quick, chicago(2026, 11, 10, 16))  # Tuesday: 1
    request_sent(alice, mid, chicago(2026, 11, 9))
    replied(alice, mid, chicago(2026, 11, 13, 9))  # Friday: 3, not 4
    request_sent(alice, slow, chicago(2026, 11, 2))
    replied(alice, slow, chicago(2026, 11, 13, 9))  # 8, not 9
    # A second, later reply does not change the first.
    replied(alice, quick, chicago(2026, 11, 17))
    # Asked ten business days ago and never answered: a Curmudgeon.
    request_sent(alice, silent, chicago(2026, 11, 3))

    found = dashboard_for(alice, NOW)

    assert sorted(found.reply_days) == [1, 3, 8]
    assert found.median_reply_days == 3
    assert found.median_reply_text == "3"
    assert {r.kind: r.count for r in found.responders} == {
        Responder.BOOSTER: 2,
        Responder.OBLIGATE: 1,
        Responder.CURMUDGEON: 1,
    }
    assert found.response_percent == 75


def test_median_of_an_even_number_of_replies_is_halfway() -> None:
    asked = chicago(2026, 11, 2)
    people = [
        Person(i, str(i), f"P{i}", first_request=asked, replies=(asked + dt.timedelta(days=d),))
        for i, d in enumerate((1, 2))  # Tuesday and Wednesday: 1 and 2 business days
    ]
    found = reply_business_days(people, CLOCK)
    assert found == [1, 2]
    assert median(found) == 1.5
    assert median([]) is None


def test_no_requests_means_no_rate_rather_than_zero(alice: Any, alice_client: Any) -> None:
    make_contact(alice, "Dana")
    found = dashboard_for(alice, NOW)
    assert found.response_rate is None and found.median_reply_days is None
    page = alice_client.get(reverse("dashboard"))
    assert "No requests sent yet." in page.text


# --- Conversations per month ------------------------------------------------------------------


def test_conversations_per_month_for_the_last_twelve_months_in_the_students_zone(
    alice: Any,
) -> None:
    dana, eli = make_contact(alice, "Dana"), make_contact(alice, "Eli")
    friend = make_contact(alice, "Friend", practice=True)
    met(alice, dana, end=chicago(2026, 11, 3))
    met(alice, eli, end=chicago(2026, 11, 17))
    met(alice, dana, end=chicago(2026, 9, 15))
    # 23:30 on 31 October in Chicago is 1 November in UTC: it belongs to October.
    met(alice, eli, end=chicago(2026, 10, 31, 23, 50))
    met(alice, dana, end=chicago(2025, 11, 20))  # thirteen months back: off the chart
    met(alice, friend, end=chicago(2026, 11, 4))  # practice
    Meeting.objects.create(
        owner=alice,
        contact=dana,
        start=chicago(2026, 11, 10),
        end=chicago(2026, 11, 10, 10, 30),
        status=MeetingStatus.NO_SHOW,
    )

    months = dashboard_for(alice, NOW).months

    assert len(months) == 12
    assert months[0].label == "December 2025" and months[-1].label == "November 2026"
    assert {m.label: m.count for m in months if m.count} == {
        "September 2026": 1,
        "October 2026": 1,
        "November 2026": 2,
    }


def test_month_chart_geometry() -> None:
    people = [Person(1, "a", "A", conversations=(NOW, NOW, NOW - dt.timedelta(days=40)))]
    chart = charts.month_chart(conversations_by_month(people, CLOCK))
    tallest = chart.columns[-1]
    assert chart.most == 2
    assert tallest.height == str(charts.PLOT_HEIGHT)
    assert float(tallest.y) + float(tallest.height) == float(chart.baseline)
    assert chart.columns[-2].height == str(charts.PLOT_HEIGHT // 2)
    assert chart.columns[0].height == "0"
    assert chart.columns[0].year == "’25" and chart.columns[1].year == "’26"  # December, January
    assert [c.year for c in chart.columns[2:]] == [""] * 10


# --- Sources ----------------------------------------------------------------------------------


def test_sources_sorted_by_the_conversations_they_led_to(alice: Any) -> None:
    teacher = make_contact(alice, "Prof", source=Source.FACULTY)
    make_contact(alice, "Prof 2", source=Source.FACULTY)
    alumni = [make_contact(alice, f"Alum {i}", source=Source.ALUMNI) for i in range(3)]
    make_contact(alice, "Nobody knows", source="")
    request_sent(alice, alumni[0], NOW - dt.timedelta(days=3))
    met(alice, teacher, end=NOW - dt.timedelta(days=9))
    met(alice, teacher, end=NOW - dt.timedelta(days=2))

    rows = dashboard_for(alice, NOW).sources

    assert [(r.label, r.listed, r.reached, r.met, r.conversations) for r in rows] == [
        ("Faculty", 2, 1, 1, 2),
        ("Alumni (LinkedIn or alumni network)", 3, 1, 0, 0),
        ("Not recorded", 1, 0, 0, 0),
    ]
    assert rows[0].met_percent == 50
    bars = charts.source_bars(rows)
    assert [(b.listed_width, b.met_width) for b in bars] == [
        ("66.7", "33.3"),
        ("100", "0"),
        ("33.3", "0"),
    ]


# --- The referral network ---------------------------------------------------------------------


def chain(owner: Any, names: list[str]) -> list[Contact]:
    people: list[Contact] = []
    for name in names:
        people.append(make_contact(owner, name, referred_by=people[-1] if people else None))
    return people


def test_referral_tree_counts_conversations_led_to_directly_and_down_the_chain(
    alice: Any,
) -> None:
    ada, bea, cai, dot = chain(alice, ["Ada", "Bea", "Cai", "Dot"])
    eve = make_contact(alice, "Eve", referred_by=ada)
    pal = make_contact(alice, "Pal", referred_by=cai, practice=True)
    make_contact(alice, "Loner")  # referred nobody and was referred by nobody: not drawn
    for person in (bea, dot, dot, eve, pal):
        met(alice, person, end=NOW - dt.timedelta(days=3))

    network = dashboard_for(alice, NOW).network

    assert [(n.person.name, n.depth) for n in network.nodes] == [
        ("Ada", 1),
        ("Bea", 2),
        ("Cai", 3),
        ("Dot", 4),
        ("Pal", 4),
        ("Eve", 2),
    ]
    assert network.depth == 4
    led = {n.person.name: (n.led_directly, n.led_in_all) for n in network.nodes}
    # Ada: Bea (1) and Eve (1) directly; Dot (2) further down; Pal is practice.
    assert led == {
        "Ada": (2, 4),
        "Bea": (0, 2),
        "Cai": (2, 2),
        "Dot": (0, 0),
        "Pal": (0, 0),
        "Eve": (0, 0),
    }
    assert [n.person.name for n in network.roots] == ["Ada"]
    assert [n.person.name for n in network.referrers] == ["Ada", "Bea", "Cai"]


def test_a_referral_loop_is_cut_once_and_everyone_is_listed(alice: Any, alice_client: Any) -> None:
    ann, bo = make_contact(alice, "Ann"), make_contact(alice, "Bo")
    below = make_contact(alice, "Below", referred_by=bo)
    Contact.objects.filter(pk=ann.pk).update(referred_by=bo)
    Contact.objects.filter(pk=bo.pk).update(referred_by=ann)
    selfish = make_contact(alice, "Self")
    Contact.objects.filter(pk=selfish.pk).update(referred_by=selfish)
    met(alice, below, end=NOW - dt.timedelta(days=1))

    started = time.monotonic()
    network = dashboard_for(alice, NOW).network
    assert time.monotonic() - started < 2

    assert sorted(n.person.name for n in network.nodes) == ["Ann", "Below", "Bo"]
    [root] = network.roots
    assert root.loop and root.person.name == "Ann"
    assert [(n.person.name, n.depth) for n in network.nodes] == [
        ("Ann", 1),
        ("Bo", 2),
        ("Below", 3),
    ]
    assert root.led_in_all == 1
    page = alice_client.get(reverse("dashboard"))
    assert page.status_code == 200
    assert "in a referral loop" in page.text


def test_a_loop_with_a_tail_and_two_loops_are_each_walked_once() -> None:
    people = [
        Person(1, "1", "A", referred_by=2),
        Person(2, "2", "B", referred_by=3),
        Person(3, "3", "C", referred_by=1),
        Person(4, "4", "D", referred_by=3, conversations=(NOW,)),
        Person(5, "5", "E", referred_by=6),
        Person(6, "6", "F", referred_by=5),
        Person(7, "7", "G", referred_by=99),  # a referrer that is not theirs: ignored
    ]
    network = referral_network(people)
    assert sorted(n.person.name for n in network.nodes) == ["A", "B", "C", "D", "E", "F"]
    assert [r.person.name for r in network.roots] == ["A", "E"]
    assert all(r.loop for r in network.roots)
    assert network.roots[0].led_in_all == 1


def test_a_very_long_chain_is_walked_without_recursion_and_drawn_up_to_the_cap() -> None:
    people = [Person(i, str(i), f"P{i}", referred_by=i - 1 if i else None) for i in range(3000)]
    network = referral_network(people)
    assert network.depth == 3000
    drawing = charts.tree_drawing(network)
    assert (drawing.shown, drawing.total, drawing.hidden) == (300, 3000, 2700)
    assert len(drawing.edges) == 299


def test_tree_layout_puts_a_parent_midway_between_its_children() -> None:
    people = [
        Person(1, "1", "Root"),
        Person(2, "2", "Kid A", referred_by=1),
        Person(3, "3", "Kid B", referred_by=1),
        Person(4, "4", "Kid C", referred_by=1),
        Person(5, "5", "Grandkid", referred_by=2),
        Person(6, "6", "Zed root"),
        Person(7, "7", "Zed kid", referred_by=6),
    ]
    drawing = charts.tree_drawing(referral_network(people))
    at = {d.node.person.name: (float(d.x), float(d.y)) for d in drawing.nodes}
    leaves = [at[name][1] for name in ("Grandkid", "Kid B", "Kid C")]
    assert leaves == sorted(leaves) and len(set(leaves)) == 3
    assert at["Kid A"][1] == at["Grandkid"][1]
    assert at["Root"][1] == (at["Kid A"][1] + at["Kid C"][1]) / 2
    assert at["Root"][0] < at["Kid A"][0] < at["Grandkid"][0]
    assert at["Kid A"][0] == at["Kid B"][0] == at["Zed kid"][0]
    # The second tree starts below the first, with a gap.
    assert at["Zed kid"][1] - at["Kid C"][1] == 1.5 * charts.TREE_ROW
    assert len(drawing.edges) == 5
    assert all(re.fullmatch(r"M[\d.]+ [\d.]+ C[\d. ]+", e.path) for e in drawing.edges)


def test_the_tree_escapes_names(alice: Any, alice_client: Any) -> None:
    evil = make_contact(alice, "<script>alert(1)</script>")
    make_contact(alice, "Quiet & Co <b>", referred_by=evil)

    page = alice_client.get(reverse("dashboard"))

    assert page.status_code == 200
    assert "<script>alert(1)</script>" not in page.text
    assert "<b>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text  # the title and the table
    assert "&lt;script&gt;alert(1)&lt;/scr…" in page.text  # the label in the picture
    assert "Quiet &amp; Co &lt;b&gt;" in page.text
    svg = page.text[page.text.index('<svg class="tree"') :]
    svg = svg[: svg.index("</svg>")]
    assert 'role="img"' in svg and "<title" in svg
    # One image, no controls inside it (axe: nested-interactive); the table links each person.
    assert "<a " not in svg
    assert reverse("contact_detail", args=[evil.uuid]) in page.text


# --- The page ---------------------------------------------------------------------------------


def story(owner: Any, n: int, first: int = 0) -> None:
    """n people, each asked, answered, met and thanked, each referred by the one before."""
    previous = None
    for i in range(first, first + n):
        person = make_contact(
            owner, f"Person {i}", source=Source.ALUMNI if i % 2 else Source.FACULTY
        )
        if previous is not None:
            Contact.objects.filter(pk=person.pk).update(referred_by=previous)
        asked = NOW - dt.timedelta(days=30 + i % 200)
        request_sent(owner, person, asked)
        replied(owner, person, asked + dt.timedelta(days=1))
        meeting = met(owner, person, end=asked + dt.timedelta(days=6))
        sent(owner, person, Kind.THANK_YOU, meeting.end + dt.timedelta(hours=1))
        previous = person


def page_queries(client: Any) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_the_page_costs_the_same_queries_for_5_or_60_people(
    alice: Any, alice_client: Any, django_assert_max_num_queries: Any
) -> None:
    story(alice, 5)
    small = page_queries(alice_client)
    with django_assert_max_num_queries(small):
        alice_client.get(reverse("dashboard"))
    story(alice, 55, first=5)
    with django_assert_max_num_queries(small):
        response = alice_client.get(reverse("dashboard"))
    assert "Person 59" in response.text
    assert page_queries(alice_client) == small <= 10


def test_the_page_shows_every_picture_with_its_numbers(alice: Any, alice_client: Any) -> None:
    story(alice, 4)
    with time_machine.travel(NOW, tick=False):
        page = alice_client.get(reverse("dashboard"))
    text = page.text
    assert page.status_code == 200
    for heading in (
        "From list to thank-you",
        "Replies",
        "Conversations per month",
        "Referral network",
        "Where your conversations come from",
    ):
        assert heading in text
    assert text.count('class="hbar"') == 5 + 2  # the funnel's steps and two sources
    assert 'aria-labelledby="months-title months-desc"' in text
    assert "<td>October 2026</td><td>4</td>" in text
    assert "100% of met" in text
    assert reverse("interview_log") in text
    assert "style=" not in text[text.index("<main") :]  # CSP: no inline styles


def test_empty_dashboard_explains_what_fills_it(bob_client: Any) -> None:
    page = bob_client.get(reverse("dashboard"))
    assert page.status_code == 200
    assert "Nothing to draw yet." in page.text
    assert reverse("outreach_queue") in page.text
    assert "<svg" not in page.text


def test_bob_sees_none_of_alices_data(alice: Any, bob: Any, bob_client: Any) -> None:
    story(alice, 3)
    evil = make_contact(alice, "Alice's Secret Referrer")
    make_contact(alice, "Secret Referral", referred_by=evil)

    found = dashboard_for(bob, NOW)
    assert counts(found.funnel) == [0, 0, 0, 0, 0]
    assert not found.network.nodes and not found.sources
    assert sum(m.count for m in found.months) == 0
    page = bob_client.get(reverse("dashboard"))
    assert "Person 0" not in page.text and "Secret" not in page.text
    assert "Nothing to draw yet." in page.text


def test_the_dashboard_needs_a_signed_in_user(client: Any) -> None:
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]
    assert client.post(reverse("dashboard")).status_code in (302, 405)
