from __future__ import annotations

import pytest
from django.urls import reverse

from coffeechat.network.models import Contact, Organization
from tests.factories import make_contact


def test_pages_need_sign_in(client, alice):
    contact = make_contact(alice, "Dana")
    for url in [reverse("contact_list"), reverse("contact_detail", args=[contact.uuid])]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_empty_list_says_what_to_do_next(alice_client):
    response = alice_client.get(reverse("contact_list"))
    assert response.status_code == 200
    assert "Start your list" in response.text
    assert "practice" in response.text


def test_add_a_contact_with_organization_and_tags(alice_client, alice):
    response = alice_client.post(
        reverse("contact_create"),
        {
            "name": "Dana Reyes",
            "email": "dana@example.com",
            "organization_name": "Acme Health",
            "title": "UX researcher",
            "source": "guest_speaker",
            "tags": "ux, chicago",
            "time_zone": "America/New_York",
        },
    )
    contact = Contact.objects.get(owner=alice)
    assert response.status_code == 302
    assert response["Location"] == reverse("contact_detail", args=[contact.uuid])
    assert contact.organization.name == "Acme Health"
    assert contact.time_zone == "America/New_York"
    page = alice_client.get(response["Location"]).text
    assert "Acme Health" in page and "Guest speaker" in page and "chicago" in page


def test_add_and_add_another_returns_to_an_empty_form(alice_client):
    response = alice_client.post(reverse("contact_create"), {"name": "A", "add_another": "1"})
    assert response["Location"] == reverse("contact_create")


def test_bad_input_shows_messages_and_saves_nothing(alice_client):
    response = alice_client.post(
        reverse("contact_create"),
        {
            "name": "x" * 10_000,
            "email": "nope",
            "linkedin_url": "javascript:alert(1)",
            "time_zone": "Nowhere/Land",
            "source": "psychic",
        },
    )
    assert response.status_code == 200
    text = response.text
    assert "Ensure this value has at most 200 characters" in text
    assert "Enter a valid email address." in text
    assert "http:// or https://" in text
    assert "Select a valid choice" in text
    assert Contact.objects.count() == 0
    assert Organization.objects.count() == 0


def test_referred_contact_shows_on_the_referrers_page(alice_client, alice):
    referrer = make_contact(alice, "Prof. Ada Park", source="faculty")
    form = alice_client.get(reverse("contact_create") + f"?referred_by={referrer.uuid}")
    assert f'value="{referrer.uuid}" selected' in form.text
    response = alice_client.post(
        reverse("contact_create"),
        {"name": "Sam Lee", "referred_by_id": str(referrer.uuid), "source": "referral"},
    )
    sam = Contact.objects.get(name="Sam Lee")
    assert response.status_code == 302
    assert sam.referred_by == referrer
    page = alice_client.get(reverse("contact_detail", args=[referrer.uuid])).text
    assert "Sam Lee" in page
    page = alice_client.get(reverse("contact_detail", args=[sam.uuid])).text
    assert "Prof. Ada Park" in page


def test_edit_keeps_tags_and_organization_in_the_form(alice_client, alice):
    contact = make_contact(alice, "Dana", organization_name="Acme", tags="ux")
    form = alice_client.get(reverse("contact_edit", args=[contact.uuid])).text
    assert 'value="Acme"' in form and 'value="ux"' in form
    response = alice_client.post(
        reverse("contact_edit", args=[contact.uuid]),
        {"name": "Dana R.", "organization_name": "Acme", "tags": "ux, design"},
    )
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.name == "Dana R."
    assert sorted(t.name for t in contact.tags.all()) == ["design", "ux"]


def test_delete_asks_first(alice_client, alice):
    contact = make_contact(alice, "Dana")
    confirm = alice_client.get(reverse("contact_delete", args=[contact.uuid]))
    assert "Delete Dana?" in confirm.text
    assert Contact.objects.count() == 1
    response = alice_client.post(reverse("contact_delete", args=[contact.uuid]))
    assert response.status_code == 302
    assert Contact.objects.count() == 0


def test_list_search_and_filters(alice_client, alice):
    make_contact(alice, "José Núñez", source="faculty")
    make_contact(alice, "Pat Practice", practice=True, tags="warmup")
    text = alice_client.get(reverse("contact_list"), {"q": "jose"}).text
    assert "José Núñez" in text and "Pat Practice" not in text
    text = alice_client.get(reverse("contact_list"), {"practice": "yes"}).text
    assert "Pat Practice" in text and "José Núñez" not in text
    text = alice_client.get(reverse("contact_list"), {"tag": "warmup"}).text
    assert "Pat Practice" in text and "José Núñez" not in text
    text = alice_client.get(reverse("contact_list"), {"q": "zzz"}).text
    assert "Nobody matches" in text


