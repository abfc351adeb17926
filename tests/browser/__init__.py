"""Browser journeys (pytest -m browser) and the small helpers they share."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import Locator, Page

from tests.factories import PASSWORD

# new_page(**context_options) -> a page in a fresh browser context.
PageFactory = Callable[..., Page]


def field(page: Page, label: str) -> Locator:
    """The control labelled `label`, with or without the required-field asterisk.

    Playwright's get_by_label reads the label's text, aria-hidden "*" included, while a
    screen reader announces just the label. Needed for password inputs, which have no role
    for get_by_role to find.
    """
    return page.get_by_label(re.compile(rf"^\s*{re.escape(label)}(\s*\*)?\s*$"))


def sign_in(page: Page, username: str, password: str = PASSWORD) -> None:
    page.goto("/login/")
    page.get_by_role("textbox", name="Username").fill(username)
    field(page, "Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/today/$"))


def has_horizontal_scroll(page: Page) -> bool:
    return bool(
        page.evaluate(
            "() => document.documentElement.scrollWidth > document.documentElement.clientWidth"
        )
    )
