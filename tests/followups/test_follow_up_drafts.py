"""The drafts a reminder writes, and the checks on the four follow-up kinds.

A thank-you quotes something specific from the conversation's notes, a progress update
says what the student did with it, the LinkedIn note fits in 300 characters, and each
built-in draft passes its own checks when the notes are there to fill it. Without them the
draft keeps a [blank] and the checks say so.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest

from coffeechat.conversations import services as conversations
from coffeechat.conversations.models import Note
from coffeechat.followups import selectors, services
from coffeechat.followups.rules import Clock, Rule
from coffeechat.network.models import Contact
from coffeechat.outreach import drafting
from coffeechat.outreach import services as outreach
from coffeechat.outreach.checks import CheckContext, Draft, checks_run
from coffeechat.outreach.models import FOLLOW_UP_KINDS, Kind, Meeting, Message
from coffeechat.outreach.selectors import message_checks
from tests.factories import make_contact
from tests.followups.conftest import CHICAGO, at, chicago

NOW = chicago("2026-11-18", 12)  # a Wednesday


@pytest.fixture
def dana(alice: Any) -> Contact:
    return make_contact(alice, "Dana Reyes", title="UX researcher", organization_name="Acme Health")


def talk(owner: Any, contact: Contact, end: dt.datetime, *notes: tuple[str, str]) -> Meeting:
    """A 30-minute conversation in live mode, ending at `end`, with these notes."""
    start = end - dt.timedelta(minutes=30)
    with at(start - dt.timedelta(days=7)):
        meeting = outreach.meeting_schedule(owner=owner, contact=contact, start=start, minutes=30)
    with at(start + dt.timedelta(minutes=5)):
        for kind, text in notes:
            conversations.note_add(meeting=meeting, kind=kind, text=text)
    with at(end):
        conversations.conversation_finish(meeting=meeting)
    return meeting


def draft_for(owner: Any, rule: Rule, key: str, now: dt.datetime = NOW) -> Message:
    with at(now):
        return services.reminder_draft(owner=owner, rule=rule, key=key)


def send(message: Message, moment: dt.datetime) -> None:
    with at(moment):
        outreach.message_send(message=message, channel="copy")


def failed(message: Message) -> list[str]:
    return [result.code for result in message_checks(message) if not result.ok]


def assert_passes_its_checks(message: Message) -> None:
    results = message_checks(message)
    assert results, message.kind
    assert [r.code for r in results if not r.ok] == [], message.body


# --- Thank-you ------------------------------------------------------------------------------


def test_the_thank_you_quotes_the_advice_of_that_conversation(alice: Any, dana: Contact) -> None:
    meeting = talk(
        alice,
        dana,
        chicago("2026-11-18", 10),
        ("idea", "A design sprint for the clinic"),
        ("resource", "Just Enough Research by Erika Hall"),
        ("advice", "Join the local UX guild and go to its monthly critiques"),
        ("note", "Has two kids"),
    )

    message = draft_for(alice, Rule.THANK_YOU, str(meeting.uuid))

    assert message.kind == Kind.THANK_YOU
    assert message.subject == "Thank you for your time"
    assert message.body == (
        "Hi Dana,\n\n"
        "Thank you for talking with me today about your work as UX researcher at Acme Health. "
        "I especially appreciated your advice, “Join the local UX guild and go to its monthly "
        "critiques”; it gave me a much clearer picture of your field.\n\n"
        "I'll let you know how it goes. Thanks again for your time and advice.\n\n"
        "Best,\nAlice Student"
    )
    assert_passes_its_checks(message)


@pytest.mark.parametrize(
    ("notes", "quoted"),
    [
        (
            (("idea", "Shadow a researcher"), ("resource", "The Mom Test")),
            "the resource you pointed me to, “The Mom Test”",
        ),
        (
            (("note", "Likes cycling"), ("idea", "Shadow a researcher")),
            "your idea, “Shadow a researcher”",
        ),
    ],
)
def test_without_advice_a_resource_then_an_idea_is_quoted(
    alice: Any, dana: Contact, notes: tuple[tuple[str, str], ...], quoted: str
) -> None:
    meeting = talk(alice, dana, chicago("2026-11-18", 10), *notes)

    message = draft_for(alice, Rule.THANK_YOU, str(meeting.uuid))

    assert f"I especially appreciated {quoted};" in message.body
    assert_passes_its_checks(message)


def test_each_conversations_thank_you_quotes_its_own_notes(alice: Any, dana: Contact) -> None:
    """Two conversations before any thank-you: one thank-you covers both (see the rules), so
    the first conversation's reminder opens the draft written for the later one."""
    first = talk(alice, dana, chicago("2026-11-16", 10), ("advice", "Learn SQL"))
    early = draft_for(alice, Rule.THANK_YOU, str(first.uuid), chicago("2026-11-16", 15))
    assert "talking with me today" in early.body
    assert "“Learn SQL”" in early.body

    second = talk(alice, dana, chicago("2026-11-18", 10), ("advice", "Take the Nielsen course"))
    later = draft_for(alice, Rule.THANK_YOU, str(second.uuid))

    assert later.pk != early.pk
    assert "talking with me today" in later.body
    assert "“Take the Nielsen course”" in later.body
    assert draft_for(alice, Rule.THANK_YOU, str(first.uuid)).pk == later.pk


