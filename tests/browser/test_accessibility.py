"""Every main page passes axe-core with no serious or critical violation, and fits a phone.

axe-core is vendored (tests/browser/vendor, see its README) so the run downloads nothing. Each
page is its own test, signed in as the demo user (`coffeechat demo`'s data: every section of
Today, a meeting with a plan, a finished conversation, drafts and replies), so the pages are
checked full, as a student sees them, not empty. The same page is checked again at 375 px
wide, the narrowest common phone, where the layout changes and nothing may scroll sideways,
and there in dark mode too, which Pico follows from the system (its own colours to contrast).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

from coffeechat.accounts.services import api_token_create
from coffeechat.network.demo import DEMO_PASSWORD
from coffeechat.network.models import Contact, Organization
from coffeechat.outreach.models import Meeting, MeetingStatus, Message
from coffeechat.outreach.services import calendar_import
from tests.browser import PageFactory, demo_student, has_horizontal_scroll, sign_in

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
# Only these fail a page; "moderate" and "minor" findings are advice, not barriers.
BLOCKING = {"serious", "critical"}
PHONE_WIDTH = 375
CALENDAR = b"""BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//Coffeechat tests//EN\r
BEGIN:VEVENT\r
UID:class-1@example.edu\r
DTSTAMP:20260105T120000Z\r
DTSTART:20260105T150000Z\r
DTEND:20260105T163000Z\r
RRULE:FREQ=WEEKLY;BYDAY=MO,WE\r
SUMMARY:Statistics lecture\r
END:VEVENT\r
END:VCALENDAR\r
"""


@dataclass(frozen=True)
class Demo:
    """The demo user's objects whose pages the tests visit."""

    contact: Contact
    organization: Organization
    meeting: Meeting  # upcoming, with a question plan
    finished: Meeting  # last week's conversation, with notes and referrals
    draft: Message


@pytest.fixture
def demo(transactional_db: Any) -> Demo:
    """`coffeechat demo`'s data, plus a calendar and an API token so those pages list one."""
    user = demo_student()
    calendar_import(owner=user, upload=io.BytesIO(CALENDAR), name="Classes")
    api_token_create(user=user, name="Shortcut on my phone")
    liu = Contact.objects.get(owner=user, name="Grace Liu")
    return Demo(
        contact=liu,
        organization=liu.organization,
        meeting=Meeting.objects.filter(owner=user, contact=liu).earliest("start"),
        finished=Meeting.objects.filter(
            owner=user, contact__name="Amara Okafor", status=MeetingStatus.DONE
        ).latest("start"),
        draft=Message.objects.filter(owner=user, sent_at__isnull=True).earliest("created_at"),
    )


Path_ = Callable[[Demo], str]

SIGNED_OUT: dict[str, str] = {
    "welcome": "/",
    "login": "/login/",
    "signup": "/signup/",
}
SIGNED_IN: dict[str, Path_] = {
    "today": lambda d: "/today/",
    "contact-list": lambda d: "/contacts/",
    "contact": lambda d: f"/contacts/{d.contact.uuid}/",
    "contact-form": lambda d: f"/contacts/{d.contact.uuid}/edit/",
    "contact-new": lambda d: "/contacts/new/",
    "organization-list": lambda d: "/organizations/",
    "organization": lambda d: f"/organizations/{d.organization.uuid}/",
    "outreach-queue": lambda d: "/outreach/",
    "contact-outreach": lambda d: f"/contacts/{d.contact.uuid}/outreach/",
    "message-composer": lambda d: f"/messages/{d.draft.uuid}/",
    "template-list": lambda d: "/templates/",
    "availability": lambda d: "/availability/",
    "calendars": lambda d: "/calendars/",
    "meeting-list": lambda d: "/meetings/",
    "meeting": lambda d: f"/meetings/{d.meeting.uuid}/",
    "plan": lambda d: f"/meetings/{d.meeting.uuid}/plan/",
    "prep-sheet": lambda d: f"/meetings/{d.meeting.uuid}/prep/",
    "live": lambda d: f"/meetings/{d.meeting.uuid}/live/",
    "summary": lambda d: f"/meetings/{d.finished.uuid}/summary/",
    "research": lambda d: f"/contacts/{d.contact.uuid}/research/",
    "question-bank": lambda d: "/questions/",
    "practice": lambda d: "/practice/",
    "import": lambda d: "/import/",
    "export": lambda d: "/export/",
    "follow-up-settings": lambda d: "/follow-up-settings/",
    "reminders": lambda d: "/reminders/",
    "dashboard": lambda d: "/dashboard/",
    "interview-log": lambda d: "/log/",
    "profile": lambda d: "/account/profile/",
    "api-tokens": lambda d: "/account/tokens/",
    "password-change": lambda d: "/account/password/",
}


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations on the page as it is now."""
    page.add_script_tag(path=str(AXE))
    results = page.evaluate(
        "() => axe.run(document, {resultTypes: ['violations']}).then(r => r.violations)"
    )
    return [v for v in results if v["impact"] in BLOCKING]


def describe(violations: list[dict[str, Any]]) -> str:
    """One line per rule, with where to look: enough to fix it without rerunning axe."""
    lines = []
    for violation in violations:
        targets = [" ".join(map(str, node["target"])) for node in violation["nodes"][:3]]
        more = len(violation["nodes"]) - len(targets)
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']}\n"
            f"    at {'; '.join(targets)}" + (f" and {more} more" if more > 0 else "")
        )
        first = violation["nodes"][0]
        lines.append(f"    {first['failureSummary'].splitlines()[-1].strip()}")
    return "\n".join(lines)


def assert_accessible(page: Page, url: str, where: str) -> None:
    violations = axe_violations(page)
    assert not violations, f"{url} at {where}:\n{describe(violations)}"


def assert_page_passes(page: Page, url: str) -> None:
    """axe at the default desktop width, then again at phone width, which must not scroll."""
    response = page.goto(url)
    assert response is not None and response.status == 200, f"{url}: {response and response.status}"
    assert_accessible(page, url, "1280 px")
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 812})
    page.reload()
    assert_accessible(page, url, f"{PHONE_WIDTH} px")
    assert not has_horizontal_scroll(page), f"{url} scrolls sideways at {PHONE_WIDTH} px"
    # Pico follows the system's dark mode (color-scheme: light dark): contrast there too.
    page.emulate_media(color_scheme="dark")
    page.reload()
    assert_accessible(page, url, f"{PHONE_WIDTH} px, dark mode")


# bypass_csp: axe is injected as a script the Content-Security-Policy rightly refuses.
@pytest.mark.parametrize("url", SIGNED_OUT.values(), ids=SIGNED_OUT.keys())
def test_signed_out_page_is_accessible(new_page: PageFactory, url: str) -> None:
    page = new_page(bypass_csp=True)
    assert_page_passes(page, url)


@pytest.mark.parametrize("path", SIGNED_IN.values(), ids=SIGNED_IN.keys())
def test_signed_in_page_is_accessible(new_page: PageFactory, demo: Demo, path: Path_) -> None:
    page = new_page(bypass_csp=True)
    sign_in(page, "sam", DEMO_PASSWORD)
    url = path(demo)
    assert_page_passes(page, url)
