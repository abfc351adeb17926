"""Schemathesis against /api/v1/openapi.json, as alice, with alice's and bob's ids.

Every operation of the published schema gets generated requests (valid and invalid ones),
each sent up to three ways:
  1. as generated (random ids: the "not found" and bad-input paths);
  2. with alice's real ids in the path, the `contact` query and id fields of the body, so
     the request reaches her objects and the code behind the owner check;
  3. with bob's ids in the same places, and with alice's in the path but bob's in the
     query or body: it must be refused (404, or 422 for a body that names his object),
     change nothing of his and show nothing of his.
Every response must be no 5xx, a documented status code and content type, and match the
documented schema; no response to alice may contain bob's ids, feed address or text.

The run is bounded for CI (a few examples per operation, derandomized so CI is
reproducible); FUZZ_EXAMPLES=100 runs it longer locally and FUZZ_RANDOM=1 draws new
examples each run (README, "Fuzzing the API").
"""

from __future__ import annotations

import json
import os
import re
from typing import Any

import pytest
import schemathesis
from django.test import Client
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from coffeechat.accounts.services import api_token_create
from coffeechat.conversations.models import Note
from coffeechat.wsgi import application
from tests.fuzz.conftest import World, assert_rows_unchanged, rows_of

MAX_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "8"))
# CI draws the same examples every run; FUZZ_RANDOM=1 draws new ones (to explore locally).
DERANDOMIZE = os.environ.get("FUZZ_RANDOM") != "1"
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# Where an id of a kind of object may stand: path parameters by their own name, the
# `contact` query parameter, and id fields of a body ({"contact": …, "questions": […]}).
ID_NAMES = {
    "contact": "contact_id",
    "referred_by": "contact_id",
    "organization": "organization_id",
    "question": "question_id",
    "questions": "question_id",
}
UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)
# An export named in the path is a format, not an id: both users get their own.
FORMATS = ["json", "csv", "vcf", "ics"]

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
schema.config.generation.update(
    modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
    max_examples=MAX_EXAMPLES,
    deterministic=DERANDOMIZE,
    with_security_parameters=False,  # alice's token is sent with every request instead
)


def _is_uuid(value: Any) -> bool:
    return isinstance(value, str) and bool(UUID_RE.match(value))


def _swapped(value: Any, ids: dict[str, Any], key: str) -> tuple[Any, bool]:
    """`value` with a generated id replaced by the user's id of that kind (a list item-wise)."""
    if isinstance(value, list):
        pairs = [_swapped(item, ids, key) for item in value]
        return [v for v, _ in pairs], any(s for _, s in pairs)
    if _is_uuid(value):
        return ids[key], True
    return value, False


def with_ids(case: Any, path_ids: dict[str, Any], ref_ids: dict[str, Any], n: int) -> Any:
    """A copy of `case` naming objects of `path_ids` in its path and of `ref_ids` in the
    `contact` query parameter and the body's id fields, wherever it names one.

    Returns (copy, whether the path names an object, whether the query or body does).
    """
    derived = case.derive()
    in_path = in_refs = False
    params = dict(derived.path_parameters)
    for name in params:
        if name == "export_format":
            params[name] = FORMATS[n % len(FORMATS)]
        elif name == "import_id":  # the previewed run, then the applied one
            params[name] = path_ids["run_id"] if n % 2 == 0 else path_ids["import_id"]
            in_path = True
        elif name in path_ids:
            params[name] = path_ids[name]
            in_path = True
    derived.path_parameters = params
    if isinstance(derived.query, dict) and "contact" in derived.query:
        query = dict(derived.query)
        query["contact"], swapped = _swapped(query["contact"], ref_ids, "contact_id")
        derived.query, in_refs = query, in_refs or swapped
    if isinstance(derived.body, dict):
        body = dict(derived.body)
        for name, key in ID_NAMES.items():
            if name in body:
                body[name], swapped = _swapped(body[name], ref_ids, key)
                in_refs = in_refs or swapped
        derived.body = body
    return derived, in_path, in_refs