def test_a_thank_you_without_notes_leaves_a_blank_the_checks_flag(
    alice: Any, dana: Contact
) -> None:
    meeting = talk(alice, dana, chicago("2026-11-18", 10))

    message = draft_for(alice, Rule.THANK_YOU, str(meeting.uuid))

    assert "[something specific they told you]" in message.body
    assert failed(message) == ["specific", "no_blanks"]


def test_the_draft_is_reused_while_unsent(alice: Any, dana: Contact) -> None:
    meeting = talk(alice, dana, chicago("2026-11-18", 10), ("advice", "Learn SQL"))

    first = draft_for(alice, Rule.THANK_YOU, str(meeting.uuid))
    outreach.message_update(message=first, subject=first.subject, body=first.body + "\nPS")
    again = draft_for(alice, Rule.THANK_YOU, str(meeting.uuid), NOW + dt.timedelta(hours=2))

    assert again.pk == first.pk
    assert again.body.endswith("\nPS")
    assert Message.objects.count() == 1
    assert selectors.reminder_get_for_user(
        alice, Rule.THANK_YOU, str(meeting.uuid), NOW
    ).draft_key == str(first.uuid)


def test_a_new_draft_once_the_last_one_was_sent(alice: Any, dana: Contact) -> None:
    """Keeping in touch comes round again: the next round gets a fresh draft."""
    talk(alice, dana, chicago("2026-08-03", 10), ("advice", "Learn SQL"))
    then = chicago("2026-11-03", 9)
    first = draft_for(alice, Rule.KEEP_IN_TOUCH, str(dana.uuid), then)
    assert draft_for(alice, Rule.KEEP_IN_TOUCH, str(dana.uuid), then).pk == first.pk
    send(first, then)

    later = chicago("2027-02-03", 9)
    second = draft_for(alice, Rule.KEEP_IN_TOUCH, str(dana.uuid), later)

    assert second.pk != first.pk
    assert not second.is_sent
    assert Message.objects.filter(kind=Kind.KEEP_IN_TOUCH).count() == 2


def test_a_thank_you_sent_ends_the_reminder_so_there_is_no_draft_to_open(
    alice: Any, dana: Contact
) -> None:
    meeting = talk(alice, dana, chicago("2026-11-18", 10), ("advice", "Learn SQL"))
    send(draft_for(alice, Rule.THANK_YOU, str(meeting.uuid)), NOW)

    with pytest.raises(LookupError):
        draft_for(alice, Rule.THANK_YOU, str(meeting.uuid), NOW + dt.timedelta(minutes=5))
    assert Message.objects.count() == 1


