"""Text helpers shared by search, sorting and imports."""

from __future__ import annotations

import re
import unicodedata

_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"\w+")
# Left out of a name's words: "Dr. Jane Doe, PhD" is Jane Doe.
HONORIFICS = frozenset(
    {"dr", "mr", "mrs", "ms", "mx", "prof", "phd", "md", "mba", "jr", "sr", "ii", "iii", "iv"}
    | {"cpa", "esq", "pe", "rn", "pmp", "msc", "bsc"}
)


def fold(value: str) -> str:
    """Lower-case, accent-free, single-spaced text for searching and sorting.

    "Élodie  Núñez" -> "elodie nunez"; CJK and emoji are kept as they are.
    """
    if value.isascii():  # most text: no accents to strip, and casefold() is lower()
        return _SPACE.sub(" ", value.lower()).strip()
    decomposed = unicodedata.normalize("NFKD", value)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACE.sub(" ", stripped.casefold()).strip()


def squeeze(value: str) -> str:
    """Trim and collapse runs of white space (what a person typed, tidied)."""
    return _SPACE.sub(" ", value).strip()


def name_words(name: str) -> list[str]:
    """ "Dr. Jane   Doe, PhD" -> ["jane", "doe"]: folded words without titles or degrees."""
    words = _WORD.findall(fold(name))
    return [w for w in words if w not in HONORIFICS] or words
