"""/api/v1 Follow through: the Today list, reminders (snooze, dismiss, restore, draft), the
follow-up settings and the calendar feed's address — each through the same selectors and
services as the pages, with the clock frozen on a Wednesday at noon in alice's Chicago."""

from __future__ import annotations

import datetime as dt
import json
import zoneinfo
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.test import Client

from coffeechat.accounts.services import api_token_create
from coffeechat.conversations import services as conversations
from coffeechat.conversations.models import Note
from coffeechat.followups import selectors, shapes
from coffeechat.followups.models import FollowupSettings, ReminderChoice
from coffeechat.network.models import Contact
from coffeechat.outreach import services as outreach
from coffeechat.outreach.models import Message
from tests.factories import make_contact, make_organization
from tests.followups.conftest import NOW, met, request_sent

API = "/api/v1"
CHICAGO = zoneinfo.ZoneInfo("America/Chicago")


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def send(client: Client, method: str, path: str, body: Any = None) -> Any:
    data = json.dumps(body) if body is not None else None
    return getattr(client, method)(f"{API}{path}", data, content_type="application/json")


def errors_of(response: Any) -> dict[str, str]:
    """{last part of loc: msg} of a 422, to say which field was refused and why."""
    return {str(e["loc"][-1]): e["msg"] for e in response.json()["detail"]}


def snapshot() -> list[list[dict[str, Any]]]:
    """Every row this API can write, to show that a refused request changed nothing."""
    models = (ReminderChoice, FollowupSettings, Message, Note, Contact)
    return [list(model.objects.order_by("pk").values()) for model in models]


def token_client(user: Any) -> Client:
    _, key = api_token_create(user=user)
    return Client(headers={"Authorization": f"Bearer {key}"})


@pytest.fixture
def dana(alice: Any) -> Contact:
    acme = make_organization(alice, "Acme Health")
    return make_contact(alice, "Dana Reyes", organization=acme, email="dana@acme.example")


@pytest.fixture
def story(alice: Any, dana: Contact) -> dict[str, str]:
    """Something in every section of alice's Today list.

    Overdue: 3B7 for Lee, asked two weeks ago. Today: thank Dana (met two hours ago) and
    prepare for Sam (tomorrow). This week: tell Dana how her advice helped. Later: keep in
    touch with Dana. Meetings: Sam's.
    """
    meeting = met(alice, dana, end=NOW - dt.timedelta(hours=2))
    advice = Note.objects.get(meeting=meeting)
    conversations.note_update(note=advice, acted_on=True, outcome="I joined the guild.", now=NOW)
    lee = make_contact(alice, "Lee Park", organization=dana.organization)
    request = request_sent(alice, lee, NOW - dt.timedelta(days=14))
    sam = make_contact(alice, "Sam Ortiz")
    upcoming = outreach.meeting_schedule(
        owner=alice, contact=sam, start=NOW + dt.timedelta(days=1), medium="video"
    )
    return {
        "meeting": str(meeting.uuid),
        "note": str(advice.uuid),
        "dana": str(dana.uuid),
        "request": str(request.uuid),
        "upcoming": str(upcoming.uuid),
    }


@pytest.fixture
def alice_api(alice: Any) -> Client:
    return token_client(alice)


def listed(response: Any) -> list[str]:
    return [r["id"] for r in response.json()]


# The Today list ---------------------------------------------------------------------------


