"""Template context shared by every page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def organization(request: HttpRequest) -> dict[str, Any]:
    from rankfile.members.models import Organization

    return {"organization": Organization.current()}
