"""A student who uses only the keyboard signs in, snoozes a reminder, adds a person, finds
them again and signs out: Tab, Shift+Tab, Enter, Space and typing, never the mouse.

Every element the Tab key lands on must show where the focus is (an outline or a focus ring),
or a keyboard user is lost; the test checks that at every stop, not just where it acts.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from coffeechat.network.demo import DEMO_PASSWORD
from tests.browser import PageFactory, demo_student

pytestmark = pytest.mark.browser

# Enough to walk the longest page here (Today with the demo's reminders) end to end.
MAX_TABS = 250

# What the focused element is, and whether it shows it: an outline, or a box-shadow ring with
# some size and colour (Pico draws focus as a box-shadow). Hidden or zero-sized elements fail.
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  const opaque = (color) => !/^transparent$|rgba\\([^)]*,\\s*0\\)$/.test(color.trim());
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0
    && opaque(style.outlineColor);
  const ring = style.boxShadow !== "none" && style.boxShadow.split(/,(?![^(]*\\))/).some((s) => {
    const color = (s.match(/rgba?\\([^)]*\\)/) || ["rgb(0, 0, 0)"])[0];
    const sizes = s.replace(color, "").trim().split(/\\s+/).map(parseFloat)
      .filter((n) => !isNaN(n));
    return opaque(color) && sizes.slice(2).some((n) => n > 0);
  });
  const label = el.getAttribute("aria-label") || (el.labels && el.labels[0]
    ? el.labels[0].innerText : "") || el.innerText || el.value || "";
  return {
    tag: el.tagName.toLowerCase(),
    name: label.replace(/\\s+/g, " ").trim(),
    visible: (outline || ring) && box.width > 0 && box.height > 0,
    inMain: !!el.closest("main"),
    inNav: !!el.closest("nav[aria-label=Main]"),
  };
}"""

Focus = dict[str, Any]


@pytest.fixture
def demo_user(transactional_db: Any) -> Any:
    """`coffeechat demo`'s student, whose Today has reminders to snooze."""
    return demo_student()


def focused(page: Page) -> Focus:
    found = page.evaluate(FOCUSED)
    assert found is not None, "the focus was lost (it is on the page's body)"
    return dict(found)


def assert_focus_visible(found: Focus) -> None:
    assert found["visible"], f"the focused {found['tag']} “{found['name']}” shows no focus"


def press_until(
    page: Page, wanted: Callable[[Focus], bool], *, key: str = "Tab", what: str = ""
) -> Focus:
    """Press `key` until the focus is on what `wanted` accepts; every stop shows its focus."""
    for _ in range(MAX_TABS):
        page.keyboard.press(key)
        found = focused(page)
        assert_focus_visible(found)
        if wanted(found):
            return found
    raise AssertionError(f"{key} never reached {what} in {MAX_TABS} presses")


def named(name: str, *, tag: str | None = None, nav: bool | None = None) -> Callable[[Focus], bool]:
    def wanted(found: Focus) -> bool:
        return (
            found["name"] == name
            and (tag is None or found["tag"] == tag)
            and (nav is None or found["inNav"] == nav)
        )

    return wanted


def tab_to(page: Page, name: str, **options: Any) -> Focus:
    return press_until(page, named(name, **options), what=f"“{name}”")


def shift_tab_to(page: Page, name: str, **options: Any) -> Focus:
    return press_until(page, named(name, **options), key="Shift+Tab", what=f"“{name}”")


