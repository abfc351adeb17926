"""Pages load their stylesheets and scripts: the journeys rely on htmx and coffeechat.js."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, Response

pytestmark = pytest.mark.browser


def test_sign_in_page_loads_its_styles_and_scripts(page: Page) -> None:
    responses: list[Response] = []
    page.on("response", lambda response: responses.append(response))
    page.goto("/login/")
    assets = {
        response.url.rsplit("/static/", 1)[-1]: response.status
        for response in responses
        if "/static/" in response.url
    }
    assert set(assets) >= {
        "coffeechat.css",
        "coffeechat.js",
        "vendor/htmx-2.0.11.min.js",
        "vendor/pico-2.1.1.jade.min.css",
    }, assets
    assert all(status == 200 for status in assets.values()), f"static files not served: {assets}"
    assert page.evaluate("() => typeof window.htmx") == "object"
