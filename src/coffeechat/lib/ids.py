"""Public ids in URLs and the API are UUIDs; anything else is simply not found."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import Http404


def uuid_or_404(value: Any, what: str) -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except (ValueError, TypeError, AttributeError):
        raise Http404(f"No such {what}.") from None
