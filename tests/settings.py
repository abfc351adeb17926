"""Settings for the test suite: production settings with a throwaway key and data folder."""

import os
import tempfile

os.environ["COFFEECHAT_DEBUG"] = "0"
os.environ.setdefault("COFFEECHAT_SECRET_KEY", "test-only-key-" + "k" * 50)
os.environ.setdefault("COFFEECHAT_DATA_DIR", tempfile.mkdtemp(prefix="coffeechat-test-"))
os.environ["COFFEECHAT_HTTPS"] = "0"

from coffeechat.settings import *  # noqa: F403

# Hashing passwords slowly is the point in production and pure waste in tests.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Every reminder snapshot Today reads is checked against what the rules say now.
COFFEECHAT_VERIFY_REMINDER_SNAPSHOTS = True
