"""Throttles: sign-in, password confirmations, tokens and the API, with a cool-off that every
process sees (the database cache, or Redis)."""

from __future__ import annotations

import datetime as dt
import textwrap
import uuid
from typing import Any

import pytest
import time_machine
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from coffeechat.accounts import throttle
from coffeechat.accounts.models import ApiToken
from coffeechat.accounts.services import api_token_create
from tests.factories import PASSWORD, make_user
from tests.services import missing, reachable
from tests.test_settings import run_python

COOL_OFF = "Too many attempts: try again in 15 minutes."


def sign_in(client: Any, username: str, password: str, ip: str = "127.0.0.1") -> Any:
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def assert_signed_in(client: Any) -> None:
    assert client.get(reverse("tokens")).status_code == 200


def assert_signed_out(client: Any) -> None:
    assert client.get(reverse("tokens")).status_code == 302


def fail_times(client: Any, username: str, times: int, ip: str = "127.0.0.1") -> None:
    for _ in range(times):
        response = sign_in(client, username, "wrong-guess", ip)
        assert response.status_code == 200
        assert "correct username and password" in response.text


# Signing in ------------------------------------------------------------------------------


def test_the_sixth_attempt_is_refused_even_with_the_right_password(client, db):
    make_user("sam")
    fail_times(client, "sam", 5)
    response = sign_in(client, "sam", PASSWORD)
    assert response.status_code == 429
    assert COOL_OFF in response.text
    assert_signed_out(client)


def test_the_cool_off_ends_and_the_right_password_works_again(client, db):
    make_user("sam")
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        fail_times(client, "sam", 5)
        assert sign_in(client, "sam", PASSWORD).status_code == 429
        clock.move_to(start + dt.timedelta(minutes=14))
        response = sign_in(client, "sam", PASSWORD)
        assert response.status_code == 429
        assert "try again in 1 minute." in response.text
        clock.move_to(start + dt.timedelta(minutes=15, seconds=1))
        assert sign_in(client, "sam", PASSWORD).status_code == 302
    assert_signed_in(client)


def test_other_accounts_can_sign_in_during_a_cool_off(client, db):
    make_user("sam")
    make_user("alex")
    fail_times(client, "sam", 5)
    assert sign_in(client, "sam", PASSWORD).status_code == 429
    assert sign_in(client, "alex", PASSWORD).status_code == 302
    assert_signed_in(client)


def test_usernames_count_whatever_their_case(client, db):
    make_user("sam")
    fail_times(client, "SAM", 3)
    fail_times(client, "Sam", 2)
    assert sign_in(client, "sam", PASSWORD).status_code == 429


def test_a_successful_sign_in_clears_the_accounts_count(client, db):
    make_user("sam")
    fail_times(client, "sam", 4)
    assert sign_in(client, "sam", PASSWORD).status_code == 302
    client.post(reverse("logout"))
    fail_times(client, "sam", 5)  # five more wrong guesses, not one
    assert sign_in(client, "sam", PASSWORD).status_code == 429


def test_one_ip_guessing_many_accounts_is_stopped_by_the_ip_limit(client, db, settings):
    settings.COFFEECHAT_SIGNIN_LIMIT_IP = 4
    for name in ["ana", "ben", "cy", "dee", "eve"]:
        make_user(name)
    for name in ["ana", "ben", "cy", "dee"]:
        fail_times(client, name, 1, ip="203.0.113.9")
    response = sign_in(client, "eve", PASSWORD, ip="203.0.113.9")
    assert response.status_code == 429
    assert COOL_OFF in response.text
    # Another address is not held back, and neither are the accounts themselves.
    assert sign_in(client, "eve", PASSWORD, ip="198.51.100.7").status_code == 302


def test_good_sign_ins_from_a_shared_address_are_not_held_against_it(client, db, settings):
    settings.COFFEECHAT_SIGNIN_LIMIT_IP = 3
    make_user("sam")
    for _ in range(6):
        assert sign_in(client, "sam", PASSWORD, ip="192.0.2.1").status_code == 302
        client.post(reverse("logout"))
    fail_times(client, "sam", 3, ip="192.0.2.1")
    assert sign_in(client, "sam", PASSWORD, ip="192.0.2.1").status_code == 429


# Other ways to try a password ------------------------------------------------------------


def test_wrong_passwords_on_the_delete_page_count_toward_the_cool_off(alice, alice_client):
    for _ in range(5):
        response = alice_client.post(reverse("account_delete"), {"password": "guess"})
        assert response.status_code == 200
        assert "That is not your password" in response.text
    response = alice_client.post(reverse("account_delete"), {"password": PASSWORD})
    assert response.status_code == 429
    assert "Too many attempts" in response.text and "Nothing was deleted" in response.text
    alice.refresh_from_db()  # still there
    assert sign_in(Client(), "alice", PASSWORD).status_code == 429


