"""What every benchmark does first: a throw-away SQLite database, production settings."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

FIRST = ["José", "Élodie", "Zoë", "Sam", "Priya", "Chen", "Amara", "Lukas", "Noor", "Mateo"]
LAST = ["Núñez", "Martin", "Smith", "Okafor", "Kowalski", "Tanaka", "García", "Nguyen", "Brown"]


def django_for_bench() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    os.environ["COFFEECHAT_DATA_DIR"] = tempfile.mkdtemp(prefix="coffeechat-bench-")
    os.environ["COFFEECHAT_DEBUG"] = "0"
    os.environ["COFFEECHAT_HTTPS"] = "0"
    os.environ.setdefault("COFFEECHAT_SECRET_KEY", "bench-" + "x" * 50)
    os.environ["DATABASE_URL"] = ""
    os.environ["DJANGO_SETTINGS_MODULE"] = "coffeechat.settings"

    import django

    django.setup()
