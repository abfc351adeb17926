from __future__ import annotations

import zoneinfo
from typing import Any

from django.contrib.auth import get_user_model
from typer.testing import CliRunner

from coffeechat.cli import app
from coffeechat.conversations import demo as conversations_demo
from coffeechat.lib.text import fold
from coffeechat.network.demo import DEMO_CONTACT_COUNT, DEMO_PASSWORD, demo_network_create
from coffeechat.network.models import Contact, Organization, Source
from coffeechat.network.selectors import ContactFilters, contact_list
from coffeechat.outreach import demo as outreach_demo
from tests.factories import make_contact

# The network demo's people, and those a reply and a conversation referred the student to.
DEMO_PEOPLE = (
    DEMO_CONTACT_COUNT + outreach_demo.PEOPLE_REFERRED + conversations_demo.PEOPLE_REFERRED
)


def run(*args: str, input: str | None = None) -> Any:
    return CliRunner().invoke(app, list(args), input=input)


def demo_user() -> Any:
    return get_user_model().objects.get(username="demo")


def test_demo_creates_a_user_with_a_believable_network(db):
    result = run("demo")
    assert result.exit_code == 0, result.stderr
    assert "username: demo" in result.stdout
    assert f"password: {DEMO_PASSWORD}" in result.stdout
    user = demo_user()
    assert user.check_password(DEMO_PASSWORD)
    assert user.profile.completed_at is not None
    contacts = Contact.objects.filter(owner=user)
    assert contacts.count() == DEMO_PEOPLE >= 30
    assert set(contacts.values_list("source", flat=True)) == set(Source.values)
    assert contacts.filter(practice=True).count() >= 3
    # A chain: someone referred by someone who was referred in turn.
    chained = contacts.filter(source=Source.REFERRAL, referred_by__referred_by__isnull=False)
    assert chained.exists()
    assert chained.first().referred_by.source == Source.REFERRAL
    assert contacts.filter(tags__isnull=False).distinct().count() >= 10
    for zone in contacts.exclude(time_zone="").values_list("time_zone", flat=True):
        zoneinfo.ZoneInfo(zone)


def test_demo_organizations_have_varied_lamp_scores(db):
    run("demo")
    organizations = Organization.objects.filter(owner=demo_user())
    assert 8 <= organizations.count() <= 10
    assert set(organizations.values_list("lamp_advocate", flat=True)) == {True, False}
    assert len(set(organizations.values_list("lamp_motivation", flat=True))) >= 3
    assert len(set(organizations.values_list("lamp_posting", flat=True))) >= 2
    assert all(org.contacts.exists() for org in organizations)


def test_demo_names_with_accents_and_other_scripts_are_searchable(db):
    run("demo")
    user = demo_user()

    def found(query: str) -> list[str]:
        return [c.name for c in contact_list(user, filters=ContactFilters(q=query)).items]

    assert found("jose nunez") == ["José Núñez"]
    assert found("zoe") == ["Zoë Laurent"]
    assert "李娜" in found("李娜")
    assert "Björn Andersson" in found("bjorn")


def test_demo_twice_does_not_duplicate(db):
    run("demo")
    first = demo_user().pk
    again = run("demo")
    assert again.exit_code == 0
    assert "demo user already exists; use --reset" in again.stderr
    assert get_user_model().objects.filter(username="demo").count() == 1
    assert demo_user().pk == first
    assert Contact.objects.filter(owner__username="demo").count() == DEMO_PEOPLE


def test_demo_reset_starts_over(db):
    run("demo")
    old = demo_user()
    Contact.objects.filter(owner=old, practice=True).delete()
    result = run("demo", "--reset")
    assert result.exit_code == 0, result.stderr
    new = demo_user()
    assert new.pk != old.pk
    assert Contact.objects.filter(owner=new).count() == DEMO_PEOPLE
    assert Contact.objects.filter(owner=new, practice=True).count() >= 3
    assert not Contact.objects.filter(owner_id=old.pk).exists()


def test_demo_will_not_reset_a_real_user(alice):
    make_contact(alice, "Dana Reyes")
    result = run("demo", "--username", "alice", "--reset")
    assert result.exit_code == 1
    assert "not made by `coffeechat demo`" in result.stderr
    assert Contact.objects.filter(owner=alice).count() == 1
    assert alice.email == get_user_model().objects.get(pk=alice.pk).email


def test_demo_password_from_stdin_is_used_and_not_printed(db):
    result = run(
        "demo", "--username", "demo", "--password-stdin", input="another-long-passphrase-9\n"
    )
    assert result.exit_code == 0, result.stderr
    assert demo_user().check_password("another-long-passphrase-9")
    assert "another-long-passphrase-9" not in result.output
    assert DEMO_PASSWORD not in result.output


def test_demo_with_a_weak_password_creates_nothing(db):
    result = run("demo", "--password-stdin", input="demo\n")
    assert result.exit_code == 1
    assert "password:" in result.stderr
    assert not get_user_model().objects.filter(username="demo").exists()
    assert not Contact.objects.exists()


def test_demo_network_create_fills_the_search_fields_and_reports_progress(bob):
    seen: list[str] = []
    count = demo_network_create(owner=bob, on_contact=lambda contact: seen.append(contact.name))
    assert count == DEMO_CONTACT_COUNT == len(seen)
    jose = Contact.objects.get(owner=bob, name="José Núñez")
    assert jose.sort_name == "jose nunez"
    assert fold("Midwest State University") in jose.search_text
    assert "public health" in jose.search_text
