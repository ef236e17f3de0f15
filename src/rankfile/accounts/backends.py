"""The log-in backend: Django's ModelBackend behind the throttles of
rankfile.accounts.throttling, checked before the password is hashed."""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest

from rankfile.accounts import throttling
from rankfile.audit.actions import append_event

logger = logging.getLogger(__name__)

# Set on the request when a log-in was refused for throttling; the form reads it to say when
# to try again.
THROTTLED_UNTIL = "rankfile_login_throttled_until"


class ThrottledModelBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if request is None:
            # No request: a command or a test calling authenticate() directly; nothing to
            # count per client.
            return super().authenticate(request, username, password, **kwargs)
        account = throttling.normalize_account(username)
        address = throttling.client_address(request)
        account_limit = throttling.login_account_limit()
        address_limit = throttling.login_address_limit()
        until = throttling.locked_until(account_limit, account) or throttling.locked_until(
            address_limit, address
        )
        if until is not None:
            setattr(request, THROTTLED_UNTIL, until)
            raise PermissionDenied("too many failed log-ins")  # stops every backend
        user = super().authenticate(request, username, password, **kwargs)
        if user is not None:
            throttling.clear(account_limit, account)
            return user
        account_locked = throttling.hit(account_limit, account)
        address_locked = throttling.hit(address_limit, address)
        if account_locked is not None:
            do_record_lockout(account, account_locked)
        if address_locked is not None:
            logger.warning(
                "log-ins from %s refused until %s: too many failed passwords",
                address,
                address_locked.isoformat(timespec="seconds"),
            )
        return None


@transaction.atomic
def do_record_lockout(account: str, until: Any) -> None:
    """Put an account's lock-out on the record (not for addresses no account uses: anyone can
    type those, and the record is not a list of what strangers typed)."""
    user = get_user_model().objects.filter(email__iexact=account).first()
    if user is None:
        return
    member = getattr(user, "member", None)
    append_event(
        actor=None,
        action="account.lockout",
        target=user,
        member=member,
        branch=member.branch if member is not None else None,
        payload={"until": until.isoformat(timespec="seconds"), "reason": "failed passwords"},
    )
