"""Accounts for members: invitations with which members choose their password."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from rankfile.accounts import throttling, two_factor
from rankfile.accounts.models import ApiToken, SecurityPolicy, User
from rankfile.audit.actions import append_event
from rankfile.members.access import require, viewer_for
from rankfile.members.models import Member, Organization


def invitation_path(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return reverse("invitation", kwargs={"uidb64": uid, "token": token})


@transaction.atomic
def do_invite_member(actor: Any, member: Member, *, base_url: str) -> User:
    """Give a member an account (if they have none) and email them a link to set their
    password. The link works once and expires after PASSWORD_RESET_TIMEOUT.

    A link only ever goes to the address the account itself logs in with: changing a
    member's email on their record does not move their account, so an officer who edits
    the address cannot send themselves the key to someone else's account. An account
    that belongs to no member (an operator's) is never linked to a member by an officer.
    """
    require(actor, "member.invite", member.branch_id)
    member = Member.objects.select_for_update(of=("self",)).select_related("user").get(pk=member.pk)
    user = member.user
    if user is None:
        if not member.email:
            raise ValidationError({"email": "The member has no email address to invite."})
        existing = User.objects.filter(email__iexact=member.email).first()
        if existing is not None:
            if hasattr(existing, "member"):
                raise ValidationError(
                    {"email": "Another member's account already uses this email address."}
                )
            raise ValidationError(
                {
                    "email": "An account that is not a member's already uses this email "
                    "address; only an operator can link it to a membership."
                }
            )
        user = User.objects.create_user(member.email, None)
        user.display_name = member.full_name
        user.save(update_fields=["display_name"])
        member.user = user
        member.save(update_fields=["user"])
        account = "created"
    else:
        account = "existing"
    # The account's own address, never the (editable) address on the member's record.
    to = user.email
    link = base_url.rstrip("/") + invitation_path(user)
    organization = Organization.current()
    body = render_to_string(
        "registration/invitation_email.txt",
        {"member": member, "login": to, "organization": organization, "link": link},
    )
    append_event(
        actor=actor,
        action="member.invite",
        target=member,
        member=member,
        branch=member.branch,
        payload={
            "account": account,
            "to_account_address": to != member.email,
        },
    )
    transaction.on_commit(
        lambda: send_mail(f"Your account with {organization.name}", body, None, [to])
    )
    return user


TOKEN_PREFIX = "rf_"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@transaction.atomic
def do_create_api_token(user: User, *, name: str) -> tuple[ApiToken, str]:
    """A new API token for the user's own use; returns it with the secret, shown once."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Name the token after what will use it."})
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name[:100], prefix=secret[:10], key_hash=token_hash(secret)
    )
    append_event(
        actor=user, action="account.token_create", target=token, payload={"name": token.name}
    )
    return token, secret


@transaction.atomic
def do_revoke_api_token(user: User, token: ApiToken) -> None:
    if token.user_id != user.pk:
        raise PermissionDenied("That token is not yours.")
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    append_event(
        actor=user, action="account.token_revoke", target=token, payload={"name": token.name}
    )


@transaction.atomic
def do_end_api_tokens(user: User, *, reason: str) -> int:
    """End every API token of the user (their password changed or was reset: whoever held
    the old password may have made them). Returns how many ended."""
    tokens = list(ApiToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True))
    now = timezone.now()
    for token in tokens:
        token.revoked_at = now
        token.save(update_fields=["revoked_at"])
        append_event(
            actor=None,
            action="account.token_revoke",
            target=token,
            reason=reason,
            payload={"name": token.name},
            **about(user),
        )
    return len(tokens)


# --- two-factor authentication -----------------------------------------------------------


def about(user: User) -> dict[str, Any]:
    """The member and branch an account's event is filed under, so that the person (and the
    officers over their branch) see it on the record."""
    member = Member.objects.filter(user=user).select_related("branch").first()
    return {"member": member, "branch": member.branch if member is not None else None}


@transaction.atomic
def do_start_two_factor(user: User) -> TOTPDevice:
    """A new authenticator secret for the user to add to their app; it counts only once
    confirmed with a code from the app (do_confirm_two_factor)."""
    if two_factor.has_two_factor(user):
        raise ValidationError("Two-factor authentication is already on.")
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


def _new_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(two_factor.RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


@transaction.atomic
def do_confirm_two_factor(user: User, code: str) -> tuple[TOTPDevice, list[str]]:
    """Turn two-factor authentication on with the first code from the app; returns the
    device and the recovery codes, shown once."""
    device = two_factor.authenticator(user, confirmed=False)
    if device is None:
        raise ValidationError("Start again: there is no authenticator waiting for a code.")
    if not device.verify_token(two_factor.normalize_code(code)):
        raise ValidationError({"code": "That code is not right. Enter the code the app shows now."})
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _new_recovery_codes(user)
    append_event(actor=user, action="account.two_factor_on", target=user, **about(user))
    return device, codes


@transaction.atomic
def do_new_recovery_codes(user: User) -> list[str]:
    if not two_factor.has_two_factor(user):
        raise ValidationError("Turn two-factor authentication on first.")
    codes = _new_recovery_codes(user)
    append_event(actor=user, action="account.recovery_codes", target=user, **about(user))
    return codes


def do_turn_off_two_factor(user: User, code: str) -> None:
    """Turn it off, with a current code (or a recovery code) as proof."""
    if two_factor.must_use_two_factor(user):
        raise ValidationError(
            "Your organization requires two-factor authentication for officers: it stays on."
        )
    # Checked in its own transaction, so that a wrong code's throttling is kept.
    device, until = two_factor.verify_code(user, code)
    if device is None and until is not None:
        raise ValidationError(
            {"code": throttling.wait_message(until, "Too many wrong codes in a row.")}
        )
    if device is None:
        raise ValidationError({"code": "That code is not right."})
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        append_event(actor=user, action="account.two_factor_off", target=user, **about(user))


@transaction.atomic
def do_set_two_factor_policy(actor: User, *, officers_need_two_factor: bool, reason: str) -> None:
    """Require two-factor authentication of everyone holding an office, or stop requiring it.
    Only an organization-wide administrator may."""
    if not viewer_for(actor).can_everywhere("office.manage"):
        raise PermissionDenied("Only an organization-wide administrator may change this.")
    policy = SecurityPolicy.current()
    policy.officers_need_two_factor = officers_need_two_factor
    policy.changed_at = timezone.now()
    policy.save()
    append_event(
        actor=actor,
        action="organization.two_factor_policy",
        target=policy,
        reason=reason,
        payload={"officers_need_two_factor": officers_need_two_factor},
    )


@transaction.atomic
def do_reset_two_factor(actor: Any, user: User, *, reason: str) -> None:
    """End someone's two-factor authentication (lost phone and recovery codes), so that they
    log in with their password and set it up again. The operator at the command line
    (actor None) or an organization-wide administrator."""
    if actor is not None and not viewer_for(actor).can_everywhere("office.manage"):
        raise PermissionDenied("Only an organization-wide administrator may do this.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why: the reason goes on the record."})
    if not two_factor.has_two_factor(user):
        raise ValidationError("That account does not use two-factor authentication.")
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    append_event(
        actor=actor, action="account.two_factor_reset", target=user, reason=reason, **about(user)
    )
