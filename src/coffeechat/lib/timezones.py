"""IANA time zones: validation and choices for forms."""

from __future__ import annotations

import zoneinfo
from functools import cache

from django.core.exceptions import ValidationError


@cache
def all_time_zones() -> tuple[str, ...]:
    # Keep the canonical "Area/City" names people recognise; drop legacy aliases such as
    # "US/Pacific" or "Etc/GMT+5" from the menu (they stay valid if typed or imported).
    names = zoneinfo.available_timezones()
    keep = [
        name
        for name in names
        if "/" in name and not name.startswith(("Etc/", "SystemV/", "US/", "posixrules"))
    ]
    return tuple(sorted([*keep, "UTC"]))


def is_time_zone(name: str) -> bool:
    return name in zoneinfo.available_timezones()


def validate_time_zone(value: str) -> None:
    if value and not is_time_zone(value):
        raise ValidationError(
            "“%(value)s” is not a time zone. Use an IANA name such as America/Chicago "
            "or Europe/Paris.",
            code="invalid_time_zone",
            params={"value": value[:80]},
        )


def time_zone_choices(blank_label: str | None = None) -> list[tuple[str, str]]:
    choices = [(name, name.replace("_", " ")) for name in all_time_zones()]
    if blank_label is not None:
        choices.insert(0, ("", blank_label))
    return choices