# --- Progress update ------------------------------------------------------------------------


def acted_on(meeting: Meeting, outcome: str, moment: dt.datetime) -> Note:
    note = Note.objects.get(meeting=meeting, kind__in=["advice", "resource"])
    return conversations.note_update(note=note, acted_on=True, outcome=outcome, now=moment)


def test_the_progress_update_quotes_the_note_and_what_came_of_it(alice: Any, dana: Contact) -> None:
    meeting = talk(
        alice,
        dana,
        chicago("2026-11-02", 10),
        ("advice", "Join the local UX guild"),
        ("idea", "Shadow a researcher"),
    )
    note = acted_on(
        meeting, "I went to two critiques and now help run the next one", chicago("2026-11-16")
    )

    message = draft_for(alice, Rule.PROGRESS, str(note.uuid))

    assert message.kind == Kind.PROGRESS_UPDATE
    assert message.body == (
        "Hi Dana,\n\n"
        "When we talked on 2 November, I made a note of your advice, “Join the local UX "
        "guild”. I acted on it, and I wanted to let you know what came of it: I went to two "
        "critiques and now help run the next one.\n\n"
        "Thank you again for pointing me that way.\n\n"
        "Best,\nAlice Student"
    )
    assert_passes_its_checks(message)


def test_a_progress_update_without_an_outcome_asks_for_it(alice: Any, dana: Contact) -> None:
    meeting = talk(alice, dana, chicago("2026-11-02", 10), ("resource", "Just Enough Research"))
    note = acted_on(meeting, "", chicago("2026-11-16"))

    message = draft_for(alice, Rule.PROGRESS, str(note.uuid))

    assert "the resource you pointed me to, “Just Enough Research”" in message.body
    assert "[what you did and how it helped]" in message.body
    assert failed(message) == ["no_blanks"]


# --- LinkedIn -------------------------------------------------------------------------------


def linkedin_due(owner: Any, contact: Contact, *notes: tuple[str, str]) -> str:
    """A conversation yesterday and its thank-you sent: the LinkedIn reminder's key."""
    meeting = talk(owner, contact, chicago("2026-11-17", 10), *notes)
    send(
        draft_for(owner, Rule.THANK_YOU, str(meeting.uuid), chicago("2026-11-17", 15)),
        chicago("2026-11-17", 15),
    )
    return selectors.reminder_get_for_user(owner, Rule.LINKEDIN, str(contact.uuid), NOW).key


def test_the_linkedin_note_quotes_the_advice_in_300_characters(alice: Any, dana: Contact) -> None:
    key = linkedin_due(alice, dana, ("advice", "Join the local UX guild"))

    message = draft_for(alice, Rule.LINKEDIN, key)

    assert message.kind == Kind.LINKEDIN_CONNECT
    assert message.body == (
        "Hi Dana, thank you again for talking with me yesterday. I appreciated your advice, "
        "“Join the local UX guild” and would like to stay in touch here. Thanks! Alice"
    )
    assert len(message.body) <= 300
    assert_passes_its_checks(message)


LONG_ADVICE = (
    "Before applying anywhere, build a portfolio of three end-to-end case studies that show "
    "the research question, the methods you chose and why, what you found, and what changed "
    "because of it; then ask two practitioners to critique it. "
) * 3


