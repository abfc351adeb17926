"""The Today page, the reminders list and their buttons (write, snooze, dismiss, restore),
and the summary's "What came of it?" form.

The clock is frozen at NOW (Wednesday noon in alice's Chicago) with time_machine, so what
is due when is fixed.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coffeechat.conversations import services as conversations
from coffeechat.conversations.models import Note
from coffeechat.followups.models import ReminderChoice
from coffeechat.followups.rules import Rule
from coffeechat.followups.views.today import REMINDERS_PER_PAGE, SECTION_LIMIT
from coffeechat.network.models import Contact
from coffeechat.outreach.models import Kind, Meeting, MeetingStatus, Message
from coffeechat.outreach.services import meeting_schedule
from tests.factories import make_contact
from tests.followups.conftest import NOW, met, request_sent, sent

HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)


@pytest.fixture
def frozen() -> Any:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def person(owner: Any, name: str, organization: str = "Acme Health") -> Contact:
    return make_contact(
        owner,
        name,
        organization_name=organization,
        email=f"{name.split()[0].lower()}@example.org",
    )


def section(html: str, name: str) -> str:
    """The HTML of one section of the page (overdue, today, week, meetings…)."""
    found = re.search(rf'<section id="{name}".*?</section>', html, re.S)
    assert found is not None, f"no section {name!r} on the page"
    return found.group(0)


def item(html: str, rule: str, key: Any) -> str:
    found = re.search(rf'<li id="reminder-{rule}-{key}".*?</li>', html, re.S)
    assert found is not None, f"no {rule} reminder for {key} on the page"
    return found.group(0)


def flashed(response: Any) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def today(client: Client) -> str:
    response = client.get(reverse("today"))
    assert response.status_code == 200
    return response.text


def thanks_due(owner: Any, name: str = "Dana Reyes", *, ended: dt.datetime = NOW - 2 * HOUR):
    return met(owner, person(owner, name), end=ended)


def action_url(name: str, reminder_rule: str, key: Any) -> str:
    return reverse(name, args=[reminder_rule, str(key)])


# --- The page ------------------------------------------------------------------------------


def test_signed_in_home_is_today(alice_client: Client) -> None:
    response = alice_client.get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("today")


def test_today_needs_signing_in(client: Client) -> None:
    response = client.get(reverse("today"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_each_section_holds_its_reminders(alice: Any, alice_client: Client, frozen: Any) -> None:
    due_today = thanks_due(alice, "Dana Reyes")
    overdue = thanks_due(alice, "Omar Haddad", ended=NOW - 2 * DAY)
    # Met Monday, thanked an hour ago: LinkedIn tomorrow (this week), keep in touch in 3 months.
    eve = person(alice, "Eve Park", organization="")
    met(alice, eve, end=NOW - 2 * DAY)
    sent(alice, eve, Kind.THANK_YOU, NOW - HOUR)
    soon = meeting_schedule(owner=alice, contact=person(alice, "Kai Moss"), start=NOW + 2 * DAY)

    html = today(alice_client)

    assert "Wednesday 18 November 2026" in html
    assert "Thank Dana Reyes" in section(html, "today")
    assert "Thank Omar Haddad" in section(html, "overdue")
    assert "Thank Omar Haddad" not in section(html, "today")
    week = section(html, "week")
    assert "Connect with Eve Park on LinkedIn" in week
    assert "Due tomorrow" in item(html, Rule.LINKEDIN, eve.uuid)
    assert "Prepare for Kai Moss" in week  # the day before Friday's meeting
    assert "Thank Eve Park" not in html  # sent
    assert "Keep in touch" not in html.split('class="today-more"')[0]  # months away: later
    meetings = section(html, "meetings")
    assert "Kai Moss" in meetings
    assert reverse("prep_sheet", args=[soon.uuid]) in meetings
    assert reverse("research_edit", args=[soon.contact.uuid]) in meetings
    assert "Live mode" not in meetings  # two days away
    assert "3 reminders due later" in html  # keep in touch with each person met
    assert due_today.contact.name in item(html, Rule.THANK_YOU, due_today.uuid)
    assert reverse("contact_detail", args=[overdue.contact.uuid]) in item(
        html, Rule.THANK_YOU, overdue.uuid
    )


def test_a_thank_you_shows_its_deadline_and_one_button(
    alice: Any, alice_client: Client, frozen: Any
) -> None:
    meeting = thanks_due(alice)  # ended 10 AM Chicago: thank by 10 AM tomorrow
    html = item(today(alice_client), Rule.THANK_YOU, meeting.uuid)
    assert "Due today" in html
    assert "by Thu 10:00 AM" in html
    assert html.count('type="submit">Write thank-you') == 1
    assert action_url("reminder_draft", Rule.THANK_YOU, meeting.uuid) in html
    for days in ("1", "3", "7"):
        assert f'name="days" value="{days}"' in html
    assert action_url("reminder_dismiss", Rule.THANK_YOU, meeting.uuid) in html


def test_the_meeting_about_to_start_offers_live_mode(
    alice: Any, alice_client: Client, frozen: Any
) -> None:
    meeting = meeting_schedule(
        owner=alice,
        contact=person(alice, "Kai Moss"),
        start=NOW + 20 * dt.timedelta(minutes=1),
        medium="video",
    )
    meetings = section(today(alice_client), "meetings")
    assert reverse("live", args=[meeting.uuid]) in meetings
    assert meeting.medium_label in meetings


def test_prepare_opens_the_prep_sheet_and_try_next_the_organization(
    alice: Any, alice_client: Client, frozen: Any
) -> None:
    meeting = meeting_schedule(owner=alice, contact=person(alice, "Kai Moss"), start=NOW + DAY)
    quiet = person(alice, "Quinn Ito", organization="Globex")
    request_sent(alice, quiet, NOW - 6 * DAY)  # 4 business days: try the next person
    html = today(alice_client)
    prepare = item(html, Rule.PREPARE, meeting.uuid)
    assert f'href="{reverse("prep_sheet", args=[meeting.uuid])}" role="button">Open prep sheet' in (
        prepare
    )
    request = Message.objects.get(contact=quiet)
    try_next = item(html, Rule.TRY_NEXT, request.uuid)
    assert reverse("organization_detail", args=[quiet.organization.uuid]) in try_next
    assert "Find the next person" in try_next
    assert "reminder_draft" not in try_next and "/draft/" not in try_next


def test_nothing_to_do_explains_the_page(alice_client: Client, frozen: Any) -> None:
    html = today(alice_client)
    assert "Nothing to do today." in html
    assert "thank-you within a day" in html
    assert reverse("outreach_queue") in html
    assert reverse("meeting_list") in html


def test_navigation_starts_with_today(alice_client: Client, frozen: Any) -> None:
    html = today(alice_client)
    nav = html[html.index('aria-label="Main"') :]
    assert nav.index(">Today<") < nav.index(">People<")
    assert nav.index(">Meetings<") < nav.index(">Dashboard<")
    assert f'href="{reverse("followup_settings")}">Reminders and calendar feed' in nav
    assert 'href="/today/" aria-current="page"' in nav


def test_today_reads_a_fixed_number_of_queries(
    alice: Any, alice_client: Client, settings: Any
) -> None:
    """Three people or thirty: the same queries (no query per person or reminder), the
    first time and, fewer, once the reminders are stored."""
    settings.COFFEECHAT_VERIFY_REMINDER_SNAPSHOTS = False  # it would add a fresh answer

    def people(start: int, count: int) -> None:
        for n in range(start, start + count):
            contact = person(alice, f"Person {n:02}", organization=f"Org {n % 4}")
            met(alice, contact, end=NOW - (n % 3) * DAY - HOUR)
            quiet = person(alice, f"Quiet {n:02}", organization=f"Org {n % 4}")
            request_sent(alice, quiet, NOW - 10 * DAY)
            meeting_schedule(owner=alice, contact=quiet, start=NOW + (n % 5 + 1) * HOUR)

    def count() -> tuple[int, str]:
        with time_machine.travel(NOW, tick=False), CaptureQueriesContext(connection) as queries:
            html = today(alice_client)
        # Storing the reminders writes them in batches; every other query is counted.
        stored = 'INSERT INTO "followups_storedreminder"'
        counted = [q for q in queries.captured_queries if not q["sql"].startswith(stored)]
        return len(counted), re.sub(r"[A-Za-z0-9]{64}", "(CSRF token)", html)

    count()  # the first visit makes the student's snapshot
    people(0, 3)
    few, html = count()
    assert "Person 00" in html and "Quiet 02" in html
    few_stored, again = count()
    assert again == html
    people(3, 27)
    many, html = count()
    assert "Person 29" in html
    # 30 meetings this week: the first 25, and a link to the rest.
    assert html.count('class="reminder today-meeting"') == 25
    assert "5 more meetings</a> in the next 7 days" in html
    many_stored, again = count()
    assert again == html
    assert many == few, f"{few} queries for 3 people, {many} for 30"
    assert many_stored == few_stored, f"{few_stored} queries for 3 people, {many_stored} for 30"
    assert many_stored < many <= 36, f"{many} queries"


# --- Write the draft -----------------------------------------------------------------------


def test_write_opens_a_prefilled_draft_and_a_second_click_reuses_it(
    alice: Any, alice_client: Client, frozen: Any
) -> None:
    meeting = thanks_due(alice)
    url = action_url("reminder_draft", Rule.THANK_YOU, meeting.uuid)

    response = alice_client.post(url, {"next": reverse("today")})
    draft = Message.objects.get(owner=alice)
    assert response.status_code == 302
    assert response["Location"] == reverse("message_detail", args=[draft.uuid])
    assert draft.kind == Kind.THANK_YOU and not draft.is_sent
    assert "Join the local UX guild" in draft.body

    composer = alice_client.get(response["Location"])
    assert "Join the local UX guild" in composer.text

    again = alice_client.post(url)
    assert again["Location"] == reverse("message_detail", args=[draft.uuid])
    assert Message.objects.filter(owner=alice).count() == 1
    html = item(today(alice_client), Rule.THANK_YOU, meeting.uuid)
    assert f'href="{reverse("message_detail", args=[draft.uuid])}" role="button">Open draft' in html


def test_a_reminder_that_is_not_a_message_has_no_draft(
    alice: Any, alice_client: Client, frozen: Any
) -> None:
    meeting = meeting_schedule(owner=alice, contact=person(alice, "Kai Moss"), start=NOW + DAY)
    response = alice_client.post(
        action_url("reminder_draft", Rule.PREPARE, meeting.uuid), {"next": "/reminders/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/reminders/"
    assert "is not a message to write" in " ".join(flashed(response))
    assert not Message.objects.exists()


# --- Snooze, dismiss, restore --------------------------------------------------------------


def test_snooze_hides_it_until_the_day(alice: Any, alice_client: Client, frozen: Any) -> None:
    meeting = thanks_due(alice)
    response = alice_client.post(
        action_url("reminder_snooze", Rule.THANK_YOU, meeting.uuid),
        {"days": "1", "next": reverse("today")},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("today")
    assert flashed(response) == ["Snoozed until Thursday 19 November."]

    html = today(alice_client)
    assert "Thank Dana Reyes" not in html
    assert "1 snoozed" in html
    assert reverse("reminder_list") in html
    listed = alice_client.get(reverse("reminder_list")).text
    snoozed = section(listed, "snoozed")
    assert "Thank Dana Reyes" in snoozed
    assert "snoozed until Thu 19 Nov, 8:00 AM" in snoozed

    frozen.move_to(NOW + 21 * HOUR)  # Thursday 9 AM in Chicago: the snooze is over
    assert "Thank Dana Reyes" in section(today(alice_client), "overdue")


def test_dismiss_hides_it_and_restore_brings_it_back(
    alice: Any, alice_client: Client, frozen: Any
) -> None:
    meeting = thanks_due(alice)
    dismiss = action_url("reminder_dismiss", Rule.THANK_YOU, meeting.uuid)
    response = alice_client.post(dismiss, {"next": reverse("today")})
    assert response.status_code == 302
    assert "Thank Dana Reyes" not in today(alice_client)
    dismissed = section(alice_client.get(reverse("reminder_list")).text, "dismissed")
    assert "Thank Dana Reyes" in dismissed
    assert action_url("reminder_restore", Rule.THANK_YOU, meeting.uuid) in dismissed

    response = alice_client.post(
        action_url("reminder_restore", Rule.THANK_YOU, meeting.uuid),
        {"next": reverse("reminder_list")},
    )
    assert response["Location"] == reverse("reminder_list")
    assert not ReminderChoice.objects.exists()
    assert "Thank Dana Reyes" in section(today(alice_client), "today")


def test_the_list_shows_what_is_later(alice: Any, alice_client: Client, frozen: Any) -> None:
    met(alice, person(alice, "Dana Reyes"), end=NOW - 3 * DAY)
    dana = Contact.objects.get(name="Dana Reyes")
    sent(alice, dana, Kind.THANK_YOU, NOW - 2 * DAY)
    sent(alice, dana, Kind.LINKEDIN_CONNECT, NOW - 2 * DAY)
    coming = section(alice_client.get(reverse("reminder_list")).text, "coming")
    assert "Keep in touch with Dana Reyes" in coming
    assert "Later" in coming
    assert "Due Tue 16 Feb 2027" in coming  # three months after the last message


def test_with_htmx_snooze_and_dismiss_swap_the_item(
    alice: Any, alice_client: Client, frozen: Any
) -> None:
    first, second = thanks_due(alice, "Dana Reyes"), thanks_due(alice, "Eve Park")
    response = alice_client.post(
        action_url("reminder_snooze", Rule.THANK_YOU, first.uuid),
        {"days": "7", "next": reverse("today")},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert f'id="reminder-thank_you-{first.uuid}"' in response.text
    assert "Snoozed until Wednesday 25 November." in response.text
    assert action_url("reminder_restore", Rule.THANK_YOU, first.uuid) in response.text

    response = alice_client.post(
        action_url("reminder_dismiss", Rule.THANK_YOU, second.uuid), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert "Dismissed." in response.text
    assert ReminderChoice.objects.filter(owner=alice).count() == 2


@pytest.mark.parametrize("days", ["", "abc", "0", "-3", "400", "1.5"])
def test_a_bad_snooze_is_refused_and_changes_nothing(
    days: str, alice: Any, alice_client: Client, frozen: Any
) -> None:
    meeting = thanks_due(alice)
    url = action_url("reminder_snooze", Rule.THANK_YOU, meeting.uuid)
    response = alice_client.post(url, {"days": days, "next": reverse("reminder_list")})
    assert response.status_code == 302
    assert response["Location"] == reverse("reminder_list")
    assert any("Snooze for" in m or "how long" in m for m in flashed(response))
    assert not ReminderChoice.objects.exists()

    response = alice_client.post(url, {"days": days}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("today")
    assert not ReminderChoice.objects.exists()


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/today/", "javascript:alert(1)", "today"]
)
def test_next_only_goes_back_to_this_site(
    target: str, alice: Any, alice_client: Client, frozen: Any
) -> None:
    meeting = thanks_due(alice)
    response = alice_client.post(
        action_url("reminder_dismiss", Rule.THANK_YOU, meeting.uuid), {"next": target}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("today")


@pytest.mark.parametrize(
    "name", ["reminder_draft", "reminder_snooze", "reminder_dismiss", "reminder_restore"]
)
def test_bob_gets_404_for_alices_reminders_and_nothing_changes(
    name: str, alice: Any, bob_client: Client, frozen: Any
) -> None:
    meeting = thanks_due(alice)
    conversations.note_update(note=Note.objects.get(meeting=meeting), acted_on=True, now=NOW)
    ReminderChoice.objects.create(
        owner=alice, rule=Rule.THANK_YOU, object_key=str(meeting.uuid), snoozed_until=NOW + DAY
    )
    before = list(ReminderChoice.objects.values()), list(Message.objects.values())
    for rule, key in [
        (Rule.THANK_YOU, meeting.uuid),
        (Rule.PROGRESS, Note.objects.get(meeting=meeting).uuid),
        (Rule.KEEP_IN_TOUCH, meeting.contact.uuid),
    ]:
        response = bob_client.post(action_url(name, rule, key), {"days": "1"})
        assert response.status_code == 404
    assert (list(ReminderChoice.objects.values()), list(Message.objects.values())) == before


@pytest.mark.parametrize(
    "name", ["reminder_draft", "reminder_snooze", "reminder_dismiss", "reminder_restore"]
)
def test_the_buttons_only_post(name: str, alice: Any, alice_client: Client, frozen: Any) -> None:
    meeting = thanks_due(alice)
    response = alice_client.get(action_url(name, Rule.THANK_YOU, meeting.uuid))
    assert response.status_code == 405
    assert not ReminderChoice.objects.exists() and not Message.objects.exists()


@pytest.mark.parametrize(("rule", "key"), [("thank_you", "nope"), ("bogus", "x"), ("prepare", "")])
def test_an_unknown_reminder_is_404(rule: str, key: str, alice: Any, alice_client: Client) -> None:
    url = f"/reminders/{rule}/{key}/snooze/" if key else f"/reminders/{rule}//snooze/"
    assert alice_client.post(url, {"days": "1"}).status_code == 404


# --- The summary's "What came of it?" --------------------------------------------------------


def test_the_summary_saves_what_came_of_it_for_the_progress_update(
    alice: Any, alice_client: Client, frozen: Any
) -> None:
    meeting = thanks_due(alice)
    note = Note.objects.get(meeting=meeting)
    summary = reverse("summary", args=[meeting.uuid])
    page = alice_client.get(summary).text
    assert "What came of it?" not in page  # not acted on yet
    assert f'waits on <a href="{reverse("today")}">Today</a>' in page

    alice_client.post(reverse("note_edit", args=[note.uuid]), {"from": "summary", "acted_on": "1"})
    page = alice_client.get(summary).text
    assert "What came of it? <small" in page
    assert "(your progress update will quote it)" in page
    assert action_url("reminder_draft", Rule.PROGRESS, note.uuid) in page

    response = alice_client.post(
        reverse("note_edit", args=[note.uuid]),
        {"from": "summary", "outcome": "I joined the guild and met two hiring managers."},
    )
    assert response["Location"] == summary + "#act"
    assert flashed(response) == ["Saved what came of it."]
    note.refresh_from_db()
    assert note.outcome == "I joined the guild and met two hiring managers."
    assert note.acted_on_at is not None

    response = alice_client.post(
        reverse("note_edit", args=[note.uuid]),
        {"from": "summary", "outcome": "Two more meetings came of it."},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert f'id="act-{note.uuid}"' in response.text
    assert "Two more meetings came of it.</textarea>" in response.text
    assert 'role="status">Saved.' in response.text

    response = alice_client.post(
        action_url("reminder_draft", Rule.PROGRESS, note.uuid), {"next": summary + "#act"}
    )
    draft = Message.objects.get(kind=Kind.PROGRESS_UPDATE)
    assert response["Location"] == reverse("message_detail", args=[draft.uuid])
    assert "Two more meetings came of it." in draft.body
    assert "Join the local UX guild" in draft.body


def test_a_too_long_outcome_is_refused_and_kept_in_the_box(
    alice: Any, alice_client: Client, frozen: Any
) -> None:
    meeting = thanks_due(alice)
    note = Note.objects.get(meeting=meeting)
    conversations.note_update(note=note, acted_on=True, outcome="Kept", now=NOW)
    response = alice_client.post(
        reverse("note_edit", args=[note.uuid]),
        {"from": "summary", "outcome": "x" * 2_001},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert 'class="field-error" role="alert"' in response.text
    assert "x" * 2_001 in response.text
    note.refresh_from_db()
    assert note.outcome == "Kept"


def test_bob_cannot_write_what_came_of_alices_note(
    alice: Any, bob_client: Client, frozen: Any
) -> None:
    note = Note.objects.get(meeting=thanks_due(alice))
    response = bob_client.post(
        reverse("note_edit", args=[note.uuid]), {"from": "summary", "outcome": "Hacked"}
    )
    assert response.status_code == 404
    note.refresh_from_db()
    assert note.outcome == ""


def test_a_cancelled_meeting_leaves_today(alice: Any, alice_client: Client, frozen: Any) -> None:
    meeting = meeting_schedule(owner=alice, contact=person(alice, "Kai Moss"), start=NOW + DAY)
    assert "Kai Moss" in section(today(alice_client), "meetings")
    Meeting.objects.filter(pk=meeting.pk).update(status=MeetingStatus.CANCELLED)
    assert "Kai Moss" not in today(alice_client)


def test_a_long_backlog_shows_the_first_of_each_section_and_links_to_the_rest(
    alice: Any, alice_client: Client, frozen: Any
) -> None:
    for n in range(SECTION_LIMIT + 3):
        thanks_due(alice, f"Person {n:02}", ended=NOW - 3 * DAY - n * HOUR)

    overdue = section(today(alice_client), "overdue")

    assert overdue.count('<li id="reminder-thank_you-') == SECTION_LIMIT
    assert "3 more overdue</a>" in overdue
    assert reverse("reminder_list") in overdue
    listed = alice_client.get(reverse("reminder_list")).text
    assert listed.count('<li id="reminder-thank_you-') == SECTION_LIMIT + 3


def listed(html: str) -> list[str]:
    """The ids of the reminders in the Coming up section, in order."""
    return re.findall(r'<li id="(reminder-[^"]+)"', section(html, "coming"))


def test_the_list_of_every_reminder_comes_a_page_at_a_time(
    alice: Any, alice_client: Client, frozen: Any
) -> None:
    # Each person met has a thank-you due and a keep-in-touch later: more than two pages.
    people = REMINDERS_PER_PAGE + 3
    for n in range(people):
        thanks_due(alice, f"Person {n:02}", ended=NOW - 3 * DAY - n * HOUR)
    snoozed = thanks_due(alice, "Dana Reyes")
    alice_client.post(action_url("reminder_snooze", Rule.THANK_YOU, snoozed.uuid), {"days": "3"})
    url = reverse("reminder_list")
    total = 2 * people + 1  # and Dana's keep-in-touch; her thank-you is snoozed
    pages = -(-total // REMINDERS_PER_PAGE)

    with CaptureQueriesContext(connection) as queries:
        first = alice_client.get(url).text
    first_queries = len(queries)
    assert first_queries <= 15, [q["sql"] for q in queries]
    coming = section(first, "coming")
    assert len(listed(first)) == REMINDERS_PER_PAGE
    assert f"1–{REMINDERS_PER_PAGE} of {total}</small>" in coming
    assert f"Page 1 of {pages}" in coming
    assert 'href="?page=2#coming" rel="next"' in coming
    assert 'rel="prev"' not in coming
    # Overdue longest first: the oldest meeting's thank-you leads the first page.
    assert (
        listed(first)[0]
        == f"reminder-thank_you-{Meeting.objects.get(contact__name=f'Person {people - 1:02}').uuid}"
    )
    assert "Thank Dana Reyes" in section(first, "snoozed")

    seen = listed(first)
    for number in range(2, pages + 1):
        with CaptureQueriesContext(connection) as queries:
            html = alice_client.get(url, {"page": str(number)}).text
        # Every page asks the same few queries whatever is on it (the first page too).
        assert len(queries) == first_queries
        coming = section(html, "coming")
        assert f'href="?page={number - 1}#coming" rel="prev"' in coming
        assert ('rel="next"' in coming) == (number < pages)
        # What was snoozed is on every page, to restore.
        assert "Thank Dana Reyes" in section(html, "snoozed")
        seen += listed(html)
    assert len(seen) == len(set(seen)) == total, "the pages skip or repeat a reminder"
    thanked = {m.uuid for m in Meeting.objects.filter(contact__name__startswith="Person")}
    assert {f"reminder-thank_you-{uuid}" for uuid in thanked} <= set(seen)

    # A snooze from page 2 comes back to page 2.
    back = alice_client.post(
        action_url("reminder_snooze", Rule.THANK_YOU, next(iter(thanked))),
        {"days": "1", "next": f"{url}?page=2"},
    )
    assert back["Location"] == f"{url}?page=2"

    # Not a page number, or past the end: the nearest page, never an error.
    assert listed(alice_client.get(url, {"page": "x"}).text) == listed(alice_client.get(url).text)
    last = alice_client.get(url, {"page": "99"}).text
    assert f"Page {pages} of {pages}" in section(last, "coming")


def test_a_short_list_has_no_pager(alice: Any, alice_client: Client, frozen: Any) -> None:
    thanks_due(alice)
    html = alice_client.get(reverse("reminder_list")).text
    assert "Thank Dana Reyes" in section(html, "coming")
    assert 'aria-label="Pages of reminders"' not in html
    assert " of 1</small>" not in html
