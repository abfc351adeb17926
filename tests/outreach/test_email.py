"""Email out: mailto: links, Message-IDs, and sending to a real SMTP server on loopback."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from coffeechat.lib.email import (
    EmailError,
    mailto_url,
    message_id_new,
    send_email,
    smtp_configured,
)
from tests.outreach.conftest import free_port

SUBJECT = "Café chat? 20 min & a question #1 = yes + more 🎉"
BODY = "Hi Zoë,\n\nWould 10–10:20 work? A+B=C & 50% ?x#y\nThanks ☕\n— Sam"


def mailto_parts(url: str) -> tuple[str, dict[str, list[str]]]:
    parts = urlsplit(url)
    assert parts.scheme == "mailto"
    assert parts.fragment == ""  # a "#" in the text must not start a fragment
    return unquote(parts.path), parse_qs(parts.query, keep_blank_values=True, strict_parsing=True)


def send(**overrides: Any) -> None:
    fields: dict[str, Any] = {
        "sender_name": "Zoë Student",
        "sender_email": "zoe@student.example.edu",
        "to": "jane.doe@example.org",
        "subject": "Informational interview — 20 minutes?",
        "body": "Hello Jane,\n\nCould we talk for 20 minutes?\n\nZoë",
        "message_id": "<first.1@coffeechat.local>",
    }
    fields.update(overrides)
    send_email(**fields)


def on_the_wire(body: str) -> str:
    """The body as SMTP carries it (and the parser leaves it): CRLF line ends, one at the end."""
    return body.replace("\n", "\r\n") + "\r\n"


# mailto: --------------------------------------------------------------------------------


def test_mailto_subject_and_body_come_back_exactly():
    url = mailto_url(to="jane.doe@example.org", subject=SUBJECT, body=BODY)

    to, fields = mailto_parts(url)

    assert to == "jane.doe@example.org"
    assert fields == {"subject": [SUBJECT], "body": [BODY.replace("\n", "\r\n")]}


def test_mailto_encodes_spaces_as_percent_20_and_line_breaks_as_crlf():
    url = mailto_url(to="a@example.org", subject="a b+c", body="one\ntwo\r\nthree\rfour")

    assert url == ("mailto:a@example.org?subject=a%20b%2Bc&body=one%0D%0Atwo%0D%0Athree%0D%0Afour")


def test_mailto_percent_encodes_utf8_and_reserved_characters():
    url = mailto_url(to="a@example.org", subject="é&?#=", body="")

    assert url == "mailto:a@example.org?subject=%C3%A9%26%3F%23%3D"
    assert url.isascii()


def test_mailto_encodes_address_characters_a_url_reserves():
    url = mailto_url(to="jane+coffee&tea@example.org", subject="Hi", body="")

    assert url.startswith("mailto:jane%2Bcoffee%26tea@example.org?")
    assert mailto_parts(url)[0] == "jane+coffee&tea@example.org"


def test_mailto_without_an_address_or_body():
    assert mailto_url(to="", subject="Hello there", body="") == "mailto:?subject=Hello%20there"
    assert mailto_url(to="a@example.org", subject="", body="") == "mailto:a@example.org"


def test_mailto_subject_line_breaks_become_spaces():
    url = mailto_url(to="a@example.org", subject="one\ntwo", body="")

    assert mailto_parts(url)[1] == {"subject": ["one two"]}


# Message-ID -----------------------------------------------------------------------------


def test_message_ids_are_unique_and_bracketed_on_the_installation_domain():
    ids = {message_id_new() for _ in range(500)}

    assert len(ids) == 500
    assert all(re.fullmatch(r"<[^<>@\s]+@coffeechat\.local>", i) for i in ids)


def test_message_id_domain_comes_from_settings_or_the_caller(settings):
    settings.COFFEECHAT_EMAIL_DOMAIN = "mail.career.example.edu"

    assert message_id_new().endswith("@mail.career.example.edu>")
    assert message_id_new("example.net").endswith("@example.net>")


# Sending --------------------------------------------------------------------------------


def test_smtp_is_configured_only_with_a_host(settings):
    settings.EMAIL_HOST = ""
    assert not smtp_configured()
    with pytest.raises(EmailError, match="COFFEECHAT_SMTP_HOST"):
        send()

    settings.EMAIL_HOST = "smtp.example.org"
    assert smtp_configured()


def test_sent_email_arrives_with_its_headers_and_body(smtp_server):
    body = "Hello Jane,\n\nCould we talk for 20 minutes? Café at 10–10:20 🎉\n\nZoë"
    send(subject="Entretien d’information — 20 min ☕", body=body, reply_to="zoe@home.example")

    [envelope] = smtp_server.envelopes
    assert envelope.mail_from == "zoe@student.example.edu"
    assert envelope.rcpt_tos == ["jane.doe@example.org"]
    [message] = smtp_server.messages
    [sender] = message["From"].addresses
    assert (sender.display_name, sender.addr_spec) == ("Zoë Student", "zoe@student.example.edu")
    assert message["To"] == "jane.doe@example.org"
    assert message["Reply-To"] == "zoe@home.example"
    assert message["Subject"] == "Entretien d’information — 20 min ☕"
    assert message["Message-ID"] == "<first.1@coffeechat.local>"
    assert "In-Reply-To" not in message
    assert "References" not in message
    assert message.get_content_type() == "text/plain"
    assert message.get_content_charset() == "utf-8"
    assert message.get_content() == on_the_wire(body)
    assert message["Date"]


def test_a_name_with_a_comma_stays_one_sender(smtp_server):
    send(sender_name="Student, Zoë")

    [sender] = smtp_server.messages[0]["From"].addresses
    assert (sender.display_name, sender.addr_spec) == ("Student, Zoë", "zoe@student.example.edu")


def test_follow_up_threads_with_in_reply_to_and_references(smtp_server):
    send(
        message_id="<third.3@coffeechat.local>",
        in_reply_to="<second.2@mail.example.org>",
        references=["<first.1@coffeechat.local>", "<second.2@mail.example.org>"],
    )

    [message] = smtp_server.messages
    assert message["Message-ID"] == "<third.3@coffeechat.local>"
    assert message["In-Reply-To"] == "<second.2@mail.example.org>"
    assert message["References"].split() == [
        "<first.1@coffeechat.local>",
        "<second.2@mail.example.org>",
    ]


def test_in_reply_to_alone_also_becomes_references(smtp_server):
    send(message_id="<b@coffeechat.local>", in_reply_to="<a@coffeechat.local>")

    [message] = smtp_server.messages
    assert message["References"] == "<a@coffeechat.local>"


def test_a_long_non_ascii_body_arrives_intact(smtp_server):
    body = "\n".join(f"Ligne {n}: déjà vu, naïve café — ☕ " + "é" * 200 for n in range(30))

    send(body=body)

    assert smtp_server.messages[0].get_content() == on_the_wire(body)


# Refused before sending -----------------------------------------------------------------


@pytest.mark.parametrize(
    "overrides",
    [
        {"subject": "Hello\r\nBcc: everyone@example.org"},
        {"subject": "Hello\nBcc: everyone@example.org"},
        {"sender_name": "Zoë\r\nBcc: everyone@example.org"},
        {"to": "jane@example.org\r\nBcc: everyone@example.org"},
        {"sender_email": "zoe@example.edu\nBcc: everyone@example.org"},
        {"reply_to": "zoe@example.edu\rBcc: everyone@example.org"},
        {"message_id": "<a@b>\r\nBcc: everyone@example.org"},
        {"in_reply_to": "<a@b>\nBcc: everyone@example.org"},
        {"references": ["<a@b>", "<c@d>\r\nBcc: everyone@example.org"]},
    ],
)
def test_line_breaks_in_headers_are_refused(smtp_server, overrides):
    with pytest.raises(EmailError):
        send(**overrides)

    assert smtp_server.envelopes == []


@pytest.mark.parametrize("to", ["", "jane", "jane@", "jane doe@example.org", "<jane@example.org>"])
def test_recipient_must_be_an_email_address(smtp_server, to):
    with pytest.raises(EmailError, match="not an email address"):
        send(to=to)

    assert smtp_server.envelopes == []


def test_message_id_must_be_bracketed(smtp_server):
    with pytest.raises(EmailError, match="not a Message-ID"):
        send(message_id="first@coffeechat.local")


# Server trouble -------------------------------------------------------------------------


def test_closed_port_names_the_server(settings):
    port = free_port()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False

    with pytest.raises(EmailError) as caught:
        send()

    assert str(caught.value) == (
        f"Could not reach the mail server at 127.0.0.1:{port}: Connection refused."
    )


def test_refused_recipient_is_named_with_the_servers_reason(refusing_smtp_server):
    with pytest.raises(EmailError) as caught:
        send(to="nobody@example.org")

    assert str(caught.value) == (
        "The mail server refused the recipient nobody@example.org: 550 5.1.1 No such user here"
    )
    assert refusing_smtp_server.envelopes == []


def test_wrong_password_points_at_the_settings(password_smtp_server, settings):
    settings.EMAIL_HOST_USER = "coffee"
    settings.EMAIL_HOST_PASSWORD = "decaf"

    with pytest.raises(EmailError, match=r"Sign-in .* failed: check COFFEECHAT_SMTP_USER/PASSWORD"):
        send()

    # smtplib tries each mechanism the server offers (PLAIN, then LOGIN) before giving up.
    assert set(password_smtp_server.logins) == {("coffee", "decaf")}
    assert password_smtp_server.envelopes == []


def test_right_password_sends(password_smtp_server, settings):
    settings.EMAIL_HOST_USER = "coffee"
    settings.EMAIL_HOST_PASSWORD = "beans"

    send()

    assert len(password_smtp_server.messages) == 1


def test_starttls_against_a_server_without_it_points_at_the_settings(smtp_server, settings):
    settings.EMAIL_USE_TLS = True

    with pytest.raises(EmailError, match=r"STARTTLS.*COFFEECHAT_SMTP_TLS"):
        send()

    assert smtp_server.envelopes == []
