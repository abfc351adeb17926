"""No page runs what a student (or a file they imported) typed: XSS payloads in every text
field of every model a user owns, then every page rendered as the owner.

Rows are first made the way the app makes them (the ownership walk's `alices_things`), then
every free-text column is overwritten straight in the database — as a restored backup, an
old import or a bug in a form might leave it — so that the pages, not the input checks, are
what is tested here. URL-ish columns get `javascript:` addresses. Downloads are not HTML,
and the CSV ones keep formulas from running.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

import pytest
from django.db import models
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from coffeechat.accounts.services import api_token_create
from coffeechat.conversations.models import ResearchLink
from coffeechat.followups import selectors
from coffeechat.followups.models import FollowupSettings
from coffeechat.interchange.services import EXPORT_FORMATS
from coffeechat.network.models import Contact, Organization
from coffeechat.outreach import services as outreach
from coffeechat.outreach.models import BusyInterval, Calendar, Kind, Meeting
from tests import test_ownership
from tests.test_account_delete import owned_models, rows_of
from tests.test_ownership import POST_ONLY

# Alice's rows of every kind that has a page or route, made by the ownership walk.
alices_things = test_ownership.alices_things

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "{{7*7}}",
    "</textarea><svg onload=alert(1)>",
    "'><iframe src=javascript:alert(1)>",
]
EVERYTHING = "".join(PAYLOADS)
# Columns that hold addresses; a link is made from them.
URL_FIELDS = {"website", "linkedin_url", "source_url", "url"}
# Columns that are not free text: keys, tokens, zones, codes the app looks things up by.
NOT_TEXT = {
    "password",
    "time_zone",
    "country",
    "prefix",
    "key_hash",
    "feed_token",
    "rule",
    "object_key",
    "format",
    "builtin_key",
}
# The markup of the payloads, were it ever let through as it was typed.
RAW = ("<script>alert(", "<img src=x onerror", "<svg onload", "<iframe src=javascript")
NOT_PAGES = ("application/json", "text/calendar", "text/csv", "text/vcard", "text/markdown")
LINK_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster"}
# Pages that are not the owner's pages: signing in, out, up, and password reset links.
NOT_WALKED = {"logout", "login", "signup", "password_reset_confirm"}


def _text_fields(model: type[models.Model]) -> Iterator[models.Field[Any, Any]]:
    for field in model._meta.concrete_fields:
        if (
            isinstance(field, models.CharField | models.TextField)
            and not field.choices
            and field.name not in NOT_TEXT
        ):
            yield field


def _payload(field: models.Field[Any, Any], pk: int, turn: int) -> str | None:
    """A payload that fits the column, unique per row (names may be unique per owner).

    Addresses and emails get payloads their validators accept (a javascript: address is
    refused on the way in: see test_url_fields_take_only_web_addresses), so that pages
    and invites which rely on valid values are tested, not made to crash.
    """
    if field.name in URL_FIELDS:
        return f"https://x.example/{pk}?{PAYLOADS[1]}"
    if isinstance(field, models.EmailField):
        return f'"{PAYLOADS[0]}{pk}"@example.com'
    suffix = f" #{pk}"
    turned = PAYLOADS[turn % len(PAYLOADS) :] + PAYLOADS[: turn % len(PAYLOADS)]
    for candidate in (EVERYTHING, *turned):
        if field.max_length is None or len(candidate) + len(suffix) <= field.max_length:
            return candidate + suffix
    return None


def poison(user: Any) -> list[str]:
    """Overwrite every free-text column of `user`'s rows; the "Model.field" names filled."""
    filled = []
    rows = rows_of(user)
    for turn, (model, pks) in enumerate(sorted(rows.items(), key=lambda i: i[0]._meta.label)):
        fields = list(_text_fields(model))
        for pk in pks:
            values = {}
            for field in fields:
                value = _payload(field, pk, turn)
                if value is not None:
                    values[field.attname] = value
                    filled.append(f"{model._meta.label}.{field.name}")
            if values:
                model._base_manager.filter(pk=pk).update(**values)
    return sorted(set(filled))


@pytest.fixture
def poisoned(alice: Any, alices_things: dict[str, Any]) -> dict[str, Any]:
    # A few more kinds of row than the ownership walk makes: a reply, a template of her
    # own, a busy time, her profile's free text.
    contact = Contact.objects.get(uuid=alices_things["contact_id"])
    outreach.reply_record(owner=alice, contact=contact, outcome="no", note="Not now")
    outreach.template_save(owner=alice, kind=Kind.NUDGE, subject="Hi", body="Hello {first_name}")
    calendar = Calendar.objects.get(uuid=alices_things["calendar_id"])
    start = timezone.now() + dt.timedelta(days=1)
    BusyInterval.objects.create(
        owner=alice, calendar=calendar, start=start, end=start + dt.timedelta(hours=1)
    )
    # Today stores the reminders it shows (the reminder snapshot): rows to poison too.
    selectors.today_for(alice, limit=25)
    filled = poison(alice)
    feed = FollowupSettings.objects.get(user=alice).feed_token
    return {**alices_things, "filled": filled, "token": feed}


