from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.factories import make_user


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
