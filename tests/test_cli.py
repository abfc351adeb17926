from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from typer.testing import CliRunner

from coffeechat.accounts.services import api_token_authenticate
from coffeechat.cli import app
from coffeechat.cli import contacts as contacts_cli
from coffeechat.cli.reference import command_paths, readme_section, render_reference
from tests.factories import make_contact

ROOT = Path(__file__).resolve().parent.parent
COMMANDS = ["serve", "demo", "user", "token", "contacts", "manage"]


def run(*args: str, input: str | None = None) -> Any:
    # A wide terminal, so table cells and help lines are not wrapped mid-phrase.
    return CliRunner().invoke(app, list(args), input=input, env={"COLUMNS": "200"})


def coffeechat_executable() -> str:
    path = Path(sys.executable).with_name("coffeechat")
    found = str(path) if path.exists() else shutil.which("coffeechat")
    assert found, "the coffeechat console script is not installed (pip install -e .)"
    return found


def standalone_env(data_dir: Path, **overrides: str) -> dict[str, str]:
    """The environment of a fresh install: none of the test suite's settings leak in."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("COFFEECHAT_")
        and key not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL"}
    }
    env["COFFEECHAT_DATA_DIR"] = str(data_dir)
    env.update(overrides)
    return env


# Help and reference ---------------------------------------------------------------


def test_help_lists_every_command_with_a_summary():
    result = run("--help")
    assert result.exit_code == 0
    for name in COMMANDS:
        assert f"│ {name}" in result.stdout
    assert "Run the Coffeechat web app" in result.stdout
    assert "Create a demo user" in result.stdout


@pytest.mark.parametrize("path", [p for p in command_paths() if p], ids=" ".join)
def test_every_command_has_help_with_examples(path):
    result = run(*path, "--help")
    assert result.exit_code == 0
    assert "Examples:" in result.stdout
    assert f"coffeechat {' '.join(path)}" in result.stdout.split("Examples:")[1]


def test_readme_reference_matches_the_help():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme_section(readme)
    assert section is not None, "README.md lost its cli-reference markers"
    assert section == render_reference(), (
        "README.md's command reference is out of date: run "
        "`.venv/bin/python -m coffeechat.cli.reference --write README.md`"
    )


def test_reference_ignores_the_terminal(monkeypatch):
    expected = render_reference()
    monkeypatch.setenv("COLUMNS", "43")
    monkeypatch.setenv("FORCE_COLOR", "1")
    rendered = render_reference()
    assert rendered == expected
    assert "\x1b[" not in rendered
    assert "### `coffeechat contacts list`" in rendered


# user create ----------------------------------------------------------------------


def test_user_create_with_password_on_stdin(db):
    result = run(
        "user",
        "create",
        "sam",
        "--email",
        "sam@example.edu",
        "--time-zone",
        "Europe/Paris",
        "--password-stdin",
        input="a-long-Passphrase-42\n",
    )
    assert result.exit_code == 0, result.stderr
    assert "Created user “sam”" in result.stdout
    user = get_user_model().objects.get(username="sam")
    assert user.check_password("a-long-Passphrase-42")
    assert user.email == "sam@example.edu"
    assert user.profile.time_zone == "Europe/Paris"


def test_user_create_with_a_taken_username_fails_on_stderr(alice):
    result = run(
        "user",
        "create",
        "Alice",
        "--email",
        "a2@example.edu",
        "--password-stdin",
        input="a-long-Passphrase-42\n",
    )
    assert result.exit_code == 1
    assert "That username is taken" in result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.output
    assert get_user_model().objects.filter(email="a2@example.edu").count() == 0


def test_user_create_rejects_a_weak_password(db):
    result = run(
        "user", "create", "sam", "--email", "sam@example.edu", "--password-stdin", input="12345\n"
    )
    assert result.exit_code == 1
    assert "password: This password is too short" in result.stderr
    assert not get_user_model().objects.filter(username="sam").exists()


def test_user_create_needs_a_line_on_stdin_with_password_stdin(db):
    result = run("user", "create", "sam", "--email", "sam@example.edu", "--password-stdin")
    assert result.exit_code == 1
    assert "No password on standard input" in result.stderr
    assert not get_user_model().objects.filter(username="sam").exists()


def test_user_create_without_a_terminal_sets_no_usable_password(db):
    result = run("user", "create", "sam", "--email", "sam@example.edu")
    assert result.exit_code == 0
    assert "No password was set" in result.stderr
    assert "changepassword sam" in result.stderr
    assert not get_user_model().objects.get(username="sam").has_usable_password()


def test_user_create_rejects_an_unknown_time_zone(db):
    result = run("user", "create", "sam", "--email", "sam@example.edu", "--time-zone", "Mars/Base")
    assert result.exit_code == 1
    assert "Mars/Base" in result.stderr
    assert not get_user_model().objects.filter(username="sam").exists()


def test_user_create_reports_an_invalid_email(db):
    result = run(
        "user",
        "create",
        "sam",
        "--email",
        "not-an-email",
        "--password-stdin",
        input="a-long-Passphrase-42\n",
    )
    assert result.exit_code == 1
    assert "email: Enter a valid email address." in result.stderr


# token create ---------------------------------------------------------------------


def test_token_create_prints_only_a_working_token_on_stdout(alice):
    result = run("token", "create", "--user", "alice", "--name", "laptop script")
    assert result.exit_code == 0, result.stderr
    key = result.stdout.strip()
    assert result.stdout == key + "\n"
    assert api_token_authenticate(key) == alice
    assert alice.api_tokens.get().name == "laptop script"
    assert "shown only this once" in result.stderr


def test_token_create_for_an_unknown_user_fails(db):
    result = run("token", "create", "--user", "ghost")
    assert result.exit_code == 1
    assert "No user named “ghost”" in result.stderr
    assert result.stdout == ""


# contacts list --------------------------------------------------------------------


@pytest.fixture
def two_networks(alice, bob):
    referrer = make_contact(
        alice, "Priya Raman", source="faculty", organization_name="Midwest State"
    )
    make_contact(
        alice,
        "José Núñez",
        source="referral",
        referred_by=referrer,
        title="Epidemiologist",
        tags="public health, research",
    )
    make_contact(alice, "Zoë Laurent", source="friend_family", practice=True)
    make_contact(bob, "Bob's Secret Contact", organization_name="Hidden Corp")
    return referrer


def test_contacts_list_table_shows_only_the_users_contacts(two_networks):
    result = run("contacts", "list", "--user", "alice")
    assert result.exit_code == 0, result.stderr
    for text in (
        "Priya Raman",
        "Midwest State",
        "José Núñez",
        "Referred by Priya Raman",
        "public health, research",
        "Zoë Laurent",
        "Friend or family · practice",
    ):
        assert text in result.stdout
    assert "Bob's Secret Contact" not in result.stdout
    assert "Hidden Corp" not in result.stdout
    assert "3 people." in result.stdout


def test_contacts_list_json_is_the_users_contacts_in_name_order(two_networks):
    result = run("contacts", "list", "--user", "alice", "--json")
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [row["name"] for row in rows] == ["José Núñez", "Priya Raman", "Zoë Laurent"]
    jose = rows[0]
    assert jose["referred_by"] == str(two_networks.uuid)
    assert jose["source"] == "referral"
    assert jose["tags"] == ["public health", "research"]
    assert jose["title"] == "Epidemiologist"
    assert rows[1]["organization"] == "Midwest State"
    assert rows[2]["practice"] is True
    assert set(jose) == {
        "id",
        "name",
        "email",
        "organization",
        "title",
        "source",
        "practice",
        "tags",
        "referred_by",
    }


def test_contacts_list_query_ignores_accents(two_networks):
    result = run("contacts", "list", "--user", "alice", "--json", "--query", "jose nunez")
    assert [row["name"] for row in json.loads(result.stdout)] == ["José Núñez"]


def test_contacts_list_walks_every_page_and_stops_at_the_limit(alice, monkeypatch):
    monkeypatch.setattr(contacts_cli, "PAGE_SIZE", 2)
    names = ["Ana", "Ben", "Cleo", "Dev", "Eli"]
    for name in reversed(names):
        make_contact(alice, name)
    every = json.loads(run("contacts", "list", "--user", "alice", "--json").stdout)
    assert [row["name"] for row in every] == names
    some = json.loads(run("contacts", "list", "--user", "alice", "--json", "--limit", "3").stdout)
    assert [row["name"] for row in some] == names[:3]
    table = run("contacts", "list", "--user", "alice", "--limit", "3").stdout
    assert "Cleo" in table and "Dev" not in table
    assert "3 people (more not shown: raise --limit)." in table


def test_contacts_list_with_no_contacts(alice):
    assert run("contacts", "list", "--user", "alice", "--json").stdout == "[]\n"
    result = run("contacts", "list", "--user", "alice")
    assert result.exit_code == 0
    assert "alice has no contacts yet." in result.stdout


def test_contacts_list_for_an_unknown_user_fails(db):
    result = run("contacts", "list", "--user", "ghost", "--json")
    assert result.exit_code == 1
    assert "No user named “ghost”" in result.stderr
    assert result.stdout == ""


def test_contacts_list_rejects_a_zero_limit(alice):
    result = run("contacts", "list", "--user", "alice", "--limit", "0")
    assert result.exit_code == 2
    assert "--limit" in result.stderr


# manage ---------------------------------------------------------------------------


def test_manage_runs_a_django_command():
    result = run("manage", "check")
    assert result.exit_code == 0
    assert "System check identified no issues" in result.stdout


def test_manage_passes_options_through_and_exits_with_their_status():
    # The suite's settings turn HTTPS off, so the deployment checks warn.
    result = run("manage", "check", "--deploy", "--fail-level", "WARNING")
    assert result.exit_code == 1
    assert "security.W" in result.stderr


# The real command, in a fresh process ----------------------------------------------


def test_installed_command_shows_help_without_any_settings(tmp_path):
    env = standalone_env(tmp_path, COFFEECHAT_DEBUG="0")
    result = subprocess.run(
        [coffeechat_executable(), "--help"], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    for name in COMMANDS:
        assert name in result.stdout
    assert not (tmp_path / "coffeechat.sqlite3").exists()


def test_missing_secret_key_is_a_message_not_a_traceback(tmp_path):
    env = standalone_env(tmp_path, COFFEECHAT_DEBUG="0")
    result = subprocess.run(
        [coffeechat_executable(), "contacts", "list", "--user", "sam"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "COFFEECHAT_SECRET_KEY is required" in result.stderr
    assert "Traceback" not in result.stderr


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def http_get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def test_serve_migrates_and_serves_pages_and_static_files(tmp_path):
    port = free_port()
    env = standalone_env(tmp_path / "data", COFFEECHAT_DEBUG="1")
    out, err = tmp_path / "stdout.txt", tmp_path / "stderr.txt"
    with out.open("w") as stdout, err.open("w") as stderr:
        server = subprocess.Popen(
            [coffeechat_executable(), "serve", "--port", str(port), "--threads", "2"],
            env=env,
            stdout=stdout,
            stderr=stderr,
        )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, f"serve exited early: {err.read_text()}"
            try:
                status, body = http_get(base + "/")
                break
            except OSError:
                assert time.monotonic() < deadline, f"serve never answered: {err.read_text()}"
                time.sleep(0.2)
        assert status == 200
        assert b"informational interviews" in body
        status, body = http_get(base + "/static/coffeechat.css")
        assert status == 200, "WhiteNoise did not serve the stylesheet"
        assert body.strip()
        assert (tmp_path / "data" / "coffeechat.sqlite3").exists()
        server.terminate()
        assert server.wait(timeout=20) == 0 or os.name != "posix"
    finally:
        if server.poll() is None:
            server.kill()
            server.wait(timeout=20)
    printed = out.read_text()
    assert f"Coffeechat is running at http://127.0.0.1:{port} — press Ctrl+C to stop" in printed
    assert f"Data: {tmp_path / 'data' / 'coffeechat.sqlite3'}" in printed


def test_serve_rejects_a_port_out_of_range():
    result = run("serve", "--port", "70000")
    assert result.exit_code == 2
    assert "--port" in result.stderr
