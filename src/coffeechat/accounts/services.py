"""Writes for accounts: sign-up, profile, API tokens."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from coffeechat.accounts.models import ApiToken, Profile
from coffeechat.lib.timezones import is_time_zone
from coffeechat.lib.validators import refuse_null_characters

TOKEN_PREFIX = "cc_"


@transaction.atomic
def user_create(*, username: str, email: str, password: str | None, time_zone: str = "UTC") -> User:
    """Create a user and their profile. Raises ValidationError with field messages."""
    User = get_user_model()
    errors: dict[str, list[str]] = {}
    username = username.strip()
    email = email.strip()
    user = User(username=username, email=email)
    try:
        refuse_null_characters(user)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        user.full_clean(exclude=["password"], validate_unique=False)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if username and User.objects.filter(username__iexact=username).exists():
        errors["username"] = ["That username is taken. Try another."]
    if not email:
        errors.setdefault("email", []).append("Enter an email address.")
    else:
        try:
            validate_email(email)
        except ValidationError:
            errors.setdefault("email", []).append("Enter a valid email address.")
    if password is not None:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            errors.setdefault("password", []).extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.save()
    Profile.objects.create(user=user, time_zone=time_zone if is_time_zone(time_zone) else "UTC")
    return user


def profile_for(user: Any) -> Profile:
    """The user's profile, created with defaults for users made outside sign-up."""
    try:
        return user.profile
    except Profile.DoesNotExist:
        profile, _ = Profile.objects.get_or_create(user=user)
        return profile


def profile_update(*, profile: Profile, **fields: Any) -> Profile:
    for name, value in fields.items():
        setattr(profile, name, value)
    if profile.completed_at is None:
        profile.completed_at = timezone.now()
    refuse_null_characters(profile)
    profile.full_clean()
    profile.save()
    return profile


def api_token_create(*, user: Any, name: str = "API token") -> tuple[ApiToken, str]:
    """Create a token; returns the row and the key, which is shown once and never stored."""
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=(name.strip() or "API token")[:100],
        prefix=key[: len(TOKEN_PREFIX) + 6],
        key_hash=ApiToken.hash_key(key),
    )
    return token, key


def api_token_authenticate(key: str) -> Any | None:
    """The active user a key belongs to, or None. Touches last_used_at at most once a minute."""
    if not key.startswith(TOKEN_PREFIX) or len(key) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=ApiToken.hash_key(key), user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def api_token_revoke(*, user: Any, token_id: int) -> bool:
    deleted, _ = ApiToken.objects.filter(user=user, pk=token_id).delete()
    return deleted > 0


# Deleting an account ------------------------------------------------------------------


@transaction.atomic
def user_delete(*, user: Any, password: str) -> None:
    """Delete the signed-in user's account, once their password confirms it is them."""
    if not password or not user.check_password(password):
        raise ValidationError({"password": ["That is not your password. Nothing was deleted."]})
    user_erase(user=user)


@transaction.atomic
def user_erase(*, user: Any) -> dict[str, int]:
    """Delete a user and every row they own, with no password check (for the operator).

    Every model that belongs to a person points at the user, or at a row that does, with
    on_delete=CASCADE, so deleting the user takes everything with it; a test walks every
    model to keep that true. Returns how many rows went, by model label.
    """
    _, deleted = user.delete()
    return deleted
