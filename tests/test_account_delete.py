from __future__ import annotations

import datetime as dt
import functools
import operator
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db.models import Model, Q
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from typer.testing import CliRunner

from coffeechat.accounts.models import ApiToken
from coffeechat.accounts.services import api_token_create, user_delete
from coffeechat.cli import app
from coffeechat.conversations import services as conversations
from coffeechat.followups import selectors as followups_selectors
from coffeechat.followups import services as followups
from coffeechat.followups.models import DigestSent
from coffeechat.interchange.models import ImportedContact, ImportRun
from coffeechat.network.models import Contact
from coffeechat.outreach import services as outreach
from coffeechat.outreach.models import BusyInterval, Calendar
from tests.factories import PASSWORD, make_contact, make_organization

# Which rows belong to a user -----------------------------------------------------------


def paths_to_user(model: type[Model], seen: tuple[type[Model], ...] = ()) -> list[str]:
    """Lookups from `model` to the user's id along foreign keys: ["owner__pk", …]."""
    if model is get_user_model():
        return ["pk"]
    paths = []
    for field in model._meta.concrete_fields:
        target = field.related_model
        if field.is_relation and isinstance(target, type) and target not in (*seen, model):
            paths += [f"{field.name}__{rest}" for rest in paths_to_user(target, (*seen, model))]
    return paths


def owned_models() -> dict[type[Model], list[str]]:
    """Every model (many-to-many tables too) with a chain of foreign keys to the user."""
    found = {}
    for model in apps.get_models(include_auto_created=True):
        paths = paths_to_user(model)
        if paths:
            found[model] = paths
    return found


def rows_of(user: Any) -> dict[type[Model], list[int]]:
    """The primary keys of every row that leads to `user`, model by model."""
    return {
        model: sorted(
            model._base_manager.filter(
                functools.reduce(operator.or_, (Q(**{path: user.pk}) for path in paths))
            ).values_list("pk", flat=True)
        )
        for model, paths in owned_models().items()
    }


def snapshot(rows: dict[type[Model], list[int]]) -> dict[str, list[dict[str, Any]]]:
    return {
        model._meta.label: list(model._base_manager.filter(pk__in=pks).order_by("pk").values())
        for model, pks in rows.items()
    }


def fill(user: Any) -> None:
    """A row in every model a user owns, made the way the app makes them."""
    user.profile.display_name = f"{user.username} the student"
    user.profile.save()
    acme = make_organization(user, "Acme Health")
    make_organization(user, "Nobody There Yet")
    referrer = make_contact(user, "Dana Reyes", organization=acme, tags="ux, mentor")
    make_contact(user, "Lee Park", referred_by=referrer, organization_name="Lakeshore", tags="ux")
    api_token_create(user=user, name="laptop")
    calendar = Calendar.objects.create(owner=user, name="Classes", event_count=1)
    start = timezone.now() + dt.timedelta(days=1)
    BusyInterval.objects.create(
        owner=user, calendar=calendar, start=start, end=start + dt.timedelta(hours=1)
    )
    run = ImportRun.objects.create(
        owner=user, file_name="Connections.csv", format="linkedin", content=b"First Name\n"
    )
    ImportedContact.objects.create(run=run, contact=referrer)
    lee = Contact.objects.get(owner=user, name="Lee Park")
    outreach.availability_update(user=user, windows=[(1, dt.time(9), dt.time(12))])
    outreach.template_save(
        owner=user, kind="nudge", subject="Re: {subject}", body="Hi {first_name}?"
    )
    request = outreach.message_draft(owner=user, contact=lee)
    outreach.message_send(message=request, channel="copy")
    meeting = outreach.reply_record(owner=user, contact=lee, outcome="yes", start=start).meeting
    assert meeting is not None
    conversations.questions_builtin_ensure(owner=user)
    own = conversations.question_create(owner=user, text="What surprised you?", tags="ux")
    conversations.research_update(
        contact=referrer, notes="Portal team", searched=True, organization_notes="Hospital"
    )
    conversations.research_link_add(owner=user, contact=referrer, url="https://acme.example/d")
    conversations.plan_set(meeting=meeting, questions=[own])
    conversations.note_add(meeting=meeting, kind="advice", text="Volunteer.", client_key="n1")
    # Someone already on the list, so the account keeps its two people.
    conversations.referral_add(meeting=meeting, name="Dana Reyes")
    conversations.conversation_finish(meeting=meeting)
    conversations.practice_answer_save(owner=user, prompt="Tell me about yourself.", answer="I…")
    # Follow through: own numbers, a calendar feed, a reminder put off, a digest sent.
    followups.settings_update(user=user, keep_in_touch_months=2, digest=True)
    followups.feed_token_new(user=user)
    first = followups_selectors.reminders_for(user).shown[0]
    followups.reminder_snooze(owner=user, rule=first.rule, key=first.key, days=2)
    DigestSent.objects.create(owner=user, day=timezone.localdate(), sent_at=timezone.now())
    # Today stores what the rules said (the reminder snapshot): one awake reminder at least,
    # the nudge for a request to Dana.
    outreach.message_send(
        message=outreach.message_draft(owner=user, contact=referrer), channel="copy"
    )
    followups_selectors.today_for(user, limit=25)
    user.groups.add(Group.objects.get_or_create(name="career centre staff")[0])
    user.user_permissions.add(Permission.objects.get(codename="view_contact"))


@pytest.fixture
def two_full_accounts(alice: Any, bob: Any) -> tuple[Any, Any]:
    fill(alice)
    fill(bob)
    return alice, bob


