"""Writes for accounts: sign-up, profile, passwords and email, API tokens."""

from __future__ import annotations

import logging
import secrets
import uuid
from datetime import timedelta
from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from coffeechat.accounts import throttle
from coffeechat.accounts.models import ApiToken, Profile
from coffeechat.lib import email as email_out
from coffeechat.lib.timezones import is_time_zone
from coffeechat.lib.validators import refuse_null_characters

logger = logging.getLogger(__name__)

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


def api_token_create_throttled(
    *, user: Any, ip: str, name: str = "API token"
) -> tuple[ApiToken, str]:
    """api_token_create, counted per account and per IP; raises throttle.Throttled."""
    throttle.throttle_take_all((throttle.TOKEN_ACCOUNT, str(user.pk)), (throttle.TOKEN_IP, ip))
    return api_token_create(user=user, name=name)


def api_token_revoke(*, user: Any, token_id: uuid.UUID) -> bool:
    deleted, _ = ApiToken.objects.filter(user=user, uuid=token_id).delete()
    return deleted > 0


# Passwords and the email address ------------------------------------------------------


def password_confirm(*, user: Any, password: str, ip: str) -> bool:
    """Is this the user's password? Counted with sign-ins, so it is no way around their limit.

    Raises throttle.Throttled during a cool-off, right password or not.
    """
    account = throttle.account_key(user.get_username())
    throttle.throttle_take_all((throttle.SIGNIN_ACCOUNT, account), (throttle.SIGNIN_IP, ip))
    if not password or not user.check_password(password):
        return False
    throttle.throttle_clear(throttle.SIGNIN_ACCOUNT, account)
    throttle.throttle_forgive(throttle.SIGNIN_IP, ip)
    return True


def user_password_set(*, user: Any, password: str) -> None:
    """Set a new password (the operator's `coffeechat user set-password`).

    Changing the password changes the hash every session carries, so every session the user
    has open ends: whoever had it must sign in with the new one.
    """
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from None
    user.set_password(password)
    user.save(update_fields=["password"])
    throttle.throttle_clear(throttle.SIGNIN_ACCOUNT, throttle.account_key(user.get_username()))


def user_email_change(*, user: Any, email: str) -> None:
    """Change where password resets and the digest go. Raises ValidationError."""
    email = email.strip()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": ["Enter a valid email address."]}) from None
    user.email = email
    refuse_null_characters(user)
    user.full_clean(exclude=["password"], validate_unique=False)
    user.save(update_fields=["email"])


def password_reset_email_send(*, to: str, subject: str, body: str) -> bool:
    """Send a reset link; False (and a log line) when the mail server fails.

    The page says the same thing either way: telling the visitor that sending failed would
    tell them the address has an account.
    """
    name, address = parseaddr(settings.COFFEECHAT_EMAIL_FROM)
    try:
        email_out.send_email(
            sender_name=name or "Coffeechat",
            # A personal install's mail account sends as its owner, to its owner.
            sender_email=address or to,
            to=to,
            subject=subject,
            body=body,
            message_id=email_out.message_id_new(),
        )
    except email_out.EmailError as exc:
        logger.warning("A password reset email could not be sent: %s", exc)
        return False
    return True


# Deleting an account ------------------------------------------------------------------


def user_delete(*, user: Any, password: str, ip: str = "unknown") -> None:
    """Delete the signed-in user's account, once their password confirms it is them.

    The check counts with sign-ins (raising throttle.Throttled in a cool-off); it runs
    outside any transaction, so a wrong password stays counted.
    """
    if not password_confirm(user=user, password=password, ip=ip):
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
