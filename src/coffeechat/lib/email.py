"""Email out: `mailto:` links for the student's own mail app, and SMTP for installations
that set COFFEECHAT_SMTP_HOST (see the Email block of settings.py).

`send_email` turns every mail-server failure into `EmailError`, whose message is meant to
be shown to the student as it is.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Sequence
from email.utils import formataddr, make_msgid
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.core.validators import validate_email

# RFC 6068 lets an address keep "@" and "," (between addresses) as they are; percent-encoding
# everything else ("+", "?", "#", "&", ";", "=", "%"…) is always allowed, and spares
# mail apps that would read a "+" as a space.
_ADDRESS_SAFE = "@,"


class EmailError(Exception):
    """Sending failed; the message says why in words a student can act on."""


def mailto_url(*, to: str, subject: str, body: str) -> str:
    """A `mailto:` link (RFC 6068) that opens a draft in the student's mail app.

    Spaces are %20 (never "+", which mail apps keep as a plus), line breaks in the body
    are CRLF (%0D%0A) as the RFC asks, and a line break in the subject becomes a space.
    Empty fields are left out; `to` may be empty.
    """
    url = "mailto:" + quote(to.strip(), safe=_ADDRESS_SAFE)
    fields = []
    subject = " ".join(subject.splitlines())
    if subject:
        fields.append("subject=" + quote(subject, safe=""))
    if body:
        fields.append("body=" + quote(_crlf(body), safe=""))
    if fields:
        url += "?" + "&".join(fields)
    return url


def _crlf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\r\n")


def message_id_new(domain: str | None = None) -> str:
    """A new RFC 5322 Message-ID, angle brackets included: "<…@coffeechat.local>"."""
    # An explicit domain: make_msgid would otherwise look up this host's name in DNS.
    return make_msgid(domain=domain or settings.COFFEECHAT_EMAIL_DOMAIN)


def smtp_configured() -> bool:
    return bool(settings.EMAIL_HOST)


def send_email(
    *,
    sender_name: str,
    sender_email: str,
    to: str,
    subject: str,
    body: str,
    message_id: str,
    in_reply_to: str = "",
    references: Sequence[str] = (),
    reply_to: str = "",
) -> None:
    """Send one plain-text email through the installation's SMTP server.

    `references` is the thread so far (oldest first); when it is empty but `in_reply_to`
    is set, References is just `in_reply_to`, which is what mail apps thread on.
    Raises EmailError for a bad address or header, or when the server cannot be reached
    or refuses the message.
    """
    if not smtp_configured():
        raise EmailError(
            "Sending email is not set up on this installation (COFFEECHAT_SMTP_HOST is "
            "empty). Copy the message or open it in your mail app instead."
        )
    sender_email, to, reply_to = sender_email.strip(), to.strip(), reply_to.strip()
    _check_address(to, "recipient")
    _check_address(sender_email, "sender")
    if reply_to:
        _check_address(reply_to, "reply-to")
    _check_one_line(sender_name, "sender's name")
    _check_one_line(subject, "subject")
    headers = {"Message-ID": _check_message_id(message_id)}
    if in_reply_to:
        headers["In-Reply-To"] = _check_message_id(in_reply_to)
    chain = [_check_message_id(ref) for ref in references] or (
        [headers["In-Reply-To"]] if in_reply_to else []
    )
    if chain:
        headers["References"] = " ".join(chain)

    server = _server_name()
    try:
        connection = get_connection(fail_silently=False, timeout=settings.EMAIL_TIMEOUT)
        message = EmailMessage(
            subject=subject,
            body=body,
            from_email=formataddr((sender_name.strip(), sender_email)),
            to=[to],
            reply_to=[reply_to] if reply_to else None,
            headers=headers,
            connection=connection,
        )
        message.encoding = "utf-8"
        message.send(fail_silently=False)
    except ssl.SSLError as exc:  # first: a failed certificate check is a ValueError too
        raise EmailError(
            f"Could not make a secure connection to the mail server at {server}: "
            f"{exc.reason or exc}. Check COFFEECHAT_SMTP_PORT, COFFEECHAT_SMTP_TLS and "
            "COFFEECHAT_SMTP_SSL."
        ) from exc
    except ValueError as exc:
        # Django refuses (BadHeaderError is a ValueError) what it cannot encode, such as
        # accents before the "@".
        raise EmailError(f"This email could not be prepared for sending: {exc}") from exc
    except smtplib.SMTPAuthenticationError as exc:
        raise EmailError(
            f"Sign-in to the mail server at {server} failed: check "
            f"COFFEECHAT_SMTP_USER/PASSWORD ({_reply(exc.smtp_code, exc.smtp_error)})."
        ) from exc
    except smtplib.SMTPRecipientsRefused as exc:
        refused = "; ".join(
            f"{address}: {_reply(code, text)}" for address, (code, text) in exc.recipients.items()
        )
        raise EmailError(f"The mail server refused the recipient {refused}") from exc
    except smtplib.SMTPSenderRefused as exc:
        raise EmailError(
            f"The mail server refused the sender {exc.sender}: "
            f"{_reply(exc.smtp_code, exc.smtp_error)}"
        ) from exc
    except smtplib.SMTPDataError as exc:
        raise EmailError(
            f"The mail server refused the message: {_reply(exc.smtp_code, exc.smtp_error)}"
        ) from exc
    except smtplib.SMTPNotSupportedError as exc:
        raise EmailError(
            f"The mail server at {server} cannot do what this installation asks: "
            f"{str(exc).rstrip('.')}. Check COFFEECHAT_SMTP_TLS and COFFEECHAT_SMTP_SSL."
        ) from exc
    except smtplib.SMTPConnectError as exc:
        raise EmailError(
            f"Could not reach the mail server at {server}: {_reply(exc.smtp_code, exc.smtp_error)}"
        ) from exc
    except smtplib.SMTPResponseException as exc:
        raise EmailError(
            f"The mail server at {server} answered with an error: "
            f"{_reply(exc.smtp_code, exc.smtp_error)}"
        ) from exc
    except smtplib.SMTPServerDisconnected as exc:
        raise EmailError(
            f"Could not reach the mail server at {server}: it closed the connection "
            "(check COFFEECHAT_SMTP_PORT, COFFEECHAT_SMTP_TLS and COFFEECHAT_SMTP_SSL)."
        ) from exc
    except smtplib.SMTPException as exc:
        raise EmailError(f"The mail server at {server} answered with an error: {exc}") from exc
    except OSError as exc:  # refused, unreachable, unknown host, timed out
        raise EmailError(f"Could not reach the mail server at {server}: {_os_reason(exc)}") from exc


def _check_address(address: str, role: str) -> None:
    try:
        validate_email(address)
    except ValidationError:
        shown = address[:100] or "(empty)"
        raise EmailError(f"The {role} address “{shown}” is not an email address.") from None


def _check_one_line(text: str, what: str) -> None:
    # A line break would let the text add headers of its own (header injection).
    if "\r" in text or "\n" in text:
        raise EmailError(f"The {what} must be a single line.")


def _check_message_id(value: str) -> str:
    value = value.strip()
    if not (value.startswith("<") and value.endswith(">") and "@" in value):
        raise EmailError(f"“{value[:100]}” is not a Message-ID such as <id@example.org>.")
    if any(ch.isspace() for ch in value):
        raise EmailError("A Message-ID cannot contain spaces or line breaks.")
    return value


def _server_name() -> str:
    host = settings.EMAIL_HOST
    return f"[{host}]:{settings.EMAIL_PORT}" if ":" in host else f"{host}:{settings.EMAIL_PORT}"


def _reply(code: int, text: bytes | str) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{code} {text}".strip()


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, TimeoutError):
        return f"no answer after {settings.EMAIL_TIMEOUT} seconds."
    return f"{exc.strerror or str(exc) or type(exc).__name__}."
