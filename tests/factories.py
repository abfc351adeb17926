"""Small helpers that make rows through the same services the app uses."""

from __future__ import annotations

from typing import Any

from coffeechat.accounts.services import user_create
from coffeechat.network.models import Contact, Organization
from coffeechat.network.services import contact_create, organization_create

PASSWORD = "correct-horse-battery-7"


def make_user(username: str = "alice", **kwargs: Any) -> Any:
    kwargs.setdefault("email", f"{username}@example.edu")
    kwargs.setdefault("password", PASSWORD)
    return user_create(username=username, **kwargs)


def make_contact(owner: Any, name: str = "Dana Reyes", **fields: Any) -> Contact:
    return contact_create(owner=owner, name=name, **fields)


def make_organization(owner: Any, name: str = "Acme Health", **fields: Any) -> Organization:
    return organization_create(owner=owner, name=name, **fields)
