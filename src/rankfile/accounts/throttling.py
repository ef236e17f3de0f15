"""Throttles for log-in and reset-link requests, kept in the database so that every app
server sees the same counts (PostgreSQL in production, SQLite on a laptop; no cache server).

A throttle counts attempts per key (an email address asked about, or a client address) in a
fixed window. When the count reaches the limit, the key is locked until the window's length
has passed from that moment, and each lock that follows another without a success in between
lasts twice as long (at most a day). While locked, attempts are refused before anything
costly (argon2) runs. Keys are stored as an HMAC with SECRET_KEY, never in the clear.
"""

from __future__ import annotations

import datetime
import ipaddress
import math
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac

from rankfile.accounts.models import Throttle

MAX_LOCK = datetime.timedelta(days=1)


@dataclass(frozen=True)
class Limit:
    scope: str
    attempts: int
    window: datetime.timedelta


def login_account_limit() -> Limit:
    return Limit(
        "login.account",
        settings.LOGIN_FAILURES_PER_ACCOUNT,
        datetime.timedelta(minutes=settings.LOGIN_FAILURE_WINDOW_MINUTES),
    )


def login_address_limit() -> Limit:
    return Limit(
        "login.address",
        settings.LOGIN_FAILURES_PER_ADDRESS,
        datetime.timedelta(minutes=settings.LOGIN_FAILURE_WINDOW_MINUTES),
    )


def reset_account_limit() -> Limit:
    return Limit(
        "reset.account",
        settings.RESET_REQUESTS_PER_ACCOUNT,
        datetime.timedelta(minutes=settings.RESET_REQUEST_WINDOW_MINUTES),
    )


def reset_address_limit() -> Limit:
    return Limit(
        "reset.address",
        settings.RESET_REQUESTS_PER_ADDRESS,
        datetime.timedelta(minutes=settings.RESET_REQUEST_WINDOW_MINUTES),
    )


def normalize_account(username: str | None) -> str:
    return (username or "").strip().lower()


def client_address(request: HttpRequest) -> str:
    """The client's address: the socket's, or the one TRUSTED_PROXY_HOPS entries from the
    right of X-Forwarded-For when proxies of ours put it there. IPv6 clients are counted per
    /64, the block one household or phone is usually given."""
    address = request.META.get("REMOTE_ADDR", "") or ""
    hops = settings.TRUSTED_PROXY_HOPS
    if hops > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= hops:
            address = forwarded[-hops]
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address[:100]
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


def _key(limit: Limit, value: str) -> str:
    return salted_hmac("rankfile.throttle." + limit.scope, value, algorithm="sha256").hexdigest()


def locked_until(limit: Limit, value: str) -> datetime.datetime | None:
    """When the key's lock ends, if it is locked now."""
    until = (
        Throttle.objects.filter(scope=limit.scope, key=_key(limit, value))
        .values_list("locked_until", flat=True)
        .first()
    )
    return until if until is not None and until > timezone.now() else None


@transaction.atomic
def hit(limit: Limit, value: str) -> datetime.datetime | None:
    """Count one attempt; returns the end of the lock when this attempt started one."""
    now = timezone.now()
    throttle, _created = Throttle.objects.select_for_update().get_or_create(
        scope=limit.scope,
        key=_key(limit, value),
        defaults={"window_started_at": now},
    )
    if _created:
        prune(now)
    if throttle.locked_until is not None and throttle.locked_until > now:
        return None  # refused before counting: the lock already runs
    if throttle.window_started_at + limit.window <= now:
        if throttle.window_started_at + MAX_LOCK <= now:
            throttle.lockouts = 0  # a quiet day forgives earlier locks
        throttle.window_started_at = now
        throttle.attempts = 0
    throttle.attempts += 1
    started = None
    if throttle.attempts >= limit.attempts:
        throttle.lockouts += 1
        length = min(limit.window * 2 ** (throttle.lockouts - 1), MAX_LOCK)
        throttle.locked_until = started = now + length
        # The next window starts when the lock ends.
        throttle.window_started_at = throttle.locked_until
        throttle.attempts = 0
    throttle.save()
    return started


def prune(now: datetime.datetime) -> None:
    """Forget keys whose last window and lock ended more than a day ago (each new key pays
    for this, so the table stays as small as the attacks of the last day)."""
    cutoff = now - MAX_LOCK
    Throttle.objects.filter(window_started_at__lt=cutoff - MAX_LOCK).filter(
        Q(locked_until__isnull=True) | Q(locked_until__lt=cutoff)
    ).delete()


def clear(limit: Limit, value: str) -> None:
    """Forget the key's attempts and locks (after a success)."""
    Throttle.objects.filter(scope=limit.scope, key=_key(limit, value)).delete()


def wait_message(until: datetime.datetime, what: str) -> str:
    """ "Too many … Try again in 15 minutes (after 14:05 UTC)." for a lock ending at until."""
    minutes = max(1, math.ceil((until - timezone.now()).total_seconds() / 60))
    local = timezone.localtime(until)
    return (
        f"{what} Try again in {minutes} minute{'s' if minutes != 1 else ''} "
        f"(after {local:%H:%M} {local.tzname()})."
    )
