"""The production settings plus one bare view, for `bench/load.py` only.

The load run measures each page against the cheapest request Django can answer through the
same server and middleware: `/bench/floor/` returns "ok" without touching the database. It
lives here so that the shipped URLconf has no benchmark route.
"""

from coffeechat.settings import *  # noqa: F403

ROOT_URLCONF = "floor_urls"
