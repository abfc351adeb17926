from __future__ import annotations

import datetime as dt

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coffeechat.lib.businessdays import (
    add_business_days,
    business_days_between,
    country_choices,
    is_business_day,
)

THANKSGIVING_2026 = dt.date(2026, 11, 26)
CHRISTMAS_2026 = dt.date(2026, 12, 25)


def _count_by_walking(start: dt.date, end: dt.date, country: str) -> int:
    days = (end - start).days
    return sum(
        1 for i in range(1, days + 1) if is_business_day(start + dt.timedelta(days=i), country)
    )


def test_us_thanksgiving_and_christmas_are_not_business_days():
    assert THANKSGIVING_2026.weekday() == 3  # a Thursday, so only the holiday can exclude it
    assert CHRISTMAS_2026.weekday() == 4
    assert not is_business_day(THANKSGIVING_2026, "US")
    assert not is_business_day(CHRISTMAS_2026, "US")
    assert is_business_day(THANKSGIVING_2026)
    assert is_business_day(THANKSGIVING_2026, "FR")


def test_adding_business_days_skips_thanksgiving_and_the_weekend():
    wednesday = THANKSGIVING_2026 - dt.timedelta(days=1)
    assert add_business_days(wednesday, 1, "US") == THANKSGIVING_2026 + dt.timedelta(days=1)
    assert add_business_days(wednesday, 2, "US") == dt.date(2026, 11, 30)
    assert add_business_days(wednesday, 2) == THANKSGIVING_2026 + dt.timedelta(days=1)


def test_weekends_are_never_business_days():
    saturday = dt.date(2026, 3, 7)
    assert saturday.weekday() == 5
    for country in ("", "US", "FR", "ZZ"):
        assert not is_business_day(saturday, country)
        assert not is_business_day(saturday + dt.timedelta(days=1), country)
        assert is_business_day(saturday + dt.timedelta(days=2), country)


def test_unknown_or_blank_country_means_weekends_only():
    for country in ("", "ZZ", "not a country", "  "):
        assert is_business_day(THANKSGIVING_2026, country)
        assert add_business_days(dt.date(2026, 12, 24), 1, country) == CHRISTMAS_2026
        assert business_days_between(dt.date(2026, 12, 24), CHRISTMAS_2026, country) == 1


def test_country_code_is_read_case_insensitively():
    assert not is_business_day(THANKSGIVING_2026, "us")
    assert not is_business_day(dt.date(2026, 7, 1), "ca")  # Canada Day, a Wednesday


def test_sent_friday_seen_monday_is_one_business_day():
    friday = dt.date(2026, 3, 6)
    assert friday.weekday() == 4
    assert business_days_between(friday, friday + dt.timedelta(days=1)) == 0
    assert business_days_between(friday, friday + dt.timedelta(days=2)) == 0
    assert business_days_between(friday, friday + dt.timedelta(days=3)) == 1


def test_between_is_zero_when_end_is_not_after_start():
    day = dt.date(2026, 3, 4)
    assert business_days_between(day, day) == 0
    assert business_days_between(day, day - dt.timedelta(days=10)) == 0


def test_zero_days_from_a_weekend_or_holiday_is_the_next_business_day():
    assert add_business_days(dt.date(2026, 3, 4), 0) == dt.date(2026, 3, 4)
    assert add_business_days(dt.date(2026, 3, 7), 0) == dt.date(2026, 3, 9)
    assert add_business_days(THANKSGIVING_2026, 0, "US") == dt.date(2026, 11, 27)


def test_negative_days_are_refused():
    with pytest.raises(ValueError, match="0 or more"):
        add_business_days(dt.date(2026, 3, 4), -1)


def test_choices_start_with_none_and_name_countries_in_english():
    choices = country_choices()
    assert choices[0] == ("", "None (weekends only)")
    codes = [code for code, _ in choices[1:]]
    assert set(codes) == set(holidays.list_supported_countries(include_aliases=False))
    assert len(codes) == len(set(codes))
    names = dict(choices)
    assert names["FR"] == "France"
    assert names["CA"] == "Canada"
    assert names["US"].startswith("United States")
    assert all(len(code) == 2 for code in codes)


def test_choices_are_sorted_by_name():
    names = [name for _, name in country_choices()[1:]]
    assert names.index("Canada") < names.index("France") < names.index("Germany")
    assert names.index("Åland Islands") < names.index("Albania")  # accents do not sort last


def test_choices_are_a_fresh_list_each_time():
    country_choices().clear()
    assert country_choices()[0] == ("", "None (weekends only)")


dates = st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2030, 12, 31))
countries = st.sampled_from(["", "US", "CA", "FR", "GB", "JP", "IN", "ZZ"])


@settings(max_examples=200, deadline=None)
@given(day=dates, n=st.integers(min_value=0, max_value=30), country=countries)
def test_between_undoes_add_from_a_business_day(day, n, country):
    day = add_business_days(day, 0, country)  # the first business day on or after
    later = add_business_days(day, n, country)
    assert is_business_day(later, country)
    assert business_days_between(day, later, country) == n
    # No business day is skipped: the one before `later` is fewer than n.
    if n:
        assert business_days_between(day, later - dt.timedelta(days=1), country) == n - 1


@settings(max_examples=200, deadline=None)
@given(start=dates, days=st.integers(min_value=-5, max_value=400), country=countries)
def test_between_counts_the_business_days_after_start_up_to_end(start, days, country):
    end = start + dt.timedelta(days=days)
    expected = _count_by_walking(start, end, country) if days > 0 else 0
    assert business_days_between(start, end, country) == expected