@pytest.mark.parametrize(
    ("syllables", "quoted"),
    [
        (
            2,
            "the resource you pointed me to, "
            "“Before applying anywhere, build a portfolio of three…”",
        ),
        (11, "the resource you pointed me to, “Before applying anywhere, build a portfolio…”"),
        (13, "the resource you pointed me to, “Before applying anywhere…”"),
        (16, "our conversation"),
    ],
)
def test_the_linkedin_note_fits_with_a_long_note_and_long_names(
    alice: Any, syllables: int, quoted: str
) -> None:
    """The longer both first names, the shorter the quote; with no room, no quote."""
    alice.profile.display_name = "-".join(["Maxi"] * syllables) + " Oyelaran"
    alice.profile.save()
    contact = make_contact(
        alice, "-".join(["Bart"] * syllables) + " Smith", organization_name="Acme Health"
    )
    key = linkedin_due(alice, contact, ("resource", LONG_ADVICE))

    message = draft_for(alice, Rule.LINKEDIN, key)

    assert len(message.body) <= 300
    assert f"I appreciated {quoted} and would like" in message.body
    assert message.body.startswith("Hi " + "-".join(["Bart"] * syllables) + ", thank you")
    assert message.body.endswith("Thanks! " + "-".join(["Maxi"] * syllables))
    assert_passes_its_checks(message)


def test_the_linkedin_note_without_notes_thanks_them_for_the_conversation(
    alice: Any, dana: Contact
) -> None:
    key = linkedin_due(alice, dana)

    message = draft_for(alice, Rule.LINKEDIN, key)

    assert "I appreciated our conversation and would like to stay in touch" in message.body
    assert_passes_its_checks(message)


# --- Keep in touch and nudge ----------------------------------------------------------------


def test_the_catch_up_tells_what_came_of_their_advice(alice: Any, dana: Contact) -> None:
    meeting = talk(alice, dana, chicago("2026-08-03", 10), ("advice", "Join the local UX guild"))
    acted_on(meeting, "I joined and now co-host its monthly critique", chicago("2026-08-20"))

    message = draft_for(alice, Rule.KEEP_IN_TOUCH, str(dana.uuid), chicago("2026-11-20", 9))

    assert message.subject == "Catching up"
    assert (
        "I hope things are going well at Acme Health. Since we talked on 3 August, I have "
        "often thought of your advice, “Join the local UX guild”. I joined and now co-host "
        "its monthly critique.\n\n"
    ) in message.body
    assert_passes_its_checks(message)


def test_the_catch_up_without_an_outcome_has_no_blank(alice: Any, dana: Contact) -> None:
    talk(alice, dana, chicago("2026-08-03", 10), ("advice", "Join the local UX guild"))

    message = draft_for(alice, Rule.KEEP_IN_TOUCH, str(dana.uuid), chicago("2026-11-20", 9))

    assert "often thought of your advice, “Join the local UX guild”.\n\n" in message.body
    assert_passes_its_checks(message)


def test_the_catch_up_without_notes_leaves_a_blank(alice: Any, dana: Contact) -> None:
    talk(alice, dana, chicago("2026-08-03", 10))

    message = draft_for(alice, Rule.KEEP_IN_TOUCH, str(dana.uuid), chicago("2026-11-20", 9))

    assert "[something specific they told you]" in message.body
    assert failed(message) == ["no_blanks"]


def test_the_catch_up_a_year_on_names_the_year(alice: Any, dana: Contact) -> None:
    talk(alice, dana, chicago("2025-12-01", 10), ("advice", "Learn SQL"))
    services.settings_update(user=alice, keep_in_touch_months=12)

    message = draft_for(alice, Rule.KEEP_IN_TOUCH, str(dana.uuid), chicago("2026-12-02", 9))

    assert "Since we talked on 1 December 2025," in message.body


def test_the_nudge_reminder_opens_a_nudge_draft(alice: Any, dana: Contact) -> None:
    with at(chicago("2026-11-06", 9)):
        request = outreach.message_draft(owner=alice, contact=dana, kind=Kind.REQUEST_COLD)
        outreach.message_send(message=request, channel="copy")

    message = draft_for(alice, Rule.NUDGE, str(request.uuid))

    assert message.kind == Kind.NUDGE
    assert message.contact == dana
    assert draft_for(alice, Rule.NUDGE, str(request.uuid)).pk == message.pk


