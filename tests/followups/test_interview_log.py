"""The informational interview log: its rows, the printable page, the CSV, the date filter."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zoneinfo
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coffeechat.conversations.models import Note, Referral
from coffeechat.followups.interview_log import (
    CSV_HEADER,
    Period,
    interview_log_for,
    period_parse,
)
from coffeechat.network.models import Source
from coffeechat.outreach.models import Kind, Meeting, MeetingStatus
from tests.factories import make_contact, make_organization
from tests.followups.conftest import NOW, met, sent

CHICAGO = zoneinfo.ZoneInfo("America/Chicago")


def chicago(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=CHICAGO)


@pytest.fixture
def history(alice: Any) -> dict[str, Any]:
    """Two conversations with Dana (referred by Prof. Lee), one practice run, and things that
    are not conversations held."""
    alice.profile.school = "Midwest State University"
    alice.profile.save()
    lee = make_contact(alice, "Prof. Lee", source=Source.FACULTY)
    dana = make_contact(
        alice,
        "Dana Reyes",
        title="UX researcher",
        organization=make_organization(alice, "Acme Health"),
        source=Source.REFERRAL,
        referred_by=lee,
    )
    first = met(
        alice,
        dana,
        end=chicago(2026, 10, 6, 12, 20),
        notes=(
            ("advice", "Join the local UX guild"),
            ("resource", "Book: Just Enough Research"),
            ("asked_me", "Why health care?"),  # what they asked, not what was learned
            ("note", "Hiring interns in spring"),
        ),
    )
    advice = Note.objects.get(meeting=first, kind="advice")
    advice.outcome = "Went to two guild meetups"
    advice.acted_on_at = chicago(2026, 10, 20)
    advice.save()
    sent(alice, dana, Kind.REQUEST_REFERRAL, chicago(2026, 9, 28))  # before: not a follow-up
    sent(alice, dana, Kind.THANK_YOU, chicago(2026, 10, 6, 18))
    sent(alice, dana, Kind.LINKEDIN_CONNECT, chicago(2026, 10, 8, 9))
    # 23:30 on 17 November in Chicago: the 18th in UTC, the 17th in the log.
    second = met(alice, dana, end=chicago(2026, 11, 17, 23, 50), notes=(("idea", "A portfolio"),))
    sent(alice, dana, Kind.PROGRESS_UPDATE, chicago(2026, 11, 18, 8))
    sam = make_contact(alice, "Sam Ng", referred_by=dana)
    Referral.objects.create(owner=alice, meeting=first, contact=sam)
    make_contact(alice, "Kim Oh", referred_by=dana)  # referred outside a conversation
    friend = make_contact(alice, "Pat Friend", practice=True, source=Source.FRIEND_FAMILY)
    practice = met(alice, friend, end=chicago(2026, 9, 1, 20), notes=())
    Meeting.objects.create(
        owner=alice,
        contact=lee,
        start=chicago(2026, 11, 10),
        end=chicago(2026, 11, 10, 10, 30),
        status=MeetingStatus.CANCELLED,
    )
    Meeting.objects.create(
        owner=alice,
        contact=lee,
        start=NOW + dt.timedelta(days=2),
        end=NOW + dt.timedelta(days=2, minutes=30),
    )
    return {"first": first, "second": second, "practice": practice, "dana": dana}


def test_one_row_per_conversation_held_newest_first(alice: Any, history: dict[str, Any]) -> None:
    log = interview_log_for(alice, now=NOW)

    assert [(r.person, r.date.isoformat(), r.practice) for r in log.rows] == [
        ("Dana Reyes", "2026-11-17", False),
        ("Dana Reyes", "2026-10-06", False),
        ("Pat Friend", "2026-09-01", True),
    ]
    assert (log.count, log.practice_count) == (2, 1)
    assert (log.student, log.school) == ("Alice Student", "Midwest State University")
    newest, first, practice = log.rows
    assert (first.title, first.organization, first.medium, first.minutes) == (
        "UX researcher",
        "Acme Health",
        "Zoom / video call",
        20,
    )
    assert first.how_found == "Referred by Prof. Lee"
    assert practice.how_found == "Friend or family"
    assert first.learned == [
        "Advice: Join the local UX guild (what came of it: Went to two guild meetups)",
        "Resource: Book: Just Enough Research",
        "Note: Hiring interns in spring",
    ]
    # Follow-ups go with the conversation they follow, until the next one.
    assert first.follow_ups == ["Thank-you sent 6 Oct 2026", "Connected on LinkedIn 8 Oct 2026"]
    assert newest.follow_ups == ["Progress update sent 18 Nov 2026"]
    assert practice.follow_ups == []
    # The conversation's own referral, and someone referred elsewhere with the newest one.
    assert [p.name for p in first.referred] == ["Sam Ng"]
    assert [p.name for p in newest.referred] == ["Kim Oh"]


def test_how_found_names_source_and_referrer(alice: Any) -> None:
    lee = make_contact(alice, "Prof. Lee")
    both = make_contact(alice, "Alum", source=Source.ALUMNI, referred_by=lee)
    met(alice, both, end=NOW - dt.timedelta(days=1))
    [row] = interview_log_for(alice, now=NOW).rows
    assert row.how_found == "Alumni (LinkedIn or alumni network); referred by Prof. Lee"


def test_the_period_is_inclusive_in_the_students_dates(alice: Any, history: dict[str, Any]) -> None:
    november = interview_log_for(alice, period_parse("2026-10-07", "2026-11-17"), now=NOW)
    assert [r.date.isoformat() for r in november.rows] == ["2026-11-17"]
    october = interview_log_for(alice, period_parse("2026-10-06", "2026-11-16"), now=NOW)
    assert [r.date.isoformat() for r in october.rows] == ["2026-10-06"]
    # Referrals still find their conversation when the filter leaves it out.
    assert [p.name for p in october.rows[0].referred] == ["Sam Ng"]
    assert october.period.label == "6 Oct 2026 to 16 Nov 2026"
    since = interview_log_for(alice, period_parse(since="2026-09-02"), now=NOW)
    assert len(since.rows) == 2
    until = interview_log_for(alice, period_parse(until="2026-09-01"), now=NOW)
    assert [r.person for r in until.rows] == ["Pat Friend"]


@pytest.mark.parametrize(
    ("since", "until", "message"),
    [
        ("2026-13-01", "", "The start date “2026-13-01” is not a date"),
        ("", "yesterday", "The end date “yesterday” is not a date"),
        ("2026-11-02", "2026-11-01", "The end date (1 Nov 2026) is before the start date"),
    ],
)
def test_bad_dates_say_what_is_wrong(since: str, until: str, message: str) -> None:
    with pytest.raises(ValidationError) as raised:
        period_parse(since, until)
    assert message in " ".join(raised.value.messages)


def test_no_dates_means_everything() -> None:
    assert period_parse("", " ") == Period()
    assert Period().label == "all conversations"


# --- The printable page -----------------------------------------------------------------------


def test_the_printable_page_lists_the_conversations(
    alice_client: Any, history: dict[str, Any]
) -> None:
    page = alice_client.get(reverse("interview_log"))

    assert page.status_code == 200
    text = page.text
    assert "Informational interview log" in text
    assert "Alice Student" in text and "Midwest State University" in text
    assert text.index("17 Nov 2026") < text.index("6 Oct 2026") < text.index("1 Sep 2026")
    assert "Advice: Join the local UX guild" in text
    assert "Why health care?" not in text
    assert "Thank-you sent 6 Oct 2026" in text
    assert '<span class="badge practice">practice</span>' in text
    assert "/static/print.css" in text and "/static/print.js" in text
    assert reverse("interview_log_csv") in text
    assert reverse("contact_detail", args=[history["dana"].uuid]) in text


def test_the_page_filters_by_date_and_the_csv_link_keeps_the_filter(
    alice_client: Any, history: dict[str, Any]
) -> None:
    page = alice_client.get(reverse("interview_log"), {"since": "2026-11-01", "until": ""})
    assert page.status_code == 200
    assert "17 Nov 2026" in page.text and "6 Oct 2026" not in page.text
    assert "Since 1 Nov 2026" in page.text
    assert f"{reverse('interview_log_csv')}?since=2026-11-01" in page.text
    assert 'value="2026-11-01"' in page.text


def test_a_bad_date_on_the_page_is_a_message_not_an_error(
    alice_client: Any, history: dict[str, Any]
) -> None:
    page = alice_client.get(reverse("interview_log"), {"since": "2026-02-30"})
    assert page.status_code == 200
    assert "The start date “2026-02-30” is not a date" in page.text
    assert "Showing all conversations instead." in page.text
    assert "6 Oct 2026" in page.text  # all of them
    assert 'aria-invalid="true"' in page.text


def test_an_empty_log_says_how_it_fills(bob_client: Any) -> None:
    page = bob_client.get(reverse("interview_log"))
    assert page.status_code == 200
    assert "No conversations held yet." in page.text


# --- The CSV ----------------------------------------------------------------------------------


def read_csv(response: Any) -> list[list[str]]:
    raw = response.content
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline="")))


def test_the_csv_has_a_bom_crlf_a_plain_header_and_a_row_per_conversation(
    alice_client: Any, history: dict[str, Any]
) -> None:
    response = alice_client.get(reverse("interview_log_csv"))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"\r\n" in response.content and b"\n\n" not in response.content
    header_line = response.content.split(b"\r\n", 1)[0]
    assert header_line == ("\ufeff" + ",".join(CSV_HEADER)).encode()
    rows = read_csv(response)
    assert rows[0] == CSV_HEADER
    assert [r[0] for r in rows[1:]] == ["2026-11-17", "2026-10-06", "2026-09-01"]
    first = dict(zip(CSV_HEADER, rows[2], strict=True))
    assert first["Person"] == "Dana Reyes"
    assert first["How I found them"] == "Referred by Prof. Lee"
    assert first["What I learned"].splitlines()[0].startswith("Advice: Join the local UX guild")
    assert first["Follow-ups done"] == "Thank-you sent 6 Oct 2026\nConnected on LinkedIn 8 Oct 2026"
    assert first["People they referred me to"] == "Sam Ng"
    assert first["Practice conversation"] == ""
    assert rows[3][-1] == "Yes"


def test_the_csv_cannot_run_formulas(alice: Any, alice_client: Any) -> None:
    evil = make_contact(
        alice,
        '=HYPERLINK("http://evil.example","click")',
        title="+1 manager",
        organization=make_organization(alice, "@corp"),
    )
    met(alice, evil, end=NOW - dt.timedelta(days=1), notes=(("note", "-2+3"),))
    Note.objects.filter(meeting__contact=evil).update(text="=1+1")

    rows = read_csv(alice_client.get(reverse("interview_log_csv")))
    row = dict(zip(CSV_HEADER, rows[1], strict=True))

    assert row["Person"] == """'=HYPERLINK("http://evil.example","click")"""
    assert row["Title"] == "'+1 manager"
    assert row["Organization"] == "'@corp"
    assert row["What I learned"] == "Note: =1+1"  # starts with "Note:": safe as it is
    assert all(not cell.startswith(("=", "+", "-", "@")) for cell in rows[1])