def test_a_keyboard_only_student_gets_through_a_day(new_page: PageFactory, demo_user: Any) -> None:
    # Pico animates its focus ring; without motion the first frame already shows it.
    page = new_page(reduced_motion="reduce")

    # 1. Sign in: type in the fields the Tab key reaches, send the form with Enter.
    page.goto("/login/")
    # Django's sign-in form starts with the focus on Username (autofocus), ready to type.
    start = focused(page)
    assert (start["tag"], start["name"]) == ("input", "Username"), start
    assert_focus_visible(start)
    page.keyboard.type("sam")
    page.keyboard.press("Tab")
    assert_focus_visible(focused(page))
    assert focused(page)["tag"] == "input", "Tab from Username does not reach Password"
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/today/$"))
    expect(page.get_by_role("heading", name="Today", exact=True)).to_be_visible()

    # 2. The first Tab offers "Skip to content"; taking it, the next Tab is in the page itself.
    page.keyboard.press("Tab")
    skip = focused(page)
    assert (skip["tag"], skip["name"]) == ("a", "Skip to content"), skip
    assert_focus_visible(skip)
    page.keyboard.press("Enter")
    # The link moves the focus to <main> itself; Chromium does that a frame after the key, so
    # wait for it (a Tab before it lands would be undone by the jump).
    expect(page.locator("main")).to_be_focused()
    page.keyboard.press("Tab")
    assert focused(page)["inMain"], f"after skipping, Tab went to {focused(page)}"
    assert_focus_visible(focused(page))

    # 3. Snooze a reminder for a day: Space opens the menu, Enter picks; htmx swaps the
    # reminder in place (no page load) and puts the focus on Undo, not back at the top.
    page.evaluate("() => { window.stillTheSamePage = true; }")
    summary = press_until(
        page, lambda f: f["tag"] == "summary" and f["name"].startswith("Snooze"), what="Snooze"
    )
    title = summary["name"].removeprefix("Snooze").strip()
    page.keyboard.press("Space")
    tab_to(page, f"Snooze {title} for 1 day", tag="button")
    page.keyboard.press("Enter")
    reminders = page.get_by_role("main")
    expect(reminders.get_by_role("status").filter(has_text="Snoozed")).to_be_visible()
    expect(page.get_by_role("button", name="Undo")).to_be_focused()
    assert_focus_visible(focused(page))
    assert page.evaluate("() => window.stillTheSamePage === true"), "snoozing reloaded the page"

    # 4. Back up to the main menu with Shift+Tab, and on to People.
    shift_tab_to(page, "People", tag="a", nav=True)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="People to talk to")).to_be_visible()

    # 5. Add a person with the form: type, pick from a list by typing, send with Enter.
    tab_to(page, "Add a person", tag="a")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Add a person")).to_be_visible()
    press_until(page, lambda f: f["tag"] == "input" and f["name"].startswith("Name"), what="Name")
    page.keyboard.type("Ada Lovelace")
    press_until(page, lambda f: f["name"].startswith("Organization"), what="the Organization field")
    page.keyboard.type("Analytical Engines")
    press_until(
        page,
        lambda f: f["tag"] == "select" and f["name"].startswith("How you know them"),
        what="How you know them",
    )
    page.keyboard.type("Faculty")
    expect(page.get_by_role("combobox", name="How you know them")).to_have_value("faculty")
    tab_to(page, "Add to my list", tag="button")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ada Lovelace")
    expect(page.get_by_role("status")).to_contain_text("Ada Lovelace is on your list.")

    # 6. The Account menu (a <details> dropdown) opens with Enter; Tab walks into it.
    shift_tab_to(page, "Account", tag="summary", nav=True)
    page.keyboard.press("Enter")
    expect(page.get_by_role("link", name="Question bank")).to_be_visible()
    tab_to(page, "Question bank", tag="a", nav=True)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/questions/$"))

    # 7. Find Ada again: the People search filters the list in place (htmx) as one types.
    shift_tab_to(page, "People", tag="a", nav=True)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="People to talk to")).to_be_visible()
    page.evaluate("() => { window.stillTheSamePage = true; }")
    tab_to(page, "Search", tag="input")
    page.keyboard.type("lovelace")
    people = page.get_by_role("main")
    expect(people.get_by_role("link", name="Grace Liu", exact=True)).to_have_count(0)
    expect(people.get_by_role("link", name="Ada Lovelace", exact=True)).to_be_visible()
    assert page.evaluate("() => window.stillTheSamePage === true"), "searching reloaded the page"

    # 8. Sign out from the Account menu, opened this time with Space.
    shift_tab_to(page, "Account", tag="summary", nav=True)
    page.keyboard.press("Space")
    tab_to(page, "Sign out", tag="button")
    page.keyboard.press("Enter")
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Sign in")).to_be_visible()
