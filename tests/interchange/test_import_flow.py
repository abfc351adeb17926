"""Upload -> preview -> apply, through the pages, the API and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from typer.testing import CliRunner

from coffeechat.accounts.services import api_token_create
from coffeechat.cli import app
from coffeechat.interchange.models import ImportRun
from coffeechat.network.models import Contact, Organization, Tag
from tests.factories import make_contact

pytestmark = pytest.mark.django_db

LINKEDIN = (
    "Notes:\r\n"
    '"When exporting your connection data, you may notice that some of the email addresses are '
    'missing."\r\n'
    "\r\n"
    "First Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n"
    "Zoë,Ångström,https://www.linkedin.com/in/zoe-angstrom,,Acme Health,Nurse,15 Mar 2024\r\n"
    "Dana,Reyes,https://www.linkedin.com/in/dana-reyes,dana@example.com,Globex,Analyst,"
    "2 Jan 2023\r\n"
    '"=HYPERLINK(""http://evil"")",Hacker,,,,,1 Feb 2020\r\n'
).encode()
GENERIC = b"Who;Mail;Employer\r\nSam Lee;sam@example.com;Initech\r\nKim Park;;Umbrella\r\n"


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/csv")


# Pages ------------------------------------------------------------------------------


def test_upload_previews_without_writing_then_apply_imports(alice, alice_client):
    response = alice_client.post(
        reverse("import_start"), {"file": upload("Connections.csv", LINKEDIN), "format": "auto"}
    )
    run = ImportRun.objects.get(owner=alice)
    assert response.status_code == 302
    assert response["Location"] == reverse("import_detail", args=[run.uuid])
    assert run.format == "linkedin" and run.status == "previewed"
    assert Contact.objects.filter(owner=alice).count() == 0

    page = alice_client.get(response["Location"])
    assert page.status_code == 200
    text = page.content.decode()
    assert "Zoë Ångström" in text and "to add" in text

    done = alice_client.post(reverse("import_apply", args=[run.uuid]), follow=True)
    assert "3 added" in done.content.decode()
    names = sorted(Contact.objects.filter(owner=alice).values_list("name", flat=True))
    assert names == ['=HYPERLINK("http://evil") Hacker', "Dana Reyes", "Zoë Ångström"]
    assert set(Contact.objects.values_list("source", flat=True)) == {"linkedin"}
    run.refresh_from_db()
    assert run.status == "applied" and bytes(run.content) == b""


def test_applying_twice_imports_once(alice, alice_client):
    alice_client.post(reverse("import_start"), {"file": upload("c.csv", LINKEDIN)})
    run = ImportRun.objects.get(owner=alice)
    alice_client.post(reverse("import_apply", args=[run.uuid]))
    again = alice_client.post(reverse("import_apply", args=[run.uuid]), follow=True)
    assert "finished" in again.content.decode()
    assert Contact.objects.filter(owner=alice).count() == 3


def test_the_same_file_again_previews_as_nothing_new(alice, alice_client):
    for _ in range(2):
        alice_client.post(reverse("import_start"), {"file": upload("c.csv", LINKEDIN)})
        run = ImportRun.objects.filter(owner=alice).first()
        alice_client.post(reverse("import_apply", args=[run.uuid]))
    run.refresh_from_db()
    assert (run.report["created"], run.report["unchanged"]) == (0, 3)
    assert Contact.objects.filter(owner=alice).count() == 3


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("photo.csv", b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, "PNG image"),
        ("empty.csv", b"", "empty"),
        ("calendar.csv", b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n", "Calendars"),
    ],
)
def test_a_file_that_is_not_contacts_is_refused_and_nothing_is_kept(
    alice, alice_client, name, content, message
):
    response = alice_client.post(reverse("import_start"), {"file": upload(name, content)})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert ImportRun.objects.count() == 0 and Contact.objects.count() == 0


def test_a_file_over_the_limit_is_refused(alice, alice_client, settings):
    settings.COFFEECHAT_IMPORT_MAX_BYTES = 100
    response = alice_client.post(reverse("import_start"), {"file": upload("c.csv", LINKEDIN)})
    assert response.status_code == 400
    assert "imports files up to" in response.content.decode()
    assert ImportRun.objects.count() == 0


def test_any_csv_asks_for_its_columns_first(alice, alice_client):
    alice_client.post(reverse("import_start"), {"file": upload("people.csv", GENERIC)})
    run = ImportRun.objects.get(owner=alice)
    assert run.status == "mapping"
    page = alice_client.get(reverse("import_detail", args=[run.uuid])).content.decode()
    assert "Which column is which?" in page and "Employer" in page
    bad = alice_client.post(reverse("import_mapping", args=[run.uuid]), {"email": "Mail"})
    assert bad.status_code == 400 and "names" in bad.content.decode()
    alice_client.post(
        reverse("import_mapping", args=[run.uuid]),
        {"name": "Who", "email": "Mail", "organization": "Employer"},
    )
    run.refresh_from_db()
    assert run.status == "previewed" and run.report["created"] == 2
    alice_client.post(reverse("import_apply", args=[run.uuid]))
    sam = Contact.objects.get(owner=alice, name="Sam Lee")
    assert (sam.email, sam.organization.name) == ("sam@example.com", "Initech")


def test_conflicts_are_shown_and_replaced_only_where_ticked(alice, alice_client):
    dana = make_contact(alice, "Dana Reyes", email="dana@example.com", title="Student")
    alice_client.post(reverse("import_start"), {"file": upload("c.csv", LINKEDIN)})
    run = ImportRun.objects.get(owner=alice)
    page = alice_client.get(reverse("import_detail", args=[run.uuid])).content.decode()
    assert "Check these matches" in page and "“Student” → “Analyst”" in page
    # What a match would fill in is shown with its value.
    assert "LinkedIn URL “https://www.linkedin.com/in/dana-reyes”" in page
    alice_client.post(reverse("import_apply", args=[run.uuid]), {"overwrite": ["6"]})
    dana.refresh_from_db()
    assert dana.title == "Analyst"
    assert dana.linkedin_url == "https://www.linkedin.com/in/dana-reyes"  # filled


def test_options_change_the_preview(alice, alice_client):
    alice_client.post(reverse("import_start"), {"file": upload("c.csv", LINKEDIN)})
    run = ImportRun.objects.get(owner=alice)
    alice_client.post(
        reverse("import_options", args=[run.uuid]), {"source": "alumni", "tag": "Alumni 2026"}
    )
    alice_client.post(reverse("import_apply", args=[run.uuid]))
    assert set(Contact.objects.values_list("source", flat=True)) == {"alumni"}
    assert Tag.objects.get(owner=alice).contacts.count() == 3


def test_cancel_discards_the_file(alice, alice_client):
    alice_client.post(reverse("import_start"), {"file": upload("c.csv", LINKEDIN)})
    run = ImportRun.objects.get(owner=alice)
    alice_client.post(reverse("import_discard", args=[run.uuid]))
    run.refresh_from_db()
    assert run.status == "discarded" and bytes(run.content) == b""
    alice_client.post(reverse("import_apply", args=[run.uuid]))
    assert Contact.objects.count() == 0


def test_bob_cannot_see_apply_or_cancel_alices_import(alice, alice_client, bob_client):
    alice_client.post(reverse("import_start"), {"file": upload("c.csv", LINKEDIN)})
    run = ImportRun.objects.get(owner=alice)
    for name in ("import_detail", "import_apply", "import_discard", "import_options"):
        method = bob_client.get if name == "import_detail" else bob_client.post
        assert method(reverse(name, args=[run.uuid])).status_code == 404
    run.refresh_from_db()
    assert run.status == "previewed" and Contact.objects.count() == 0


def test_exports_download_as_files(alice, alice_client):
    make_contact(alice, "=cmd Zoë", email="zoe@example.com")
    csv_response = alice_client.get(reverse("export_download", args=["csv"]))
    body = b"".join(csv_response.streaming_content).decode("utf-8-sig")
    assert "attachment" in csv_response["Content-Disposition"]
    assert "'=cmd Zoë" in body
    vcf = alice_client.get(reverse("export_download", args=["vcf"]))
    assert b"FN:=cmd Zo\xc3\xab" in b"".join(vcf.streaming_content)
    backup = alice_client.get(reverse("export_download", args=["json"]))
    assert json.loads(b"".join(backup.streaming_content))["format"] == "coffeechat-backup"
    ics = alice_client.get(reverse("export_download", args=["ics"]))
    assert b"BEGIN:VCALENDAR" in b"".join(ics.streaming_content)
    assert alice_client.get(reverse("export_download", args=["xml"])).status_code == 404


# API --------------------------------------------------------------------------------


def bearer(user) -> dict[str, str]:
    _, key = api_token_create(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_api_upload_preview_apply(alice, client):
    auth = bearer(alice)
    response = client.post(
        "/api/v1/imports", {"file": upload("c.csv", LINKEDIN), "tag": "li"}, **auth
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["format"], data["status"], data["created"]) == ("linkedin", "previewed", 3)
    assert Contact.objects.count() == 0
    applied = client.post(
        f"/api/v1/imports/{data['id']}/apply", {}, content_type="application/json", **auth
    )
    assert applied.status_code == 200
    assert applied.json()["status"] == "applied"
    assert Contact.objects.filter(owner=alice).count() == 3


def test_api_mapping_step_for_any_csv(alice, client):
    auth = bearer(alice)
    data = client.post("/api/v1/imports", {"file": upload("p.csv", GENERIC)}, **auth).json()
    assert data["status"] == "mapping" and data["columns"] == ["Who", "Mail", "Employer"]
    preview = client.post(
        f"/api/v1/imports/{data['id']}/preview",
        {"mapping": {"name": "Who", "email": "Nope"}},
        content_type="application/json",
        **auth,
    )
    assert preview.status_code == 422
    assert "no column" in preview.json()["detail"][0]["msg"]
    preview = client.post(
        f"/api/v1/imports/{data['id']}/preview",
        {"mapping": {"name": "Who", "email": "Mail"}},
        content_type="application/json",
        **auth,
    )
    assert preview.json()["created"] == 2


def test_api_refuses_bad_files_with_422_and_writes_nothing(alice, client):
    auth = bearer(alice)
    response = client.post("/api/v1/imports", {"file": upload("x.csv", b"\x89PNG\r\n")}, **auth)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "file"]
    bad_map = client.post(
        "/api/v1/imports", {"file": upload("p.csv", GENERIC), "mapping": "[1]"}, **auth
    )
    assert bad_map.status_code == 422
    assert ImportRun.objects.count() == 0 and Organization.objects.count() == 0


def test_api_another_users_import_is_404(alice, bob, client):
    data = client.post(
        "/api/v1/imports", {"file": upload("c.csv", LINKEDIN)}, **bearer(alice)
    ).json()
    auth = bearer(bob)
    assert client.get(f"/api/v1/imports/{data['id']}", **auth).status_code == 404
    response = client.post(
        f"/api/v1/imports/{data['id']}/apply", {}, content_type="application/json", **auth
    )
    assert response.status_code == 404
    assert client.delete(f"/api/v1/imports/{data['id']}", **auth).status_code == 404
    assert Contact.objects.count() == 0


def test_api_export_and_restore(alice, bob, client):
    make_contact(alice, "Zoë", email="zoe@example.com")
    backup = client.get("/api/v1/exports/json", **bearer(alice))
    document = b"".join(backup.streaming_content)
    restored = client.post(
        "/api/v1/exports/restore",
        {"file": SimpleUploadedFile("b.json", document, content_type="application/json")},
        **bearer(bob),
    )
    assert restored.status_code == 201, restored.content
    assert Contact.objects.get(owner=bob).name == "Zoë"
    again = client.post(
        "/api/v1/exports/restore",
        {"file": SimpleUploadedFile("b.json", document, content_type="application/json")},
        **bearer(bob),
    )
    assert again.status_code == 422
    assert Contact.objects.filter(owner=bob).count() == 1


# CLI --------------------------------------------------------------------------------


def cli(*args: str):
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})


def test_cli_import_json_summary_and_reimport(alice, tmp_path: Path):
    path = tmp_path / "Connections.csv"
    path.write_bytes(LINKEDIN)
    result = cli("import", str(path), "--user", "alice", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"created": 3, "merged": 0, "unchanged": 0, "errors": []}
    result = cli("import", str(path), "--user", "alice", "--json")
    assert json.loads(result.stdout)["unchanged"] == 3
    assert Contact.objects.filter(owner=alice).count() == 3


def test_cli_dry_run_writes_nothing(alice, tmp_path: Path):
    path = tmp_path / "Connections.csv"
    path.write_bytes(LINKEDIN)
    result = cli("import", str(path), "--user", "alice", "--dry-run")
    assert result.exit_code == 0
    assert "Would add 3" in result.stdout and "Nothing was written" in result.stdout
    assert Contact.objects.count() == 0


def test_cli_refused_file_exits_1_and_writes_nothing(alice, tmp_path: Path):
    path = tmp_path / "cut.vcf"
    path.write_bytes(
        b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann Lee\r\nEND:VCARD\r\nBEGIN:VCARD\r\nFN:X\r\n"
    )
    result = cli("import", str(path), "--user", "alice")
    assert result.exit_code == 1
    assert "Nothing was imported" in result.stderr and "END:VCARD" in result.stderr
    assert Contact.objects.count() == 0


def test_cli_csv_with_map(alice, tmp_path: Path):
    path = tmp_path / "people.csv"
    path.write_bytes(GENERIC)
    result = cli(
        "import",
        str(path),
        "--user",
        "alice",
        "--format",
        "csv",
        "--map",
        "name=Who",
        "--map",
        "organization=Employer",
    )
    assert result.exit_code == 0, result.output
    assert Contact.objects.get(owner=alice, name="Kim Park").organization.name == "Umbrella"
    bad = cli("import", str(path), "--user", "alice", "--format", "csv", "--map", "name=Nope")
    assert bad.exit_code == 1 and "no column" in bad.stderr


def test_cli_export_restore_round_trip(alice, bob, tmp_path: Path):
    make_contact(alice, "Zoë Ångström", email="zoe@example.com", tags="a, b")
    first = tmp_path / "a.json"
    second = tmp_path / "b.json"
    assert cli("export", "--user", "alice", "--format", "json", "-o", str(first)).exit_code == 0
    result = cli("restore", str(first), "--user", "bob")
    assert result.exit_code == 0, result.output
    assert cli("export", "--user", "bob", "--format", "json", "-o", str(second)).exit_code == 0
    assert first.read_bytes() == second.read_bytes()
    for fmt in ("csv", "vcf", "ics"):
        out = tmp_path / f"x.{fmt}"
        assert cli("export", "--user", "alice", "--format", fmt, "-o", str(out)).exit_code == 0
        assert out.stat().st_size > 0
    refused = cli("restore", str(first), "--user", "bob")
    assert refused.exit_code == 1 and "Nothing was restored" in refused.stderr


# Every real format, twice -------------------------------------------------------------

FILES = Path(__file__).resolve().parent / "files"
CONTACT_FILES = sorted(
    p.name
    for p in FILES.iterdir()
    if p.name.startswith(("linkedin_", "google_", "outlook_", "vcard_"))
    and not any(bad in p.name for bad in ("cut_off", "no_cards"))
)


@pytest.mark.parametrize("name", CONTACT_FILES)
def test_every_sample_file_imports_and_a_second_import_adds_nobody(alice, name):
    from coffeechat.interchange import services

    def once():
        with (FILES / name).open("rb") as handle:
            upload = services.upload_open(handle, name=name)
            fmt = services.format_resolve(upload)
            return services.contacts_import_file(owner=alice, upload=upload, fmt=fmt)

    first = once()
    assert first.created > 0
    count = Contact.objects.filter(owner=alice).count()
    second = once()
    assert second.created == 0
    assert Contact.objects.filter(owner=alice).count() == count


@pytest.mark.parametrize("fmt", ["csv", "vcf"])
def test_an_export_imported_back_adds_nobody_and_changes_nothing(alice, bob, fmt, tmp_path):
    import io

    from coffeechat.interchange import services

    make_contact(alice, "Zoë Ångström", email="zoe@example.com", title="=cmd", tags="a, b")
    make_contact(alice, "李小龍", phone="+1 555 0100", notes="Line one\nline two")
    make_contact(alice, "Dana Reyes", linkedin_url="https://www.linkedin.com/in/dana", source="ta")
    path = tmp_path / f"export.{fmt}"
    with path.open("w", encoding="utf-8", newline="") as handle:
        services.export_write(owner=alice, fmt=fmt, stream=handle)

    def rows(owner):
        return sorted(
            Contact.objects.filter(owner=owner).values_list(
                "name", "email", "phone", "linkedin_url", "title", "source", "notes"
            )
        )

    before = rows(alice)
    with path.open("rb") as handle:
        upload = services.upload_open(handle, name=path.name)
        report = services.contacts_import_file(
            owner=alice, upload=upload, fmt=services.format_resolve(upload)
        )
    assert (report.created, report.merged) == (0, 0)
    assert rows(alice) == before
    # Into an empty account the same file brings the same people.
    with path.open("rb") as handle:
        upload = services.upload_open(io.BytesIO(handle.read()), name=path.name)
        services.contacts_import_file(owner=bob, upload=upload, fmt=services.format_resolve(upload))
    assert rows(bob) == before


def test_cli_imports_a_large_file_with_its_progress_bar(alice, tmp_path: Path):
    from coffeechat.cli import interchange as interchange_cli

    rows = interchange_cli.PROGRESS_FROM_LINES + 500
    lines = ["First Name,Last Name,URL,Email Address,Company,Position,Connected On"]
    lines += [
        f"P{i},L{i},https://www.linkedin.com/in/p{i},,Org {i % 9},,1 Jan 2024" for i in range(rows)
    ]
    path = tmp_path / "Connections.csv"
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    result = cli("import", str(path), "--user", "alice")
    assert result.exit_code == 0, result.output
    assert f"Added {rows:,}" in result.stdout
    assert Contact.objects.filter(owner=alice).count() == rows


# Undo -------------------------------------------------------------------------------


def test_undo_removes_the_people_an_import_added_but_not_what_was_there(alice, alice_client):
    kept_before = make_contact(alice, "Dana Reyes", email="dana@example.com")
    alice_client.post(reverse("import_start"), {"file": upload("c.csv", LINKEDIN)})
    run = ImportRun.objects.get(owner=alice)
    alice_client.post(reverse("import_apply", args=[run.uuid]))
    assert Contact.objects.filter(owner=alice).count() == 3  # Dana was matched, 2 added
    zoe = Contact.objects.get(owner=alice, name="Zoë Ångström")
    zoe.title = "Changed since"
    zoe.save()  # edited after the import: kept

    page = alice_client.get(reverse("import_undo", args=[run.uuid]))
    assert "removes the 2 people" in page.content.decode()
    done = alice_client.post(reverse("import_undo", args=[run.uuid]), follow=True)
    assert "1 people removed" in done.content.decode()
    assert sorted(Contact.objects.filter(owner=alice).values_list("name", flat=True)) == [
        "Dana Reyes",
        "Zoë Ångström",
    ]
    kept_before.refresh_from_db()
    assert kept_before.linkedin_url  # what the import filled in on her stays
    run.refresh_from_db()
    assert run.status == "undone"
    again = alice_client.post(reverse("import_undo", args=[run.uuid]), follow=True)
    assert "Only an import that was done can be undone." in again.content.decode()


def test_a_preview_cannot_be_undone_and_bob_cannot_undo(alice, alice_client, bob, client):
    alice_client.post(reverse("import_start"), {"file": upload("c.csv", LINKEDIN)})
    run = ImportRun.objects.get(owner=alice)
    response = client.post(f"/api/v1/imports/{run.uuid}/undo", **bearer(alice))
    assert response.status_code == 422
    alice_client.post(reverse("import_apply", args=[run.uuid]))
    assert client.post(f"/api/v1/imports/{run.uuid}/undo", **bearer(bob)).status_code == 404
    assert Contact.objects.filter(owner=alice).count() == 3
    response = client.post(f"/api/v1/imports/{run.uuid}/undo", **bearer(alice))
    assert response.json() == {"removed": 3, "kept": 0}
    assert Contact.objects.filter(owner=alice).count() == 0
