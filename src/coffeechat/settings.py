"""Coffeechat settings: one file, configured by environment variables.

Personal installs run on SQLite in the user's data directory; a career centre sets
DATABASE_URL (PostgreSQL) and COFFEECHAT_SECRET_KEY, and leaves COFFEECHAT_DEBUG off.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
import platformdirs
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false, yes/no), not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_base_url(name: str, default: str) -> str:
    raw = (os.environ.get(name) or "").strip() or default
    scheme, _, rest = raw.partition("://")
    if scheme.lower() not in {"http", "https"} or not rest.strip("/") or "?" in raw or "#" in raw:
        raise ImproperlyConfigured(
            f"{name} must be the address people open Coffeechat at, such as "
            f"https://coffeechat.example.edu, not {raw!r}"
        )
    return raw.rstrip("/")


DATA_DIR = Path(
    os.environ.get("COFFEECHAT_DATA_DIR")
    or platformdirs.user_data_dir("coffeechat", appauthor=False)
)

DEBUG = env_bool("COFFEECHAT_DEBUG", False)

SECRET_KEY = os.environ.get("COFFEECHAT_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "COFFEECHAT_SECRET_KEY is required when COFFEECHAT_DEBUG is off. "
            "Set it to a long random string, e.g. the output of "
            "`python3 -c 'import secrets; print(secrets.token_urlsafe(50))'`."
        )
    SECRET_KEY = "django-insecure-coffeechat-development-only"

ALLOWED_HOSTS = env_list("COFFEECHAT_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("COFFEECHAT_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "csp",
    "ninja",
    "template_partials",
    "coffeechat.accounts",
    "coffeechat.network",
    "coffeechat.outreach",
    "coffeechat.conversations",
    "coffeechat.followups",
    "coffeechat.interchange",
]

MIDDLEWARE = [
    # The security headers come first so they also reach the static files WhiteNoise serves
    # and the error pages.
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "coffeechat.lib.security.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "coffeechat.accounts.middleware.ProfileTimezoneMiddleware",
]

ROOT_URLCONF = "coffeechat.urls"
WSGI_APPLICATION = "coffeechat.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
            "builtins": ["coffeechat.lib.links"],
        },
    },
]

# Databases -------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    try:
        DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
    except Exception as exc:
        raise ImproperlyConfigured(f"DATABASE_URL could not be read: {exc}") from None
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "coffeechat.sqlite3"),
            "OPTIONS": {
                # WAL lets readers and a writer work at once; IMMEDIATE takes the write lock
                # at BEGIN so two writers queue on busy_timeout instead of failing with
                # "database is locked" when one upgrades a read lock.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL;"
                    "PRAGMA synchronous=NORMAL;"
                    "PRAGMA foreign_keys=ON;"
                    "PRAGMA busy_timeout=20000;"
                ),
            },
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Auth ------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Internationalisation --------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# Static files ----------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Serve straight from the package's static folders: no collectstatic step for a personal
# install, and the files are still served by WhiteNoise with caching headers. A proxy that
# serves files itself can set COFFEECHAT_STATIC_ROOT and run `coffeechat manage collectstatic`.
STATIC_ROOT = os.environ.get("COFFEECHAT_STATIC_ROOT") or None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Security --------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Only what the pages load from this server: no inline script or style, no eval, no plugins,
# no framing. htmx's own indicator <style> is turned off in base.html (htmx-config) so that
# style-src needs no 'unsafe-inline'; data: images are Pico's form-control icons.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
HTTPS = env_bool("COFFEECHAT_HTTPS", not DEBUG)
if HTTPS:
    SECURE_SSL_REDIRECT = env_bool("COFFEECHAT_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("COFFEECHAT_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # The __Host- prefix makes the browser refuse these cookies unless they are Secure, for
    # Path=/ and set without a Domain, so a sibling subdomain cannot plant or overwrite them.
    # Plain-http development keeps the usual names: browsers drop a __Host- cookie over http.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"

# Forms and uploads -----------------------------------------------------------
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2_000

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("COFFEECHAT_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# Coffeechat ------------------------------------------------------------------
COFFEECHAT_PAGE_SIZE = env_int("COFFEECHAT_PAGE_SIZE", 50)

# Where people reach this installation: the digest email and the calendar feed are read
# outside the browser, so their links must be absolute: the scheme and host (and port),
# without a trailing slash.
COFFEECHAT_BASE_URL = env_base_url("COFFEECHAT_BASE_URL", "http://127.0.0.1:8000")

# Imports: refused with a message past these limits (see interchange/limits.py).
COFFEECHAT_IMPORT_MAX_BYTES = env_int("COFFEECHAT_IMPORT_MAX_BYTES", 20 * 1024 * 1024)
COFFEECHAT_IMPORT_MAX_ROWS = env_int("COFFEECHAT_IMPORT_MAX_ROWS", 100_000)
# Calendars fetched from a URL: how long to wait, and whether private addresses are allowed
# (a personal install may subscribe to a calendar server on its own network).
COFFEECHAT_CALENDAR_FETCH_TIMEOUT = env_int("COFFEECHAT_CALENDAR_FETCH_TIMEOUT", 15)
COFFEECHAT_CALENDAR_ALLOW_PRIVATE_URLS = env_bool("COFFEECHAT_CALENDAR_ALLOW_PRIVATE_URLS", False)

# Cache and throttles ---------------------------------------------------------
# The throttles (accounts/throttle.py) must hold across every app process, so the cache is
# shared: Redis when COFFEECHAT_REDIS_URL is set, else a table in the database (made by the
# accounts migrations). Never one process's memory.
COFFEECHAT_REDIS_URL = os.environ.get("COFFEECHAT_REDIS_URL", "").strip()
if COFFEECHAT_REDIS_URL:
    if not COFFEECHAT_REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(
            "COFFEECHAT_REDIS_URL must be a Redis address such as redis://127.0.0.1:6379/0, "
            f"not {COFFEECHAT_REDIS_URL!r}"
        )
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": COFFEECHAT_REDIS_URL,
            "KEY_PREFIX": "coffeechat",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 5, "SOCKET_TIMEOUT": 5},
        }
    }
    # Sessions are read from Redis and written through to the database: every app process
    # sees the same ones, and a Redis restart signs nobody out.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {
        "default": {
            "BACKEND": "coffeechat.accounts.cache.DatabaseCache",
            "LOCATION": "coffeechat_cache",
            # Django culls a third of the rows past MAX_ENTRIES: keep throttle counters well
            # clear of that (expired rows go first).
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    }


def env_limit(name: str, default: int) -> int:
    value = env_int(name, default)
    if value < 1:
        raise ImproperlyConfigured(f"{name} must be 1 or more, not {value}")
    return value


# A rule's window and its cool-off, in minutes; then the attempts allowed in a window.
COFFEECHAT_THROTTLE_MINUTES = env_limit("COFFEECHAT_THROTTLE_MINUTES", 15)
COFFEECHAT_SIGNIN_LIMIT_ACCOUNT = env_limit("COFFEECHAT_SIGNIN_LIMIT_ACCOUNT", 5)
COFFEECHAT_SIGNIN_LIMIT_IP = env_limit("COFFEECHAT_SIGNIN_LIMIT_IP", 30)
COFFEECHAT_RESET_LIMIT_EMAIL = env_limit("COFFEECHAT_RESET_LIMIT_EMAIL", 3)
COFFEECHAT_RESET_LIMIT_IP = env_limit("COFFEECHAT_RESET_LIMIT_IP", 10)
COFFEECHAT_TOKEN_LIMIT_ACCOUNT = env_limit("COFFEECHAT_TOKEN_LIMIT_ACCOUNT", 10)
COFFEECHAT_TOKEN_LIMIT_IP = env_limit("COFFEECHAT_TOKEN_LIMIT_IP", 30)
COFFEECHAT_API_AUTH_LIMIT_IP = env_limit("COFFEECHAT_API_AUTH_LIMIT_IP", 30)
# Accounts made from one address: generous, since a career-centre lab shares one NAT address.
COFFEECHAT_SIGNUP_LIMIT_IP = env_limit("COFFEECHAT_SIGNUP_LIMIT_IP", 50)
# Check every reminder snapshot Today uses against a fresh answer, and raise on a difference
# (followups/snapshot.py): on in the test suite, where it costs nothing that matters.
COFFEECHAT_VERIFY_REMINDER_SNAPSHOTS = env_bool("COFFEECHAT_VERIFY_REMINDER_SNAPSHOTS", False)
# How many proxies in front of the app append to X-Forwarded-For (usually 1 behind nginx);
# 0 trusts only REMOTE_ADDR, since a client can write any X-Forwarded-For it likes.
COFFEECHAT_TRUSTED_PROXIES = env_int("COFFEECHAT_TRUSTED_PROXIES", 0)
if COFFEECHAT_TRUSTED_PROXIES < 0:
    raise ImproperlyConfigured("COFFEECHAT_TRUSTED_PROXIES must be 0 or more")
# Changing the email address, exporting everything: the password must have been entered
# (signing in, or the confirm page) within this many minutes.
COFFEECHAT_REAUTH_MINUTES = env_limit("COFFEECHAT_REAUTH_MINUTES", 10)

# Email -----------------------------------------------------------------------
# SMTP belongs to the installation (a personal install uses the student's own mail
# account). With no COFFEECHAT_SMTP_HOST, Coffeechat sends nothing itself: the student
# copies a message or opens it in their mail app.
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = os.environ.get("COFFEECHAT_SMTP_HOST", "").strip()
EMAIL_HOST_USER = os.environ.get("COFFEECHAT_SMTP_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("COFFEECHAT_SMTP_PASSWORD", "")
# SSL (implicit TLS, usually port 465) or STARTTLS (usually port 587), never both.
EMAIL_USE_SSL = env_bool("COFFEECHAT_SMTP_SSL", False)
EMAIL_USE_TLS = env_bool("COFFEECHAT_SMTP_TLS", not EMAIL_USE_SSL)
if EMAIL_USE_SSL and EMAIL_USE_TLS:
    raise ImproperlyConfigured(
        "COFFEECHAT_SMTP_SSL and COFFEECHAT_SMTP_TLS cannot both be on: use SSL for a "
        "server on port 465, TLS (STARTTLS) for one on port 587."
    )
EMAIL_PORT = env_int("COFFEECHAT_SMTP_PORT", 465 if EMAIL_USE_SSL else 587)
if not 1 <= EMAIL_PORT <= 65535:
    raise ImproperlyConfigured(
        f"COFFEECHAT_SMTP_PORT must be between 1 and 65535, not {EMAIL_PORT}"
    )
EMAIL_TIMEOUT = env_int("COFFEECHAT_SMTP_TIMEOUT", 20)
if EMAIL_TIMEOUT <= 0:
    raise ImproperlyConfigured(
        f"COFFEECHAT_SMTP_TIMEOUT must be a number of seconds above 0, not {EMAIL_TIMEOUT}"
    )
# The right-hand side of the Message-IDs Coffeechat makes ("<…@coffeechat.local>").
COFFEECHAT_EMAIL_DOMAIN = os.environ.get("COFFEECHAT_EMAIL_DOMAIN", "").strip() or (
    "coffeechat.local"
)
# The address the daily digest comes from, as "Coffeechat <digest@career.example.edu>".
# Blank: from each student's own address to themselves, which is what a personal install's
# mail account accepts.
COFFEECHAT_EMAIL_FROM = os.environ.get("COFFEECHAT_EMAIL_FROM", "").strip()
