"""Playwright driving Debian's Chromium against pytest-django's live server.

Run with `.venv/bin/pytest -m browser` (or `make test-browser`); the default run skips these.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Error, Page, sync_playwright

from tests.browser import PageFactory

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
# Short waits: every page here answers in milliseconds, and a hung test should fail fast.
TIMEOUT_MS = 5_000


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        # Fail, never skip: CI installs Chromium, and a skipped suite would hide breakage.
        pytest.fail(
            f"Chromium is missing at {CHROMIUM}; the browser tests need Debian's package "
            "(apt-get install chromium).",
            pytrace=False,
        )
    # Playwright's sync API keeps an event loop in this thread, so Django would refuse the
    # database access the tests (and live_server's flush) make here. Allowed only while
    # the browser suite runs.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def new_page(
    browser: Browser, live_server: Any, request: pytest.FixtureRequest
) -> Iterator[PageFactory]:
    """Open a page in a fresh context (own cookies); keyword arguments go to new_context."""
    contexts: list[BrowserContext] = []
    errors: list[str] = []

    def factory(**options: Any) -> Page:
        options.setdefault("base_url", live_server.url)
        options.setdefault("locale", "en-US")
        options.setdefault("timezone_id", "UTC")
        context = browser.new_context(**options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        return page

    yield factory

    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)
        for number, context in enumerate(contexts):
            for index, page in enumerate(context.pages):
                # Best effort: a crashed page must not hide the test's own failure.
                with contextlib.suppress(Error):
                    page.screenshot(path=ARTIFACTS / f"{name}-{number}-{index}.png", full_page=True)
    for context in contexts:
        context.close()
    if errors:
        pytest.fail("JavaScript errors in the page:\n" + "\n".join(errors), pytrace=False)


@pytest.fixture
def page(new_page: PageFactory) -> Page:
    return new_page()
