"""Re-authentication before sensitive actions, and sessions ended by a new password or deletion."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coffeechat.accounts.services import api_token_create
from tests.factories import PASSWORD, make_contact

LATER = dt.timedelta(minutes=11)  # past COFFEECHAT_REAUTH_MINUTES (10)


def confirm_url(next_url: str) -> str:
    return reverse("reauth") + "?next=" + next_url.replace("/", "%2F")


def signed_in(username: str = "alice") -> Client:
    """A client signed in through the sign-in page, as a person would."""
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def assert_signed_out(client: Client) -> None:
    response = client.get(reverse("contact_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# Exporting everything --------------------------------------------------------------------


def test_signing_in_counts_as_entering_the_password(alice):
    client = signed_in()
    response = client.get(reverse("export_download", args=["json"]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")


def test_a_stale_session_confirms_the_password_before_downloading(alice, alice_client):
    make_contact(alice, "Dana Reyes")
    url = reverse("export_download", args=["csv"])
    with time_machine.travel(timezone.now() + LATER):
        response = alice_client.get(url)
        assert response.status_code == 302
        assert response["Location"] == confirm_url(url)
        page = alice_client.get(response["Location"])
        assert "Confirm your password" in page.text
        wrong = alice_client.post(reverse("reauth"), {"password": "nope", "next": url})
        assert wrong.status_code == 200
        assert "That is not your password." in wrong.text
        assert alice_client.get(url).status_code == 302  # still asks
        right = alice_client.post(reverse("reauth"), {"password": PASSWORD, "next": url})
        assert right.status_code == 302 and right["Location"] == url
        download = alice_client.get(url)
    assert download.status_code == 200
    assert "Dana" in b"".join(download.streaming_content).decode()


def test_confirming_is_per_session(alice):
    first, second = signed_in(), signed_in()
    url = reverse("export_download", args=["json"])
    with time_machine.travel(timezone.now() + LATER):
        first.post(reverse("reauth"), {"password": PASSWORD, "next": url})
        assert first.get(url).status_code == 200
        assert second.get(url).status_code == 302


def test_confirm_goes_only_to_this_site(alice, alice_client):
    response = alice_client.post(
        reverse("reauth"), {"password": PASSWORD, "next": "https://evil.example/"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("profile")


def test_the_confirm_page_is_throttled_like_sign_in(alice, alice_client):
    for _ in range(5):
        assert alice_client.post(reverse("reauth"), {"password": "x"}).status_code == 200
    response = alice_client.post(reverse("reauth"), {"password": PASSWORD})
    assert response.status_code == 429
    assert "Too many attempts: try again in 15 minutes." in response.text


def test_the_api_asks_a_stale_browser_session_but_not_a_token(alice, alice_client):
    _, key = api_token_create(user=alice)
    assert alice_client.get("/api/v1/exports/json").status_code == 200
    with time_machine.travel(timezone.now() + LATER):
        response = alice_client.get("/api/v1/exports/json")
        assert response.status_code == 403
        assert "confirm it at /account/confirm/" in response.json()["detail"]
        bearer = Client().get("/api/v1/exports/json", HTTP_AUTHORIZATION=f"Bearer {key}")
        assert bearer.status_code == 200


# Changing the email address --------------------------------------------------------------


def test_changing_the_email_needs_a_recent_password(alice, alice_client):
    url = reverse("email_change")
    with time_machine.travel(timezone.now() + LATER):
        response = alice_client.post(url, {"email": "thief@example.com"})
        assert response.status_code == 302
        assert response["Location"] == confirm_url(url)
        alice.refresh_from_db()
        assert alice.email == "alice@example.edu"
        alice_client.post(reverse("reauth"), {"password": PASSWORD, "next": url})
        response = alice_client.post(url, {"email": "alice@new.example.edu"})
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.email == "alice@new.example.edu"


def test_a_bad_email_changes_nothing(alice, alice_client):
    response = alice_client.post(reverse("email_change"), {"email": "not an address"})
    assert response.status_code == 200
    assert "Enter a valid email address." in response.text
    alice.refresh_from_db()
    assert alice.email == "alice@example.edu"


def test_the_profile_links_to_email_and_password(alice_client):
    text = alice_client.get(reverse("profile")).text
    assert f'href="{reverse("email_change")}"' in text
    assert f'href="{reverse("password_change")}"' in text


# Sessions that end -----------------------------------------------------------------------


def test_a_new_password_ends_the_other_sessions_and_keeps_this_one(alice):
    here, elsewhere = signed_in(), signed_in()
    response = here.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "new-Passphrase-77",
            "new_password2": "new-Passphrase-77",
        },
    )
    assert response.status_code == 302
    assert here.get(reverse("contact_list")).status_code == 200
    assert_signed_out(elsewhere)


def test_deleting_the_account_ends_every_session(alice):
    here, elsewhere = signed_in(), signed_in()
    response = here.post(reverse("account_delete"), {"password": PASSWORD})
    assert response.status_code == 302
    assert not get_user_model().objects.filter(username="alice").exists()
    assert_signed_out(here)
    assert_signed_out(elsewhere)


def test_the_old_session_does_not_come_back_with_a_new_account_of_the_same_name(alice):
    elsewhere = signed_in()
    signed_in().post(reverse("account_delete"), {"password": PASSWORD})
    Client().post(
        reverse("signup"),
        {
            "username": "alice",
            "email": "alice@example.edu",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "time_zone": "UTC",
        },
    )
    assert get_user_model().objects.filter(username="alice").exists()
    assert_signed_out(elsewhere)