def assert_conforms(case: Any, headers: dict[str, str]) -> Any:
    response = case.call(headers=headers)
    case.validate_response(response, checks=CHECKS, headers=headers)
    return response


def assert_nothing_of_bobs(response: Any, world: World, sent: Any = None) -> None:
    """No id, text or feed address of bob's in the response, beyond the ids alice sent.

    An error may name the id it refuses ("You have no contact with the id …"): that tells
    alice nothing she did not send, and the status (404 or 422) says nothing was found.
    """
    text = response.content.decode("utf-8", "replace")
    echoed = json.dumps(sent, default=str) if sent is not None else ""
    leaked = sorted(s for s in world.bob_secrets if s in text and s not in echoed)
    assert not leaked, f"a response to alice shows bob's {leaked}: {text[:500]}"


class Counter:
    """Alternates the formats and imports the examples of one operation use."""

    n = 0


@pytest.mark.fuzz
@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=DERANDOMIZE,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_as_alice_with_her_ids_and_bobs(case: Any, world: World, bob_kept: None) -> None:
    headers = {"Authorization": f"Bearer {world.alice_key}"}
    Counter.n += 1
    alices, bobs = world.alice_ids, world.bob_ids

    assert_nothing_of_bobs(assert_conforms(case, headers), world)

    hers, in_path, in_refs = with_ids(case, alices, alices, Counter.n)
    if in_path or in_refs or hers.path_parameters != case.path_parameters:
        assert_nothing_of_bobs(assert_conforms(hers, headers), world)

    # Bob's objects in the path, then (on her objects) in the body or query: each refused.
    his, in_path, in_refs = with_ids(case, bobs, bobs, Counter.n)
    if in_path or in_refs:
        assert_refused(his, case, headers, world)
    mixed, _, in_refs = with_ids(case, alices, bobs, Counter.n)
    if in_refs:
        assert_refused(mixed, case, headers, world)


def assert_refused(sent: Any, case: Any, headers: dict[str, str], world: World) -> None:
    """A request naming bob's objects: 404 (or 422 for one named in the body), nothing shown."""
    response = assert_conforms(sent, headers)
    assert_nothing_of_bobs(response, world, [sent.path_parameters, sent.query, sent.body])
    refused = (404, 422) if sent.method == case.operation.method.upper() else (405,)
    assert response.status_code in refused, (
        f"{sent.method} {sent.formatted_path} {sent.query} {sent.body!r:.300} naming bob's: "
        f"{response.status_code} {response.content[:300]!r}"
    )


def test_the_leak_check_sees_bobs_things_when_they_are_shown(world: World) -> None:
    # The check above can fail: bob's own view of his data trips it on every kind.
    _, key = api_token_create(user=world.bob, name="his")
    bob = Client(headers={"Authorization": f"Bearer {key}"})
    assert len(world.bob_secrets) > 10
    for path in (
        "/api/v1/contacts",
        "/api/v1/questions",
        f"/api/v1/meetings/{world.bob_ids['meeting_id']}/notes",
    ):
        response = bob.get(path)
        assert response.status_code == 200
        with pytest.raises(AssertionError, match="shows bob's"):
            assert_nothing_of_bobs(response, world)


def test_the_row_check_sees_any_change_to_bobs_data(world: World) -> None:
    before = rows_of(world.bob)
    assert_rows_unchanged(world.bob, before)
    Note.objects.filter(owner=world.bob).update(text="changed")
    with pytest.raises(AssertionError, match="changed bob's data"):
        assert_rows_unchanged(world.bob, before)


# What the fuzzing found, pinned down as plain tests ------------------------------------


def test_every_path_parameter_gets_real_ids_in_the_fuzzing(world: World) -> None:
    # A new route whose id this file cannot fill would only ever be fuzzed with random
    # ids (always 404): it needs an entry in the ownership walk's builder.
    names = {
        parameter.name
        for result in schema.get_all_operations()
        for parameter in result.ok().path_parameters
    }
    assert names, "no path parameter found: the schema did not load"
    missing = names - set(world.alice_ids) - {"export_format"}
    assert not missing, f"no id of alice's for {missing}: add one to alices_things"


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [key for key, _ in pairs]
    assert len(keys) == len(set(keys)), f"duplicate keys: {keys}"
    return dict(pairs)


def test_the_published_schema_has_one_entry_per_status(client: Any) -> None:
    # "200" in openapi_extra next to ninja's own 200 made two "200" keys in the JSON; a
    # reader kept the last, which lost the ics download's content type.
    response = client.get("/api/v1/openapi.json")
    spec = json.loads(response.content, object_pairs_hook=_no_duplicates)
    exports = spec["paths"]["/api/v1/exports/{export_format}"]["get"]["responses"]["200"]
    assert set(exports["content"]) == {
        "application/json",
        "text/csv",
        "text/vcard",
        "text/calendar",
    }
    invite = spec["paths"]["/api/v1/meetings/{meeting_id}/ics"]["get"]["responses"]["200"]
    assert set(invite["content"]) == {"text/calendar"}


def test_availability_refuses_a_time_with_a_zone(alice: Any, alice_client: Any) -> None:
    # "09:00Z" was a 500: SQLite cannot store a time with a zone, and a window is a local
    # time in the profile's zone anyway.
    before = alice_client.get("/api/v1/availability").json()
    body = {"windows": [{"weekday": 1, "start": "09:00Z", "end": "17:00:00+02:00"}]}
    response = alice_client.put(
        "/api/v1/availability", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 422
    assert [e["loc"] for e in response.json()["detail"]] == [
        ["body", "windows", 0, "start"],
        ["body", "windows", 0, "end"],
    ]
    assert "no zone" in response.json()["detail"][0]["msg"]
    assert alice_client.get("/api/v1/availability").json() == before


def test_availability_times_match_their_published_pattern(alice: Any, alice_client: Any) -> None:
    # The schema said format "time" (RFC 3339: an offset is required) for "09:00:00".
    body = {"windows": [{"weekday": 1, "start": "09:30", "end": "17:00:15.5"}]}
    response = alice_client.put(
        "/api/v1/availability", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 200
    spec = alice_client.get("/api/v1/openapi.json").json()
    pattern = spec["components"]["schemas"]["WindowSchema"]["properties"]["start"]["pattern"]
    window = response.json()["windows"][0]
    assert re.match(pattern, window["start"]) and re.match(pattern, window["end"])
    assert window["start"] == "09:30:00"  # kept to the minute


def _takes_null(prop: dict[str, Any]) -> bool:
    return prop.get("type") == "null" or {"type": "null"} in prop.get("anyOf", [])


def test_patch_schemas_publish_null_only_where_it_is_taken(client: Any) -> None:
    # Every patch field was published as "type or null", and the advertised null was a 422
    # ("This field cannot be null.") on all but the `nullable` ones.
    from coffeechat.api.schemas import PatchSchema

    components = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    patches = [model for model in PatchSchema.__subclasses__() if model.__name__ in components]
    assert len(patches) >= 5, "the patch schemas are not in the published schema"
    for model in patches:
        properties = components[model.__name__]["properties"]
        taking_null = {name for name, prop in properties.items() if _takes_null(prop)}
        assert taking_null == set(model.nullable), model.__name__


@pytest.mark.parametrize(
    "path", ["/api/v1/exports/restore", "/api/v1/imports", "/api/v1/calendars"]
)
@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("multipart/form-data", b"no boundary"),
        ("multipart/form-data; boundary=b", b"--b\r\n" + b"X-Long: " + b"x" * 20_000 + b"\r\n"),
    ],
)
def test_a_broken_upload_body_is_422_json(
    alice: Any, alice_client: Any, path: str, content_type: str, body: bytes
) -> None:
    # Was Django's HTML "Bad Request (400)" page: the multipart parser's error.
    response = alice_client.post(path, body, content_type=content_type)
    assert response.status_code == 422
    assert response.json()["detail"][0]["type"] == "multipart_invalid"
