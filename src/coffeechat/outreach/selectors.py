"""Reads for Reach out: every function takes the owner and never returns another's rows."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, QuerySet
from django.http import Http404

from coffeechat.outreach.models import BusyInterval, Calendar


def calendar_list(owner: Any) -> QuerySet[Calendar]:
    """The owner's calendars by name, each with `busy_count` (its stored busy intervals)."""
    # Meta.ordering does not apply to a query with GROUP BY: order explicitly.
    return (
        Calendar.objects.filter(owner=owner)
        .annotate(busy_count=Count("intervals"))
        .order_by("name", "created_at")
    )


def calendar_get_for_user(owner: Any, calendar_id: Any) -> Calendar:
    """The owner's calendar (with `busy_count`), or Http404 for anyone else's or none."""
    try:
        key = calendar_id if isinstance(calendar_id, uuid.UUID) else uuid.UUID(str(calendar_id))
    except (ValueError, TypeError, AttributeError):
        raise Http404("No such calendar.") from None
    calendar = calendar_list(owner).filter(uuid=key).first()
    if calendar is None:
        raise Http404("No such calendar.")
    return calendar


def busy_between(
    owner: Any, start: dt.datetime, end: dt.datetime
) -> list[tuple[dt.datetime, dt.datetime]]:
    """When the owner is busy within [start, end): overlapping and touching spans joined,
    clipped to the window, in order. The slot finder reads this."""
    rows = (
        BusyInterval.objects.filter(owner=owner, start__lt=end, end__gt=start)
        .order_by("start", "end")
        .values_list("start", "end")
    )
    merged: list[tuple[dt.datetime, dt.datetime]] = []
    for row_start, row_end in rows:
        row_start, row_end = max(row_start, start), min(row_end, end)
        if merged and row_start <= merged[-1][1]:
            if row_end > merged[-1][1]:
                merged[-1] = (merged[-1][0], row_end)
        else:
            merged.append((row_start, row_end))
    return merged


@dataclass
class BusyItem:
    interval: BusyInterval
    all_day: bool  # covers the whole day
    from_day_before: bool  # started on an earlier day
    to_day_after: bool  # goes on past midnight


@dataclass
class BusyDay:
    day: dt.date
    items: list[BusyItem] = field(default_factory=list)


def busy_days(owner: Any, start: dt.datetime, days: int, tz: dt.tzinfo) -> list[BusyDay]:
    """The owner's busy intervals for `days` days from `start`'s date in `tz`, by local day.

    An interval over midnight is listed on every day it touches. Days with nothing busy
    are left out.
    """
    first = start.astimezone(tz).date()
    bounds = [
        dt.datetime.combine(first + dt.timedelta(days=n), dt.time(), tzinfo=tz)
        for n in range(days + 1)
    ]
    rows = (
        BusyInterval.objects.filter(owner=owner, start__lt=bounds[-1], end__gt=bounds[0])
        .select_related("calendar")
        .order_by("start", "end")
    )
    result = [BusyDay(first + dt.timedelta(days=n)) for n in range(days)]
    for interval in rows:
        for n in range(days):
            day_start, day_end = bounds[n], bounds[n + 1]
            if interval.start < day_end and interval.end > day_start:
                result[n].items.append(
                    BusyItem(
                        interval,
                        all_day=interval.start <= day_start and interval.end >= day_end,
                        from_day_before=interval.start < day_start,
                        to_day_after=interval.end > day_end,
                    )
                )
    return [day for day in result if day.items]
