"""Log in (throttled, with a second step for two-factor authentication), invitations,
password reset (throttled) and the two-factor page: Django's views with our templates."""

from __future__ import annotations

import datetime
from typing import Any

import segno
from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login

from rankfile.accounts import throttling, two_factor
from rankfile.accounts.actions import (
    do_confirm_two_factor,
    do_new_recovery_codes,
    do_set_two_factor_policy,
    do_start_two_factor,
    do_turn_off_two_factor,
)
from rankfile.accounts.backends import THROTTLED_UNTIL
from rankfile.accounts.models import SecurityPolicy
from rankfile.members.access import viewer_for
from rankfile.web.forms import Form, show_errors

# The session key of a log-in whose password was right and that waits for its second step.
PENDING = "rankfile_pending_login"
PENDING_FOR = datetime.timedelta(minutes=5)
PENDING_TRIES = 5


class ThrottledAuthenticationForm(AuthenticationForm):
    """Django's log-in form, saying when to try again when the throttle refused the log-in."""

    def clean(self) -> dict[str, Any]:
        try:
            return super().clean()
        except ValidationError:
            until = getattr(self.request, THROTTLED_UNTIL, None)
            if until is None:
                raise
            raise ValidationError(
                throttling.wait_message(
                    until, "Too many failed log-ins for this account or from this network."
                ),
                code="throttled",
            ) from None


class LoginView(auth_views.LoginView):
    authentication_form = ThrottledAuthenticationForm
    redirect_authenticated_user = True

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        user = form.get_user()
        if two_factor.has_two_factor(user) or two_factor.must_use_two_factor(user):
            self.request.session[PENDING] = {
                "user": user.pk,
                "backend": user.backend,
                "next": self.get_success_url(),
                "at": timezone.now().isoformat(),
                "tries": 0,
            }
            if two_factor.has_two_factor(user):
                return redirect("login_code")
            return redirect("two_factor")
        return super().form_valid(form)


def pending_user(request: HttpRequest) -> Any:
    """The user whose password was right a moment ago in this browser, or None."""
    pending = request.session.get(PENDING)
    if not pending:
        return None
    started = datetime.datetime.fromisoformat(pending["at"])
    if timezone.now() - started > PENDING_FOR or pending["tries"] >= PENDING_TRIES:
        del request.session[PENDING]
        return None
    user = get_user_model().objects.filter(pk=pending["user"], is_active=True).first()
    if user is not None:
        user.backend = pending["backend"]
    return user


def finish_login(request: HttpRequest, user: Any, device: Any) -> HttpResponse:
    pending = request.session.pop(PENDING, {})
    auth_login(request, user, backend=pending.get("backend") or user.backend)
    otp_login(request, device)
    target = pending.get("next") or ""
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = reverse("dashboard")
    return HttpResponseRedirect(target)


