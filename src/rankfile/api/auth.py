"""API authentication: a bearer token (for integrations) or the browser session."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer, django_auth

from rankfile.accounts.actions import TOKEN_PREFIX, token_hash
from rankfile.accounts.models import ApiToken


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
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
        request.user = found.user
        return found.user


AUTH = [BearerToken(), django_auth]
