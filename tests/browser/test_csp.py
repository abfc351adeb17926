"""The Content-Security-Policy in a real Chromium: every main page loads, and htmx and the
page scripts work, with nothing refused.

A listener installed through Playwright's init script (which the page's CSP does not govern)
records every `securitypolicyviolation` event; console errors are collected too (Chromium
reports a refusal as "… violates the following Content Security Policy directive …"). One
test breaks the policy on purpose to show that both do catch it.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import ConsoleMessage, Page, expect

from coffeechat.conversations import selectors, services
from coffeechat.outreach.services import message_draft
from tests.browser import PageFactory, sign_in
from tests.conversations.conftest import make_meeting
from tests.factories import make_contact
from tests.followups.conftest import met

pytestmark = pytest.mark.browser

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.effectiveDirective} refused ${event.blockedURI || "(inline)"}`
    + ` at ${event.sourceFile || document.location.pathname}:${event.lineNumber}`
  );
});
"""
# The composer re-checks 400 ms after the last keystroke, then the server answers.
CHECK_TIMEOUT_MS = 4_000


class Watched:
    """A page whose CSP violations and console errors are collected across navigations."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.problems: list[str] = []
        page.add_init_script(RECORD_VIOLATIONS)
        page.on("console", self._console)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error" or "Content Security Policy" in message.text:
            where = message.location.get("url", "")
            self.problems.append(f"console: {message.text} ({where})")

    def collect(self) -> list[str]:
        """Violations seen on the current document (each navigation starts a new list)."""
        found = list(self.page.evaluate("() => window.__cspViolations || []"))
        self.problems.extend(f"{self.page.url}: {line}" for line in found)
        return found

    def visit(self, path: str) -> None:
        response = self.page.goto(path)
        assert response is not None and response.ok, f"{path} answered {response}"
        assert "script-src 'self'" in response.headers["content-security-policy"].split("; ")
        self.page.wait_for_load_state("networkidle")
        # htmx read its config before drawing anything: no injected indicator <style>.
        assert self.page.evaluate("() => document.querySelectorAll('style').length") == 0, path
        self.collect()


def add_data(alice: Any) -> dict[str, str]:
    """A contact, a draft, a planned meeting and a finished one, a referral: every page
    (dashboard charts included) has something to draw."""
    dana = make_contact(
        alice,
        "Dana Reyes",
        organization_name="Acme Health",
        title="UX Researcher",
        email="dana.reyes@acmehealth.example",
    )
    make_contact(alice, "Sam Lee", referred_by=dana)
    draft = message_draft(owner=alice, contact=dana, minutes=30, medium="phone")
    meeting = make_meeting(alice, dana)
    services.questions_builtin_ensure(owner=alice)
    services.plan_set(meeting=meeting, questions=selectors.question_bank(alice)[:3])
    done = met(alice, dana, end=timezone.now() - dt.timedelta(days=2))
    return {
        "contact": f"/contacts/{dana.uuid}/",
        "composer": f"/messages/{draft.uuid}/",
        "meeting": f"/meetings/{meeting.uuid}/",
        "live": f"/meetings/{meeting.uuid}/live/",
        "prep": f"/meetings/{meeting.uuid}/prep/",
        "summary": f"/meetings/{done.uuid}/summary/",
    }


def test_main_pages_load_with_nothing_refused(new_page: PageFactory, alice: Any) -> None:
    paths = add_data(alice)
    watched = Watched(new_page())

    watched.visit("/login/")
    watched.visit("/signup/")
    sign_in(watched.page, "alice")
    for path in [
        "/today/",
        "/contacts/",
        paths["contact"],
        "/organizations/",
        "/outreach/",
        f"{paths['contact']}outreach/",
        paths["composer"],
        "/meetings/",
        paths["meeting"],
        paths["live"],
        paths["prep"],
        paths["summary"],
        "/dashboard/",
        "/log/",
        "/follow-up-settings/",
        "/account/profile/",
        "/availability/",
        "/calendars/",
        "/import/",
        "/reminders/",
    ]:
        watched.visit(path)

    assert watched.problems == []


def test_htmx_and_the_page_scripts_work_under_the_policy(new_page: PageFactory, alice: Any) -> None:
    paths = add_data(alice)
    watched = Watched(new_page())
    page = watched.page
    sign_in(page, "alice")

    # The composer's live checks: an htmx request on typing, its answer swapped in.
    watched.visit(paths["composer"])
    body = page.get_by_role("textbox", name="Message")
    body.fill("Do you have an internship for me? " + body.input_value())
    job_ask = page.locator("#checks li.check[data-code=not_job_ask]")
    expect(job_ask).to_have_class(re.compile(r"\bfail\b"), timeout=CHECK_TIMEOUT_MS)
    watched.collect()

    # Live mode: live.js starts the timer, and an htmx button ticks a question.
    watched.visit(paths["live"])
    page.get_by_role("button", name="Start the timer").click()
    expect(page.get_by_role("timer")).not_to_have_text("0:00")
    asked = page.get_by_role("button", name="Asked", exact=True).first
    asked.click()
    expect(asked).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#save-status")).to_have_text("All changes saved.")
    watched.collect()

    # The prep sheet's print button is shown by print.js.
    watched.visit(paths["prep"])
    expect(page.get_by_role("button", name=re.compile("Print"))).to_be_visible()
    watched.collect()

    assert watched.problems == []


def test_the_policy_is_enforced_and_the_listener_sees_it(new_page: PageFactory, alice: Any) -> None:
    watched = Watched(new_page())
    page = watched.page
    watched.visit("/login/")

    # What an XSS would try: an inline script, an inline style, an inline handler.
    page.evaluate(
        """() => {
          const script = document.createElement("script");
          script.textContent = "window.__inlineRan = true";
          document.head.append(script);
          const style = document.createElement("style");
          style.textContent = "body { display: none }";
          document.head.append(style);
          const img = '<img src="data:," onerror="window.__handlerRan = true">';
          document.body.insertAdjacentHTML("beforeend", img);
        }"""
    )
    page.wait_for_function("() => window.__cspViolations.length >= 3")

    assert page.evaluate("() => window.__inlineRan") is None
    assert page.evaluate("() => window.__handlerRan") is None
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    directives = {line.split(" refused ")[0] for line in watched.collect()}
    assert directives == {"script-src-elem", "style-src-elem", "script-src-attr"}
    assert sum("Content Security Policy" in problem for problem in watched.problems) >= 3
