"""Text helpers shared by search, sorting and imports."""

from __future__ import annotations

import re
import unicodedata

_SPACE = re.compile(r"\s+")


def fold(value: str) -> str:
    """Lower-case, accent-free, single-spaced text for searching and sorting.

    "Élodie  Núñez" -> "elodie nunez"; CJK and emoji are kept as they are.
    """
    decomposed = unicodedata.normalize("NFKD", value)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACE.sub(" ", stripped.casefold()).strip()


def squeeze(value: str) -> str:
    """Trim and collapse runs of white space (what a person typed, tidied)."""
    return _SPACE.sub(" ", value).strip()
