"""Sending through the composer: by email over a real SMTP server on loopback, or logged
after the student sent it themselves; follow-ups stay in the same thread."""

from __future__ import annotations

import datetime as dt

import pytest

from coffeechat.outreach import services
from coffeechat.outreach.models import Kind, Message
from tests.factories import make_contact


@pytest.fixture
def dana(alice):
    alice.email = "alice@school.example"
    alice.save()
    return make_contact(
        alice, "Dana Reyes", email="dana@acme.example", organization_name="Acme Health"
    )


def test_send_by_email_then_a_nudge_in_the_same_thread(alice, alice_client, dana, smtp_server):
    request = services.message_draft(owner=alice, contact=dana)
    response = alice_client.post(f"/messages/{request.uuid}/send/")
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.channel == "smtp" and request.sent_at is not None
    first = smtp_server.messages[0]
    assert first["To"] == "dana@acme.example"
    assert first["From"] == "Alice Student <alice@school.example>"
    assert first["Subject"] == request.subject
    assert first["Message-ID"] == request.message_id
    assert first.get_content().replace("\r\n", "\n").rstrip("\n") == request.body
    assert smtp_server.envelopes[0].rcpt_tos == ["dana@acme.example"]

    nudge = services.message_draft(owner=alice, contact=dana, kind=Kind.NUDGE)
    alice_client.post(f"/messages/{nudge.uuid}/send/")
    second = smtp_server.messages[1]
    assert second["In-Reply-To"] == request.message_id
    assert request.message_id in second["References"]
    assert second["Subject"] == f"Re: {request.subject}"
    assert second["Message-ID"] != first["Message-ID"]


def test_a_refused_recipient_is_explained_and_nothing_is_logged(
    alice, alice_client, dana, refusing_smtp_server
):
    request = services.message_draft(owner=alice, contact=dana)
    response = alice_client.post(f"/messages/{request.uuid}/send/", follow=True)
    assert "refused" in response.text
    request.refresh_from_db()
    assert request.sent_at is None and request.channel == ""


def test_without_a_mail_server_the_page_offers_copy_and_mail_app_only(
    alice, alice_client, dana, settings
):
    settings.EMAIL_HOST = ""
    request = services.message_draft(owner=alice, contact=dana)
    page = alice_client.get(f"/messages/{request.uuid}/")
    assert "Send by email" not in page.text
    assert "Open in my email app" in page.text
    assert 'href="mailto:dana@acme.example?subject=' in page.text
    response = alice_client.post(f"/messages/{request.uuid}/send/", follow=True)
    assert "not set up" in response.text
    request.refresh_from_db()
    assert request.sent_at is None


@pytest.mark.parametrize("channel", ["copy", "mailto", "linkedin"])
def test_marking_sent_logs_the_date_and_channel(alice, alice_client, dana, channel):
    request = services.message_draft(owner=alice, contact=dana)
    before = dt.datetime.now(dt.UTC)
    response = alice_client.post(f"/messages/{request.uuid}/sent/", {"channel": channel})
    assert response.status_code == 302
    assert response["Location"] == f"/contacts/{dana.uuid}/outreach/"
    request.refresh_from_db()
    assert request.channel == channel
    assert request.sent_at is not None and request.sent_at >= before
    page = alice_client.get(f"/contacts/{dana.uuid}/outreach/")
    assert "sent" in page.text and request.get_channel_display() in page.text


def test_marking_sent_by_smtp_through_the_log_form_is_refused(alice, alice_client, dana):
    request = services.message_draft(owner=alice, contact=dana)
    alice_client.post(f"/messages/{request.uuid}/sent/", {"channel": "smtp"})
    alice_client.post(f"/messages/{request.uuid}/sent/", {"channel": "pigeon"})
    assert Message.objects.get(pk=request.pk).sent_at is None


def test_sending_by_email_needs_both_addresses(alice, alice_client, dana, smtp_server):
    nameless = make_contact(alice, "No Address", organization_name="Acme Health")
    draft = services.message_draft(owner=alice, contact=nameless)
    response = alice_client.post(f"/messages/{draft.uuid}/send/", follow=True)
    assert "Add an email address for No Address first." in response.text
    alice.email = ""
    alice.save()
    draft = services.message_draft(owner=alice, contact=dana)
    response = alice_client.post(f"/messages/{draft.uuid}/send/", follow=True)
    assert "Add your own email address" in response.text
    assert smtp_server.envelopes == []
    assert not Message.objects.filter(sent_at__isnull=False).exists()
