"""Two users with a full set of data each, for fuzzing the API as one of them.

Alice's and bob's worlds are built by the same builder the ownership walk uses
(tests/test_ownership.py's `alices_things`), so a new kind of object added there is
fuzzed here too. Bob's text carries a marker, and his ids and secrets are collected, so
that any response to alice can be searched for anything of his.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

import pytest
from django.apps import apps
from django.core import signals
from django.db import close_old_connections
from django.db.models import Model

from coffeechat.accounts.services import api_token_create
from coffeechat.conversations.models import Note, PracticeAnswer, Question, Research
from coffeechat.followups.models import FollowupSettings
from coffeechat.network.models import Contact, Organization
from coffeechat.outreach.models import Calendar, Message
from tests import test_ownership

# The ownership walk's builder, called for any user (the fixture itself is alice's).
build_things = test_ownership.alices_things._get_wrapped_function()

# In every text field of bob's that an API response could show.
BOB_MARKER = "BOBSECRET"
_MARKED_TEXT: list[tuple[type[Model], str]] = [
    (Contact, "name"),
    (Organization, "name"),
    (Question, "text"),
    (Note, "text"),
    (Message, "body"),
    (Calendar, "name"),
    (Research, "notes"),
    (PracticeAnswer, "answer"),
]
_APPS = {"accounts", "network", "outreach", "conversations", "followups", "interchange"}


@dataclass
class World:
    """Alice's token and ids, bob's ids, and everything of bob's a response must not show."""

    alice_key: str
    alice_ids: dict[str, Any]
    bob: Any
    bob_ids: dict[str, Any]
    bob_secrets: set[str] = field(default_factory=set)


def owned_models() -> list[tuple[type[Model], str]]:
    """(model, "owner" or "user") for every model of the project that belongs to a user."""
    found = []
    for model in apps.get_models():
        if model._meta.app_label not in _APPS:
            continue
        names = {f.name for f in model._meta.get_fields() if f.concrete}
        owner = "owner" if "owner" in names else "user" if "user" in names else None
        if owner:
            found.append((model, owner))
    return found


def rows_of(user: Any) -> list[list[dict[str, Any]]]:
    """Every row the user owns, in a stable order: compared before and after to see changes."""
    return [
        list(model._default_manager.filter(**{owner: user}).order_by("pk").values())
        for model, owner in owned_models()
    ]


def _secrets_of(user: Any) -> set[str]:
    """Bob's public ids and his feed address: none may appear in a response to alice."""
    secrets = {BOB_MARKER}
    for model, owner in owned_models():
        if any(f.name == "uuid" for f in model._meta.get_fields()):
            rows = model._default_manager.filter(**{owner: user})
            secrets.update(str(u) for u in rows.values_list("uuid", flat=True))
    token = FollowupSettings.objects.filter(user=user).values_list("feed_token", flat=True).first()
    if token:
        secrets.add(token)
    return secrets


def _mark(user: Any) -> None:
    for model, name in _MARKED_TEXT:
        for row in model._default_manager.filter(owner=user):
            setattr(row, name, f"{BOB_MARKER} {getattr(row, name)}")
            row.save(update_fields=[name])


@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Iterator[None]:
    """Requests go to the WSGI app directly, not through Django's test client, so its step
    is taken here: the end of a request must not close the connection the test's
    transaction lives on (PostgreSQL would lose it; SQLite's in-memory one survives)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def world(alice: Any, bob: Any) -> World:
    """Alice's and bob's data, bob's marked, and a token of alice's."""
    alice_ids = build_things(alice)
    bob_ids = build_things(bob)
    _mark(bob)
    _, key = api_token_create(user=alice, name="fuzz")
    ids = {k: str(v) if isinstance(v, UUID) else v for k, v in alice_ids.items()}
    his = {k: str(v) if isinstance(v, UUID) else v for k, v in bob_ids.items()}
    return World(alice_key=key, alice_ids=ids, bob=bob, bob_ids=his, bob_secrets=_secrets_of(bob))


def assert_rows_unchanged(user: Any, before: list[list[dict[str, Any]]]) -> None:
    assert rows_of(user) == before, f"requests by someone else changed {user}'s data"


@pytest.fixture
def bob_kept(world: World) -> Iterator[None]:
    """At the end of a test, nothing of bob's has changed (checked once per operation, as
    comparing every row after every request would be most of the run's time)."""
    before = rows_of(world.bob)
    yield
    assert_rows_unchanged(world.bob, before)
