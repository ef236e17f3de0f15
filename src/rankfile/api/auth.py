"""API authentication: a bearer token (for integrations) or the browser session."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer, django_auth

from rankfile.accounts.actions import TOKEN_PREFIX, token_hash
from rankfile.accounts.models import ApiToken

LAST_USED_PRECISION = datetime.timedelta(minutes=1)


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        if not token.startswith(TOKEN_PREFIX):
            return None
        found = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=token_hash(token), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if found is None:
            return None
        now = timezone.now()
        # At most one write a minute per token: a burst of ballots must not pay a second
        # commit each, and a token's last use need not be known to the second.
        if found.last_used_at is None or now - found.last_used_at > LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = found.user
        return found.user


AUTH = [BearerToken(), django_auth]
