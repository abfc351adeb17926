"""Template filters for links made from stored addresses (loaded as a template builtin).

The models only take http(s) addresses (lib/validators.py), but a link is the last place
to stop a `javascript:` or `data:` address that reached the database another way (an old
row, a bug, an edited backup): `{{ contact.linkedin_url|web_address }}` in an href gives the
address only when it is a web address, and nothing otherwise.
"""

from __future__ import annotations

import re

from django import template

register = template.Library()

WEB_ADDRESS = re.compile(r"https?://[^\s/?#]", re.IGNORECASE)


@register.filter
def web_address(value: object) -> str:
    """The value when it starts with http:// or https:// and a host, else an empty string."""
    text = "" if value is None else str(value)
    return text if WEB_ADDRESS.match(text) else ""
