"""`coffeechat meetings | prep | questions`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from typer.testing import CliRunner

from coffeechat.cli import app
from coffeechat.conversations import selectors, services
from coffeechat.conversations.bank import BUILT_IN_QUESTIONS, CLOSING_QUESTION
from coffeechat.conversations.models import Question
from coffeechat.conversations.prep import prep_markdown
from coffeechat.outreach.models import Meeting, MeetingStatus
from tests.conversations.conftest import make_meeting
from tests.factories import make_contact


def run(*args: str) -> Any:
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})


def assert_failed(result: Any, message: str) -> None:
    """Exit 1 with one line on stderr saying `message`, and no traceback."""
    assert result.exit_code == 1, result.output
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "Traceback" not in result.output


@pytest.fixture
def meeting(alice: Any) -> Meeting:
    return make_meeting(alice)


# meetings ------------------------------------------------------------------------------


def test_meetings_lists_upcoming_with_research_to_do(alice: Any, meeting: Meeting) -> None:
    done = make_contact(alice, "Lee Park", practice=True)
    services.research_update(contact=done, searched=True, linkedin_read=True)
    make_meeting(alice, done, hours=72)

    result = run("meetings", "--user", "alice")

    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    dana = next(line for line in lines if "Dana Reyes — Acme Health" in line)
    assert selectors.when_label(alice, meeting) in dana
    assert "Scheduled" in dana
    assert "Searched for Dana Reyes online; Read their LinkedIn page; Read Acme Health" in dana
    lee = next(line for line in lines if "Lee Park (practice)" in line)
    assert lee.rstrip().endswith("done")
    assert lines.index(dana) < lines.index(lee)  # soonest first
    assert not any(line.startswith("!") for line in lines)


def test_meetings_warns_when_research_is_not_done_a_day_before(alice: Any) -> None:
    make_meeting(alice, hours=6)

    result = run("meetings", "--user", "alice")

    assert result.exit_code == 0, result.stderr
    assert "! Research still to do before you meet Dana Reyes" in result.stdout


def test_meetings_past_and_all(alice: Any, meeting: Meeting) -> None:
    grace = make_contact(alice, "Grace Liu")
    old = make_meeting(alice, grace, hours=-48)
    old.status = MeetingStatus.DONE
    old.save()

    past = run("meetings", "--user", "alice", "--past")
    every = run("meetings", "--user", "alice", "--all")

    assert "Grace Liu" in past.stdout and "Dana Reyes" not in past.stdout
    assert "Done" in past.stdout
    assert "Grace Liu" in every.stdout and "Dana Reyes" in every.stdout


def test_meetings_json_is_what_the_api_returns(
    alice: Any, alice_client: Client, meeting: Meeting
) -> None:
    make_meeting(alice, make_contact(alice, "Grace Liu", time_zone="Europe/London"), hours=30)

    result = run("meetings", "--user", "alice", "--json")

    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    assert rows == alice_client.get("/api/v1/meetings").json()
    assert [row["contact"]["name"] for row in rows] == ["Grace Liu", "Dana Reyes"]


def test_meetings_when_there_are_none(alice: Any) -> None:
    result = run("meetings", "--user", "alice")

    assert result.exit_code == 0
    assert result.stdout.startswith("alice has no upcoming meetings.")
    assert run("meetings", "--user", "alice", "--past", "--json").stdout == "[]\n"


def test_meetings_refuses_past_and_all_together(alice: Any) -> None:
    assert_failed(
        run("meetings", "--user", "alice", "--past", "--all"), "Give --past or --all, not both."
    )


def test_meetings_for_nobody_is_an_error(db: Any) -> None:
    assert_failed(run("meetings", "--user", "nobody"), "No user named “nobody”.")


def test_meetings_shows_only_the_users_own(alice: Any, bob: Any, meeting: Meeting) -> None:
    result = run("meetings", "--user", "bob", "--json")

    assert result.exit_code == 0
    assert json.loads(result.stdout) == []


# prep ----------------------------------------------------------------------------------


def test_prep_by_name_prints_the_next_meetings_sheet(alice: Any, meeting: Meeting) -> None:
    make_meeting(alice, meeting.contact, hours=24 * 9)  # a later one with the same person
    services.questions_builtin_ensure(owner=alice)
    first = selectors.question_bank(alice)[0]
    services.plan_set(meeting=meeting, questions=[first])
    services.research_update(contact=meeting.contact, notes="Leads the data team.")

    result = run("prep", "dana reyes", "--user", "alice")

    assert result.exit_code == 0, result.stderr
    expected = prep_markdown(selectors.meeting_prep(alice, meeting))
    assert result.stdout == expected
    assert result.stdout.startswith("# Coffee chat with Dana Reyes")
    assert f"1. {first.text}" in result.stdout
    assert f"2. {CLOSING_QUESTION}" in result.stdout
    assert "> Leads the data team." in result.stdout


def test_prep_by_meeting_or_contact_id(alice: Any, meeting: Meeting) -> None:
    by_meeting = run("prep", str(meeting.uuid), "--user", "alice")
    by_contact = run("prep", str(meeting.contact.uuid), "--user", "alice")

    assert by_meeting.exit_code == 0, by_meeting.stderr
    assert by_meeting.stdout.startswith("# Coffee chat with Dana Reyes")
    assert by_contact.stdout == by_meeting.stdout


def test_prep_writes_a_file(alice: Any, meeting: Meeting, tmp_path: Path) -> None:
    target = tmp_path / "dana.md"

    result = run("prep", "Dana Reyes", "--user", "alice", "--output", str(target))

    assert result.exit_code == 0, result.stderr
    assert target.read_text(encoding="utf-8").startswith("# Coffee chat with Dana Reyes")
    assert result.stdout.strip() == f"Wrote the prep sheet for Dana Reyes to {target}."


def test_prep_into_a_missing_folder_is_an_error(
    alice: Any, meeting: Meeting, tmp_path: Path
) -> None:
    target = tmp_path / "nowhere" / "dana.md"

    assert_failed(
        run("prep", "Dana Reyes", "--user", "alice", "-o", str(target)), "Could not write"
    )
    assert not target.exists()


def test_prep_without_an_upcoming_meeting(alice: Any) -> None:
    grace = make_contact(alice, "Grace Liu")
    make_meeting(alice, grace, hours=-48)

    assert_failed(run("prep", "Grace Liu", "--user", "alice"), "No upcoming meeting with Grace Liu")


@pytest.mark.parametrize(
    ("who", "message"),
    [
        ("Nobody", "No such contact “Nobody”."),
        ("BOBS_MEETING", "No such meeting or contact"),
        ("BOBS_CONTACT", "No such meeting or contact"),
    ],
)
def test_prep_of_someone_elses_or_nobody_is_an_error(
    alice: Any, bob: Any, who: str, message: str
) -> None:
    theirs = make_meeting(bob)
    value = {"BOBS_MEETING": str(theirs.uuid), "BOBS_CONTACT": str(theirs.contact.uuid)}

    result = run("prep", value.get(who, who), "--user", "alice")

    assert_failed(result, message)
    assert result.stdout == ""


# questions -----------------------------------------------------------------------------


def test_questions_list_starts_with_the_guides_questions(alice: Any) -> None:
    result = run("questions", "list", "--user", "alice")

    assert result.exit_code == 0, result.stderr
    assert "What is a typical day like in your job?" in result.stdout
    assert "From the guide" in result.stdout and "TIARA" in result.stdout
    assert Question.objects.filter(owner=alice).count() == len(BUILT_IN_QUESTIONS)


def test_questions_list_filters_by_tiara_and_tag(alice: Any) -> None:
    services.question_create(owner=alice, text="Which SQL habits pay off?", tags="data")

    advice = json.loads(
        run("questions", "list", "--user", "alice", "--tiara", "advice", "--json").stdout
    )
    data = run("questions", "list", "--user", "alice", "--tag", "data")

    assert advice and {q["tiara"] for q in advice} == {"advice"}
    assert "Which SQL habits pay off?" in data.stdout
    assert "typical day" not in data.stdout


def test_questions_json_is_what_the_api_returns(alice: Any, alice_client: Client) -> None:
    services.questions_builtin_ensure(owner=alice)
    services.question_update(question=Question.objects.filter(owner=alice)[0], hidden=True)

    shown = run("questions", "list", "--user", "alice", "--json")
    everything = run("questions", "list", "--user", "alice", "--hidden", "--json")

    assert json.loads(shown.stdout) == alice_client.get("/api/v1/questions").json()
    assert json.loads(everything.stdout) == (
        alice_client.get("/api/v1/questions", {"hidden": "true"}).json()
    )
    assert len(json.loads(everything.stdout)) == len(json.loads(shown.stdout)) + 1


def test_questions_add_with_tiara_and_tags(alice: Any) -> None:
    result = run(
        "questions",
        "add",
        "What should I read first?",
        "--user",
        "alice",
        "--tiara",
        "advice",
        "--tag",
        "Data",
        "--tag",
        "reading",
    )

    assert result.exit_code == 0, result.stderr
    added = Question.objects.get(owner=alice, text="What should I read first?")
    assert (added.tiara, added.tag_list) == ("advice", ["data", "reading"])
    assert result.stdout.strip() == (
        f"Added “What should I read first?” [data, reading] (id {added.uuid})."
    )


def test_questions_add_json(alice: Any) -> None:
    result = run("questions", "add", "Why this field?", "--user", "alice", "--json")

    added = Question.objects.get(owner=alice)
    assert json.loads(result.stdout) == selectors.question_summary(added)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["   "], "Question not added: text: This can’t be empty."),
        (["x" * 501], "Question not added: text: Keep it under 500 characters."),
        (["Why?", "--tiara", "gossip"], "--tiara “gossip”: choose one of trends, insights"),
        (["Why?", "--tag", "x" * 41], "Question not added: tags: Keep each tag under 40"),
    ],
)
def test_questions_add_refuses_bad_input(alice: Any, args: list[str], message: str) -> None:
    assert_failed(run("questions", "add", *args, "--user", "alice"), message)
    assert not Question.objects.exists()


def test_questions_list_refuses_an_unknown_tiara(alice: Any) -> None:
    assert_failed(run("questions", "list", "--user", "alice", "--tiara", "x"), "--tiara “x”")
