"""Solo practice: the pitch with a timer, and answers to what a contact may ask, saved as
they are typed (or with a button when there is no JavaScript)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from coffeechat.conversations import services
from coffeechat.conversations.bank import ANSWER_SECONDS, PITCH_SECONDS, PRACTICE_PROMPTS
from coffeechat.conversations.models import NoteKind, PracticeAnswer
from tests.conversations.conftest import make_meeting
from tests.factories import make_contact

HTMX = {"HTTP_HX_REQUEST": "true"}
PRACTICE = "/practice/"
FIRST = PRACTICE_PROMPTS[0]


def test_the_page_shows_the_pitch_and_the_usual_questions(alice, alice_client: Client) -> None:
    alice.profile.elevator_pitch = "I study statistics at Lakeside and love health data."
    alice.profile.save()
    page = alice_client.get(PRACTICE)
    assert page.status_code == 200
    text = page.text
    assert "I study statistics at Lakeside and love health data." in text
    assert f'href="{reverse("profile")}">Edit your pitch</a>' in text
    assert f'data-countdown="{PITCH_SECONDS}"' in text
    assert text.count(f'data-countdown="{ANSWER_SECONDS}"') == len(PRACTICE_PROMPTS)
    for prompt in PRACTICE_PROMPTS:
        assert f'value="{prompt}"' in text
    # Each answer box is labelled with its question, and saves while typing.
    assert f'<label for="answer-1">{FIRST}</label>' in text
    assert f'hx-post="{PRACTICE}" hx-trigger="input changed delay:600ms"' in text
    assert "/static/live.js" in text


def test_without_a_pitch_the_page_asks_for_one(alice_client: Client) -> None:
    text = alice_client.get(PRACTICE).text
    assert "You have not written your pitch yet" in text
    assert "Write your pitch</a>" in text


def test_questions_they_asked_in_conversations_are_practised_too(
    alice, alice_client: Client
) -> None:
    meeting = make_meeting(alice)
    services.note_add(
        meeting=meeting, text="Why health care and not finance?", kind=NoteKind.ASKED_ME
    )
    services.note_add(meeting=meeting, text="Learn SQL", kind=NoteKind.ADVICE)
    text = alice_client.get(PRACTICE).text
    assert "Why health care and not finance?</label>" in text
    assert "asked in a conversation" in text
    assert "Learn SQL" not in text


def test_an_answer_autosaves_and_comes_back(alice, alice_client: Client) -> None:
    data = {"prompt": FIRST, "answer": "I am a junior in statistics."}
    response = alice_client.post(PRACTICE, data, **HTMX)
    assert response.status_code == 200
    assert response.text.strip() == "Saved"
    data["answer"] = "I am a junior in statistics, curious about health data."
    alice_client.post(PRACTICE, data, **HTMX)
    saved = PracticeAnswer.objects.get(owner=alice)
    assert (saved.prompt, saved.answer) == (FIRST, data["answer"])
    assert f"{data['answer']}</textarea>" in alice_client.get(PRACTICE).text


def test_without_javascript_the_save_button_saves_and_returns(alice, alice_client: Client) -> None:
    response = alice_client.post(PRACTICE, {"prompt": FIRST, "answer": "Stats junior."})
    assert response.status_code == 302
    assert response["Location"] == f"{PRACTICE}#answers"
    assert PracticeAnswer.objects.get(owner=alice).answer == "Stats junior."
    assert "Answer saved." in alice_client.get(PRACTICE).text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"prompt": "", "answer": "hello"}, "This can’t be empty."),
        ({"answer": "hello"}, "This can’t be empty."),
        ({"prompt": FIRST, "answer": "x" * 10_000}, "Keep it under 5,000 characters."),
        ({"prompt": "p" * 501, "answer": "x"}, "Keep it under 500 characters."),
    ],
)
def test_bad_input_is_explained_and_saves_nothing(
    alice_client: Client, data: dict[str, str], message: str
) -> None:
    response = alice_client.post(PRACTICE, data, **HTMX)
    assert response.status_code == 200
    assert message in response.text
    assert 'role="alert"' in response.text
    response = alice_client.post(PRACTICE, data, follow=True)
    assert message in response.text
    assert not PracticeAnswer.objects.exists()


def test_answers_are_each_students_own(alice_client: Client, bob, bob_client: Client) -> None:
    alice_client.post(PRACTICE, {"prompt": FIRST, "answer": "Alice secret answer"})
    assert "Alice secret answer" not in bob_client.get(PRACTICE).text
    bob_client.post(PRACTICE, {"prompt": FIRST, "answer": "Bob answer"})
    assert PracticeAnswer.objects.get(owner=bob).answer == "Bob answer"
    assert PracticeAnswer.objects.exclude(owner=bob).get().answer == "Alice secret answer"


def test_practice_conversations_are_linked(alice, alice_client: Client) -> None:
    coach = make_contact(alice, "Pat Coach", practice=True)
    practice_meeting = make_meeting(alice, coach)
    real = make_meeting(alice)
    text = alice_client.get(PRACTICE).text
    assert f'href="{reverse("live", args=[practice_meeting.uuid])}">Pat Coach</a>' in text
    assert reverse("live", args=[real.uuid]) not in text


def test_signed_out_visitors_are_sent_to_sign_in(db: Any) -> None:
    response = Client().post(PRACTICE, {"prompt": FIRST, "answer": "x"})
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert not PracticeAnswer.objects.exists()


def test_other_methods_are_refused(alice_client: Client) -> None:
    assert alice_client.put(PRACTICE).status_code == 405
