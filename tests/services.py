"""Tests that need a service on loopback (PostgreSQL, Redis) skip without it on a developer's
machine, and fail without it where COFFEECHAT_REQUIRE_SERVICES=1 (.ci/run sets it), so CI
can never pass by skipping them."""

from __future__ import annotations

import os
import socket
from typing import NoReturn

import pytest


def reachable(port: int, host: str = "127.0.0.1") -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def missing(reason: str) -> NoReturn:
    if os.environ.get("COFFEECHAT_REQUIRE_SERVICES") == "1":
        pytest.fail(f"{reason} (COFFEECHAT_REQUIRE_SERVICES=1)")
    pytest.skip(reason)
