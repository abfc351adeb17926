"""Settings read from the environment: defaults, loud errors, SQLite tuning, production checks."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]


def run_python(code: str, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """`code` in a Python process of its own, with only these Coffeechat settings set."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("COFFEECHAT_", "DATABASE"))}
    base.update(env)
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        env=base,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        check=False,
    )


SETUP = (
    "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='coffeechat.settings'; django.setup();"
)


def test_production_needs_a_secret_key(tmp_path):
    result = run_python(SETUP, COFFEECHAT_DATA_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "COFFEECHAT_SECRET_KEY is required" in result.stderr


def test_bad_boolean_names_the_variable(tmp_path):
    result = run_python(SETUP, COFFEECHAT_DEBUG="maybe", COFFEECHAT_DATA_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "COFFEECHAT_DEBUG must be a boolean" in result.stderr


def test_data_lives_in_coffeechat_data_dir(tmp_path):
    code = SETUP + "from django.conf import settings; print(settings.DATABASES['default']['NAME'])"
    result = run_python(code, COFFEECHAT_DEBUG="1", COFFEECHAT_DATA_DIR=str(tmp_path / "d"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(tmp_path / "d" / "coffeechat.sqlite3")
    assert (tmp_path / "d").is_dir()


def test_database_url_switches_to_postgresql(tmp_path):
    code = (
        SETUP + "from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])"
    )
    result = run_python(
        code,
        COFFEECHAT_DEBUG="1",
        COFFEECHAT_DATA_DIR=str(tmp_path),
        DATABASE_URL="postgres://someone@db.example:5432/coffeechat",
    )
    assert result.stdout.strip() == "django.db.backends.postgresql"


def test_production_settings_pass_check_deploy(tmp_path):
    code = (
        SETUP
        + "from django.core.management import call_command;"
        + "call_command('check', deploy=True, fail_level='WARNING')"
    )
    result = run_python(
        code,
        COFFEECHAT_SECRET_KEY="a-very-long-and-random-production-secret-key-0123456789-abcdefgh",
        COFFEECHAT_DATA_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout + result.stderr


def test_sqlite_file_uses_wal_and_a_busy_timeout(tmp_path):
    code = (
        SETUP
        + "from django.db import connection;"
        + "c = connection.cursor();"
        + "print(c.execute('PRAGMA journal_mode').fetchone()[0],"
        + " c.execute('PRAGMA busy_timeout').fetchone()[0],"
        + " c.execute('PRAGMA foreign_keys').fetchone()[0])"
    )
    result = run_python(code, COFFEECHAT_DEBUG="1", COFFEECHAT_DATA_DIR=str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["wal", "20000", "1"]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite locking")
def test_concurrent_writers_never_see_database_is_locked(tmp_path):
    """Eight processes write at once to one SQLite file: every write lands, none fails."""
    env = {"COFFEECHAT_DEBUG": "1", "COFFEECHAT_DATA_DIR": str(tmp_path)}
    migrate = run_python(
        SETUP
        + "from django.core.management import call_command; call_command('migrate', verbosity=0)",
        **env,
    )
    assert migrate.returncode == 0, migrate.stderr
    writer = (
        SETUP
        + "from django.contrib.auth import get_user_model;"
        + "from coffeechat.network.services import contact_create;"
        + "import sys; n = sys.argv[1] if len(sys.argv) > 1 else '0';"
        + "u, _ = get_user_model().objects.get_or_create(username='load');"
        + "[contact_create(owner=u, name=f'P{i}', tags='load') for i in range(40)]"
    )
    base = {k: v for k, v in os.environ.items() if not k.startswith(("COFFEECHAT_", "DATABASE"))}
    base.update(env)
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", writer], env=base, cwd=ROOT, stderr=subprocess.PIPE, text=True
        )
        for _ in range(8)
    ]
    errors = [p.communicate(timeout=120)[1] for p in procs]
    assert all(p.returncode == 0 for p in procs), errors
    assert not any("locked" in e for e in errors)
    count = run_python(
        SETUP + "from coffeechat.network.models import Contact; print(Contact.objects.count())",
        **env,
    )
    assert count.stdout.strip() == "320"


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite locking")
def test_threads_writing_at_once_never_see_database_is_locked(tmp_path):
    """Threads in one process (as under waitress) write to one SQLite file at once."""
    env = {"COFFEECHAT_DEBUG": "1", "COFFEECHAT_DATA_DIR": str(tmp_path)}
    code = SETUP + textwrap.dedent(
        """
        import threading
        from django.core.management import call_command
        from django.db import connection
        from django.contrib.auth import get_user_model
        from coffeechat.network.models import Contact
        from coffeechat.network.services import contact_create
        call_command("migrate", verbosity=0)
        owner = get_user_model().objects.create(username="threads")
        failures = []
        def work(n):
            try:
                for i in range(25):
                    contact_create(owner=owner, name=f"T{n}-{i}", tags="t")
            except Exception as exc:
                failures.append(repr(exc))
            finally:
                connection.close()
        threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
        [t.start() for t in threads]
        [t.join(120) for t in threads]
        print(len(failures), Contact.objects.count(), failures[:1])
        """
    )
    result = run_python(code, **env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[:2] == ["0", "200"], result.stdout
