"""Security headers on every response, a CSP with no inline script, and __Host- cookies.

The headers are checked on each kind of response the app makes (page, signed-out page, API,
static file, calendar feed, 404, 500); the cookie settings are read from a real process started
with production or development environment variables, as tests/test_settings.py does.
"""

from __future__ import annotations

import json
import re
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import path, reverse

from coffeechat.followups.services import feed_token_new
from coffeechat.urls import urlpatterns as app_urlpatterns
from tests.factories import PASSWORD, make_contact
from tests.test_settings import SETUP, run_python

SRC = Path(__file__).resolve().parents[1] / "src" / "coffeechat"
PRODUCTION_KEY = "a-very-long-and-random-production-secret-key-0123456789-abcdefgh"


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug in a view")


# Used by the 500 test (pytest.mark.urls): the app's URLs plus a view that fails.
urlpatterns = [*app_urlpatterns, path("boom/", boom)]


def csp_directives(response: Any) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    directives: dict[str, list[str]] = {}
    for part in policy.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def assert_security_headers(response: Any) -> None:
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["Permissions-Policy"] == "camera=(), microphone=(), geolocation=()"
    directives = csp_directives(response)
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]


# Every kind of response ---------------------------------------------------------------


def test_a_signed_in_page_has_the_headers(alice_client: Client) -> None:
    response = alice_client.get(reverse("today"))

    assert response.status_code == 200
    assert_security_headers(response)


def test_a_signed_out_page_has_the_headers(db: Any) -> None:
    response = Client().get(reverse("login"))

    assert response.status_code == 200
    assert_security_headers(response)


def test_an_api_response_has_the_headers(alice_client: Client, alice: Any) -> None:
    make_contact(alice, "Dana Reyes")

    response = alice_client.get("/api/v1/contacts")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert_security_headers(response)


def test_a_static_file_served_by_whitenoise_has_the_headers(db: Any) -> None:
    response = Client().get("/static/coffeechat.js")

    assert response.status_code == 200
    assert "whitenoise" in type(response).__module__
    assert_security_headers(response)
    response.close()


def test_the_calendar_feed_has_the_headers(alice: Any) -> None:
    token = feed_token_new(user=alice).feed_token

    response = Client().get(reverse("feed", args=[token]))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert_security_headers(response)


def test_a_404_has_the_headers(alice_client: Client) -> None:
    response = alice_client.get("/no-such-page/")

    assert response.status_code == 404
    assert_security_headers(response)


@pytest.mark.urls(__name__)
def test_a_500_has_the_headers(alice: Any) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(alice)

    response = client.get("/boom/")

    assert response.status_code == 500
    assert_security_headers(response)


def test_hsts_over_https(settings: Any, db: Any) -> None:
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True

    response = Client().get(reverse("login"), secure=True)

    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert_security_headers(response)


# The policy and what the pages need from it ------------------------------------------


def test_the_policy_allows_no_inline_script_style_or_eval(alice_client: Client) -> None:
    directives = csp_directives(alice_client.get(reverse("today")))

    for name in ("default-src", "script-src", "style-src"):
        assert not {"'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'"} & set(
            directives[name]
        ), name
    assert not any(value.startswith("'nonce-") for value in directives["script-src"])
    assert directives["img-src"] == ["'self'", "data:"]
    assert directives["connect-src"] == ["'self'"]
    assert directives["font-src"] == ["'self'"]
    assert directives["base-uri"] == ["'self'"]
    assert directives["form-action"] == ["'self'"]


def test_htmx_is_told_not_to_inject_styles_or_eval(alice_client: Client) -> None:
    html = alice_client.get(reverse("today")).content.decode()

    match = re.search(r"<meta name=\"htmx-config\" content='([^']*)'>", html)
    assert match, "base.html must configure htmx for the CSP"
    config = json.loads(match.group(1))
    assert config["includeIndicatorStyles"] is False
    assert config["allowEval"] is False


TEMPLATES = sorted(SRC.rglob("templates/**/*.html"))
INLINE_IN_HTML = {
    "an inline <script>": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE),
    "a <style> element": re.compile(r"<style\b", re.IGNORECASE),
    "a style attribute": re.compile(r"\sstyle\s*=", re.IGNORECASE),
    "an event-handler attribute": re.compile(r"\son[a-z]+\s*=", re.IGNORECASE),
    "an hx-on attribute (needs eval)": re.compile(r"\s(data-)?hx-on", re.IGNORECASE),
    "a javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
}


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(SRC)))
def test_templates_have_nothing_the_policy_blocks(template: Path) -> None:
    text = template.read_text(encoding="utf-8")

    found = [what for what, pattern in INLINE_IN_HTML.items() if pattern.search(text)]

    assert found == []


