"""How many questions fit the time asked for: about one every 3–4 minutes, after keeping
room for small talk at the start and next steps at the end. Pure, so it is tested alone."""

from __future__ import annotations

from dataclasses import dataclass

MINUTES_PER_QUESTION_LOW = 3
MINUTES_PER_QUESTION_HIGH = 4
# Prompt to move to next steps this many minutes before the end.
WRAP_UP_MINUTES = 5


@dataclass(frozen=True)
class Fit:
    minutes: int
    planned: int
    reserve: int  # minutes kept for small talk and next steps
    fewest: int
    most: int

    @property
    def suggested(self) -> int:
        return max(1, round((self.minutes - self.reserve) / 3.5)) if self.most else 1

    @property
    def overrun(self) -> bool:
        return self.planned > max(self.most, 1)

    @property
    def minutes_needed(self) -> tuple[int, int]:
        return (
            self.planned * MINUTES_PER_QUESTION_LOW + self.reserve,
            self.planned * MINUTES_PER_QUESTION_HIGH + self.reserve,
        )

    @property
    def advice(self) -> str:
        span = f"{self.fewest}–{self.most}" if self.fewest != self.most else f"{self.most}"
        return (
            f"About {span} questions fit {self.minutes} minutes (one every 3–4 minutes, "
            f"with {self.reserve} minutes for small talk and next steps)."
        )

    @property
    def warning(self) -> str:
        if not self.overrun:
            return ""
        low, high = self.minutes_needed
        return (
            f"{self.planned} questions need about {low}–{high} minutes; you asked for "
            f"{self.minutes}. Put the ones that matter most first — some may be answered "
            "before you ask — and honor the time you asked for."
        )


def reserve_for(minutes: int) -> int:
    """Small talk and next steps: 5 minutes of a 20-minute chat, a fifth of a longer one."""
    if minutes <= 10:
        return max(1, minutes // 4)
    return max(5, round(minutes * 0.2))


def plan_fit(minutes: int, planned: int) -> Fit:
    minutes = max(minutes, 0)
    reserve = min(reserve_for(minutes), minutes)
    room = minutes - reserve
    return Fit(
        minutes=minutes,
        planned=planned,
        reserve=reserve,
        fewest=max(1, room // MINUTES_PER_QUESTION_HIGH) if room else 0,
        most=max(1, room // MINUTES_PER_QUESTION_LOW) if room else 0,
    )
