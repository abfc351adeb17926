"""With a long list, "Referred by" suggests people as the student types."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from coffeechat.network import forms
from tests.browser import PageFactory, sign_in
from tests.factories import make_contact, make_user

pytestmark = pytest.mark.browser


def test_typing_a_name_suggests_people_and_saves_the_referral(
    new_page: PageFactory, live_server, monkeypatch
) -> None:
    monkeypatch.setattr(forms, "REFERRER_MENU_LIMIT", 2)
    user = make_user("rita")
    user.profile.completed_at = user.date_joined
    user.profile.save()
    for name, org in [("Sam Lee", "Acme"), ("Sam Lee", "Globex"), ("Zoë Núñez", "")]:
        make_contact(user, name, organization_name=org)
    page = new_page()
    sign_in(page, "rita")
    page.goto("/contacts/new/")
    page.get_by_role("textbox", name="Name", exact=True).fill("New Person")
    box = page.get_by_role("combobox", name="Referred by")
    box.press_sequentially("sam l", delay=30)
    options = page.locator("#referrer-suggestions option")
    expect(options).to_have_count(2)
    expect(options.first).to_have_attribute("value", "Sam Lee — Acme")
    box.fill("Sam Lee — Globex")
    page.get_by_role("button", name="Add to my list").click()
    expect(page).to_have_url(re.compile(r"/contacts/[0-9a-f-]{36}/$"))
    expect(page.get_by_text("Referred by", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Sam Lee")).to_be_visible()
    expect(page.get_by_text("(Globex)")).to_be_visible()
