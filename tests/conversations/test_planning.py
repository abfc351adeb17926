from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from coffeechat.conversations.planning import plan_fit


def test_twenty_minutes_fit_three_to_five_questions() -> None:
    fit = plan_fit(20, 4)
    assert (fit.fewest, fit.most, fit.suggested, fit.reserve) == (3, 5, 4, 5)
    assert not fit.overrun
    assert "3–5 questions fit 20 minutes" in fit.advice


def test_too_many_questions_warn_with_the_minutes_they_need() -> None:
    fit = plan_fit(20, 7)
    assert fit.overrun
    assert fit.minutes_needed == (26, 33)
    assert "7 questions need about 26–33 minutes; you asked for 20" in fit.warning


def test_short_and_long_meetings() -> None:
    assert (plan_fit(10, 0).fewest, plan_fit(10, 0).most) == (2, 2)
    assert (plan_fit(60, 0).fewest, plan_fit(60, 0).most) == (12, 16)


@given(st.integers(min_value=5, max_value=240), st.integers(min_value=0, max_value=60))
def test_the_range_keeps_room_and_warns_exactly_past_the_top(minutes: int, planned: int) -> None:
    fit = plan_fit(minutes, planned)
    assert 1 <= fit.fewest <= fit.suggested <= fit.most
    assert fit.most * 3 + fit.reserve <= minutes
    assert fit.overrun == (planned > fit.most)