def test_htmx_search_returns_only_the_results(alice_client, alice):
    make_contact(alice, "José Núñez")
    response = alice_client.get(
        reverse("contact_list"), {"q": "nunez"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="results"
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="results">')
    assert "José Núñez" in response.text
    assert "<html" not in response.text


def test_pagination_links_walk_the_list(alice_client, alice, settings):
    settings.COFFEECHAT_PAGE_SIZE = 2
    # Names no random token (CSRF, nonce) could contain by chance.
    for name in ["Ann Zephyr", "Bo Zephyr", "Cy Zephyr", "Di Zephyr", "Ed Zephyr"]:
        make_contact(alice, name)
    first = alice_client.get(reverse("contact_list"))
    assert "Ann Zephyr" in first.text and "Cy Zephyr" not in first.text
    next_url = first.text.split('rel="next"')[0].rsplit('href="', 1)[1].split('"')[0]
    second = alice_client.get(reverse("contact_list") + next_url.replace("&amp;", "&"))
    assert "Cy Zephyr" in second.text and "Ann Zephyr" not in second.text
    assert 'rel="prev"' in second.text


def test_broken_page_link_shows_a_message_not_an_error(alice_client, alice):
    make_contact(alice, "Ann")
    response = alice_client.get(reverse("contact_list"), {"after": "%%%"})
    assert response.status_code == 200
    assert "out of date or broken" in response.text
    assert "Ann" in response.text


def test_bulk_tag_then_delete_with_confirmation(alice_client, alice):
    a, b, c = (make_contact(alice, n) for n in ["A", "B", "C"])
    response = alice_client.post(
        reverse("contacts_bulk"), {"ids": [a.uuid, b.uuid], "action": "tag", "tag": "spring"}
    )
    assert response.status_code == 302
    assert set(Contact.objects.filter(tags__name="spring").values_list("name", flat=True)) == {
        "A",
        "B",
    }
    confirm = alice_client.post(
        reverse("contacts_bulk"), {"ids": [a.uuid, c.uuid], "action": "delete"}
    )
    assert confirm.status_code == 200 and "Delete 2 people?" in confirm.text
    assert Contact.objects.count() == 3
    alice_client.post(
        reverse("contacts_bulk"), {"ids": [a.uuid, c.uuid], "action": "delete", "confirm": "yes"}
    )
    assert list(Contact.objects.values_list("name", flat=True)) == ["B"]


def test_bulk_without_selection_or_action_explains(alice_client, alice):
    make_contact(alice, "A")
    response = alice_client.post(
        reverse("contacts_bulk"), {"action": "tag", "tag": "x"}, follow=True
    )
    assert "Tick at least one person first." in response.text
    response = alice_client.post(
        reverse("contacts_bulk"), {"ids": ["nonsense"], "action": "explode"}, follow=True
    )
    assert "Choose what to do" in response.text


@pytest.mark.parametrize(
    "elsewhere",
    ["//evil.example/", "/\\evil.example/", "https://evil.example/", "javascript:alert(1)", ""],
)
def test_bulk_redirect_stays_on_this_site(alice_client, alice, elsewhere):
    a = make_contact(alice, "A")
    response = alice_client.post(
        reverse("contacts_bulk"),
        {"ids": [a.uuid], "action": "tag", "tag": "x", "next": elsewhere},
    )
    assert response["Location"] == reverse("contact_list")
    # The confirmation page's "Keep them" link too.
    confirm = alice_client.post(
        reverse("contacts_bulk"), {"ids": [a.uuid], "action": "delete", "next": elsewhere}
    )
    assert f'href="{reverse("contact_list")}"' in confirm.text


def test_bulk_redirect_returns_to_the_page_it_came_from(alice_client, alice):
    a = make_contact(alice, "A")
    back = reverse("contact_list") + "?tag=x&sort=name"
    response = alice_client.post(
        reverse("contacts_bulk"), {"ids": [a.uuid], "action": "tag", "tag": "x", "next": back}
    )
    assert response["Location"] == back


def test_merge_flow(alice_client, alice):
    keep = make_contact(alice, "Dana", email="a@example.com")
    other = make_contact(alice, "Dana", email="b@example.com", phone="555")
    url = reverse("contact_merge", args=[keep.uuid])
    preview = alice_client.get(url, {"other": other.uuid})
    assert preview.status_code == 200
    assert "b@example.com" in preview.text and 'name="take_email"' in preview.text
    response = alice_client.post(
        url, {"other": other.uuid, "confirm": "yes", "take_email": "other"}
    )
    assert response.status_code == 302
    keep.refresh_from_db()
    assert keep.email == "b@example.com" and keep.phone == "555"
    assert not Contact.objects.filter(pk=other.pk).exists()
