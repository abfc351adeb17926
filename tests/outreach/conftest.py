"""A real SMTP server on loopback (aiosmtpd) that Django's SMTP backend sends to."""

from __future__ import annotations

import contextlib
import email
import email.message
import email.policy
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, Session


class Inbox:
    """Keeps every message the server accepts."""

    def __init__(self) -> None:
        self.envelopes: list[Envelope] = []

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


class RefusingInbox(Inbox):
    """Refuses every recipient, as a server does for an address it does not know."""

    async def handle_RCPT(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        return "550 5.1.1 No such user here"


@dataclass
class SMTPServer:
    host: str
    port: int
    inbox: Inbox
    logins: list[tuple[str, str]] = field(default_factory=list)

    @property
    def envelopes(self) -> list[Envelope]:
        return self.inbox.envelopes

    @property
    def messages(self) -> list[email.message.EmailMessage]:
        return [parsed(envelope) for envelope in self.envelopes]


def parsed(envelope: Envelope) -> email.message.EmailMessage:
    assert isinstance(envelope.content, bytes)  # aiosmtpd keeps raw bytes by default
    message = email.message_from_bytes(envelope.content, policy=email.policy.default)
    assert isinstance(message, email.message.EmailMessage)
    return message


def free_port() -> int:
    """A loopback port nothing listens on (just now: another process could take it)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def running(inbox: Inbox, settings: Any, **smtp_options: Any) -> Iterator[SMTPServer]:
    server = SMTPServer(host="127.0.0.1", port=free_port(), inbox=inbox)
    controller = Controller(inbox, hostname=server.host, port=server.port, **smtp_options)
    controller.start()
    # pytest-django swaps in the in-memory backend for tests; these go over the wire.
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = server.host
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    try:
        yield server
    finally:
        controller.stop()


@pytest.fixture
def smtp_server(settings: Any) -> Iterator[SMTPServer]:
    with running(Inbox(), settings) as server:
        yield server


@pytest.fixture
def refusing_smtp_server(settings: Any) -> Iterator[SMTPServer]:
    with running(RefusingInbox(), settings) as server:
        yield server


@pytest.fixture
def password_smtp_server(settings: Any) -> Iterator[SMTPServer]:
    """Asks for a sign-in and accepts only coffee / beans (AUTH over plain text on loopback)."""
    logins: list[tuple[str, str]] = []

    def authenticator(
        server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        login = (data.login.decode(), data.password.decode())
        logins.append(login)
        return AuthResult(success=login == ("coffee", "beans"), handled=False)

    with running(
        Inbox(),
        settings,
        authenticator=authenticator,
        auth_require_tls=False,
    ) as server:
        server.logins = logins
        yield server
