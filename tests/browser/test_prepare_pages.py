"""The Prepare pages read on a phone, and the prep sheet prints without the app around it."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from coffeechat.conversations import selectors, services
from tests.browser import PHONE, PageFactory, has_horizontal_scroll, sign_in
from tests.conversations.conftest import make_meeting
from tests.factories import make_contact, make_organization

pytestmark = pytest.mark.browser


def test_prepare_pages_fit_a_phone_and_the_sheet_prints_clean(
    new_page: PageFactory, alice: Any
) -> None:
    org = make_organization(
        alice,
        "International Federation of Red Cross and Red Crescent Societies",
        website="https://www.international-federation-of-red-cross-societies.example.org/about",
    )
    contact = make_contact(
        alice,
        "Maximiliana Konstantinopolska-Wertheimer",
        organization=org,
        title="Senior Director of Humanitarian Logistics and Supply Chain Operations",
        linkedin_url="https://www.linkedin.com/in/maximiliana-konstantinopolska-wertheimer-1234567890/",
        phone="+41 22 730 4222",
    )
    meeting = make_meeting(alice, contact, hours=20)
    services.research_update(contact=contact, notes="https://example.org/" + "long-path/" * 20)
    services.research_link_add(
        owner=alice, url="https://news.example.org/" + "a-very-long-slug-" * 8, contact=contact
    )
    services.questions_builtin_ensure(owner=alice)
    services.plan_set(meeting=meeting, questions=selectors.question_bank(alice)[:9])
    page = new_page(**PHONE)
    sign_in(page, "alice")

    pages = {
        "/meetings/": "Meetings",
        f"/meetings/{meeting.uuid}/": "Meeting with Maximiliana",
        f"/meetings/{meeting.uuid}/plan/": "Plan questions for",
        f"/meetings/{meeting.uuid}/prep/": "Coffee chat with",
        f"/contacts/{contact.uuid}/research/": "Research:",
        f"/contacts/{contact.uuid}/meetings/new/": "Add a meeting with",
        "/questions/": "Question bank",
        f"/contacts/{contact.uuid}/": "Maximiliana",
    }
    for url, heading in pages.items():
        page.goto(url)
        expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
        assert not has_horizontal_scroll(page), f"{url} scrolls sideways on a phone"

    # The prep sheet: with JavaScript the Print button shows; on paper, no menus or buttons.
    page.goto(f"/meetings/{meeting.uuid}/prep/")
    expect(page.get_by_role("button", name="Print")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
    expect(page.get_by_role("link", name="Download as Markdown")).to_be_hidden()
    expect(page.get_by_role("heading", name="Questions")).to_be_visible()
    colours = page.evaluate(
        "() => { const body = getComputedStyle(document.body);"
        " return [body.color, body.backgroundColor]; }"
    )
    assert colours == ["rgb(0, 0, 0)", "rgb(255, 255, 255)"], colours
