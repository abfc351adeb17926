"""The follow-up settings page: the numbers, the digest choice, the private calendar address."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from coffeechat.followups.models import FollowupSettings
from coffeechat.followups.selectors import NUMBER_FIELDS

DEFAULTS = {
    "thank_you_hours": 24,
    "linkedin_days": 1,
    "progress_days": 2,
    "keep_in_touch_months": 3,
    "try_next_days": 3,
    "nudge_days": 7,
    "prepare_days": 1,
}
URL = "/follow-up-settings/"


def posted(**changes: Any) -> dict[str, Any]:
    """The whole form as the browser sends it (an unchecked box is simply absent)."""
    data: dict[str, Any] = {**DEFAULTS, **changes}
    if data.pop("digest", False):
        data["digest"] = "on"
    return data


def field_error(html: str, name: str) -> str:
    found = re.search(rf'id="id_{name}_error" role="alert">([^<]*)<', html)
    return found.group(1) if found else ""


def feed_token(user: Any) -> str:
    found = FollowupSettings.objects.filter(user=user).first()
    return found.feed_token if found else ""


def test_the_page_shows_the_defaults_and_what_each_does(alice_client: Client) -> None:
    assert reverse("followup_settings") == URL
    response = alice_client.get(URL)
    assert response.status_code == 200
    html = response.text
    for name, value in DEFAULTS.items():
        assert re.search(rf'<input type="number" name="{name}" value="{value}"', html), name
    assert "Thank-you within (hours)" in html
    assert "Any message, reply, meeting or note starts the count again. Default 3." in html
    assert "it must be fewer than the nudge" in html
    assert 'min="1"' in html and 'max="168"' in html  # the thank-you hours' limits
    assert "Email me the Today list each morning" in html
    assert "Create my private calendar address" in html
    assert not FollowupSettings.objects.exists()  # looking saves nothing


def test_saving_changes_the_numbers_and_the_digest(alice: Any, alice_client: Client) -> None:
    response = alice_client.post(
        URL, posted(keep_in_touch_months=6, nudge_days=10, try_next_days=4, digest=True)
    )
    assert response.status_code == 302
    assert response["Location"] == URL
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Follow-up settings saved."]
    saved = FollowupSettings.objects.get(user=alice)
    assert (saved.keep_in_touch_months, saved.nudge_days, saved.try_next_days) == (6, 10, 4)
    assert saved.digest is True
    assert 'name="keep_in_touch_months" value="6"' in alice_client.get(URL).text

    alice_client.post(URL, posted(keep_in_touch_months=6))  # the box unticked
    saved.refresh_from_db()
    assert saved.digest is False


def test_try_next_must_come_before_the_nudge(alice: Any, alice_client: Client) -> None:
    response = alice_client.post(URL, posted(try_next_days=7, nudge_days=7))
    assert response.status_code == 200
    error = field_error(response.text, "try_next_days")
    assert "Try the next person before the nudge" in error
    assert "Constraint" not in response.text
    assert 'aria-invalid="true"' in response.text
    assert not FollowupSettings.objects.filter(user=alice).exists()


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("keep_in_touch_months", 0),
        ("thank_you_hours", 169),
        ("prepare_days", 15),
        ("nudge_days", 31),
        ("linkedin_days", "soon"),
        ("progress_days", ""),
    ],
)
def test_a_bad_number_is_refused_on_its_field(
    name: str, value: Any, alice: Any, alice_client: Client
) -> None:
    FollowupSettings.objects.create(user=alice, keep_in_touch_months=5)
    response = alice_client.post(URL, posted(**{name: value}))
    assert response.status_code == 200
    assert field_error(response.text, name)
    saved = FollowupSettings.objects.get(user=alice)
    assert saved.keep_in_touch_months == 5
    assert {f: getattr(saved, f) for f in NUMBER_FIELDS if f != "keep_in_touch_months"} == {
        f: v for f, v in DEFAULTS.items() if f != "keep_in_touch_months"
    }


def test_the_digest_says_what_it_needs(alice: Any, alice_client: Client, settings: Any) -> None:
    settings.EMAIL_HOST = ""
    html = alice_client.get(URL).text
    assert "alice@example.edu" in html
    assert "Email is not set up on this installation" in html
    assert "Your account has no email address" not in html

    settings.EMAIL_HOST = "127.0.0.1"
    alice.email = ""
    alice.save()
    html = alice_client.get(URL).text
    assert "Email is not set up on this installation" not in html
    assert "Your account has no email address, so no digest can be sent." in html


def test_create_regenerate_and_turn_off_the_calendar_address(
    alice: Any, alice_client: Client
) -> None:
    response = alice_client.post(reverse("feed_new"))
    assert response.status_code == 302
    assert response["Location"] == URL + "#feed"
    first = feed_token(alice)
    assert len(first) >= 40

    html = alice_client.get(URL).text
    address = f"http://testserver/feed/{first}.ics"
    assert f'value="{address}" readonly' in html
    assert f'href="webcal://testserver/feed/{first}.ics"' in html
    assert "Anyone with this\n  address can see your meetings" in html
    for app in ("Google Calendar", "Apple Calendar", "Outlook"):
        assert app in html
    assert "Create my private calendar address" not in html

    alice_client.post(reverse("feed_new"))
    second = feed_token(alice)
    assert second and second != first
    assert first not in alice_client.get(URL).text

    response = alice_client.post(reverse("feed_revoke"))
    assert response["Location"] == URL + "#feed"
    assert feed_token(alice) == ""
    html = alice_client.get(URL).text
    assert second not in html
    assert "Create my private calendar address" in html


def test_the_address_is_https_behind_https(alice: Any, alice_client: Client) -> None:
    alice_client.post(reverse("feed_new"))
    html = alice_client.get(URL, secure=True).text
    assert f'value="https://testserver/feed/{feed_token(alice)}.ics"' in html


def test_one_students_address_is_theirs_alone(
    alice: Any, bob: Any, alice_client: Client, bob_client: Client
) -> None:
    alice_client.post(reverse("feed_new"))
    alices = feed_token(alice)
    bob_client.post(reverse("feed_new"))
    bob_client.post(reverse("feed_revoke"))
    bob_client.post(URL, posted(nudge_days=12))
    assert feed_token(alice) == alices
    assert alices not in bob_client.get(URL).text
    assert FollowupSettings.objects.get(user=alice).nudge_days == 7


@pytest.mark.parametrize("name", ["feed_new", "feed_revoke"])
def test_the_feed_buttons_only_post(name: str, alice: Any, alice_client: Client) -> None:
    assert alice_client.get(reverse(name)).status_code == 405
    assert feed_token(alice) == ""


def test_settings_need_signing_in(client: Client, db: Any) -> None:
    for url in (URL, reverse("feed_new")):
        response = client.post(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    assert not FollowupSettings.objects.exists()