def test_wrong_old_passwords_count_too(alice, alice_client):
    data = {"new_password1": "new-Passphrase-77", "new_password2": "new-Passphrase-77"}
    for _ in range(5):
        response = alice_client.post(reverse("password_change"), {**data, "old_password": "x"})
        assert response.status_code == 200
    response = alice_client.post(reverse("password_change"), {**data, "old_password": PASSWORD})
    assert response.status_code == 429
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)


# API tokens ------------------------------------------------------------------------------


def test_making_tokens_is_limited_per_account(alice, alice_client, settings):
    settings.COFFEECHAT_TOKEN_LIMIT_ACCOUNT = 2
    for _ in range(2):
        assert alice_client.post(reverse("tokens"), {"name": "t"}).status_code == 200
    response = alice_client.post(reverse("tokens"), {"name": "t"})
    assert response.status_code == 429
    assert COOL_OFF in response.text
    assert ApiToken.objects.filter(user=alice).count() == 2


def test_bad_bearer_tokens_from_one_address_get_429(alice, client, settings):
    settings.COFFEECHAT_API_AUTH_LIMIT_IP = 3
    _, key = api_token_create(user=alice)
    bad = {"HTTP_AUTHORIZATION": "Bearer cc_" + "x" * 43, "REMOTE_ADDR": "203.0.113.5"}
    for _ in range(3):
        assert client.get("/api/v1/contacts", **bad).status_code == 401
    response = client.get("/api/v1/contacts", **bad)
    assert response.status_code == 429
    assert response.json() == {"detail": COOL_OFF}
    assert 890 <= int(response["Retry-After"]) <= 900
    # A real token still works from there; a bad one from elsewhere is a plain 401.
    good = {"HTTP_AUTHORIZATION": f"Bearer {key}", "REMOTE_ADDR": "203.0.113.5"}
    assert client.get("/api/v1/contacts", **good).status_code == 200
    elsewhere = {**bad, "REMOTE_ADDR": "198.51.100.1"}
    assert client.get("/api/v1/contacts", **elsewhere).status_code == 401


# Signing up ------------------------------------------------------------------------------


def sign_up(username: str, ip: str, password2: str = "") -> Any:
    data = {
        "username": username,
        "email": f"{username}@example.com",
        "password1": PASSWORD,
        "password2": password2 or PASSWORD,
    }
    return Client().post(reverse("signup"), data, REMOTE_ADDR=ip)


def test_accounts_made_from_one_address_are_limited(db, settings):
    settings.COFFEECHAT_SIGNUP_LIMIT_IP = 2
    User = get_user_model()
    for name in ("ana", "ben"):
        assert sign_up(name, "203.0.113.9").status_code == 302
    # A form with mistakes is not counted: nothing was tried.
    mistake = sign_up("cy", "203.0.113.9", password2="not-the-same-one")
    assert mistake.status_code == 200
    response = sign_up("cy", "203.0.113.9")
    assert response.status_code == 429
    assert COOL_OFF in response.text
    assert not User.objects.filter(username="cy").exists()
    # Another address signs up as usual, and the first one can again after the cool-off.
    assert sign_up("dee", "198.51.100.1").status_code == 302
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=16)):
        assert sign_up("cy", "203.0.113.9").status_code == 302
    assert set(User.objects.values_list("username", flat=True)) >= {"ana", "ben", "cy", "dee"}


def test_probing_taken_usernames_counts_toward_the_limit(db, settings):
    settings.COFFEECHAT_SIGNUP_LIMIT_IP = 2
    make_user("taken")
    for _ in range(2):
        response = sign_up("taken", "203.0.113.7")
        assert response.status_code == 200
        assert "That username is taken" in response.text
    assert sign_up("fresh", "203.0.113.7").status_code == 429


# Where a request comes from --------------------------------------------------------------


def test_x_forwarded_for_is_ignored_unless_a_proxy_is_trusted(settings):
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.9"
    )
    settings.COFFEECHAT_TRUSTED_PROXIES = 0
    assert throttle.client_ip(request) == "10.0.0.1"
    settings.COFFEECHAT_TRUSTED_PROXIES = 1
    assert throttle.client_ip(request) == "198.51.100.9"  # what our proxy saw, not "1.2.3.4"
    settings.COFFEECHAT_TRUSTED_PROXIES = 5
    assert throttle.client_ip(request) == "1.2.3.4"


