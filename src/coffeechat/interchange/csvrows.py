"""Reading CSV files row by row, with the line numbers and limits every CSV format needs.

`Table(upload)` finds the header (after a preamble if the format has one), then iterates
over `Row(line, cells)` and `RowError` items. It streams through `upload.lines()`, so a
long file is never held in memory, and it refuses the ways a CSV file goes wrong as a
whole: a quote that is never closed (which would otherwise swallow the rest of the file
into one cell), a row longer than the line limit, more rows than the row limit, and a
header with nothing under it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from typing import NamedTuple

from coffeechat.interchange.records import FormatError, RowError
from coffeechat.interchange.textio import Upload

DELIMITERS = (",", "\t", ";")
SEPARATOR_NAMES = {",": "comma", "\t": "tab", ";": "semicolon"}
PREAMBLE_ROWS = 10  # how far to look for the header when a format allows lines before it

UNCLOSED_QUOTE = (
    'a quote (") is opened here and never closed, so the rest of the file would run '
    "into one cell. Check this line in a spreadsheet or text editor and save it again."
)
TEXT_AFTER_QUOTE = (
    "a cell in quotes has more text after its closing quote. Put the whole cell in quotes "
    'and double any quote inside it ("").'
)
NO_PEOPLE = "The file has a header but no people in it."


class Row(NamedTuple):
    line: int  # the physical line the row starts on
    cells: dict[str, str]  # header -> cell, exactly as in the file (not stripped)


def sniff_delimiter(head: str, is_header: Callable[[list[str]], bool] | None = None) -> str:
    """Comma, tab or semicolon, read from the start of the file.

    With `is_header`, the delimiter that makes one of the first rows a header wins (so a
    preamble before the header does not matter). Otherwise the first non-blank line decides:
    the candidate it holds most often outside quotes (European Excel writes `;`), or a
    comma when it holds none (a one-column file).
    """
    if is_header is not None:
        for delimiter in DELIMITERS:
            if any(is_header(row) for row in head_rows(head, delimiter, PREAMBLE_ROWS)):
                return delimiter
    for line in head.splitlines():
        if not line.strip():
            continue
        counts = dict.fromkeys(DELIMITERS, 0)
        quoted = False
        for char in line:
            if char == '"':
                quoted = not quoted
            elif not quoted and char in counts:
                counts[char] += 1
        best = max(DELIMITERS, key=lambda d: counts[d])
        return best if counts[best] else ","
    return ","


def head_rows(head: str, delimiter: str, limit: int) -> list[list[str]]:
    """Up to `limit` non-blank rows from the start of the file, cells stripped.

    For recognising a file, not importing it: a damaged row ends the list quietly.
    """
    reader = csv.reader(io.StringIO(head, newline=""), delimiter=delimiter)
    rows: list[list[str]] = []
    try:
        for cells in reader:
            stripped = [cell.strip() for cell in cells]
            if any(stripped):
                rows.append(stripped)
            if len(rows) >= limit:
                break
    except csv.Error:
        pass
    return rows


def unique_header(cells: list[str]) -> list[str]:
    """Header cells tidied so each names one column: blanks and repeats get a number."""
    header: list[str] = []
    seen: set[str] = set()
    for index, raw in enumerate(cells, start=1):
        name = raw.strip().lstrip("\ufeff").strip() or f"Column {index}"
        candidate, copy = name, 2
        while candidate in seen:
            candidate = f"{name} ({copy})"
            copy += 1
        seen.add(candidate)
        header.append(candidate)
    return header


class _Feed:
    """Hands csv.reader one physical line at a time, counting lines and the row's size."""

    def __init__(self, lines: Iterator[str], limit: int) -> None:
        self._lines = lines
        self.limit = limit
        self.fed = 0  # physical lines handed out so far
        self.row_chars = 0

    def __iter__(self) -> _Feed:
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self.fed += 1
        self.row_chars += len(line)
        if self.row_chars > self.limit:
            # Only a quoted cell spans lines, and none is this long in a real export.
            raise _RowTooLong
        return line


class _RowTooLong(Exception):
    pass


class Table:
    """A CSV file's header and the rows under it.

    `is_header` picks the header among the first rows (for formats with a preamble); by
    default the first non-blank row is the header. `not_found` is the message when no
    row qualifies.
    """

    def __init__(
        self,
        upload: Upload,
        *,
        delimiter: str | None = None,
        is_header: Callable[[list[str]], bool] | None = None,
        not_found: str = "The file has no header row.",
    ) -> None:
        self.upload = upload
        self.delimiter = delimiter or sniff_delimiter(upload.head, is_header)
        self._feed = _Feed(upload.lines(), upload.limits.max_line)
        self._reader = csv.reader(self._feed, delimiter=self.delimiter, strict=True)
        self._consumed = False
        self.header, self.line = self._find_header(is_header, not_found)

    def _find_header(
        self, is_header: Callable[[list[str]], bool] | None, not_found: str
    ) -> tuple[list[str], int]:
        looked = 0
        for line, cells in self._raw_rows():
            if not any(cell.strip() for cell in cells):
                continue
            stripped = [cell.strip() for cell in cells]
            if is_header is None or is_header(stripped):
                return unique_header(cells), line
            looked += 1
            if looked >= PREAMBLE_ROWS:
                break
        raise FormatError(not_found)

    def _raw_rows(self) -> Iterator[tuple[int, list[str]]]:
        while True:
            start = self._feed.fed + 1
            self._feed.row_chars = 0
            try:
                cells = next(self._reader)
            except StopIteration:
                return
            except _RowTooLong:
                raise FormatError(UNCLOSED_QUOTE, line=start) from None
            except csv.Error as exc:
                raise FormatError(self._describe(exc, start), line=start) from None
            yield start, cells

    def _describe(self, error: csv.Error, start: int) -> str:
        spans_lines = self._feed.fed > start
        message = str(error)
        if "unexpected end of data" in message or spans_lines:
            return UNCLOSED_QUOTE
        if "expected after" in message:
            return TEXT_AFTER_QUOTE
        if "field larger than field limit" in message:
            return "a cell is too long; this does not look like a contacts file."
        return f"the line cannot be read as CSV ({message})."

    def __iter__(self) -> Iterator[Row | RowError]:
        if self._consumed:
            raise RuntimeError("A Table can be read only once.")
        self._consumed = True
        width = len(self.header)
        max_rows = self.upload.limits.max_rows
        count = 0
        for line, cells in self._raw_rows():
            if not any(cell.strip() for cell in cells):
                continue
            count += 1
            if count > max_rows:
                raise FormatError(
                    f"The file has more than {max_rows:,} rows; Coffeechat imports up to "
                    f"{max_rows:,} at a time. Split it into smaller files."
                )
            extra = [cell for cell in cells[width:] if cell.strip()]
            if extra:
                yield RowError(
                    line,
                    f"This row has {len(cells)} cells but the header has {width}: "
                    f"a {SEPARATOR_NAMES.get(self.delimiter, 'separator')} or quote is "
                    "probably out of place.",
                )
                continue
            padded = cells[:width] + [""] * (width - len(cells))
            yield Row(line, dict(zip(self.header, padded, strict=True)))
        if count == 0:
            raise FormatError(NO_PEOPLE)


def split(value: str, *separators: str) -> list[str]:
    """A cell holding several values: split on any of `separators`, drop the blanks."""
    parts = [value]
    for separator in separators:
        parts = [piece for part in parts for piece in part.split(separator)]
    return [part.strip() for part in parts if part.strip()]
