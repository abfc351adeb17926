from __future__ import annotations

import uuid
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from coffeechat.interchange.models import ImportRun


def import_run_get_for_user(user: Any, run_id: Any) -> ImportRun:
    """The user's import; anyone else's (or a malformed id) is a 404."""
    try:
        key = uuid.UUID(str(run_id))
    except ValueError:
        raise Http404("No such import.") from None
    run = ImportRun.objects.filter(owner=user, uuid=key).defer("content").first()
    if run is None:
        raise Http404("No such import.")
    return run


def import_runs_recent(user: Any, limit: int = 10) -> QuerySet[ImportRun]:
    return ImportRun.objects.filter(owner=user).defer("content", "report")[:limit]