def test_today_has_the_shape_coffeechat_today_json_prints(alice, alice_api, story):
    response = send(alice_api, "get", "/today")

    assert response.status_code == 200
    today = response.json()
    expected = shapes.today_json(selectors.today_for(alice), alice)
    assert today == json.loads(json.dumps(expected))
    assert today["date"] == "2026-11-18"
    sections = {name: [r["id"] for r in today[name]] for name in ("overdue", "today", "week")}
    assert sections == {
        "overdue": [f"try_next:{story['request']}", f"nudge:{story['request']}"],
        "today": [f"prepare:{story['upcoming']}", f"thank_you:{story['meeting']}"],
        "week": [f"progress:{story['note']}"],
    }
    assert [r["id"] for r in today["later"]] == [f"keep_in_touch:{story['dana']}"]
    thanks = today["today"][1]
    assert thanks["contact"] == {"id": story["dana"], "name": "Dana Reyes"}
    assert (thanks["label"], thanks["draft"], thanks["draft_kind"]) == (
        "Thank-you",
        None,
        "thank_you",
    )
    assert thanks["deadline"] == "2026-11-19T10:00:00-06:00"  # 24 hours after, her time
    assert thanks["action_url"] == f"/reminders/thank_you/{story['meeting']}/draft/"
    (meeting,) = today["meetings"]
    assert meeting["id"] == story["upcoming"] and meeting["contact"]["name"] == "Sam Ortiz"
    assert meeting["start"] == "2026-11-19T12:00:00-06:00"
    assert meeting["prep_url"] == f"/meetings/{story['upcoming']}/prep/"
    assert today["snoozed"] == 0


def test_today_of_someone_with_nothing_to_do_is_empty(bob):
    today = send(token_client(bob), "get", "/today").json()
    assert today == {
        "date": "2026-11-18",  # bob has no zone: UTC, where it is the same day
        **{name: [] for name in ("overdue", "today", "week", "later", "meetings")},
        "snoozed": 0,
    }


# Reminders --------------------------------------------------------------------------------


def test_reminders_lists_the_week_by_default_and_later_or_all_on_request(alice_api, story):
    week = send(alice_api, "get", "/reminders")
    later = send(alice_api, "get", "/reminders?include=later")
    assert week.status_code == later.status_code == 200
    assert f"keep_in_touch:{story['dana']}" not in listed(week)
    assert listed(later) == [*listed(week), f"keep_in_touch:{story['dana']}"]
    assert [r["bucket"] for r in later.json()] == [
        *("overdue", "overdue", "today", "today", "week", "later")
    ]
    assert not any(r["dismissed"] for r in later.json())

    send(alice_api, "post", f"/reminders/nudge/{story['request']}/dismiss")

    assert f"nudge:{story['request']}" not in listed(send(alice_api, "get", "/reminders"))
    everything = send(alice_api, "get", "/reminders?include=all").json()
    assert [(r["id"], r["dismissed"]) for r in everything][-1] == (
        f"nudge:{story['request']}",
        True,
    )


def test_an_unknown_include_is_422(alice_api, story):
    response = send(alice_api, "get", "/reminders?include=dismissed")
    assert response.status_code == 422
    assert "include" in errors_of(response)


def test_snooze_for_days_then_get_shows_until_when(alice, alice_api, story):
    path = f"/reminders/thank_you/{story['meeting']}"

    response = send(alice_api, "post", f"{path}/snooze", {"days": 3})

    assert response.status_code == 200, response.content
    snoozed = response.json()
    assert snoozed["snoozed_until"] == "2026-11-21T08:00:00-06:00"  # 08:00 her time
    assert (snoozed["due"], snoozed["deadline"], snoozed["bucket"]) == ("2026-11-21", None, "week")
    assert send(alice_api, "get", path).json() == snoozed
    listed_again = send(alice_api, "get", "/reminders").json()
    assert [r for r in listed_again if r["rule"] == "thank_you"] == [snoozed]
    today = send(alice_api, "get", "/today").json()
    assert f"thank_you:{story['meeting']}" not in json.dumps(today)  # off Today, counted
    assert today["snoozed"] == 1
    choice = ReminderChoice.objects.get(owner=alice)
    assert choice.snoozed_until == dt.datetime(2026, 11, 21, 8, tzinfo=CHICAGO)


def test_snooze_until_a_moment(alice_api, story):
    response = send(
        alice_api,
        "post",
        f"/reminders/progress/{story['note']}/snooze",
        {"until": "2026-12-01T09:30:00-05:00"},
    )
    assert response.status_code == 200, response.content
    assert response.json()["snoozed_until"] == "2026-12-01T08:30:00-06:00"
    assert response.json()["due"] == "2026-12-01"


