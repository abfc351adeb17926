from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse

from coffeechat.accounts.models import ApiToken, Profile
from coffeechat.accounts.services import api_token_authenticate, api_token_create
from tests.factories import PASSWORD, make_user


def _signup(client, **overrides):
    data = {
        "username": "sam",
        "email": "sam@example.edu",
        "password1": "a-long-Passphrase-42",
        "password2": "a-long-Passphrase-42",
        "time_zone": "Europe/Paris",
    }
    data.update(overrides)
    return client.post(reverse("signup"), data)


def test_welcome_page_for_visitors(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "informational interviews" in response.text


def test_sign_up_creates_a_profile_with_the_browser_time_zone(client, db):
    response = _signup(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("profile")
    user = get_user_model().objects.get(username="sam")
    assert user.profile.time_zone == "Europe/Paris"
    assert client.get(reverse("home"))["Location"] == reverse("profile")


def test_sign_up_with_an_unknown_time_zone_falls_back_to_utc(client, db):
    _signup(client, time_zone="Not/AZone")
    assert Profile.objects.get(user__username="sam").time_zone == "UTC"


def test_sign_up_errors_save_nothing(client, db):
    make_user("taken")
    cases = [
        ({"username": "TAKEN"}, "That username is taken"),
        ({"email": "nope"}, "Enter a valid email address."),
        ({"password2": "different-Passphrase-42"}, "not the same"),
        ({"password1": "123", "password2": "123"}, "too short"),
        ({"username": "bad name!"}, "Enter a valid username"),
        ({"username": "u" * 10_000}, "at most 150 characters"),
    ]
    for overrides, message in cases:
        response = _signup(client, **overrides)
        assert response.status_code == 200, overrides
        assert message in response.text, overrides
    assert get_user_model().objects.count() == 1


def test_first_profile_save_leads_to_the_list(client, db):
    _signup(client)
    form = client.get(reverse("profile")).text
    assert "data-browser-tz" in form and "data-chosen" not in form
    response = client.post(
        reverse("profile"),
        {
            "display_name": "Sam Student",
            "school": "State University",
            "graduation_year": "2027",
            "fields_of_interest": "UX, public health",
            "time_zone": "America/Chicago",
            "elevator_pitch": "Junior in design.",
            "default_minutes": "20",
            "preferred_media": ["phone", "video"],
            "wording": "coffee chat",
        },
    )
    assert response["Location"] == reverse("contact_list")
    profile = Profile.objects.get(user__username="sam")
    assert profile.preferred_media == ["phone", "video"]
    assert profile.default_minutes == 20
    assert profile.completed_at is not None
    assert client.get(reverse("home"))["Location"] == reverse("today")
    assert 'data-chosen="yes"' in client.get(reverse("profile")).text


def test_profile_bad_input_saves_nothing(alice_client, alice):
    response = alice_client.post(
        reverse("profile"),
        {
            "time_zone": "Mars/Base",
            "default_minutes": "0",
            "graduation_year": "20277",
            "preferred_media": ["teleport"],
            "wording": "coffee chat",
            "elevator_pitch": "p" * 10_000,
        },
    )
    assert response.status_code == 200
    for message in [
        "Select a valid choice",
        "greater than or equal to 5",
        "less than or equal to 2100",
    ]:
        assert message in response.text
    alice.profile.refresh_from_db()
    assert alice.profile.time_zone == "America/Chicago"


def test_times_are_shown_in_the_students_time_zone(alice_client, alice):
    token, _ = api_token_create(user=alice)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at="2026-01-15T18:30:00Z")
    text = alice_client.get(reverse("tokens")).text
    assert "Jan 15, 2026 12:30" in text  # 18:30 UTC is 12:30 in Chicago


def test_sign_in_and_out(client, db):
    make_user("sam")
    response = client.post(reverse("login"), {"username": "sam", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("contact_list")).status_code == 200
    client.post(reverse("logout"))
    assert client.get(reverse("contact_list")).status_code == 302


def test_wrong_password_is_refused(client, db):
    make_user("sam")
    response = client.post(reverse("login"), {"username": "sam", "password": "wrong"})
    assert response.status_code == 200
    assert "correct username and password" in response.text


def test_change_password(alice_client, alice):
    response = alice_client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "new-Passphrase-77",
            "new_password2": "new-Passphrase-77",
        },
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password("new-Passphrase-77")
    assert alice_client.get(reverse("contact_list")).status_code == 200  # still signed in


def test_tokens_are_stored_hashed_shown_once_and_revocable(alice_client, alice):
    response = alice_client.post(reverse("tokens"), {"name": "laptop"})
    key = response.text.split("<pre><code>")[1].split("</code>")[0]
    assert key.startswith("cc_")
    token = ApiToken.objects.get(user=alice)
    assert key not in str(list(ApiToken.objects.values()))
    assert api_token_authenticate(key) == alice
    assert key not in alice_client.get(reverse("tokens")).text
    alice_client.post(reverse("token_revoke", args=[token.uuid]))
    assert api_token_authenticate(key) is None


def test_a_token_is_revoked_by_its_uuid_and_only_by_its_owner(alice_client, alice, bob):
    token, key = api_token_create(user=alice)
    bobs, _ = api_token_create(user=bob)
    assert f"/account/tokens/{token.uuid}/revoke/" in alice_client.get(reverse("tokens")).text
    assert alice_client.post(f"/account/tokens/{token.pk}/revoke/").status_code == 404
    assert alice_client.post(reverse("token_revoke", args=[bobs.uuid])).status_code == 404
    assert ApiToken.objects.filter(pk=bobs.pk).exists()
    assert api_token_authenticate(key) == alice


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_existing_tokens_their_own_uuids():
    before = [("accounts", "0002_availability")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    owner = old.get_model("auth", "User").objects.create(username="early")
    for n in range(3):
        old.get_model("accounts", "ApiToken").objects.create(
            user=owner, prefix="cc_early", key_hash=f"{n:064d}"
        )
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    uuids = list(ApiToken.objects.values_list("uuid", flat=True))
    assert len(uuids) == 3 and len(set(uuids)) == 3 and None not in uuids


def test_token_of_an_inactive_user_does_not_work(db):
    user = make_user("sam")
    _, key = api_token_create(user=user)
    user.is_active = False
    user.save()
    assert api_token_authenticate(key) is None
    assert api_token_authenticate("cc_" + "x" * 43) is None
    assert api_token_authenticate("garbage") is None


def test_csrf_is_enforced_on_forms(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("signup"), {"username": "x"})
    assert response.status_code == 403
