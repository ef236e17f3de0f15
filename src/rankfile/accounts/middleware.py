"""Enforce the organization's two-factor policy on sessions that began without a code."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY

from rankfile.accounts import two_factor
from rankfile.accounts.models import SecurityPolicy


class TwoFactorRequiredMiddleware:
    """When the organization requires two-factor authentication of officers, an officer's
    session that was not verified with a code (it began before the policy, or before they held
    the office) is sent to set it up, or logged out to log in again with a code."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and DEVICE_ID_SESSION_KEY not in request.session
            and not request.path.startswith("/static/")
            and SecurityPolicy.current().officers_need_two_factor
            and two_factor.holds_office(user)
        ):
            setup = reverse("two_factor")
            if two_factor.has_two_factor(user):
                logout(request)
                return redirect_to_login(request.get_full_path())
            if request.path not in (setup, reverse("logout")):
                return redirect(setup)
        return self.get_response(request)
