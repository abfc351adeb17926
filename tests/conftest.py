from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from coffeechat.followups import snapshot
from tests.calendars import Site, serving
from tests.factories import make_user


@pytest.fixture(autouse=True)
def _snapshot_triggers_at_each_statement(request: pytest.FixtureRequest) -> None:
    """On PostgreSQL the reminder snapshot's triggers run at the commit (followups/snapshot.py).
    A test's transaction never commits, so there they run at each statement; tests with
    `transaction=True` commit, and see them run at the commit as the app does."""
    marker = request.node.get_closest_marker("django_db")
    if "transactional_db" in request.fixturenames or (
        marker is not None and marker.kwargs.get("transaction")
    ):
        return  # they commit
    if marker is None and "db" not in request.fixturenames:
        return  # no database
    request.getfixturevalue("db")
    snapshot.run_triggers_at_each_statement(connection)


@pytest.fixture
def alice(db: Any) -> Any:
    user = make_user("alice")
    user.profile.display_name = "Alice Student"
    user.profile.time_zone = "America/Chicago"
    user.profile.completed_at = user.date_joined
    user.profile.save()
    return user


@pytest.fixture
def bob(db: Any) -> Any:
    return make_user("bob")


@pytest.fixture
def alice_client(alice: Any) -> Client:
    client = Client()
    client.force_login(alice)
    return client


@pytest.fixture
def bob_client(bob: Any) -> Client:
    client = Client()
    client.force_login(bob)
    return client


@pytest.fixture
def site() -> Iterator[Site]:
    """A real HTTP server on 127.0.0.1 serving whatever a test puts in `site.routes`."""
    with serving() as running:
        yield running


@pytest.fixture
def private_ok(settings: Any) -> None:
    """Let calendar subscriptions reach the loopback server (refused by default)."""
    settings.COFFEECHAT_CALENDAR_ALLOW_PRIVATE_URLS = True
