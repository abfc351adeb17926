"""Password reset by email, end to end through a real SMTP server on loopback, and
`coffeechat user set-password` for installations that send no email."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from typer.testing import CliRunner

from coffeechat.cli import app
from tests.factories import PASSWORD, make_user
from tests.outreach.conftest import Inbox, SMTPServer, running

NEW = "brand-new-Passphrase-31"
SENT_PAGE = "If an account has that address"


@pytest.fixture
def smtp(settings: Any) -> Iterator[SMTPServer]:
    with running(Inbox(), settings) as server:
        yield server


def request_reset(client: Client, address: str, **extra: Any) -> Any:
    return client.post(reverse("password_reset"), {"email": address}, **extra)


def link_in(server: SMTPServer) -> str:
    """The reset link of the only email the server received."""
    [message] = server.messages
    body = message.get_content()
    match = re.search(r"(http\S+/account/password/reset/\S+/)\s", body)
    assert match, body
    return match.group(1)


def sign_in(client: Client, password: str, username: str = "sam") -> int:
    response = client.post(reverse("login"), {"username": username, "password": password})
    return int(response.status_code)


def choose_password(client: Client, link: str, password: str = NEW) -> Any:
    form_page = client.get(urlsplit(link).path, follow=True)
    assert "Choose a new password" in form_page.text
    return client.post(
        form_page.redirect_chain[-1][0], {"new_password1": password, "new_password2": password}
    )


def test_forgotten_password_by_email_end_to_end(smtp, db):
    make_user("sam")
    client = Client()
    assert 'href="/account/password/reset/"' in client.get(reverse("login")).text
    response = request_reset(client, "SAM@example.edu")  # any case finds the account
    assert response.status_code == 302
    assert SENT_PAGE in client.get(response["Location"]).text

    [message] = smtp.messages
    assert message["To"] == "sam@example.edu"
    assert message["Subject"] == "Choose a new Coffeechat password"
    link = link_in(smtp)
    assert link.startswith("http://127.0.0.1:8000/account/password/reset/")  # BASE_URL

    done = choose_password(client, link)
    assert done.status_code == 302
    assert done["Location"] == reverse("password_reset_complete")
    assert sign_in(Client(), NEW) == 302
    assert sign_in(Client(), PASSWORD) == 200  # the old one no longer works
    # The link works once.
    again = Client().get(urlsplit(link).path, follow=True)
    assert "This link does not work" in again.text


def test_an_unknown_address_gets_the_same_answer_and_no_email(smtp, db):
    make_user("sam")
    known = request_reset(Client(), "sam@example.edu")
    unknown = request_reset(Client(), "nobody@example.edu")
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert len(smtp.messages) == 1


def test_a_reset_signs_out_every_session(smtp, db):
    make_user("sam")
    elsewhere = Client()
    assert sign_in(elsewhere, PASSWORD) == 302
    request_reset(Client(), "sam@example.edu")
    choose_password(Client(), link_in(smtp))
    response = elsewhere.get(reverse("contact_list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_reset_lifts_the_sign_in_cool_off(smtp, db):
    make_user("sam")
    client = Client()
    for _ in range(5):
        sign_in(client, "wrong")
    assert sign_in(client, PASSWORD) == 429
    request_reset(client, "sam@example.edu")
    choose_password(client, link_in(smtp))
    assert sign_in(Client(), NEW) == 302


def test_the_link_is_built_on_base_url_not_the_host_header(smtp, db, settings):
    settings.ALLOWED_HOSTS = ["*"]
    make_user("sam")
    request_reset(Client(), "sam@example.edu", HTTP_HOST="evil.example")
    assert link_in(smtp).startswith("http://127.0.0.1:8000/")


def test_a_forged_link_changes_nothing(smtp, db):
    make_user("sam")
    request_reset(Client(), "sam@example.edu")
    path = urlsplit(link_in(smtp)).path
    forged = re.sub(r"/[^/]+/$", "/abc-0123456789abcdef0123456789abcdef/", path)
    page = Client().get(forged, follow=True)
    assert "This link does not work" in page.text
    assert sign_in(Client(), PASSWORD) == 302


def test_requests_are_throttled_per_address_whether_or_not_it_exists(smtp, db):
    make_user("sam")
    for address in ["sam@example.edu", "nobody@example.edu"]:
        client = Client()
        for _ in range(3):
            assert request_reset(client, address).status_code == 302
        response = request_reset(client, address)
        assert response.status_code == 429
        assert "Too many attempts: try again in 15 minutes." in response.text
    assert len(smtp.messages) == 3


def test_requests_are_throttled_per_ip(smtp, db, settings):
    settings.COFFEECHAT_RESET_LIMIT_IP = 2
    client = Client()
    for n in range(2):
        response = request_reset(client, f"a{n}@example.edu", REMOTE_ADDR="192.0.2.4")
        assert response.status_code == 302
    response = request_reset(client, "a9@example.edu", REMOTE_ADDR="192.0.2.4")
    assert response.status_code == 429
    assert request_reset(client, "a9@example.edu", REMOTE_ADDR="192.0.2.5").status_code == 302


def test_without_email_the_page_says_whom_to_ask(db, settings, mailoutbox):
    settings.EMAIL_HOST = ""
    make_user("sam")
    page = Client().get(reverse("password_reset"))
    assert "does not send email" in page.text
    assert "coffeechat user set-password" in page.text
    assert 'name="email"' not in page.text
    posted = request_reset(Client(), "sam@example.edu")
    assert posted.status_code == 200 and "does not send email" in posted.text
    assert mailoutbox == []


def test_a_failing_mail_server_gives_the_same_answer(db, settings):
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    settings.EMAIL_USE_TLS = False
    make_user("sam")
    response = request_reset(Client(), "sam@example.edu")
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")


# The operator's way ----------------------------------------------------------------------


def test_set_password_from_the_command_line(db):
    make_user("sam")
    elsewhere = Client()
    assert sign_in(elsewhere, PASSWORD) == 302
    result = CliRunner().invoke(
        app, ["user", "set-password", "sam", "--password-stdin"], input=NEW + "\n"
    )
    assert result.exit_code == 0, result.output
    assert "signed out everywhere" in result.stdout
    assert sign_in(Client(), NEW) == 302
    assert sign_in(Client(), PASSWORD) == 200
    assert elsewhere.get(reverse("contact_list")).status_code == 302


def test_set_password_refuses_a_weak_one_and_changes_nothing(db):
    make_user("sam")
    result = CliRunner().invoke(
        app, ["user", "set-password", "sam", "--password-stdin"], input="12345\n"
    )
    assert result.exit_code == 1
    assert "too short" in result.stderr
    assert sign_in(Client(), PASSWORD) == 302


def test_set_password_for_nobody_fails(db):
    result = CliRunner().invoke(
        app, ["user", "set-password", "ghost", "--password-stdin"], input=NEW + "\n"
    )
    assert result.exit_code != 0
