"""With many people, "referred by" is a name box with suggestions instead of a menu."""

from __future__ import annotations

import pytest
from django.urls import reverse

from coffeechat.network import forms
from coffeechat.network.models import Contact
from tests.factories import make_contact


@pytest.fixture
def many(alice, monkeypatch):
    monkeypatch.setattr(forms, "REFERRER_MENU_LIMIT", 3)
    people = {
        "ada": make_contact(alice, "Ada Park", organization_name="Acme"),
        "sam_acme": make_contact(alice, "Sam Lee", organization_name="Acme"),
        "sam_globex": make_contact(alice, "Sam Lee", organization_name="Globex"),
        "zoe": make_contact(alice, "Zoë Núñez"),
    }
    return people


def test_small_lists_get_a_menu(alice_client, alice):
    make_contact(alice, "Ada Park")
    page = alice_client.get(reverse("contact_create")).text
    assert '<select id="id_referred_by_id"' in page
    assert 'name="referred_by_name"' not in page


def test_large_lists_get_a_name_box_and_no_menu(alice_client, many):
    page = alice_client.get(reverse("contact_create")).text
    assert 'name="referred_by_name"' in page
    assert 'list="referrer-suggestions"' in page
    assert "Zoë Núñez</option>" not in page  # nobody listed up front


def test_suggestions_match_ignoring_accents_and_name_the_organization(alice_client, many, bob):
    make_contact(bob, "Sam Lee", organization_name="Bob's")
    response = alice_client.get(reverse("contact_suggestions"), {"referred_by_name": "sam"})
    assert response.text.count("<option") == 2
    assert 'value="Sam Lee — Acme"' in response.text
    assert "Bob&#x27;s" not in response.text
    response = alice_client.get(reverse("contact_suggestions"), {"q": "zoe nunez"})
    assert 'value="Zoë Núñez"' in response.text


def test_a_unique_name_is_enough(alice_client, many):
    response = alice_client.post(
        reverse("contact_create"), {"name": "New", "referred_by_name": "zoe nunez"}
    )
    assert response.status_code == 302
    assert Contact.objects.get(name="New").referred_by == many["zoe"]


def test_a_shared_name_needs_the_organization(alice_client, many):
    response = alice_client.post(
        reverse("contact_create"), {"name": "New", "referred_by_name": "Sam Lee"}
    )
    assert response.status_code == 200
    assert "Several people are called “Sam Lee”" in response.text
    assert not Contact.objects.filter(name="New").exists()
    response = alice_client.post(
        reverse("contact_create"), {"name": "New", "referred_by_name": "Sam Lee — Globex"}
    )
    assert response.status_code == 302
    assert Contact.objects.get(name="New").referred_by == many["sam_globex"]


def test_an_unknown_name_is_a_clear_error(alice_client, many):
    response = alice_client.post(
        reverse("contact_create"), {"name": "New", "referred_by_name": "Nobody Here"}
    )
    assert "Nobody on your list is called “Nobody Here”" in response.text
    assert not Contact.objects.filter(name="New").exists()


def test_editing_keeps_an_ambiguous_referrer_chosen_before(alice_client, alice, many):
    person = make_contact(alice, "Pat", referred_by=many["sam_globex"])
    form = alice_client.get(reverse("contact_edit", args=[person.uuid])).text
    assert 'value="Sam Lee — Globex"' in form
    response = alice_client.post(
        reverse("contact_edit", args=[person.uuid]),
        {
            "name": "Pat Jones",
            "referred_by_id": str(many["sam_globex"].uuid),
            "referred_by_name": "Sam Lee — Globex",
        },
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.name, person.referred_by) == ("Pat Jones", many["sam_globex"])


def test_clearing_the_box_clears_the_referrer(alice_client, alice, many):
    person = make_contact(alice, "Pat", referred_by=many["ada"])
    alice_client.post(
        reverse("contact_edit", args=[person.uuid]),
        {"name": "Pat", "referred_by_id": str(many["ada"].uuid), "referred_by_name": ""},
    )
    person.refresh_from_db()
    assert person.referred_by is None


def test_add_someone_they_suggested_prefills_the_box(alice_client, many):
    url = reverse("contact_create") + f"?referred_by={many['ada'].uuid}"
    assert 'value="Ada Park — Acme"' in alice_client.get(url).text
    response = alice_client.post(
        url,
        {
            "name": "Suggested",
            "referred_by_id": str(many["ada"].uuid),
            "referred_by_name": "Ada Park — Acme",
        },
    )
    assert response.status_code == 302
    assert Contact.objects.get(name="Suggested").referred_by == many["ada"]


def test_someone_elses_id_in_the_hidden_field_is_refused(alice_client, many, bob):
    stranger = make_contact(bob, "Stranger")
    response = alice_client.post(
        reverse("contact_create"), {"name": "New", "referred_by_id": str(stranger.uuid)}
    )
    assert response.status_code == 200
    assert "Choose someone from your own list." in response.text
    assert not Contact.objects.filter(name="New").exists()


def test_a_person_cannot_be_their_own_referrer(alice_client, many):
    response = alice_client.post(
        reverse("contact_edit", args=[many["ada"].uuid]),
        {"name": "Ada Park", "referred_by_name": "Ada Park"},
    )
    assert "Someone cannot refer themselves." in response.text
