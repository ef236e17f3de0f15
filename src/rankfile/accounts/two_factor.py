"""Two-factor authentication with django-otp: a TOTP device (an authenticator app) and a set
of single-use recovery codes (a static device), and who must use them."""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from rankfile.accounts.models import SecurityPolicy
from rankfile.members.models import Office

RECOVERY_CODES = 10


def authenticator(user: Any, *, confirmed: bool = True) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).order_by("pk").first()


def recovery_device(user: Any) -> StaticDevice | None:
    return StaticDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def recovery_codes_left(user: Any) -> int:
    device = recovery_device(user)
    return device.token_set.count() if device is not None else 0


def has_two_factor(user: Any) -> bool:
    return authenticator(user) is not None


def holds_office(user: Any, on: datetime.date | None = None) -> bool:
    """Anyone with an office today, and the installation's operators (Django admin users)."""
    if user.is_staff or user.is_superuser:
        return True
    return Office.objects.held_on(on or timezone.localdate()).filter(member__user=user).exists()


def must_use_two_factor(user: Any) -> bool:
    return SecurityPolicy.current().officers_need_two_factor and holds_office(user)


def normalize_code(code: str) -> str:
    return re.sub(r"[\s-]", "", code or "").lower()


def verify_code(user: Any, code: str) -> tuple[Any, datetime.datetime | None]:
    """The device that accepts the code (an authenticator code, or an unused recovery code,
    which is used up) and None; or None and, when the device refuses to check codes for now
    after failures, when it will check again. Each device slows down after failures (django-otp
    waits 1, 2, 4, 8 … seconds), and an authenticator code is accepted once only."""
    code = normalize_code(code)
    device: Any = authenticator(user) if code.isdigit() else recovery_device(user)
    if device is None or not code:
        return None, None
    allowed, details = device.verify_is_allowed()
    if not allowed:
        return None, (details or {}).get("locked_until")
    if device.verify_token(code):
        return device, None
    return None, None
