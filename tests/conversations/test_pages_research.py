"""Research on a person and their organization: notes, the checklist, links."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from coffeechat.conversations import selectors, services
from coffeechat.conversations.models import OrganizationResearch, Research, ResearchLink
from tests.factories import make_contact, make_organization

pytestmark = pytest.mark.django_db


@pytest.fixture
def dana(alice: Any) -> Any:
    org = make_organization(alice, "Acme Health", website="https://acme.example")
    return make_contact(
        alice,
        "Dana Reyes",
        title="Data analyst",
        organization=org,
        linkedin_url="https://www.linkedin.com/in/dana-reyes",
    )


def _url(contact: Any) -> str:
    return reverse("research_edit", args=[contact.uuid])


def test_research_page_shows_the_checklist_and_quick_links(alice_client: Any, dana: Any):
    page = alice_client.get(_url(dana))
    assert page.status_code == 200
    text = page.text
    assert "Research: Dana Reyes" in text
    assert 'href="https://www.linkedin.com/in/dana-reyes"' in text
    assert 'href="https://acme.example"' in text
    for label in ("Searched for Dana Reyes online", "Read their LinkedIn page"):
        assert label in text
    assert "Read Acme Health’s website" in text
    assert 'name="organization_notes"' in text
    assert 'action="' + reverse("research_link_add", args=[dana.uuid]) + '"' in text


def test_saving_notes_and_ticking_the_checklist(alice_client: Any, dana: Any):
    response = alice_client.post(
        _url(dana),
        {
            "notes": "Moved from nursing to analytics.",
            "searched": "on",
            "organization_notes": "Regional hospital network.",
            "website_read": "on",
        },
        follow=True,
    )
    assert "Research saved." in response.text
    research = Research.objects.get(contact=dana)
    assert research.notes == "Moved from nursing to analytics."
    assert research.searched_at is not None and research.linkedin_read_at is None
    org = OrganizationResearch.objects.get(organization=dana.organization)
    assert org.notes == "Regional hospital network." and org.website_read_at is not None
    # The saved state comes back ticked, and unticking clears it.
    assert 'name="searched" id="id_searched" checked' in response.text
    alice_client.post(_url(dana), {"notes": research.notes})
    research.refresh_from_db()
    assert research.searched_at is None


def test_without_an_organization_the_website_item_does_not_apply(alice: Any, alice_client: Any):
    solo = make_contact(alice, "Sol Ito")
    text = alice_client.get(_url(solo)).text
    assert "does not apply, no organization recorded" in text
    assert 'name="organization_notes"' not in text
    assert 'name="website_read"' not in text
    # A forged organization field is ignored rather than saved anywhere.
    alice_client.post(
        _url(solo), {"notes": "Hi", "organization_notes": "Forged", "website_read": "on"}
    )
    assert not OrganizationResearch.objects.exists()
    assert selectors.research_for(solo).done is False


def test_too_long_notes_are_refused_and_nothing_saved(alice_client: Any, dana: Any):
    response = alice_client.post(_url(dana), {"notes": "x" * 20_001, "searched": "on"})
    assert response.status_code == 200
    assert "field-error" in response.text
    assert not Research.objects.exists()


def test_adding_links_about_the_person_and_the_organization(alice_client: Any, dana: Any):
    add = reverse("research_link_add", args=[dana.uuid])
    response = alice_client.post(
        add,
        {"url": "https://news.example/acme-grows", "title": "Acme grows", "about": "organization"},
    )
    assert response["Location"].startswith(_url(dana))
    alice_client.post(add, {"url": "https://blog.example/dana", "kind": "news", "about": "person"})
    org_link = ResearchLink.objects.get(organization=dana.organization)
    person_link = ResearchLink.objects.get(contact=dana)
    assert org_link.title == "Acme grows" and org_link.kind == "other"
    assert person_link.kind == "news"
    text = alice_client.get(_url(dana)).text
    assert "Acme grows" in text and "https://blog.example/dana" in text
    assert reverse("research_link_delete", args=[org_link.uuid]) in text


@pytest.mark.parametrize(
    "data",
    [
        {"url": "javascript:alert(1)", "about": "person"},
        {"url": "not a link", "about": "person"},
        {"url": "", "about": "person"},
        {"url": "https://ok.example", "about": "somebody"},
        {"url": "https://ok.example", "about": "person", "kind": "gossip"},
    ],
)
def test_a_bad_link_is_refused_and_nothing_saved(alice_client: Any, dana: Any, data: Any):
    response = alice_client.post(reverse("research_link_add", args=[dana.uuid]), data)
    assert response.status_code == 200
    assert "field-error" in response.text
    assert not ResearchLink.objects.exists()


def test_an_organization_link_needs_an_organization(alice: Any, alice_client: Any):
    solo = make_contact(alice, "Sol Ito")
    response = alice_client.post(
        reverse("research_link_add", args=[solo.uuid]),
        {"url": "https://ok.example", "about": "organization"},
    )
    assert response.status_code == 200
    assert not ResearchLink.objects.exists()


def test_deleting_a_link_returns_to_the_page(alice: Any, alice_client: Any, dana: Any):
    link = services.research_link_add(owner=alice, url="https://x.example", contact=dana)
    response = alice_client.post(
        reverse("research_link_delete", args=[link.uuid]), {"next": _url(dana)}, follow=True
    )
    assert response.redirect_chain[-1][0] == _url(dana)
    assert "Link removed" in response.text
    assert not ResearchLink.objects.exists()


def test_deleting_never_redirects_off_site(alice: Any, alice_client: Any, dana: Any):
    link = services.research_link_add(owner=alice, url="https://x.example", contact=dana)
    response = alice_client.post(
        reverse("research_link_delete", args=[link.uuid]), {"next": "https://evil.example/"}
    )
    assert response["Location"] == _url(dana)


def test_link_delete_is_post_only(alice: Any, alice_client: Any, dana: Any):
    link = services.research_link_add(owner=alice, url="https://x.example", contact=dana)
    assert alice_client.get(reverse("research_link_delete", args=[link.uuid])).status_code == 405
    assert ResearchLink.objects.exists()


def test_bob_gets_404_on_alices_research_and_changes_nothing(
    alice: Any, bob_client: Any, dana: Any
):
    link = services.research_link_add(owner=alice, url="https://x.example", contact=dana)
    assert bob_client.get(_url(dana)).status_code == 404
    assert bob_client.post(_url(dana), {"notes": "Hacked", "searched": "on"}).status_code == 404
    add = reverse("research_link_add", args=[dana.uuid])
    assert bob_client.post(add, {"url": "https://h.example", "about": "person"}).status_code == 404
    delete = reverse("research_link_delete", args=[link.uuid])
    assert bob_client.post(delete).status_code == 404
    assert not Research.objects.exists()
    assert list(ResearchLink.objects.values_list("url", flat=True)) == ["https://x.example"]
