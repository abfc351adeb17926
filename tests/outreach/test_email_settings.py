"""SMTP settings read from the environment: defaults, and loud errors for bad values."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.test_settings import run_python

SHOW = (
    "import django, json, os; os.environ['DJANGO_SETTINGS_MODULE']='coffeechat.settings';"
    "django.setup(); from django.conf import settings as s;"
    "print(json.dumps({k: getattr(s, k) for k in ["
    "'EMAIL_BACKEND', 'EMAIL_HOST', 'EMAIL_PORT', 'EMAIL_HOST_USER', 'EMAIL_HOST_PASSWORD',"
    "'EMAIL_USE_TLS', 'EMAIL_USE_SSL', 'EMAIL_TIMEOUT', 'COFFEECHAT_EMAIL_DOMAIN']}))"
)


def run_settings(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return run_python(SHOW, COFFEECHAT_DEBUG="1", COFFEECHAT_DATA_DIR=str(tmp_path), **env)


def email_settings(tmp_path: Path, **env: str) -> dict[str, object]:
    result = run_settings(tmp_path, **env)
    assert result.returncode == 0, result.stderr
    return dict(json.loads(result.stdout))


def test_without_a_host_nothing_is_sent(tmp_path):
    assert email_settings(tmp_path) == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "",
        "EMAIL_PORT": 587,
        "EMAIL_HOST_USER": "",
        "EMAIL_HOST_PASSWORD": "",
        "EMAIL_USE_TLS": True,
        "EMAIL_USE_SSL": False,
        "EMAIL_TIMEOUT": 20,
        "COFFEECHAT_EMAIL_DOMAIN": "coffeechat.local",
    }


def test_smtp_comes_from_coffeechat_variables(tmp_path):
    values = email_settings(
        tmp_path,
        COFFEECHAT_SMTP_HOST="smtp.example.org",
        COFFEECHAT_SMTP_PORT="2525",
        COFFEECHAT_SMTP_USER="zoe@example.org",
        COFFEECHAT_SMTP_PASSWORD="app password",
        COFFEECHAT_SMTP_TLS="0",
        COFFEECHAT_SMTP_TIMEOUT="7",
        COFFEECHAT_EMAIL_DOMAIN="career.example.edu",
    )

    assert values["EMAIL_HOST"] == "smtp.example.org"
    assert values["EMAIL_PORT"] == 2525
    assert values["EMAIL_HOST_USER"] == "zoe@example.org"
    assert values["EMAIL_HOST_PASSWORD"] == "app password"
    assert (values["EMAIL_USE_TLS"], values["EMAIL_USE_SSL"]) == (False, False)
    assert values["EMAIL_TIMEOUT"] == 7
    assert values["COFFEECHAT_EMAIL_DOMAIN"] == "career.example.edu"


def test_ssl_alone_turns_starttls_off_and_uses_port_465(tmp_path):
    values = email_settings(
        tmp_path, COFFEECHAT_SMTP_HOST="smtp.example.org", COFFEECHAT_SMTP_SSL="1"
    )

    assert (values["EMAIL_USE_SSL"], values["EMAIL_USE_TLS"], values["EMAIL_PORT"]) == (
        True,
        False,
        465,
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"COFFEECHAT_SMTP_PORT": "smtp"}, "COFFEECHAT_SMTP_PORT must be a whole number"),
        ({"COFFEECHAT_SMTP_PORT": "70000"}, "COFFEECHAT_SMTP_PORT must be between 1 and 65535"),
        ({"COFFEECHAT_SMTP_PORT": "0"}, "COFFEECHAT_SMTP_PORT must be between 1 and 65535"),
        ({"COFFEECHAT_SMTP_TLS": "maybe"}, "COFFEECHAT_SMTP_TLS must be a boolean"),
        ({"COFFEECHAT_SMTP_SSL": "sure"}, "COFFEECHAT_SMTP_SSL must be a boolean"),
        (
            {"COFFEECHAT_SMTP_SSL": "1", "COFFEECHAT_SMTP_TLS": "1"},
            "COFFEECHAT_SMTP_SSL and COFFEECHAT_SMTP_TLS cannot both be on",
        ),
        ({"COFFEECHAT_SMTP_TIMEOUT": "0"}, "COFFEECHAT_SMTP_TIMEOUT must be a number of seconds"),
        ({"COFFEECHAT_SMTP_TIMEOUT": "soon"}, "COFFEECHAT_SMTP_TIMEOUT must be a whole number"),
    ],
)
def test_bad_smtp_values_name_the_variable(tmp_path, env, message):
    result = run_settings(tmp_path, COFFEECHAT_SMTP_HOST="smtp.example.org", **env)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr
