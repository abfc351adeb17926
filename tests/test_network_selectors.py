from __future__ import annotations

from uuid import uuid4

import pytest
from django.http import Http404

from coffeechat.lib.text import fold
from coffeechat.network import selectors
from coffeechat.network.models import Organization
from tests.factories import make_contact, make_organization


def test_keyset_pages_walk_every_contact_once_in_name_order(alice):
    for name in [
        "Émile",
        "emile",
        "Ava",
        "Ben",
        "ava",
        "Zed",
        "Chloé",
        "Dan",
        "Ève",
        "Finn",
        "Gus",
    ]:
        make_contact(alice, name)
    seen, after = [], ""
    while True:
        page = selectors.contact_list(alice, after=after, limit=3)
        seen.extend(c.name for c in page.items)
        if not page.next_cursor:
            break
        after = page.next_cursor
    assert len(seen) == 11
    assert len(set(seen)) == 11
    folded = [fold(name) for name in seen]
    assert folded == sorted(folded)  # "Émile" sorts with "emile", not after "Zed"


def test_previous_page_returns_the_page_before(alice):
    for i in range(7):
        make_contact(alice, f"Person {i}")
    first = selectors.contact_list(alice, limit=3)
    second = selectors.contact_list(alice, after=first.next_cursor, limit=3)
    back = selectors.contact_list(alice, before=second.previous_cursor, limit=3)
    assert [c.name for c in back.items] == [c.name for c in first.items]
    assert back.previous_cursor is None
    assert first.previous_cursor is None
    assert [c.name for c in second.items] == ["Person 3", "Person 4", "Person 5"]


def test_broken_cursor_is_a_clear_error(alice):
    with pytest.raises(selectors.InvalidCursor):
        selectors.contact_list(alice, after="not-a-cursor")


def test_filters_combine(alice):
    make_contact(alice, "Practice Pat", practice=True, source="friend_family", tags="warmup")
    make_contact(alice, "Faculty Fay", source="faculty", tags="warmup")
    make_contact(alice, "Other Oz", source="faculty")
    page = selectors.contact_list(
        alice, filters=selectors.ContactFilters(source="faculty", tag="WARMUP")
    )
    assert [c.name for c in page.items] == ["Faculty Fay"]
    page = selectors.contact_list(alice, filters=selectors.ContactFilters(practice=True))
    assert [c.name for c in page.items] == ["Practice Pat"]


def test_organizations_are_listed_in_lamp_order(alice):
    make_organization(alice, "Low", lamp_motivation=1, lamp_posting=3, lamp_advocate=True)
    make_organization(alice, "Dream no posting", lamp_motivation=3, lamp_posting=1)
    make_organization(alice, "Dream with posting", lamp_motivation=3, lamp_posting=3)
    make_organization(
        alice,
        "Dream with posting and advocate",
        lamp_motivation=3,
        lamp_posting=3,
        lamp_advocate=True,
    )
    assert [o.name for o in selectors.organization_list(alice)] == [
        "Dream with posting and advocate",
        "Dream with posting",
        "Dream no posting",
        "Low",
    ]


def test_getters_hide_other_users_rows_and_bad_ids(alice, bob):
    contact = make_contact(alice, "Dana")
    org = make_organization(alice)
    for getter, key in [
        (selectors.contact_get_for_user, contact.uuid),
        (selectors.organization_get_for_user, org.uuid),
    ]:
        with pytest.raises(Http404):
            getter(bob, key)
        with pytest.raises(Http404):
            getter(alice, "123")
        assert getter(alice, str(key)).uuid == key
    assert Organization.objects.count() == 1


def test_cursor_with_a_null_character_is_refused(alice):
    import base64
    import json

    forged = base64.urlsafe_b64encode(json.dumps(["a\x00", str(uuid4())]).encode()).decode()
    with pytest.raises(selectors.InvalidCursor):
        selectors.contact_list(alice, after=forged)