def test_dismiss_hides_and_restore_brings_back(alice_api, story):
    path = f"/reminders/keep_in_touch/{story['dana']}"
    before = send(alice_api, "get", "/reminders?include=later").json()

    dismissed = send(alice_api, "post", f"{path}/dismiss")

    assert dismissed.status_code == 200
    assert dismissed.json()["dismissed"] is True
    after = send(alice_api, "get", "/reminders?include=later").json()
    assert [r["id"] for r in after] == [r["id"] for r in before][:-1]
    assert send(alice_api, "get", path).json()["dismissed"] is True

    restored = send(alice_api, "post", f"{path}/restore")

    assert restored.status_code == 200
    assert restored.json() == {**before[-1], "dismissed": False}
    assert send(alice_api, "get", "/reminders?include=later").json() == before
    assert not ReminderChoice.objects.exists()


def test_restore_undoes_a_snooze(alice_api, story):
    path = f"/reminders/thank_you/{story['meeting']}"
    send(alice_api, "post", f"{path}/snooze", {"days": 2})

    response = send(alice_api, "post", f"{path}/restore")

    assert response.status_code == 200
    assert response.json()["snoozed_until"] is None
    assert response.json()["deadline"] == "2026-11-19T10:00:00-06:00"


def test_draft_creates_then_reuses(alice, alice_api, story):
    path = f"/reminders/thank_you/{story['meeting']}/draft"

    first = send(alice_api, "post", path)

    assert first.status_code == 201, first.content
    draft = first.json()
    assert (draft["kind"], draft["contact"], draft["sent_at"]) == ("thank_you", story["dana"], None)
    assert "Join the local UX guild" in draft["body"]  # quotes her advice, not a generic line
    reminder = send(alice_api, "get", path.removesuffix("/draft")).json()
    assert reminder["draft"] == draft["id"]
    assert reminder["action_url"] == f"/messages/{draft['id']}/"

    again = send(alice_api, "post", path)

    assert again.status_code == 200
    assert again.json()["id"] == draft["id"]
    assert Message.objects.filter(owner=alice, kind="thank_you").count() == 1


def test_a_progress_draft_says_what_came_of_it(alice_api, story):
    response = send(alice_api, "post", f"/reminders/progress/{story['note']}/draft")
    assert response.status_code == 201
    assert "I joined the guild." in response.json()["body"]


def test_a_reminder_that_is_not_a_message_has_no_draft(alice_api, story):
    before = snapshot()
    response = send(alice_api, "post", f"/reminders/prepare/{story['upcoming']}/draft")
    assert response.status_code == 422
    assert "not a message to write" in response.json()["detail"][0]["msg"]
    assert snapshot() == before


TOMORROW = "2026-11-19T09:00:00-06:00"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "days"),
        ({"days": 0}, "days"),
        ({"days": 367}, "days"),
        ({"days": "soon"}, "days"),
        ({"days": None, "until": None}, "days"),
        ({"until": "2026-11-19T09:00:00"}, "until"),  # no offset
        ({"until": "2026-11-17T09:00:00-06:00"}, "until"),  # the past
        ({"until": "2028-01-01T09:00:00-06:00"}, "until"),  # over a year away
        ({"until": "next week"}, "until"),
        ({"days": 2, "until": TOMORROW}, "until"),
        ({"weeks": 1}, "weeks"),
    ],
)
def test_a_bad_snooze_is_422_and_changes_nothing(alice_api, story, body, field):
    send(alice_api, "post", f"/reminders/nudge/{story['request']}/dismiss")
    before = snapshot()

    response = send(alice_api, "post", f"/reminders/thank_you/{story['meeting']}/snooze", body)

    assert response.status_code == 422, response.content
    assert field in errors_of(response)
    assert snapshot() == before


