"""What an import did, or would do: counts, and a bounded sample of rows to show."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from coffeechat.interchange.records import RowError

SAMPLE = 200  # rows of each kind kept for the preview
REVIEW_SAMPLE = 500  # rows with a conflict or a fuzzy match kept for the student's choices
ERRORS_KEPT = 1000


@dataclass(slots=True)
class ImportOptions:
    source: str = ""  # for people whose file does not say how the student knows them
    tag: str = ""  # added to everyone in the file
    overwrite_all: bool = False
    overwrite_lines: frozenset[int] = frozenset()
    separate_lines: frozenset[int] = frozenset()  # "not the same person": add as new


@dataclass(slots=True)
class RowOutcome:
    line: int
    action: str  # "create", "merge" or "unchanged"
    name: str
    organization: str = ""
    contact: str = ""  # uuid of the person matched or created
    contact_name: str = ""
    reason: str = ""
    fuzzy: bool = False
    fills: list[dict[str, str]] = dataclasses.field(default_factory=list)
    conflicts: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    warnings: list[str] = dataclasses.field(default_factory=list)


@dataclass(slots=True)
class ImportReport:
    created: int = 0
    merged: int = 0
    unchanged: int = 0
    error_count: int = 0
    conflict_count: int = 0
    errors: list[RowError] = dataclasses.field(default_factory=list)
    rows: dict[str, list[RowOutcome]] = dataclasses.field(
        default_factory=lambda: {"create": [], "merge": [], "unchanged": [], "review": []}
    )

    @property
    def total(self) -> int:
        return self.created + self.merged + self.unchanged + self.error_count

    def as_json(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "merged": self.merged,
            "unchanged": self.unchanged,
            "error_count": self.error_count,
            "conflict_count": self.conflict_count,
            "errors": [{"line": e.line, "message": e.message} for e in self.errors],
            "rows": {k: [dataclasses.asdict(r) for r in v] for k, v in self.rows.items()},
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ImportReport:
        report = cls(
            created=data.get("created", 0),
            merged=data.get("merged", 0),
            unchanged=data.get("unchanged", 0),
            error_count=data.get("error_count", 0),
            conflict_count=data.get("conflict_count", 0),
            errors=[RowError(e["line"], e["message"]) for e in data.get("errors", [])],
        )
        for kind, rows in data.get("rows", {}).items():
            report.rows[kind] = [RowOutcome(**row) for row in rows]
        return report

    def add_error(self, error: RowError) -> None:
        self.error_count += 1
        if len(self.errors) < ERRORS_KEPT:
            self.errors.append(error)

    def add(self, outcome: RowOutcome) -> None:
        if outcome.action == "create":
            self.created += 1
        elif outcome.action == "merge":
            self.merged += 1
        else:
            self.unchanged += 1
        if outcome.conflicts:
            self.conflict_count += 1
        if len(self.rows[outcome.action]) < SAMPLE:
            self.rows[outcome.action].append(outcome)
        if (outcome.conflicts or outcome.fuzzy) and len(self.rows["review"]) < REVIEW_SAMPLE:
            self.rows["review"].append(outcome)
