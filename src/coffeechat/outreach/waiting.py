"""Waiting for a reply: Steve Dalton's 3B7 rule and his names for how people respond.

3B7 (The 2-Hour Job Search): after 3 business days without a reply, contact the next person
at the same organization; after 7 business days, send one follow-up nudge; after that,
stop. Boosters reply within 3 business days, Obligates reply later, Curmudgeons never
reply: knowing which is which tells the student where to spend effort.

Everything here is a pure function of dates, so the queue, the contact page, the API and
the reminders of a later app all agree and can never drift out of sync with the data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from coffeechat.lib.businessdays import add_business_days, business_days_between

TRY_NEXT_AFTER = 3
NUDGE_AFTER = 7


class Step(StrEnum):
    WAIT = "wait"  # fewer than 3 business days: let them answer
    TRY_NEXT = "try_next"  # 3+: contact the next person at the same organization
    NUDGE = "nudge"  # 7+: one follow-up nudge is due
    STOP = "stop"  # nudged already: move on


@dataclass(frozen=True)
class Waiting:
    business_days: int  # since the first request was sent
    step: Step
    nudge_due: dt.date  # the day the nudge becomes due (business day 7)

    @property
    def label(self) -> str:
        return {
            Step.WAIT: "Give them time to answer",
            Step.TRY_NEXT: "Contact the next person at this organization",
            Step.NUDGE: "Send one follow-up nudge",
            Step.STOP: "Nudged once: move on to others",
        }[self.step]


def waiting(*, sent: dt.date, today: dt.date, nudged: bool, country: str = "") -> Waiting:
    """Where a request without a reply stands under 3B7."""
    days = business_days_between(sent, today, country)
    if nudged:
        step = Step.STOP
    elif days >= NUDGE_AFTER:
        step = Step.NUDGE
    elif days >= TRY_NEXT_AFTER:
        step = Step.TRY_NEXT
    else:
        step = Step.WAIT
    return Waiting(days, step, add_business_days(sent, NUDGE_AFTER, country))


class Responder(StrEnum):
    BOOSTER = "booster"
    OBLIGATE = "obligate"
    CURMUDGEON = "curmudgeon"


RESPONDER_LABELS = {
    Responder.BOOSTER: "Booster",
    Responder.OBLIGATE: "Obligate",
    Responder.CURMUDGEON: "Curmudgeon",
}
RESPONDER_HELP = {
    Responder.BOOSTER: "Replied within 3 business days: likely to help. Spend effort here.",
    Responder.OBLIGATE: "Replied, but after 3 business days: helpful out of duty.",
    Responder.CURMUDGEON: "No reply after 7 business days and a nudge window: move on.",
}


def responder(
    *, sent: dt.date, replied: dt.date | None, today: dt.date, country: str = ""
) -> Responder | None:
    """Booster, Obligate or Curmudgeon; None while it is too early to tell."""
    if replied is not None:
        days = business_days_between(sent, replied, country)
        return Responder.BOOSTER if days <= TRY_NEXT_AFTER else Responder.OBLIGATE
    if business_days_between(sent, today, country) > NUDGE_AFTER:
        return Responder.CURMUDGEON
    return None
