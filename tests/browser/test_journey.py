"""A student's first visit: sign up, say who they are, list two people, find one again."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from coffeechat.accounts.models import Profile
from tests.browser import PageFactory, field

pytestmark = pytest.mark.browser

PASSWORD = "quiet-lantern-river-42"


def sign_up(page: Page, username: str) -> None:
    page.goto("/")
    page.get_by_role("button", name="Create your free account").click()
    expect(page.get_by_role("heading", name="Create your account")).to_be_visible()
    page.get_by_role("textbox", name="Username").fill(username)
    page.get_by_role("textbox", name="Email").fill(f"{username}@example.edu")
    field(page, "Password").fill(PASSWORD)
    field(page, "Password again").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Sign up").click()
    expect(page).to_have_url(re.compile(r"/account/profile/$"))
    expect(page.get_by_role("heading", name="A few details about you")).to_be_visible()


def test_student_lists_a_referral_and_finds_them_by_an_unaccented_search(
    new_page: PageFactory,
) -> None:
    page = new_page()
    sign_up(page, "maya")

    page.get_by_role("textbox", name="Your name").fill("Maya Chen")
    page.get_by_role("textbox", name="School").fill("Lakeside College")
    page.get_by_role("combobox", name="Time zone").select_option("America/Chicago")
    page.get_by_role("spinbutton", name="Minutes to ask for").fill("20")
    media = page.get_by_role("group", name="Ways to meet you can offer")
    media.get_by_role("checkbox", name="Phone").check()
    media.get_by_role("checkbox", name="Zoom / video call").check()
    page.get_by_role("button", name="Save and start my list").click()

    expect(page).to_have_url(re.compile(r"/contacts/$"))
    expect(page.get_by_role("status")).to_contain_text("Profile saved.")
    expect(page.get_by_role("heading", name="Start your list")).to_be_visible()

    # Contact A, from the empty state's call to action.
    page.get_by_role("button", name="Add your first person").click()
    page.get_by_role("textbox", name="Name", exact=True).fill("Ada Lovelace")
    page.get_by_role("combobox", name="Organization").fill("Analytical Engines")
    page.get_by_role("combobox", name="How you know them").select_option(label="Faculty")
    page.get_by_role("button", name="Add to my list").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ada Lovelace")
    expect(page.get_by_role("status")).to_contain_text("Ada Lovelace is on your list.")
    ada_id = page.url.rstrip("/").rsplit("/", 1)[-1]

    # Contact B, through "Add someone Ada suggested", which pre-fills the referral.
    page.get_by_role("button", name="Add someone Ada Lovelace suggested").click()
    expect(page.get_by_role("combobox", name="Referred by")).to_have_value(ada_id)
    expect(page.get_by_role("combobox", name="How you know them")).to_have_value("referral")
    page.get_by_role("textbox", name="Name", exact=True).fill("Zoë Núñez")
    page.get_by_role("combobox", name="Organization").fill("Museo Nacional")
    page.get_by_role("button", name="Add to my list").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Zoë Núñez")
    expect(page.get_by_role("link", name="Ada Lovelace", exact=True)).to_be_visible()

    # The list filters in place as the student types, without a page load.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="People").click()
    people = page.get_by_role("main")
    expect(people.get_by_role("link", name="Ada Lovelace", exact=True)).to_be_visible()
    expect(people.get_by_role("link", name="Zoë Núñez", exact=True)).to_be_visible()
    page.evaluate("() => { window.stillTheSamePage = true; }")
    search = page.get_by_role("searchbox", name="Search")
    search.press_sequentially("zoe nunez")
    expect(people.get_by_role("link", name="Ada Lovelace", exact=True)).to_have_count(0)
    expect(people.get_by_role("link", name="Zoë Núñez", exact=True)).to_be_visible()
    expect(page).to_have_url(re.compile(r"[?&]q=zoe(\+|%20)nunez"))

    # Enter submits the same search in place too.
    with page.expect_response(
        lambda r: "q=zoe" in r.url and r.request.headers.get("hx-request") == "true"
    ):
        search.press("Enter")
    expect(people.get_by_role("link", name="Zoë Núñez", exact=True)).to_be_visible()
    expect(people.get_by_role("link", name="Ada Lovelace", exact=True)).to_have_count(0)
    assert page.evaluate("() => window.stillTheSamePage") is True, "the search reloaded the page"

    # Without JavaScript the search is an ordinary form: Enter loads the filtered page.
    plain = new_page(storage_state=page.context.storage_state(), java_script_enabled=False)
    plain.goto("/contacts/")
    plain.get_by_role("searchbox", name="Search").fill("ZOE")
    plain.get_by_role("searchbox", name="Search").press("Enter")
    expect(plain).to_have_url(re.compile(r"[?&]q=ZOE"))
    plain_people = plain.get_by_role("main")
    expect(plain_people.get_by_role("link", name="Zoë Núñez", exact=True)).to_be_visible()
    expect(plain_people.get_by_role("link", name="Ada Lovelace", exact=True)).to_have_count(0)

    # Clearing the search brings Ada back; her page lists the person she suggested.
    search.fill("")
    people.get_by_role("link", name="Ada Lovelace", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ada Lovelace")
    referrals = page.locator("section").filter(
        has=page.get_by_role("heading", name="Referred by Ada Lovelace")
    )
    expect(referrals.get_by_role("link", name="Zoë Núñez", exact=True)).to_be_visible()


def test_time_zone_is_prefilled_from_the_browser(new_page: PageFactory) -> None:
    page = new_page(timezone_id="Asia/Tokyo")
    sign_up(page, "kenji")
    expect(page.get_by_role("combobox", name="Time zone")).to_have_value("Asia/Tokyo")
    page.get_by_role("button", name="Save and start my list").click()
    expect(page).to_have_url(re.compile(r"/contacts/$"))
    assert Profile.objects.get(user__username="kenji").time_zone == "Asia/Tokyo"