def _patterns(resolver: Any = None, prefix: str = "") -> Iterator[tuple[str, list[str]]]:
    """(name, its URL parameters) of every page; the API is checked on its own."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if not route.startswith("api/"):
                yield from _patterns(entry, route)
        elif isinstance(entry, URLPattern) and entry.name not in NOT_WALKED:
            yield entry.name, sorted(entry.pattern.converters)


def _urls(things: dict[str, Any]) -> Iterator[str]:
    """Every page address GET can open, with alice's ids and each kind/format there is."""
    choices: dict[str, list[str]] = {"kind": list(Kind.values), "fmt": list(EXPORT_FORMATS)}
    for name, params in _patterns():
        if name in POST_ONLY:
            continue
        listed = [p for p in params if p in choices]
        fixed = {p: things[p] for p in params if p not in choices}
        if not listed:
            yield reverse(name, kwargs=fixed)
            continue
        for value in choices[listed[0]]:
            yield reverse(name, kwargs={**fixed, listed[0]: value})


class _LiveMarkup(HTMLParser):
    """What a browser would run in a page: handlers, javascript: links, script bodies."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in_script = tag == "script"
        for name, value in attrs:
            value = (value or "").strip().lower()
            if name.startswith("on") and "alert(1)" in value:
                self.found.append(f"<{tag} {name}={value!r}>")
            if name in LINK_ATTRIBUTES and value.startswith(("javascript:", "data:text/html")):
                self.found.append(f"<{tag} {name}={value!r}>")

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and "alert(1)" in data:
            self.found.append(f"<script>{data[:60]}")


def assert_no_live_markup(url: str, body: str) -> None:
    for raw in RAW:
        at = body.lower().find(raw.lower())
        assert at < 0, f"{url} renders {raw!r} unescaped: …{body[max(at - 120, 0) : at + 80]}…"
    parser = _LiveMarkup()
    parser.feed(body)
    parser.close()
    assert not parser.found, f"{url} renders live markup: {parser.found}"


def test_every_kind_of_row_with_text_is_filled(alice: Any, poisoned: dict[str, Any]) -> None:
    # The sweep covers whatever the user owns: a new model with text and no row made
    # above fails here until alices_things (or the fixture) makes one.
    rows = rows_of(alice)
    empty = [m._meta.label for m in owned_models() if list(_text_fields(m)) and not rows[m]]
    assert not empty, f"no row of {empty} to fill: make one in the fixture"
    for expected in (
        "network.Contact.name",
        "network.Contact.notes",
        "network.Organization.website",
        "network.Tag.name",
        "outreach.Message.body",
        "outreach.Reply.note",
        "outreach.Meeting.location",
        "outreach.BusyInterval.summary",
        "conversations.Note.text",
        "conversations.ResearchLink.url",
        "conversations.PracticeAnswer.answer",
        "accounts.Profile.elevator_pitch",
        "auth.User.first_name",
    ):
        assert expected in poisoned["filled"]


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_no_page_runs_a_payload(poisoned: dict[str, Any], alice_client: Client, htmx: bool) -> None:
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    checked = 0
    for url in _urls(poisoned):
        response = alice_client.get(url, **headers)
        assert response.status_code < 500, url
        body = b"".join(response) if response.streaming else response.content
        text = body.decode("utf-8", "replace")
        if response["Content-Type"].startswith("text/html"):
            assert_no_live_markup(url, text)
            checked += 1
        else:
            # A download or a feed: never something a browser would run as a page.
            assert response.status_code == 200, url
            assert not response["Content-Type"].startswith(("text/html", "image/svg")), url
    assert checked > 40


def test_the_payloads_are_shown_as_text(poisoned: dict[str, Any], alice_client: Client) -> None:
    # The sweep can fail: the payloads do reach the pages, escaped.
    page = alice_client.get(reverse("contact_detail", args=[poisoned["contact_id"]])).text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in page
    assert "{{7*7}}" in page  # shown as typed, never evaluated as a template
    meeting = alice_client.get(reverse("meeting_detail", args=[poisoned["meeting_id"]])).text
    assert "&lt;/textarea&gt;&lt;svg onload=alert(1)&gt;" in meeting


def test_a_video_meetings_javascript_location_is_not_a_link(
    alice: Any, alice_client: Client, poisoned: dict[str, Any]
) -> None:
    # The location is free text, so the form takes any; only a web address becomes a link.
    contact = Contact.objects.get(uuid=poisoned["contact_id"])
    response = alice_client.post(
        reverse("reply_record", args=[contact.uuid]),
        {
            "outcome": "yes",
            "other_start": "2030-01-07T10:00",
            "medium": "video",
            "location": "javascript://%0Aalert(1)",
        },
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get(owner=alice, location="javascript://%0Aalert(1)")
    url = reverse("meeting_detail", args=[meeting.uuid])
    for location in ("javascript://%0Aalert(1)", "JavaScript://x%0Aalert(1)", "data://x"):
        Meeting.objects.filter(pk=meeting.pk).update(location=location)
        body = alice_client.get(url).text
        assert_no_live_markup(url, body)
        assert 'href="data://x"' not in body
        assert location in body  # still shown, as text
    Meeting.objects.filter(pk=meeting.pk).update(location="https://meet.example/abc")
    assert 'href="https://meet.example/abc"' in alice_client.get(url).text


@pytest.mark.parametrize("address", ["javascript:alert(1)", "JAVASCRIPT:alert(1)", "data:,x"])
def test_url_fields_take_only_web_addresses(alice: Any, alice_client: Client, address: str) -> None:
    # Where a link is made from an address, the pages and the API refuse anything but http(s).
    contact = Contact.objects.create(owner=alice, name="Dana")
    _, key = api_token_create(user=alice)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {key}")

    pages = [
        alice_client.post(reverse("contact_create"), {"name": "Lee", "linkedin_url": address}),
        alice_client.post(reverse("organization_create"), {"name": "Acme", "website": address}),
        alice_client.post(reverse("research_link_add", args=[contact.uuid]), {"url": address}),
    ]
    calls = [
        api.post("/api/v1/contacts", {"name": "Lee", "linkedin_url": address}, "application/json"),
        api.post("/api/v1/organizations", {"name": "Acme", "website": address}, "application/json"),
        api.patch(
            f"/api/v1/contacts/{contact.uuid}", {"linkedin_url": address}, "application/json"
        ),
        api.post(
            f"/api/v1/contacts/{contact.uuid}/research/links", {"url": address}, "application/json"
        ),
    ]

    assert [r.status_code for r in pages] == [200, 200, 200]  # the form again, with the error
    assert [r.status_code for r in calls] == [422, 422, 422, 422]
    assert not Contact.objects.filter(linkedin_url__icontains=address[:5]).exists()
    assert not Organization.objects.exists()
    assert not ResearchLink.objects.exists()


@pytest.mark.parametrize(
    "address", ["javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,alert(1)", "//x"]
)
def test_stored_addresses_that_are_not_web_addresses_never_become_links(
    poisoned: dict[str, Any], alice: Any, alice_client: Client, address: str
) -> None:
    # The validators keep these out; if one got into the database anyway (an old row, an
    # edited backup), the pages show no link for it rather than a link that runs script.
    rows = rows_of(alice)
    filled = 0
    for model, pks in rows.items():
        for field in _text_fields(model):
            if field.name in URL_FIELDS and pks:
                filled += model._base_manager.filter(pk__in=pks).update(**{field.attname: address})
    assert filled >= 3  # the organization's website, the contact's LinkedIn, a research link
    bad = f'href="{address.strip()}"'.lower()
    checked = 0
    for url in _urls(poisoned):
        response = alice_client.get(url)
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            assert_no_live_markup(url, response.text)
            assert bad not in response.text.lower(), url
            checked += 1
    assert checked > 40
    # The same pages link a web address.
    Contact.objects.filter(owner=alice).update(linkedin_url="https://www.linkedin.com/in/dana")
    page = alice_client.get(reverse("contact_detail", args=[poisoned["contact_id"]])).text
    assert 'href="https://www.linkedin.com/in/dana"' in page


def test_the_api_answers_json_whatever_the_data(poisoned: dict[str, Any], alice: Any) -> None:
    from tests.test_ownership import API_ROUTES

    _, key = api_token_create(user=alice)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    paths = [template.format(**poisoned) for method, template in API_ROUTES if method == "GET"]
    paths += ["/api/v1/contacts", "/api/v1/organizations", "/api/v1/today", "/api/v1/questions"]
    for path in paths:
        response = client.get(path)
        assert response.status_code < 500, path
        # JSON, or a download (an invite, an export): never a page a browser would run.
        assert response["Content-Type"].startswith(NOT_PAGES), path


def test_csv_downloads_keep_formulas_from_running(alice: Any, alice_client: Client) -> None:
    Contact.objects.create(owner=alice, name='=HYPERLINK("http://evil.example","x")')
    Contact.objects.create(owner=alice, name="@SUM(1+1)", title="+1", field="-1")

    response = alice_client.get(reverse("export_download", args=["csv"]))
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))

    cells = [cell for row in rows[1:] for cell in row if cell]
    assert response["Content-Type"].startswith("text/csv")
    assert '\'=HYPERLINK("http://evil.example","x")' in cells
    assert {"'@SUM(1+1)", "'+1", "'-1"} <= set(cells)
    assert not [cell for cell in cells if cell[0] in "=+-@"]