@pytest.mark.parametrize(
    "path",
    [
        "/reminders/celebrate/{meeting}/dismiss",  # no such rule
        "/reminders/thank_you/{dana}/dismiss",  # a contact is not what a thank-you is about
        "/reminders/thank_you/not-an-id/dismiss",
        "/reminders/keep_in_touch/{meeting}",
    ],
)
def test_a_reminder_that_does_not_exist_is_404(alice_api, story, path):
    before = snapshot()
    response = send(alice_api, "post" if path.endswith("dismiss") else "get", path.format(**story))
    assert response.status_code == 404
    assert response.json() == {"detail": "Not Found"}
    assert snapshot() == before


# Settings and the feed ---------------------------------------------------------------------

DEFAULTS = {
    **{"thank_you_hours": 24, "linkedin_days": 1, "progress_days": 2, "keep_in_touch_months": 3},
    **{"try_next_days": 3, "nudge_days": 7, "prepare_days": 1, "digest": False, "feed": None},
}


def test_settings_start_at_the_guides_numbers(alice_api):
    response = send(alice_api, "get", "/follow-up-settings")
    assert response.status_code == 200
    assert response.json() == DEFAULTS
    assert not FollowupSettings.objects.exists()  # reading saves nothing


def test_patch_changes_only_the_fields_sent(alice, alice_api, story):
    response = send(
        alice_api, "patch", "/follow-up-settings", {"keep_in_touch_months": 1, "digest": True}
    )

    assert response.status_code == 200, response.content
    assert response.json() == {**DEFAULTS, "keep_in_touch_months": 1, "digest": True}
    assert send(alice_api, "get", "/follow-up-settings").json() == response.json()
    # The reminders follow the new numbers at once: keep in touch is due a month on.
    reminder = send(alice_api, "get", f"/reminders/keep_in_touch/{story['dana']}").json()
    assert reminder["due"] == "2026-12-18"
    assert send(alice_api, "patch", "/follow-up-settings", {"nudge_days": 10}).json() == {
        **DEFAULTS,
        "keep_in_touch_months": 1,
        "digest": True,
        "nudge_days": 10,
    }


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"try_next_days": 7}, "try_next_days", "fewer business days than the nudge (7)"),
        ({"nudge_days": 2}, "try_next_days", "fewer business days than the nudge (2)"),
        ({"try_next_days": 9, "nudge_days": 8}, "try_next_days", "the nudge (8)"),
        ({"keep_in_touch_months": 0}, "keep_in_touch_months", "greater than or equal to 1"),
        ({"keep_in_touch_months": 25}, "keep_in_touch_months", "less than or equal to 24"),
        ({"thank_you_hours": 169}, "thank_you_hours", "less than or equal to 168"),
        ({"linkedin_days": -1}, "linkedin_days", "greater than or equal to 0"),
        ({"prepare_days": 1.5}, "prepare_days", "valid integer"),
        ({"prepare_days": "a week"}, "prepare_days", "valid integer"),
        ({"digest": "maybe"}, "digest", "valid boolean"),
        ({"digest": None}, "digest", "cannot be null"),
        ({"feed_token": "mine"}, "feed_token", "Extra inputs are not permitted"),
    ],
)
def test_bad_settings_are_422_with_a_message_and_change_nothing(
    alice, alice_api, body, field, message
):
    send(alice_api, "patch", "/follow-up-settings", {"thank_you_hours": 12})
    before = snapshot()

    response = send(alice_api, "patch", "/follow-up-settings", body)

    assert response.status_code == 422, response.content
    assert message in errors_of(response)[field]
    assert snapshot() == before
    assert send(alice_api, "get", "/follow-up-settings").json()["thank_you_hours"] == 12


def test_a_new_feed_address_replaces_the_old_one(alice, alice_api):
    first = send(alice_api, "post", "/follow-up-settings/feed")

    assert first.status_code == 201, first.content
    feed = first.json()
    token = FollowupSettings.objects.get(user=alice).feed_token
    assert feed == {
        "url": f"http://testserver/feed/{token}.ics",
        "created_at": "2026-11-18T18:00:00Z",
    }
    assert send(alice_api, "get", "/follow-up-settings").json()["feed"] == feed
    assert Client().get(feed["url"]).status_code == 200  # no sign-in: the token is the key

    second = send(alice_api, "post", "/follow-up-settings/feed").json()

    assert second["url"] != feed["url"]
    assert Client().get(feed["url"]).status_code == 404  # the old address stops working
    assert Client().get(second["url"]).status_code == 200


