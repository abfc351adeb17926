from __future__ import annotations

from django.urls import reverse

from coffeechat.network.models import Contact, Organization
from tests.factories import make_contact, make_organization


def test_empty_organizations_page_explains_lamp(alice_client):
    text = alice_client.get(reverse("organization_list")).text
    assert "No organizations yet" in text and "motivation" in text


def test_add_an_organization(alice_client, alice):
    response = alice_client.post(
        reverse("organization_create"),
        {
            "name": "Acme Health",
            "website": "https://acme.example",
            "industry": "Health care",
            "lamp_advocate": "on",
            "lamp_motivation": "3",
            "lamp_posting": "2",
        },
    )
    org = Organization.objects.get(owner=alice)
    assert response["Location"] == reverse("organization_detail", args=[org.uuid])
    assert (org.lamp_advocate, org.lamp_motivation, org.lamp_posting) == (True, 3, 2)


def test_bad_organization_input_saves_nothing(alice_client, alice):
    make_organization(alice, "Acme")
    response = alice_client.post(
        reverse("organization_create"),
        {
            "name": "ACME",
            "website": "javascript:alert(1)",
            "lamp_motivation": "9",
            "lamp_posting": "1",
        },
    )
    assert response.status_code == 200
    assert "http:// or https://" in response.text
    assert "less than or equal to 3" in response.text
    response = alice_client.post(
        reverse("organization_create"),
        {"name": "ACME", "lamp_motivation": "1", "lamp_posting": "1"},
    )
    assert "already have an organization with this name" in response.text
    assert Organization.objects.count() == 1


def test_list_is_in_lamp_order_with_people_counts(alice_client, alice):
    low = make_organization(alice, "Low", lamp_motivation=1)
    make_organization(alice, "Dream", lamp_motivation=3)
    make_contact(alice, "A", organization=low)
    text = alice_client.get(reverse("organization_list")).text
    assert text.index("Dream") < text.index("Low")
    assert "<td>1</td>" in text


def test_detail_lists_its_people(alice_client, alice):
    org = make_organization(alice, "Acme")
    make_contact(alice, "Dana Reyes", organization=org, title="Designer")
    text = alice_client.get(reverse("organization_detail", args=[org.uuid])).text
    assert "Dana Reyes" in text and "Designer" in text


def test_edit_renames_and_people_follow_in_search(alice_client, alice):
    org = make_organization(alice, "Acme")
    make_contact(alice, "Dana", organization=org)
    response = alice_client.post(
        reverse("organization_edit", args=[org.uuid]),
        {"name": "Initech", "lamp_motivation": "2", "lamp_posting": "1"},
    )
    assert response.status_code == 302
    assert "Dana" in alice_client.get(reverse("contact_list"), {"q": "initech"}).text


def test_delete_asks_first_and_keeps_the_people(alice_client, alice):
    org = make_organization(alice, "Acme")
    make_contact(alice, "A", organization=org)
    make_contact(alice, "B", organization=org)
    confirm = alice_client.get(reverse("organization_delete", args=[org.uuid])).text
    assert "The 2 people there stay on your list" in confirm
    alice_client.post(reverse("organization_delete", args=[org.uuid]))
    assert not Organization.objects.exists()
    assert Contact.objects.filter(organization=None).count() == 2
