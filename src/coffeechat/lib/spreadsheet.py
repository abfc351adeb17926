"""Cells a spreadsheet shows as text, never runs as a formula (OWASP "CSV Injection").

A spreadsheet runs a cell that starts with "=", "+", "-" or "@" (or a tab or carriage
return before one) as a formula, which is how a contact named
`=HYPERLINK("http://evil", "click")` becomes an attack on whoever opens an export.
`neutralise` puts a single quote in front of such cells; the spreadsheet shows the text and
hides the quote. `unneutralise` takes exactly that quote back off, so an export re-imports
as it was. Every CSV Coffeechat writes (contacts, the interview log) goes through here.
"""

from __future__ import annotations

import re

# A leading quote is added to any value that *could* be read as a neutralised one, so that
# a value that really starts with "'=" survives the round trip too.
_NEEDS_QUOTE = re.compile(r"'*[=+\-@\t\r]")
_ADDED_QUOTE = re.compile(r"'+[=+\-@\t\r]")


def neutralise(value: str) -> str:
    """The value a spreadsheet shows as text: formula-like values get a leading quote."""
    return f"'{value}" if _NEEDS_QUOTE.match(value) else value


def unneutralise(value: str) -> str:
    """Undo `neutralise`: drop the one quote it adds, and only where it would add one."""
    return value[1:] if _ADDED_QUOTE.match(value) else value