def test_the_csv_filters_by_date_and_refuses_a_bad_one(
    alice_client: Any, history: dict[str, Any]
) -> None:
    response = alice_client.get(reverse("interview_log_csv"), {"until": "2026-10-31"})
    assert [r[0] for r in read_csv(response)[1:]] == ["2026-10-06", "2026-09-01"]
    assert "start-to-2026-10-31" in response["Content-Disposition"]

    bad = alice_client.get(reverse("interview_log_csv"), {"since": "31/12/2026"})
    assert bad.status_code == 400
    assert "The start date “31/12/2026” is not a date" in bad.content.decode()
    backwards = alice_client.get(
        reverse("interview_log_csv"), {"since": "2026-11-02", "until": "2026-11-01"}
    )
    assert backwards.status_code == 400


# --- Ownership and cost -----------------------------------------------------------------------


def test_bob_sees_none_of_alices_conversations(
    bob: Any, bob_client: Any, history: dict[str, Any]
) -> None:
    assert interview_log_for(bob, now=NOW).rows == []
    page = bob_client.get(reverse("interview_log"))
    assert "Dana Reyes" not in page.text and "Pat Friend" not in page.text
    rows = read_csv(bob_client.get(reverse("interview_log_csv")))
    assert rows == [CSV_HEADER]


