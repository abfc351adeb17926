"""Business days: weekdays that are not a public holiday in the student's country.

Used for "propose times at least two business days ahead" and "nudge after five business days
without a reply". The country is an ISO 3166 alpha-2 code ("US", "CA", "FR"); a blank or unknown
code means weekends only, so a profile saved before a country was dropped never breaks a page.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache

import holidays

from coffeechat.lib.text import fold

_SATURDAY = 5
_NO_COUNTRY_LABEL = "None (weekends only)"
# Each country class documents itself as "United States of America (the) holidays."
_DOC_NAME = re.compile(r"^\s*(?P<name>.+?)(?: \(the\))? holidays\.\s*$")


@cache
def _known_codes() -> frozenset[str]:
    # Aliases too ("UK" for "GB", alpha-3 codes), so a code from an import still finds its holidays.
    return frozenset(holidays.list_supported_countries(include_aliases=True))


def _country_code(country: str) -> str:
    """The holidays code to use, or "" when the country is blank or not one holidays knows."""
    code = country.strip().upper()
    return code if code in _known_codes() else ""


@cache
def _holiday_dates(country: str, year: int) -> frozenset[dt.date]:
    # A frozenset of plain dates: membership is a hash lookup, where a HolidayBase would parse
    # and possibly populate more years on every `in`.
    if not country:
        return frozenset()
    return frozenset(holidays.country_holidays(country, years=year))


def _is_business_day(day: dt.date, code: str) -> bool:
    return day.weekday() < _SATURDAY and day not in _holiday_dates(code, day.year)


def is_business_day(day: dt.date, country: str = "") -> bool:
    """Monday to Friday and not a public holiday (observed days included) in `country`."""
    return _is_business_day(day, _country_code(country))


def is_public_holiday(day: dt.date, country: str = "") -> bool:
    """A public holiday (observed days included) in `country`; never for "" or an unknown code."""
    code = _country_code(country)
    return bool(code) and day in _holiday_dates(code, day.year)


def business_day_before(today: dt.date, n: int, country: str = "") -> dt.date:
    """The latest business day by which `n` business days have passed on `today`.

    The inverse of business_days_between: `business_days_between(result, today) == n`, and the
    result is itself a business day (the day a request was sent, say).
    """
    if n < 0:
        raise ValueError("n must be zero or more")
    code = _country_code(country)
    day, counted = today, 0
    while counted < n:
        if _is_business_day(day, code):
            counted += 1
        day -= dt.timedelta(days=1)
    while not _is_business_day(day, code):
        day -= dt.timedelta(days=1)
    return day


def add_business_days(day: dt.date, n: int, country: str = "") -> dt.date:
    """The n-th business day after `day`; for n=0, `day` itself or the next business day.

    "Two business days from Friday" is Tuesday (Monday is the first, Tuesday the second), and
    `business_days_between(day, add_business_days(day, n)) == n` whenever `day` is a business day.
    """
    if n < 0:
        raise ValueError(f"n must be 0 or more, not {n}")
    code = _country_code(country)
    if n == 0:
        while not _is_business_day(day, code):
            day += dt.timedelta(days=1)
        return day
    one = dt.timedelta(days=1)
    while n:
        day += one
        if _is_business_day(day, code):
            n -= 1
    return day


def _weekdays_after(start: dt.date, days: int) -> int:
    """How many of the `days` dates after `start` (start excluded) fall Monday to Friday."""
    weeks, rest = divmod(days, 7)
    first = start.weekday() + 1
    return weeks * 5 + sum(1 for offset in range(rest) if (first + offset) % 7 < _SATURDAY)


def business_days_between(start: dt.date, end: dt.date, country: str = "") -> int:
    """How many business days have passed since `start`: business days d with start < d <= end.

    The start day itself does not count and the end day does, like "days since": a message sent
    on Friday has waited 1 business day on Monday and 0 on Saturday or Sunday. 0 when end <= start.
    """
    if end <= start:
        return 0
    code = _country_code(country)
    count = _weekdays_after(start, (end - start).days)
    for year in range(start.year, end.year + 1):
        count -= sum(
            1
            for day in _holiday_dates(code, year)
            if start < day <= end and day.weekday() < _SATURDAY
        )
    return count


def _country_name(code: str) -> str:
    entity = type(holidays.country_holidays(code))
    # The registered class is often a thin alias ("US") of the documented one ("UnitedStates").
    for klass in entity.__mro__:
        match = _DOC_NAME.match((klass.__dict__.get("__doc__") or "").split("\n", 1)[0])
        if match:
            return match["name"]
    return code  # docstrings are stripped under `python -OO`


@cache
def _country_choices() -> tuple[tuple[str, str], ...]:
    codes = holidays.list_supported_countries(include_aliases=False)
    named = [(code, _country_name(code)) for code in codes]
    named.sort(key=lambda pair: (fold(pair[1]), pair[0]))
    return (("", _NO_COUNTRY_LABEL), *named)


def country_choices() -> list[tuple[str, str]]:
    """("", "None (weekends only)"), then every country holidays knows, by English name.

    The names come from the holidays package itself, so the menu works offline and never offers a
    country whose holidays we cannot compute.
    """
    return list(_country_choices())
