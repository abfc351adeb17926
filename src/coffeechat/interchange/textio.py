"""From uploaded bytes to text lines, with the limits that keep a bad file from hurting.

Every format reads through `Upload`: it refuses files that are too big, empty or plainly not
text (a photo or a spreadsheet renamed .csv), works out the encoding (BOMs, UTF-16, UTF-8,
then Windows-1252 as the last resort Outlook and Excel need), and hands out lines that may
not be longer than a limit. Nothing is read into memory whole: the encoding check streams
through the file in chunks, and `lines()` reads one line at a time.
"""

from __future__ import annotations

import codecs
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from django.conf import settings

from coffeechat.interchange.records import FormatError

CHUNK = 64 * 1024
HEAD_BYTES = 64 * 1024

# What other kinds of file look like in their first bytes, and what to tell the student.
MAGIC: list[tuple[bytes, str]] = [
    (b"\x89PNG", "This is a PNG image, not a contacts or calendar file."),
    (b"\xff\xd8\xff", "This is a JPEG photo, not a contacts or calendar file."),
    (b"GIF8", "This is a GIF image, not a contacts or calendar file."),
    (b"%PDF", "This is a PDF document. Export your contacts as CSV or vCard instead."),
    (
        b"PK\x03\x04",
        "This is a ZIP archive or an Excel/Numbers workbook. If it is LinkedIn's download, "
        "unzip it and choose Connections.csv; if it is a spreadsheet, save it as CSV first.",
    ),
    (
        b"\xd0\xcf\x11\xe0",
        "This is an old Excel (.xls) or Outlook file. Save it as CSV first.",
    ),
    (b"\x1f\x8b", "This is a compressed (.gz) file. Uncompress it first."),
]


@dataclass(frozen=True, slots=True)
class Limits:
    max_bytes: int
    max_rows: int
    max_line: int = 1024 * 1024  # characters in one physical line (vCard photos are long)

    @classmethod
    def from_settings(cls) -> Limits:
        return cls(
            max_bytes=settings.COFFEECHAT_IMPORT_MAX_BYTES,
            max_rows=settings.COFFEECHAT_IMPORT_MAX_ROWS,
        )


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB".replace(".0 MB", " MB")


class Upload:
    """An uploaded (or opened) file: seekable bytes, checked, with a known encoding."""

    def __init__(self, binary: BinaryIO, *, name: str = "", limits: Limits | None = None):
        self.binary = binary
        self.name = name
        self.limits = limits or Limits.from_settings()
        self.size = self._size()
        if self.size > self.limits.max_bytes:
            raise FormatError(
                f"The file is {megabytes(self.size)}; Coffeechat imports files up to "
                f"{megabytes(self.limits.max_bytes)}. Split it into smaller files."
            )
        if self.size == 0:
            raise FormatError("The file is empty.")
        self.binary.seek(0)
        first = self.binary.read(HEAD_BYTES)
        for magic, message in MAGIC:
            if first.startswith(magic):
                raise FormatError(message)
        self.encoding = self._encoding(first)
        decoder = codecs.getincrementaldecoder(self.encoding)(errors="replace")
        self.head = decoder.decode(first, final=self.size <= HEAD_BYTES)
        if not self.head.strip():
            raise FormatError("The file has no text in it.")

    def _size(self) -> int:
        size = getattr(self.binary, "size", None)
        if isinstance(size, int):
            return size
        self.binary.seek(0, io.SEEK_END)
        return self.binary.tell()

    def _encoding(self, first: bytes) -> str:
        if first.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        if first.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
            return "utf-32"
        if first.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16"
        sample = first[:4096]
        if sample and b"\x00" in sample:
            # UTF-16 without a BOM: every other byte of ASCII text is a zero.
            even, odd = sample[0::2].count(0), sample[1::2].count(0)
            if odd > len(sample) // 4 and even == 0:
                return "utf-16-le"
            if even > len(sample) // 4 and odd == 0:
                return "utf-16-be"
            raise FormatError(
                "This file is not text (it looks like a program or an image). "
                "Export your contacts as CSV or vCard, or your calendar as .ics."
            )
        if self._decodes_as("utf-8"):
            return "utf-8"
        if self._decodes_as("cp1252"):
            return "cp1252"
        return "latin-1"

    def _decodes_as(self, encoding: str) -> bool:
        """Whether the whole file decodes, read in chunks (a bad byte may be anywhere)."""
        decoder = codecs.getincrementaldecoder(encoding)()
        self.binary.seek(0)
        try:
            while chunk := self.binary.read(CHUNK):
                if b"\x00" in chunk:
                    raise FormatError(
                        "This file is not text (it has binary data in it). "
                        "Export your contacts as CSV or vCard, or your calendar as .ics."
                    )
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
        return True

    def text(self) -> io.TextIOWrapper:
        """The file as text from the start; newline="" keeps CRLF for csv and vCard."""
        self.binary.seek(0)
        wrapper = io.TextIOWrapper(
            io.BufferedReader(_Unclosable(self.binary), CHUNK),
            encoding=self.encoding,
            errors="strict",
            newline="",
        )
        return wrapper

    def lines(self) -> Iterator[str]:
        """Physical lines with their endings, refusing one longer than the limit."""
        limit = self.limits.max_line
        for number, line in enumerate(_limited_lines(self.text(), limit), start=1):
            if len(line) > limit:
                raise FormatError(
                    f"the line is longer than {limit:,} characters; "
                    "this does not look like a contacts or calendar file.",
                    line=number,
                )
            yield line


def _limited_lines(text: io.TextIOWrapper, limit: int) -> Iterator[str]:
    # readline(limit + 1) never holds more than the limit in memory for a giant line.
    try:
        while line := text.readline(limit + 1):
            yield line
    except UnicodeDecodeError as exc:
        raise FormatError(
            "The file's characters could not be read (it switches encoding part-way)."
        ) from exc


class _Unclosable(io.RawIOBase):
    """Lets a TextIOWrapper read a file without closing it when the wrapper goes away."""

    def __init__(self, binary: BinaryIO) -> None:
        self._binary = binary

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        data = self._binary.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        pass