class CodeForm(Form):
    code = forms.CharField(
        label="Code",
        max_length=20,
        help_text="The 6-digit code your authenticator app shows, or one of your recovery codes.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )


def login_code(request: HttpRequest) -> HttpResponse:
    """The second step of a log-in: a code from the authenticator app or a recovery code."""
    user = pending_user(request)
    if user is None:
        messages.info(request, "Log in again: the first step has expired.")
        return redirect("login")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device, until = two_factor.verify_code(user, form.cleaned_data["code"])
        if device is not None:
            response = finish_login(request, user, device)
            if device.persistent_id.startswith("otp_static"):
                messages.warning(
                    request,
                    f"You used a recovery code; {two_factor.recovery_codes_left(user)} are left.",
                )
            return response
        pending = request.session[PENDING]
        pending["tries"] += 1
        request.session[PENDING] = pending
        if until is not None:
            form.add_error("code", throttling.wait_message(until, "Too many wrong codes in a row."))
        else:
            form.add_error("code", "That code is not right.")
    return render(
        request,
        "registration/form_page.html",
        {
            "form": form,
            "heading": "Enter your code",
            "intro": "Your account uses two-factor authentication.",
            "button": "Log in",
        },
    )


class PolicyForm(Form):
    officers_need_two_factor = forms.BooleanField(
        label="Everyone holding an office must use two-factor authentication", required=False
    )
    reason = forms.CharField(label="Reason (on the record)", max_length=500)


def two_factor_page(request: HttpRequest) -> HttpResponse:
    """Turn two-factor authentication on or off, new recovery codes, and (for an
    organization-wide administrator) the organization's policy. Also the set-up step of a
    log-in when the policy requires a code and the officer has no authenticator yet."""
    logging_in = not request.user.is_authenticated
    user: Any = pending_user(request) if logging_in else request.user
    if user is None:
        return redirect(f"{reverse('login')}?next={reverse('two_factor')}")
    context: dict[str, Any] = {"logging_in": logging_in}
    form = CodeForm(request.POST or None)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    try:
        if action == "start":
            do_start_two_factor(user)
            form = CodeForm()
        elif action == "confirm" and form.is_valid():
            device, codes = do_confirm_two_factor(user, form.cleaned_data["code"])
            if logging_in:
                response = finish_login(request, user, device)
                # Shown once, on the next page: save them in the session until then.
                request.session["rankfile_recovery_codes"] = codes
                return response
            otp_login(request, device)
            context["recovery_codes"] = codes
            form = CodeForm()
        elif action == "codes" and not logging_in:
            context["recovery_codes"] = do_new_recovery_codes(user)
        elif action == "off" and not logging_in and form.is_valid():
            do_turn_off_two_factor(user, form.cleaned_data["code"])
            messages.success(request, "Two-factor authentication is off.")
            return redirect("two_factor")
    except ValidationError as error:
        show_errors(form, error)
    context["recovery_codes"] = context.get("recovery_codes") or request.session.pop(
        "rankfile_recovery_codes", None
    )
    pending_device = two_factor.authenticator(user, confirmed=False)
    if pending_device is not None and not two_factor.has_two_factor(user):
        context["secret"] = pending_device.config_url.split("secret=")[1].split("&")[0]
        context["qr_code"] = segno.make(pending_device.config_url, error="m").svg_data_uri(scale=5)
    context.update(
        form=form,
        enabled=two_factor.has_two_factor(user),
        required=two_factor.must_use_two_factor(user),
        codes_left=two_factor.recovery_codes_left(user),
        policy=SecurityPolicy.current(),
    )
    if not logging_in and viewer_for(user).can_everywhere("office.manage"):
        policy_form = PolicyForm(
            request.POST if action == "policy" else None,
            initial={"officers_need_two_factor": context["policy"].officers_need_two_factor},
        )
        if action == "policy" and policy_form.is_valid():
            do_set_two_factor_policy(
                user,
                officers_need_two_factor=policy_form.cleaned_data["officers_need_two_factor"],
                reason=policy_form.cleaned_data["reason"],
            )
            messages.success(request, "The organization's policy is saved, on the record.")
            return redirect("two_factor")
        context["policy_form"] = policy_form
    return render(request, "registration/two_factor.html", context)


class ThrottledPasswordResetForm(PasswordResetForm):
    def __init__(self, *args: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.request = request

    def clean_email(self) -> str:
        email = self.cleaned_data["email"]
        if self.request is None:
            return email
        account = throttling.normalize_account(email)
        address = throttling.client_address(self.request)
        account_limit = throttling.reset_account_limit()
        address_limit = throttling.reset_address_limit()
        until = throttling.locked_until(account_limit, account) or throttling.locked_until(
            address_limit, address
        )
        if until is not None:
            raise ValidationError(
                throttling.wait_message(
                    until, "Too many reset links were asked for this address or network."
                ),
                code="throttled",
            )
        throttling.hit(account_limit, account)
        throttling.hit(address_limit, address)
        return email


class PasswordResetView(auth_views.PasswordResetView):
    form_class = ThrottledPasswordResetForm

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["request"] = self.request
        return kwargs


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
        if two_factor.has_two_factor(form.user) or two_factor.must_use_two_factor(form.user):
            # A link proves the email address, not the second factor: log in the usual way.
            self.post_reset_login = False
            self.success_url = reverse_lazy("login")
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


def admin_login(request: HttpRequest) -> HttpResponse:
    """Django's admin logs in through the site's own log-in (throttled, with two-factor
    codes), never through a form of its own."""
    if request.user.is_authenticated and not request.user.is_staff:
        return render(
            request,
            "registration/message_page.html",
            {
                "heading": "Django's admin",
                "text": "Your account does not use Django's admin.",
                "link": reverse("dashboard"),
                "link_text": "Back to the start",
            },
            status=403,
        )
    query = request.META.get("QUERY_STRING", "")
    return HttpResponseRedirect(reverse("login") + (f"?{query}" if query else ""))