def test_turning_the_feed_off(alice, alice_api):
    url = send(alice_api, "post", "/follow-up-settings/feed").json()["url"]

    response = send(alice_api, "delete", "/follow-up-settings/feed")

    assert response.status_code == 204
    assert send(alice_api, "get", "/follow-up-settings").json()["feed"] is None
    assert Client().get(url).status_code == 404
    assert send(alice_api, "delete", "/follow-up-settings/feed").status_code == 204  # again


# Bob and strangers ------------------------------------------------------------------------

# Every route with a reminder in its path, as bob sends it for alice's reminders: each
# rule with the id of her record it is about.
ID_ROUTES = [
    ("get", "/reminders/{rule}/{key}", None),
    ("post", "/reminders/{rule}/{key}/snooze", {"days": 3}),
    ("post", "/reminders/{rule}/{key}/dismiss", None),
    ("post", "/reminders/{rule}/{key}/restore", None),
    ("post", "/reminders/{rule}/{key}/draft", None),
]
HERS = [
    ("thank_you", "meeting"),
    ("prepare", "upcoming"),
    ("progress", "note"),
    ("keep_in_touch", "dana"),
    ("try_next", "request"),
    ("nudge", "request"),
]


def test_every_reminder_route_is_in_the_404_test():
    from coffeechat.api import followups

    routes = {
        (method.lower(), path)
        for path, view in followups.router.path_operations.items()
        if "{" in path
        for operation in view.operations
        for method in operation.methods
    }
    assert routes == {(method, template) for method, template, _ in ID_ROUTES}


@pytest.mark.parametrize(("rule", "about"), HERS)
@pytest.mark.parametrize(("method", "template", "body"), ID_ROUTES, ids=lambda v: str(v))
def test_bob_gets_404_on_alices_reminders_and_changes_nothing(
    bob, story, rule, about, method, template, body
):
    bob_api = token_client(bob)
    # Bob has reminders of his own with the same rules, so the rule is not what refuses him.
    met(bob, make_contact(bob, "Bob's mentor"), end=NOW - dt.timedelta(hours=1))
    before = snapshot()

    path = template.format(rule=rule, key=story[about])
    response = send(bob_api, method, path, body)

    assert response.status_code == 404, response.content
    assert response.json() == {"detail": "Not Found"}
    assert snapshot() == before


def test_alices_reminders_and_settings_are_not_bobs(alice, bob, story):
    bob_api = token_client(bob)
    send(token_client(alice), "patch", "/follow-up-settings", {"thank_you_hours": 12})
    send(token_client(alice), "post", "/follow-up-settings/feed")
    before = snapshot()

    assert send(bob_api, "get", "/reminders?include=all").json() == []
    assert send(bob_api, "get", "/today").json()["meetings"] == []
    assert send(bob_api, "get", "/follow-up-settings").json() == DEFAULTS
    assert send(bob_api, "delete", "/follow-up-settings/feed").status_code == 204
    assert snapshot() == before  # her feed still works, her numbers are hers


def every_route() -> list[tuple[str, str]]:
    from coffeechat.api import followups

    return sorted(
        (method.lower(), path)
        for path, view in followups.router.path_operations.items()
        for operation in view.operations
        for method in operation.methods
    )


@pytest.mark.parametrize(("method", "template"), every_route())
def test_without_credentials_it_is_401(story, method, template):
    before = snapshot()
    path = template.format(rule="thank_you", key=story["meeting"])
    body = {"days": 3} if method != "get" else None

    response = send(Client(), method, path, body)

    assert response.status_code == 401
    assert snapshot() == before
