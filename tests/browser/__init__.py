"""Browser journeys (pytest -m browser) and the small helpers they share."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.utils import timezone
from playwright.sync_api import Locator, Page

from tests.factories import PASSWORD

# new_page(**context_options) -> a page in a fresh browser context.
PageFactory = Callable[..., Page]
# A phone's browser context: new_page(**PHONE).
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 3,
    "is_mobile": True,
    "has_touch": True,
}


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


def demo_student(username: str = "sam") -> Any:
    """A student made as `coffeechat demo` makes one: people, outreach, conversations and
    follow-ups (Today has something in every section). Signs in with DEMO_PASSWORD."""
    from coffeechat.conversations.demo import conversations_demo
    from coffeechat.followups.demo import followups_demo
    from coffeechat.network.demo import DEMO_PASSWORD, demo_network_create, demo_user_create
    from coffeechat.outreach.demo import outreach_demo

    now = timezone.now()
    user = demo_user_create(username=username, password=DEMO_PASSWORD)
    demo_network_create(owner=user)
    outreach_demo(user, now=now)
    conversations_demo(user, now=now)
    followups_demo(user, now=now)
    return user
