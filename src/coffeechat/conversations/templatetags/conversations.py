"""`{% contact_meetings contact %}`: a person's meetings and research, for their contact page.

A tag rather than view code so that `network` (to the left of `conversations`) does not import
from this app: its template loads the tag by name.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from coffeechat.conversations import selectors
from coffeechat.network.models import Contact

register = template.Library()


@register.inclusion_tag("conversations/includes/contact_meetings.html", takes_context=True)
def contact_meetings(context: template.Context, contact: Contact) -> dict[str, Any]:
    upcoming, past = selectors.contact_meetings(context["request"].user, contact, timezone.now())
    return {
        "contact": contact,
        "upcoming": upcoming,
        "past": past,
        "research": selectors.research_for(contact),
    }
