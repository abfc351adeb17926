"""Who may call /api/v1/: a bearer token, or the browser session with its CSRF token."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from coffeechat.accounts.models import ApiToken
from coffeechat.accounts.services import api_token_create, api_token_revoke
from coffeechat.network.models import Contact
from tests.factories import PASSWORD, make_contact

CONTACTS = "/api/v1/contacts"


def token_client(key: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {key}"})


@pytest.fixture
def alice_key(alice: Any) -> str:
    _, key = api_token_create(user=alice, name="script")
    return key


def test_token_reads_the_owners_contacts(alice: Any, bob: Any, alice_key: str) -> None:
    make_contact(alice, "Dana Reyes")
    make_contact(bob, "Bob's Friend")

    response = token_client(alice_key).get(CONTACTS)

    assert response.status_code == 200
    assert [c["name"] for c in response.json()["items"]] == ["Dana Reyes"]


def test_token_writes_without_a_csrf_token(alice: Any, alice_key: str) -> None:
    client = Client(enforce_csrf_checks=True, headers={"Authorization": f"Bearer {alice_key}"})

    response = client.post(CONTACTS, {"name": "Dana Reyes"}, content_type="application/json")

    assert response.status_code == 201
    assert Contact.objects.get(owner=alice).name == "Dana Reyes"


def test_token_use_is_recorded(alice: Any, alice_key: str) -> None:
    token_client(alice_key).get(CONTACTS)

    assert ApiToken.objects.get(user=alice).last_used_at is not None


@pytest.mark.parametrize(
    "header",
    [
        "Bearer cc_not-a-real-token",
        "Bearer ",
        "Bearer",
        "Token cc_whatever",
        "Basic YWxpY2U6cGFzc3dvcmQ=",
        "Bearer " + "cc_" + "x" * 5000,
    ],
)
def test_bad_credentials_are_401_json(alice: Any, header: str) -> None:
    response = Client(headers={"Authorization": header}).get(CONTACTS)

    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert "Bearer" in response.json()["detail"]
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_no_credentials_are_401(db: Any) -> None:
    response = Client().get(CONTACTS)

    assert response.status_code == 401
    assert response.json() == {"detail": "Sign in, or send Authorization: Bearer <token>."}


def test_revoked_token_is_refused(alice: Any, alice_key: str) -> None:
    token = ApiToken.objects.get(user=alice)
    assert token_client(alice_key).get(CONTACTS).status_code == 200

    api_token_revoke(user=alice, token_id=token.uuid)

    assert token_client(alice_key).get(CONTACTS).status_code == 401


def test_bad_token_on_a_write_is_401_not_a_csrf_error(alice: Any) -> None:
    client = Client(enforce_csrf_checks=True, headers={"Authorization": "Bearer cc_wrong"})

    response = client.post(CONTACTS, {"name": "Mallory"}, content_type="application/json")

    assert response.status_code == 401
    assert not Contact.objects.exists()


def test_deactivated_users_token_is_refused(alice: Any, alice_key: str) -> None:
    alice.is_active = False
    alice.save()

    assert token_client(alice_key).get(CONTACTS).status_code == 401


def test_session_reads(alice_client: Client, alice: Any) -> None:
    make_contact(alice, "Dana Reyes")

    response = alice_client.get(CONTACTS)

    assert response.status_code == 200
    assert response.json()["items"][0]["name"] == "Dana Reyes"


def signed_in_browser() -> Client:
    """A browser that signed in through the login page, so it holds a real CSRF cookie."""
    browser = Client(enforce_csrf_checks=True)
    browser.get("/login/")
    response = browser.post(
        "/login/",
        {
            "username": "alice",
            "password": PASSWORD,
            "csrfmiddlewaretoken": browser.cookies[settings.CSRF_COOKIE_NAME].value,
        },
    )
    assert response.status_code == 302
    return browser


def test_session_write_without_csrf_token_is_refused(alice: Any) -> None:
    browser = signed_in_browser()

    response = browser.post(CONTACTS, {"name": "Forged"}, content_type="application/json")

    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert not Contact.objects.exists()


def test_session_delete_without_csrf_token_is_refused(alice: Any) -> None:
    contact = make_contact(alice, "Dana Reyes")
    browser = signed_in_browser()

    response = browser.delete(f"{CONTACTS}/{contact.uuid}")

    assert response.status_code == 403
    assert Contact.objects.filter(pk=contact.pk).exists()


def test_session_write_with_csrf_token_works(alice: Any) -> None:
    browser = signed_in_browser()
    csrf = browser.cookies[settings.CSRF_COOKIE_NAME].value

    response = browser.post(
        CONTACTS, {"name": "Dana Reyes"}, content_type="application/json", HTTP_X_CSRFTOKEN=csrf
    )

    assert response.status_code == 201
    assert Contact.objects.get(owner=alice).name == "Dana Reyes"


def test_openapi_schema_lists_every_path_and_both_auth_schemes(db: Any) -> None:
    response = Client().get("/api/v1/openapi.json")

    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["info"]["title"] == "Coffeechat API"
    assert set(schema["paths"]) == {
        "/api/v1/contacts",
        "/api/v1/contacts/{contact_id}",
        "/api/v1/organizations",
        "/api/v1/organizations/{organization_id}",
        "/api/v1/imports",
        "/api/v1/imports/{import_id}",
        "/api/v1/imports/{import_id}/preview",
        "/api/v1/imports/{import_id}/apply",
        "/api/v1/imports/{import_id}/undo",
        "/api/v1/exports/{export_format}",
        "/api/v1/exports/restore",
        "/api/v1/calendars",
        "/api/v1/calendars/{calendar_id}",
        "/api/v1/calendars/{calendar_id}/refresh",
        "/api/v1/busy",
        "/api/v1/slots",
        "/api/v1/availability",
        "/api/v1/contacts/{contact_id}/drafts",
        "/api/v1/contacts/{contact_id}/replies",
        "/api/v1/messages/{message_id}",
        "/api/v1/messages/{message_id}/sent",
        "/api/v1/messages/{message_id}/times",
        "/api/v1/outreach/queue",
        "/api/v1/meetings",
        "/api/v1/meetings/{meeting_id}",
        "/api/v1/meetings/{meeting_id}/ics",
        "/api/v1/meetings/{meeting_id}/prep",
        "/api/v1/meetings/{meeting_id}/plan",
        "/api/v1/meetings/{meeting_id}/start",
        "/api/v1/meetings/{meeting_id}/finish",
        "/api/v1/meetings/{meeting_id}/notes",
        "/api/v1/meetings/{meeting_id}/referrals",
        "/api/v1/plan/{item_id}",
        "/api/v1/notes/{note_id}",
        "/api/v1/questions",
        "/api/v1/questions/{question_id}",
        "/api/v1/contacts/{contact_id}/research",
        "/api/v1/contacts/{contact_id}/research/links",
        "/api/v1/research/links/{link_id}",
        "/api/v1/today",
        "/api/v1/reminders",
        "/api/v1/reminders/{rule}/{key}",
        "/api/v1/reminders/{rule}/{key}/snooze",
        "/api/v1/reminders/{rule}/{key}/dismiss",
        "/api/v1/reminders/{rule}/{key}/restore",
        "/api/v1/reminders/{rule}/{key}/draft",
        "/api/v1/follow-up-settings",
        "/api/v1/follow-up-settings/feed",
    }
    assert set(schema["paths"]["/api/v1/contacts/{contact_id}"]) == {"get", "patch", "delete"}
    assert set(schema["paths"]["/api/v1/meetings/{meeting_id}/plan"]) == {"get", "put", "post"}
    assert set(schema["paths"]["/api/v1/follow-up-settings"]) == {"get", "patch"}
    assert set(schema["paths"]["/api/v1/follow-up-settings/feed"]) == {"post", "delete"}
    ics = schema["paths"]["/api/v1/meetings/{meeting_id}/ics"]["get"]["responses"]["200"]
    assert set(ics["content"]) == {"text/calendar"}
    schemes = schema["components"]["securitySchemes"]
    assert {s["type"] for s in schemes.values()} == {"http", "apiKey"}


def test_openapi_schema_hides_owner_and_integer_ids(db: Any) -> None:
    schema = Client().get("/api/v1/openapi.json").json()

    components = schema["components"]["schemas"]
    for name in ("ContactOut", "ContactIn", "OrganizationOut", "OrganizationIn"):
        assert "owner" not in components[name]["properties"]
        assert "pk" not in components[name]["properties"]
    assert components["ContactIn"]["additionalProperties"] is False


def test_docs_page_is_served(db: Any) -> None:
    response = Client().get("/api/v1/docs")

    assert response.status_code == 200
    assert b"swagger" in response.content.lower()


def test_openapi_schema_documents_throttling_and_too_large_bodies(db: Any) -> None:
    schema = Client().get("/api/v1/openapi.json").json()

    message = {"$ref": "#/components/schemas/Message"}
    with_body = 0
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            assert responses["429"]["content"]["application/json"]["schema"] == message, (
                method,
                path,
            )
            if "requestBody" in operation:
                with_body += 1
                assert responses["413"]["content"]["application/json"]["schema"] == message
            else:
                assert "413" not in responses, (method, path)
    assert with_body >= 20


def test_a_body_over_the_limit_is_a_documented_413_and_changes_nothing(
    alice: Any, alice_key: str
) -> None:
    huge = json.dumps({"name": "Dana Reyes", "notes": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE)})
    response = token_client(alice_key).post(
        "/api/v1/contacts", huge, content_type="application/json"
    )

    assert response.status_code == 413
    assert response.json() == {"detail": "The request body is too large."}
    assert not Contact.objects.filter(owner=alice).exists()
