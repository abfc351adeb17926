"""Throttles with a cool-off, shared by every app process through the cache.

A rule counts attempts per key (an account, an email address, an IP address) in a window of
COFFEECHAT_THROTTLE_MINUTES. The attempt past the rule's limit starts a cool-off of the same
length, during which every attempt is refused, right password or not; then the count starts
again. Nothing is locked for good, so an attacker cannot lock a student out for longer than
the cool-off.

Attempts are counted *before* the password is checked, with the cache's atomic add + incr,
so a burst of parallel requests cannot slip more than `limit` guesses through; a success
then gives its attempt back (`throttle_forgive`) or clears the account (`throttle_clear`).
The cache is Redis or the database (settings.CACHES), never one process's memory, so the
limit holds across processes and servers. With the database cache a count is a row written
on the request's connection: count outside any transaction that may roll back, or a failure
would be forgotten with it.
"""

from __future__ import annotations

import hashlib
import ipaddress
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


@dataclass(frozen=True)
class Rule:
    """What is counted (`name`) and the setting that holds its limit."""

    name: str
    limit_setting: str

    @property
    def limit(self) -> int:
        return int(getattr(settings, self.limit_setting))

    @property
    def window(self) -> int:
        """Seconds in the counting window, and in the cool-off."""
        return int(settings.COFFEECHAT_THROTTLE_MINUTES) * 60


SIGNIN_ACCOUNT = Rule("signin-account", "COFFEECHAT_SIGNIN_LIMIT_ACCOUNT")
SIGNIN_IP = Rule("signin-ip", "COFFEECHAT_SIGNIN_LIMIT_IP")
RESET_EMAIL = Rule("reset-email", "COFFEECHAT_RESET_LIMIT_EMAIL")
RESET_IP = Rule("reset-ip", "COFFEECHAT_RESET_LIMIT_IP")
TOKEN_ACCOUNT = Rule("token-account", "COFFEECHAT_TOKEN_LIMIT_ACCOUNT")
TOKEN_IP = Rule("token-ip", "COFFEECHAT_TOKEN_LIMIT_IP")
API_AUTH_IP = Rule("api-auth-ip", "COFFEECHAT_API_AUTH_LIMIT_IP")
SIGNUP_IP = Rule("signup-ip", "COFFEECHAT_SIGNUP_LIMIT_IP")


class Throttled(Exception):
    """Refused until the cool-off ends, `seconds` from now."""

    def __init__(self, seconds: int) -> None:
        self.seconds = max(1, seconds)
        super().__init__(self.message)

    @property
    def minutes(self) -> int:
        return max(1, math.ceil(self.seconds / 60))

    @property
    def message(self) -> str:
        unit = "minute" if self.minutes == 1 else "minutes"
        return f"Too many attempts: try again in {self.minutes} {unit}."


def _key(rule: Rule, ident: str, part: str) -> str:
    # Hashed: keys stay short and safe for any backend, and the cache holds no addresses.
    digest = hashlib.sha256(ident.encode("utf-8", "surrogatepass")).hexdigest()[:40]
    return f"throttle:{rule.name}:{part}:{digest}"


def throttle_wait(rule: Rule, ident: str) -> int:
    """Seconds left in `ident`'s cool-off under `rule`; 0 when it may try."""
    until = cache.get(_key(rule, ident, "until"))
    if until is None:
        return 0
    return max(0, math.ceil(float(until) - time.time()))


def _count(key: str, window: int) -> int:
    cache.add(key, 0, timeout=window)
    try:
        return int(cache.incr(key))
    except ValueError:  # it expired between add and incr: this attempt opens a new window
        cache.add(key, 0, timeout=window)
        return int(cache.incr(key))


def throttle_take(rule: Rule, ident: str) -> None:
    """Count one attempt; raise Throttled when `ident` is cooling off or has just run out."""
    wait = throttle_wait(rule, ident)
    if wait:
        raise Throttled(wait)
    window = rule.window
    count_key = _key(rule, ident, "count")
    if _count(count_key, window) > rule.limit:
        cache.set(_key(rule, ident, "until"), time.time() + window, timeout=window)
        # After the cool-off the count starts from nothing, not from where it stopped.
        cache.delete(count_key)
        raise Throttled(window)


def throttle_take_all(*attempts: tuple[Rule, str]) -> None:
    """Count an attempt under each (rule, key); refused if any refuses, for the longest wait.

    Every rule counts even when an earlier one refuses, so an attacker who spreads guesses
    over accounts still runs into the per-IP rule.
    """
    refused: list[Throttled] = []
    for rule, ident in attempts:
        try:
            throttle_take(rule, ident)
        except Throttled as exc:
            refused.append(exc)
    if refused:
        raise max(refused, key=lambda exc: exc.seconds)


def throttle_forgive(rule: Rule, ident: str) -> None:
    """Give back one attempt that succeeded (an IP's good sign-ins are not held against it)."""
    key = _key(rule, ident, "count")
    try:
        if int(cache.decr(key)) < 0:
            cache.delete(key)
    except ValueError:  # the window ended meanwhile
        pass


def throttle_clear(rule: Rule, ident: str) -> None:
    """Forget `ident`'s attempts and end its cool-off (a successful sign-in or reset)."""
    cache.delete_many([_key(rule, ident, "count"), _key(rule, ident, "until")])


def account_key(username: str) -> str:
    """Usernames are compared case-insensitively at sign-up, so "Sam" and "sam" count as one."""
    return username.strip().casefold()


def email_key(address: str) -> str:
    return address.strip().casefold()


def client_ip(request: HttpRequest) -> str:
    """The address the request came from, for per-IP rules.

    REMOTE_ADDR, unless COFFEECHAT_TRUSTED_PROXIES says how many proxies in front of the app
    append to X-Forwarded-For: then the address the outermost trusted proxy saw. Anything
    further left was written by the client and could be anything. An IPv6 address counts
    by its /64, which one subscriber usually holds whole.
    """
    address = request.META.get("REMOTE_ADDR") or ""
    hops = int(settings.COFFEECHAT_TRUSTED_PROXIES)
    if hops > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if forwarded:
            address = forwarded[-min(hops, len(forwarded))]
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address[:64] or "unknown"
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network(f"{ip}/64", strict=False))
    return str(ip)
