"""A student brings in their LinkedIn connections: upload, check the preview, import."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser import has_horizontal_scroll, sign_in
from tests.factories import make_contact

pytestmark = pytest.mark.browser

FILES = Path(__file__).resolve().parents[1] / "interchange" / "files"


def test_import_linkedin_connections_with_preview(page: Page, alice: Any) -> None:
    make_contact(alice, "Existing Person", email="existing@example.com", title="Student")
    sign_in(page, "alice")
    page.goto("/contacts/")  # signing in lands on Today
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bring your people in")

    page.get_by_label("Your file").set_input_files(str(FILES / "linkedin_connections.csv"))
    page.get_by_label("Tag everyone in the file (optional)").fill("linkedin")
    page.get_by_role("button", name="Upload and preview").click()

    # htmx uploads with a progress bar, then the page moves to the preview.
    page.wait_for_url(re.compile(r"/import/[0-9a-f-]+/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Preview")
    summary = page.get_by_role("status").last
    expect(summary).to_contain_text("to add")
    button = page.get_by_role("button", name=re.compile(r"^Import: add \d+"))
    expect(button).to_be_visible()
    added = int(re.search(r"add (\d+)", button.inner_text()).group(1))  # type: ignore[union-attr]
    assert added > 0
    assert alice.contacts.count() == 1  # the preview wrote nothing

    button.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Imported")
    expect(page.get_by_role("status").first).to_contain_text(f"{added} added")
    page.get_by_role("button", name="See your people").click()
    expect(page.get_by_role("link", name="linkedin").first).to_be_visible()
    assert alice.contacts.count() == 1 + added


def test_a_photo_renamed_csv_is_refused_in_place(page: Page, alice: Any, tmp_path: Path) -> None:
    fake = tmp_path / "contacts.csv"
    fake.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    sign_in(page, "alice")
    page.goto("/import/")
    page.get_by_label("Your file").set_input_files(str(fake))
    page.get_by_role("button", name="Upload and preview").click()
    expect(page.get_by_role("alert")).to_contain_text("PNG image")
    expect(page.get_by_role("button", name="Upload and preview")).to_be_visible()
    assert alice.import_runs.count() == 0


def test_import_pages_fit_a_phone(new_page: Any, alice: Any) -> None:
    page = new_page(viewport={"width": 390, "height": 844})
    sign_in(page, "alice")
    page.goto("/import/")
    assert not has_horizontal_scroll(page)
    page.get_by_label("Your file").set_input_files(str(FILES / "google_contacts.csv"))
    page.get_by_role("button", name="Upload and preview").click()
    page.wait_for_url(re.compile(r"/import/[0-9a-f-]+/$"))
    assert not has_horizontal_scroll(page)