def test_an_ipv6_address_counts_by_its_64(settings):
    settings.COFFEECHAT_TRUSTED_PROXIES = 0
    one = RequestFactory().get("/", REMOTE_ADDR="2001:db8:1:2::1")
    other = RequestFactory().get("/", REMOTE_ADDR="2001:db8:1:2:ffff::9")
    assert throttle.client_ip(one) == throttle.client_ip(other) == "2001:db8:1:2::/64"
    mapped = RequestFactory().get("/", REMOTE_ADDR="::ffff:192.0.2.7")
    assert throttle.client_ip(mapped) == "192.0.2.7"


# The cache underneath --------------------------------------------------------------------


def test_the_cache_is_shared_not_one_processs_memory():
    backend = django_settings.CACHES["default"]["BACKEND"]
    assert backend in {
        "coffeechat.accounts.cache.DatabaseCache",
        "django_redis.cache.RedisCache",
    }


def test_the_database_cache_counts_without_moving_the_expiry(db):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        cache.set("n", 1, timeout=900)
        assert cache.incr("n") == 2
        assert cache.incr("n", 5) == 7
        clock.move_to(start + dt.timedelta(minutes=10))  # past Django's default 300 s
        assert cache.get("n") == 7
        clock.move_to(start + dt.timedelta(minutes=15, seconds=1))
        assert cache.get("n") is None
        with pytest.raises(ValueError):
            cache.incr("n")


# Across processes ------------------------------------------------------------------------

WORKER = textwrap.dedent(
    """
    import os, sys
    os.environ["DJANGO_SETTINGS_MODULE"] = "coffeechat.settings"
    import django
    django.setup()
    from django.core.management import call_command
    from coffeechat.accounts import throttle

    call_command("createcachetable", verbosity=0)
    times, ident = int(sys.argv[1]), sys.argv[2]
    for _ in range(times):
        try:
            throttle.throttle_take(throttle.SIGNIN_ACCOUNT, ident)
        except throttle.Throttled as exc:
            print(exc.message)
        else:
            print("ok")
    """
)


def run_worker(times: int, ident: str, **env: str) -> list[str]:
    """Count `times` sign-in attempts for `ident` in a Python process of its own."""
    result = run_python(WORKER, str(times), ident, **{"COFFEECHAT_DEBUG": "1", **env})
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_two_processes_share_the_limit_through_the_sqlite_cache(tmp_path):
    env = {"COFFEECHAT_DATA_DIR": str(tmp_path), "DATABASE_URL": ""}
    assert run_worker(5, "sam", **env) == ["ok"] * 5
    assert run_worker(1, "sam", **env) == [COOL_OFF]
    assert run_worker(1, "alex", **env) == ["ok"]


@pytest.mark.django_db(transaction=True)
def test_another_process_and_this_one_share_the_limit_through_postgresql(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("the suite runs on SQLite: the SQLite test above covers the database cache")
    db = connection.settings_dict
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    url = f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    ident = f"sam-{uuid.uuid4()}"
    try:
        env = {"COFFEECHAT_DATA_DIR": str(tmp_path), "DATABASE_URL": url}
        assert run_worker(5, ident, **env) == ["ok"] * 5
        with pytest.raises(throttle.Throttled):  # the sixth, here, starts the cool-off
            throttle.throttle_take(throttle.SIGNIN_ACCOUNT, ident)
        assert throttle.throttle_wait(throttle.SIGNIN_ACCOUNT, ident) > 890
        assert run_worker(1, ident, **env) == [COOL_OFF]  # and the other process sees it
    finally:
        cache.clear()  # committed rows outlive this test


def test_another_process_and_this_one_share_the_limit_through_redis(tmp_path, settings):
    if not reachable(6379):
        missing("no Redis at 127.0.0.1:6379")
    url = "redis://127.0.0.1:6379/0"
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "coffeechat",
        }
    }
    ident = f"sam-{uuid.uuid4()}"  # nothing else in the server can have this key
    try:
        env = {"COFFEECHAT_DATA_DIR": str(tmp_path), "COFFEECHAT_REDIS_URL": url}
        assert run_worker(5, ident, **env) == ["ok"] * 5
        with pytest.raises(throttle.Throttled):  # the sixth, here, starts the cool-off
            throttle.throttle_take(throttle.SIGNIN_ACCOUNT, ident)
        assert throttle.throttle_wait(throttle.SIGNIN_ACCOUNT, ident) > 890
        assert run_worker(1, ident, **env) == [COOL_OFF]
    finally:
        throttle.throttle_clear(throttle.SIGNIN_ACCOUNT, ident)