def test_the_log_needs_a_signed_in_user(client: Any) -> None:
    for name in ("interview_log", "interview_log_csv"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert reverse("login") in response["Location"]


def grow(owner: Any, n: int, first: int = 0) -> None:
    for i in range(first, first + n):
        person = make_contact(owner, f"Person {i}", organization=make_organization(owner, f"O{i}"))
        meeting = met(owner, person, end=NOW - dt.timedelta(days=i + 1))
        sent(owner, person, Kind.THANK_YOU, meeting.end + dt.timedelta(hours=1))
        Referral.objects.create(
            owner=owner, meeting=meeting, contact=make_contact(owner, f"Ref {i}")
        )


def queries(client: Any, name: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse(name)).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("name", ["interview_log", "interview_log_csv"])
def test_the_log_costs_the_same_queries_for_5_or_60_conversations(
    alice: Any, alice_client: Any, name: str, django_assert_max_num_queries: Any
) -> None:
    grow(alice, 5)
    small = queries(alice_client, name)
    grow(alice, 55, first=5)
    with django_assert_max_num_queries(small):
        response = alice_client.get(reverse(name))
    assert "Person 59" in response.content.decode("utf-8-sig")
    assert small <= 12


def test_the_export_page_links_to_the_log(alice_client: Any) -> None:
    page = alice_client.get(reverse("export_page"))
    assert page.status_code == 200
    assert f'href="{reverse("interview_log")}"' in page.text