def test_the_fixture_makes_a_row_in_every_model_a_user_owns(two_full_accounts):
    for user in two_full_accounts:
        empty = [model._meta.label for model, pks in rows_of(user).items() if not pks]
        assert not empty, (
            f"These models belong to a user but fill() makes no row in them: {empty}. "
            "Add rows to fill() so account deletion is proven to remove them."
        )
    # The walk finds models through other models, not only direct owner keys.
    labels = {model._meta.label for model in owned_models()}
    assert {
        "network.Contact_tags",
        "outreach.BusyInterval",
        "outreach.Meeting",
        "outreach.Reply",
        "accounts.AvailabilityWindow",
        "auth.User_groups",
        "conversations.PlannedQuestion",
        "conversations.Referral",
        "conversations.Conversation",
        "followups.FollowupSettings",
        "followups.ReminderChoice",
        "followups.DigestSent",
    } <= labels


def test_deleting_an_account_removes_every_row_it_owns_and_nothing_else(two_full_accounts):
    alice, bob = two_full_accounts
    hers, his = rows_of(alice), rows_of(bob)
    bob_before = snapshot(his)
    user_delete(user=alice, password=PASSWORD)
    left = {
        model._meta.label: pks
        for model, pks in hers.items()
        if model._base_manager.filter(pk__in=pks).exists()
    }
    assert left == {}
    assert snapshot(his) == bob_before
    assert Group.objects.filter(name="career centre staff").exists()  # shared, not hers


def test_a_wrong_password_deletes_nothing(two_full_accounts):
    alice, _ = two_full_accounts
    before = snapshot(rows_of(alice))
    for password in ["not-my-password", "", PASSWORD.upper()]:
        with pytest.raises(ValidationError, match="not your password"):
            user_delete(user=alice, password=password)
    assert snapshot(rows_of(alice)) == before


# The page --------------------------------------------------------------------------------


def test_the_page_needs_sign_in(client, db):
    response = client.get(reverse("account_delete"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert client.post(reverse("account_delete"), {"password": PASSWORD}).status_code == 302


def test_the_page_explains_and_asks_for_the_password(alice_client):
    response = alice_client.get("/account/delete/")
    assert response.status_code == 200
    text = response.text
    assert "every person and organization on your list" in text
    assert "cannot be undone" in text
    assert 'href="/export/"' in text
    assert '<label for="id_password">Your password</label>' in text
    assert '<form method="post"' in text
    assert "Delete my account</button>" in text


def test_the_profile_page_links_to_it(alice_client):
    text = alice_client.get(reverse("profile")).text
    assert "Delete your account</h2>" in text
    assert f'href="{reverse("account_delete")}"' in text


def test_a_wrong_password_on_the_page_deletes_nothing(alice_client, alice):
    make_contact(alice, "Dana Reyes")
    response = alice_client.post(reverse("account_delete"), {"password": "guess"})
    assert response.status_code == 200
    assert "That is not your password. Nothing was deleted." in response.text
    assert 'aria-invalid="true"' in response.text
    assert get_user_model().objects.filter(pk=alice.pk).exists()
    assert Contact.objects.filter(owner=alice).count() == 1
    assert alice_client.get(reverse("profile")).status_code == 200  # still signed in


def test_the_right_password_deletes_signs_out_and_says_so(alice_client, alice, bob):
    make_contact(alice, "Dana Reyes")
    make_contact(bob, "Bob's Friend")
    api_token_create(user=alice)
    response = alice_client.post(reverse("account_delete"), {"password": PASSWORD}, follow=True)
    assert response.redirect_chain == [(reverse("home"), 302)]
    assert "Your account and everything in it have been deleted." in response.text
    assert not get_user_model().objects.filter(username="alice").exists()
    assert not Contact.objects.filter(owner_id=alice.pk).exists()
    assert not ApiToken.objects.filter(user_id=alice.pk).exists()
    assert Contact.objects.filter(owner=bob).count() == 1
    assert alice_client.get(reverse("profile")).status_code == 302  # signed out


def test_the_form_needs_its_csrf_token(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    assert client.post(reverse("account_delete"), {"password": PASSWORD}).status_code == 403
    assert get_user_model().objects.filter(pk=alice.pk).exists()


# The command -----------------------------------------------------------------------------


def run(*args: str, input: str | None = None) -> Any:
    return CliRunner().invoke(app, list(args), input=input, env={"COLUMNS": "200"})


def test_the_command_deletes_after_the_username_is_typed(two_full_accounts):
    alice, bob = two_full_accounts
    his = snapshot(rows_of(bob))
    result = run("user", "delete", "alice", input="alice\n")
    assert result.exit_code == 0, result.output
    assert "Deleted user “alice” with" in result.stdout
    assert "2 contacts" in result.stdout and "1 calendars" in result.stdout
    assert not get_user_model().objects.filter(pk=alice.pk).exists()
    assert snapshot(rows_of(bob)) == his


def test_the_command_keeps_everything_when_the_name_typed_is_wrong(two_full_accounts):
    alice, _ = two_full_accounts
    before = snapshot(rows_of(alice))
    result = run("user", "delete", "alice", input="bob\n")
    assert result.exit_code == 1
    assert "Nothing was deleted" in result.stderr
    assert snapshot(rows_of(alice)) == before


def test_the_command_with_yes_does_not_ask(alice, bob):
    result = run("user", "delete", "alice", "--yes")
    assert result.exit_code == 0, result.output
    assert "Type the username" not in result.output
    assert list(get_user_model().objects.values_list("username", flat=True)) == ["bob"]


def test_the_command_names_an_unknown_user(bob):
    result = run("user", "delete", "nobody", "--yes")
    assert result.exit_code == 1
    assert "No user named “nobody”" in result.stderr
    assert get_user_model().objects.filter(pk=bob.pk).exists()
