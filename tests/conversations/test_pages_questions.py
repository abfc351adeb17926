"""The question bank page: built-in and own questions, filters, edit, hide, delete."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coffeechat.conversations import services
from coffeechat.conversations.bank import BUILT_IN_QUESTIONS
from coffeechat.conversations.models import Question

pytestmark = pytest.mark.django_db

BANK = reverse("question_list")


def _builtin(owner: Any, key: str = "guide-typical-day") -> Question:
    services.questions_builtin_ensure(owner=owner)
    return Question.objects.get(owner=owner, builtin_key=key)


def test_the_bank_starts_with_the_guides_and_tiara_questions(alice: Any, alice_client: Any):
    page = alice_client.get(BANK)
    assert page.status_code == 200
    assert Question.objects.filter(owner=alice).count() == len(BUILT_IN_QUESTIONS)
    text = page.text
    assert "What is a typical day like in your job?" in text
    assert "What trends are you seeing in your field right now?" in text
    assert ">From the guide</span>" in text and ">TIARA</span>" in text
    assert ">Trends</a>" in text and ">Assignments</a>" in text


def test_adding_an_own_question_with_tags_and_tiara(alice: Any, alice_client: Any):
    response = alice_client.post(
        BANK,
        {"text": "How do you use SQL day to day?", "tiara": "insights", "tags": "Data, SQL"},
        follow=True,
    )
    assert "Question added to your bank." in response.text
    own = Question.objects.get(owner=alice, builtin_key="")
    assert own.tiara == "insights" and own.tag_list == ["data", "sql"]
    assert ">Yours</span>" in response.text and "#sql" in response.text


@pytest.mark.parametrize(
    "data",
    [
        {"text": "   "},
        {"text": "x" * 501},
        {"text": "Fine?", "tiara": "gossip"},
        {"text": "Fine?", "tags": "y" * 41},
    ],
)
def test_a_bad_question_is_refused_and_nothing_saved(alice: Any, alice_client: Any, data: Any):
    response = alice_client.post(BANK, data)
    assert response.status_code == 200
    assert "field-error" in response.text
    assert not Question.objects.filter(owner=alice, builtin_key="").exists()


def test_filtering_by_tiara_and_tag(alice: Any, alice_client: Any):
    services.questions_builtin_ensure(owner=alice)
    services.question_create(owner=alice, text="Which SQL dialect?", tiara="resources", tags="sql")
    by_tiara = alice_client.get(BANK, {"tiara": "trends"}).text
    assert "What trends are you seeing" in by_tiara
    assert "What is a typical day like" not in by_tiara
    by_tag = alice_client.get(BANK, {"tag": "sql"}).text
    assert "Which SQL dialect?" in by_tag and "What trends are you seeing" not in by_tag
    nothing = alice_client.get(BANK, {"tag": "nope"}).text
    assert "No questions match." in nothing
    # A made-up TIARA letter is ignored, not an error.
    assert alice_client.get(BANK, {"tiara": "gossip"}).status_code == 200


def test_editing_a_builtin_question_rewords_only_this_bank(alice: Any, bob: Any, alice_client: Any):
    question = _builtin(alice)
    bobs = _builtin(bob)
    url = reverse("question_edit", args=[question.uuid])
    page = alice_client.get(url)
    assert "A built-in question" in page.text
    assert "What is a typical day like in your job?" in page.text
    response = alice_client.post(
        url, {"text": "What does a normal week look like?", "tiara": "insights", "tags": "day"}
    )
    assert response["Location"] == BANK
    question.refresh_from_db()
    bobs.refresh_from_db()
    assert question.text == "What does a normal week look like?" and question.tag_list == ["day"]
    assert bobs.text == "What is a typical day like in your job?"


def test_a_bad_edit_changes_nothing(alice: Any, alice_client: Any):
    question = _builtin(alice)
    response = alice_client.post(reverse("question_edit", args=[question.uuid]), {"text": ""})
    assert response.status_code == 200 and "field-error" in response.text
    question.refresh_from_db()
    assert question.text == "What is a typical day like in your job?"


def test_hiding_and_showing_hidden_questions(alice: Any, alice_client: Any):
    question = _builtin(alice)
    hide = reverse("question_hide", args=[question.uuid])
    response = alice_client.post(hide, {"next": BANK + "?tiara=insights"})
    assert response["Location"] == BANK + "?tiara=insights"
    question.refresh_from_db()
    assert question.hidden
    assert question.text not in alice_client.get(BANK).text
    shown = alice_client.get(BANK, {"hidden": "1"}).text
    assert f"<del>{question.text}</del>" in shown
    assert "Show hidden questions (1)" in alice_client.get(BANK).text
    alice_client.post(hide, {"hidden": "0"})
    question.refresh_from_db()
    assert not question.hidden


def test_deleting_own_question_but_not_a_builtin_one(alice: Any, alice_client: Any):
    own = services.question_create(owner=alice, text="Mine?")
    builtin = _builtin(alice)
    response = alice_client.post(reverse("question_delete", args=[own.uuid]), follow=True)
    assert "Question deleted." in response.text
    assert not Question.objects.filter(pk=own.pk).exists()
    refused = alice_client.post(reverse("question_delete", args=[builtin.uuid]), follow=True)
    assert "Built-in questions can be hidden, not deleted." in refused.text
    assert "Use “Hide” to take it out of your bank." in refused.text
    assert Question.objects.filter(pk=builtin.pk).exists()


def test_hide_and_delete_never_redirect_off_site(alice: Any, alice_client: Any):
    question = _builtin(alice)
    response = alice_client.post(
        reverse("question_hide", args=[question.uuid]), {"next": "//evil.example/"}
    )
    assert response["Location"] == BANK


def test_bob_gets_404_on_alices_questions_and_changes_nothing(alice: Any, bob_client: Any):
    question = _builtin(alice)
    own = services.question_create(owner=alice, text="Mine?")
    assert bob_client.get(reverse("question_edit", args=[question.uuid])).status_code == 404
    edit = bob_client.post(reverse("question_edit", args=[question.uuid]), {"text": "Hacked"})
    assert edit.status_code == 404
    assert bob_client.post(reverse("question_hide", args=[question.uuid])).status_code == 404
    assert bob_client.post(reverse("question_delete", args=[own.uuid])).status_code == 404
    question.refresh_from_db()
    assert question.text == "What is a typical day like in your job?" and not question.hidden
    assert Question.objects.filter(pk=own.pk).exists()
    # Bob's own bank does not show Alice's question.
    assert "Mine?" not in bob_client.get(BANK).text


def test_bank_query_count_is_the_same_for_few_or_many_questions(alice: Any, alice_client: Any):
    alice_client.get(BANK)  # the first visit copies the built-in questions
    with CaptureQueriesContext(connection) as few:
        alice_client.get(BANK)
    for n in range(40):
        services.question_create(owner=alice, text=f"Question {n}?", tags=f"tag{n % 5}")
    with CaptureQueriesContext(connection) as many:
        text = alice_client.get(BANK).text
    assert "Question 39?" in text
    assert len(many) == len(few) <= 6  # session, user, profile, built-ins check, bank, tags
