"""Log in, invitations and password reset: Django's views with our templates."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.urls import reverse_lazy


class InvitationView(auth_views.PasswordResetConfirmView):
    """An invited member chooses a password (the same signed, single-use link as a reset)."""

    template_name = "registration/form_page.html"
    success_url = reverse_lazy("dashboard")
    post_reset_login = True
    extra_context = {
        "heading": "Choose your password",
        "intro": "Welcome. Choose a password to log in with your email address.",
        "button": "Set password and log in",
    }

    def form_valid(self, form):
        response: HttpResponse = super().form_valid(form)
        messages.success(self.request, "Your password is set. Welcome.")
        return response


class ResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "registration/form_page.html"
    success_url = reverse_lazy("login")
    extra_context = {"heading": "Choose a new password", "button": "Save new password"}

    def form_valid(self, form):
        response: HttpResponse = super().form_valid(form)
        messages.success(self.request, "Your password is changed. Log in with it.")
        return response
