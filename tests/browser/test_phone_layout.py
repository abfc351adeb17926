"""On a phone the List reads without sideways scrolling, and adding someone is one tap away."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser import PHONE, PageFactory, has_horizontal_scroll, sign_in
from tests.factories import make_contact

pytestmark = pytest.mark.browser


def test_contact_list_and_detail_fit_a_phone_screen(new_page: PageFactory, alice: Any) -> None:
    # Long, unbroken values are what push a narrow layout sideways.
    referrer = make_contact(
        alice,
        "Maximiliana Konstantinopolska-Wertheimer",
        organization_name="International Federation of Red Cross and Red Crescent Societies",
        title="Senior Director of Humanitarian Logistics and Supply Chain Operations",
        source="alumni",
        tags=["public health", "humanitarian logistics", "Geneva"],
    )
    make_contact(
        alice,
        "Bartholomew Fitzgerald-Oyelaran",
        email="bartholomew.fitzgerald-oyelaran@humanitarian-logistics.example.org",
        linkedin_url="https://www.linkedin.com/in/bartholomew-fitzgerald-oyelaran-humanitarian-logistics-1234567890/",
        source="referral",
        referred_by=referrer,
        practice=True,
        notes="Met at https://example.org/events/2026/career-fair/humanitarian-and-development-sector-networking-evening",
    )
    page = new_page(**PHONE)
    sign_in(page, "alice")
    page.goto("/contacts/")  # signing in lands on Today

    expect(page.get_by_role("heading", name="People to talk to")).to_be_visible()
    expect(page.get_by_role("button", name="Add a person")).to_be_visible()
    expect(page.get_by_role("button", name="Add a person")).to_be_in_viewport()
    assert not has_horizontal_scroll(page), "the contact list scrolls sideways on a phone"

    # The account menu opens within the screen too.
    account = page.get_by_role("navigation", name="Main").get_by_text("Account", exact=True)
    account.click()
    expect(page.get_by_role("link", name="Profile")).to_be_visible()
    assert not has_horizontal_scroll(page), "the open account menu scrolls sideways on a phone"
    account.click()
    expect(page.get_by_role("link", name="Profile")).to_be_hidden()

    page.get_by_role("link", name="Bartholomew Fitzgerald-Oyelaran").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bartholomew Fitzgerald-Oyelaran")
    assert not has_horizontal_scroll(page), "a contact's page scrolls sideways on a phone"

    page.get_by_role("link", name="Maximiliana Konstantinopolska-Wertheimer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Maximiliana Konstantinopolska-Wertheimer"
    )
    assert not has_horizontal_scroll(page), "a referrer's page scrolls sideways on a phone"