# --- met_when -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "words"),
    [
        (chicago("2026-11-18", 8), "today"),
        (chicago("2026-11-17", 23), "yesterday"),
        (chicago("2026-11-12", 9), "on Thursday"),
        (chicago("2026-11-11", 9), "on 11 November"),
        (chicago("2025-11-19", 9), "on 19 November 2025"),
    ],
)
def test_met_when(moment: dt.datetime, words: str) -> None:
    assert services.met_when(moment, Clock(now=NOW, tz=CHICAGO)) == words


# --- The templates and checks on their own --------------------------------------------------

CONTEXT = CheckContext(
    kind="thank_you",
    contact_name="Dana Reyes",
    organization="Acme Health",
    title="UX researcher",
    student_name="Alice Student",
)


def check(kind: str, body: str, subject: str = "Thank you") -> dict[str, bool]:
    results = checks_run(Draft(subject, body), dataclasses.replace(CONTEXT, kind=kind))
    return {r.code: r.ok for r in results}


def test_each_follow_up_template_uses_only_known_placeholders() -> None:
    for kind in FOLLOW_UP_KINDS:
        template = drafting.BUILT_IN[kind]
        assert drafting.placeholders_unknown(template.subject + template.body) == [], kind


@pytest.mark.parametrize(
    "body",
    [
        "Hi Dana,\n\nThank you for your time today. I really enjoyed it and learned a lot.\n\n"
        "Thanks again for your time and advice.\n\nBest,\nAlice",
        "Hi Dana,\n\nThanks so much for the great conversation and all your insights!\n\n"
        "Best,\nAlice",
    ],
)
def test_a_generic_thank_you_is_flagged(body: str) -> None:
    assert check("thank_you", body) == {
        "thanks": True,
        "specific": False,
        "no_blanks": True,
        "not_job_ask": True,
        "short": True,
    }


@pytest.mark.parametrize(
    "sentence",
    [
        "I especially appreciated your advice to join the local UX guild.",
        "I've ordered the book you recommended.",
        "What you said about “research ops” stayed with me.",
        'Your point about "diary studies" was new to me.',
        "I learned that most researchers start in another field.",
        "Thank you for introducing me to Sam.",
        "The tip about critique nights was great.",
    ],
)
def test_a_thank_you_that_names_something_passes(sentence: str) -> None:
    body = f"Hi Dana,\n\nThank you for talking with me today. {sentence}\n\nBest,\nAlice"

    assert check("thank_you", body)["specific"] is True


def test_blanks_are_flagged_in_every_follow_up_kind() -> None:
    body = "Hi Dana,\n\nThank you! [one line on what you did]\n\nBest,\nAlice"

    for kind in FOLLOW_UP_KINDS:
        assert check(kind, body)["no_blanks"] is False, kind


def test_a_long_linkedin_note_is_flagged() -> None:
    body = "Hi Dana, thank you again for talking with me. " + "Really useful. " * 20

    assert check("linkedin_connect", body, subject="")["fits_linkedin"] is False


def test_quoting_their_advice_about_jobs_is_not_a_job_request() -> None:
    quoted = (
        "Hi Dana,\n\nI especially appreciated your advice, “Apply to the summer internship "
        "and check the job board”.\n\nBest,\nAlice"
    )
    asking = "Hi Dana,\n\nThanks for your advice to network. Do you have any internships?\n\nAlice"

    assert check("thank_you", quoted)["not_job_ask"] is True
    assert check("thank_you", asking)["not_job_ask"] is False
    # A first request quoting the word is still a job ask: only follow-ups quote advice.
    assert check("request_cold", quoted)["not_job_ask"] is False


def test_a_thank_you_quoting_advice_about_an_internship_passes_its_checks(
    alice: Any, dana: Contact
) -> None:
    meeting = talk(
        alice, dana, chicago("2026-11-18", 10), ("advice", "Apply to the summer internship early")
    )

    message = draft_for(alice, Rule.THANK_YOU, str(meeting.uuid))

    assert "“Apply to the summer internship early”" in message.body
    assert_passes_its_checks(message)
