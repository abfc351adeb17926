"""Tag or delete several people at once from the contact list."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser import sign_in
from tests.factories import make_contact

pytestmark = pytest.mark.browser


def row(page: Page, name: str) -> Locator:
    """The contact list's entry for `name`."""
    return page.get_by_role("listitem").filter(has=page.get_by_role("link", name=name, exact=True))


def test_tag_two_people_then_delete_one_after_confirming(page: Page, alice: Any) -> None:
    for name in ("Ada Lovelace", "Grace Hopper", "Katherine Johnson"):
        make_contact(alice, name)
    sign_in(page, "alice")
    page.goto("/contacts/")  # signing in lands on Today

    page.get_by_role("checkbox", name="Select Ada Lovelace").check()
    page.get_by_role("checkbox", name="Select Katherine Johnson").check()
    page.get_by_role("textbox", name="Tag name").fill("Mentors")
    page.get_by_role("button", name="Add tag").click()

    expect(page.get_by_role("status")).to_contain_text("Tagged 2 people.")
    for name in ("Ada Lovelace", "Katherine Johnson"):
        tags = row(page, name).get_by_role("list", name="Tags")
        expect(tags.get_by_role("link", name="Mentors")).to_be_visible()
    expect(row(page, "Grace Hopper").get_by_role("link", name="Mentors")).to_have_count(0)

    page.get_by_role("checkbox", name="Select Grace Hopper").check()
    page.get_by_role("button", name="Delete…").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Delete 1 person?")
    expect(page.get_by_role("main").get_by_role("listitem")).to_have_text(["Grace Hopper"])
    page.get_by_role("button", name="Delete them").click()

    expect(page.get_by_role("status")).to_contain_text("Deleted 1 person.")
    expect(page.get_by_role("link", name="Grace Hopper")).to_have_count(0)
    expect(page.get_by_role("link", name="Ada Lovelace")).to_be_visible()
    expect(page.get_by_role("link", name="Katherine Johnson")).to_be_visible()