SCRIPTS = sorted(p for p in (SRC / "static").glob("*.js"))
FORBIDDEN_IN_JS = {
    "eval": re.compile(r"\beval\s*\("),
    "new Function": re.compile(r"\bFunction\s*\("),
    "a string timer": re.compile(r"set(Timeout|Interval)\s*\(\s*[\"'`]"),
    "an inline style attribute": re.compile(r"setAttribute\(\s*[\"']style|\.cssText\b"),
    "an inline handler": re.compile(r"setAttribute\(\s*[\"']on[a-z]+"),
    "HTML with a <script> or <style>": re.compile(r"<(script|style)\b"),
}


def test_there_are_scripts_to_check() -> None:
    assert {p.name for p in SCRIPTS} >= {"coffeechat.js", "live.js", "print.js"}
    assert len(TEMPLATES) > 50


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_scripts_use_nothing_the_policy_blocks(script: Path) -> None:
    text = script.read_text(encoding="utf-8")

    found = [what for what, pattern in FORBIDDEN_IN_JS.items() if pattern.search(text)]

    assert found == []


# Cookies ---------------------------------------------------------------------------

COOKIE_SETTINGS = (
    SETUP
    + "import json; from django.conf import settings as s;"
    + "print(json.dumps({n: getattr(s, n) for n in ["
    + "'SESSION_COOKIE_NAME', 'SESSION_COOKIE_SECURE', 'SESSION_COOKIE_HTTPONLY',"
    + "'SESSION_COOKIE_SAMESITE', 'SESSION_COOKIE_PATH', 'SESSION_COOKIE_DOMAIN',"
    + "'CSRF_COOKIE_NAME', 'CSRF_COOKIE_SECURE', 'CSRF_COOKIE_SAMESITE', 'CSRF_COOKIE_PATH',"
    + "'CSRF_COOKIE_DOMAIN']}))"
)


def cookie_settings(tmp_path: Path, **env: str) -> dict[str, Any]:
    result = run_python(COOKIE_SETTINGS, COFFEECHAT_DATA_DIR=str(tmp_path), **env)
    assert result.returncode == 0, result.stderr
    values: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return values


def test_production_uses_host_prefixed_secure_cookies(tmp_path: Path) -> None:
    values = cookie_settings(tmp_path, COFFEECHAT_SECRET_KEY=PRODUCTION_KEY)

    assert values == {
        "SESSION_COOKIE_NAME": "__Host-sessionid",
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_PATH": "/",
        "SESSION_COOKIE_DOMAIN": None,
        "CSRF_COOKIE_NAME": "__Host-csrftoken",
        "CSRF_COOKIE_SECURE": True,
        "CSRF_COOKIE_SAMESITE": "Lax",
        "CSRF_COOKIE_PATH": "/",
        "CSRF_COOKIE_DOMAIN": None,
    }


def test_plain_http_development_keeps_the_usual_cookie_names(tmp_path: Path) -> None:
    values = cookie_settings(tmp_path, COFFEECHAT_DEBUG="1")

    assert values["SESSION_COOKIE_NAME"] == "sessionid"
    assert values["CSRF_COOKIE_NAME"] == "csrftoken"
    assert values["SESSION_COOKIE_SECURE"] is False
    assert values["CSRF_COOKIE_SECURE"] is False
    assert values["SESSION_COOKIE_HTTPONLY"] is True


def test_the_test_suite_runs_on_plain_http_cookies(settings: Any) -> None:
    # The browser tests use an http:// live server, where a __Host- cookie would be dropped.
    assert settings.SESSION_COOKIE_NAME == "sessionid"
    assert settings.CSRF_COOKIE_NAME == "csrftoken"


def test_signing_in_over_https_sets_host_cookies_a_browser_accepts(
    settings: Any, alice: Any, tmp_path: Path
) -> None:
    production = cookie_settings(tmp_path, COFFEECHAT_SECRET_KEY=PRODUCTION_KEY)
    for name, value in production.items():
        setattr(settings, name, value)
    client = Client(enforce_csrf_checks=True)

    form = client.get(reverse("login"), secure=True)
    csrf = form.cookies["__Host-csrftoken"]
    response = client.post(
        reverse("login"),
        {
            "username": "alice",
            "password": PASSWORD,
            "csrfmiddlewaretoken": form.context["csrf_token"],
        },
        secure=True,
        headers={"Origin": "https://testserver"},
    )

    assert response.status_code == 302
    session = response.cookies["__Host-sessionid"]
    for cookie in (csrf, session):
        # What the __Host- prefix demands, as the browser would read the Set-Cookie line.
        parsed = SimpleCookie(cookie.output(header="").strip())[cookie.key]
        assert parsed["secure"] is True
        assert parsed["path"] == "/"
        assert parsed["domain"] == ""
        assert parsed["samesite"] == "Lax"
    assert session["httponly"] is True
    assert "sessionid" not in response.cookies
    assert client.get(reverse("today"), secure=True).status_code == 200
