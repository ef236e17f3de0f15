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

from rankfile.accounts.models import ApiToken, User
from rankfile.audit.actions import append_event
from rankfile.members.access import require
from rankfile.members.models import Member, Organization


def invitation_path(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return reverse("invitation", kwargs={"uidb64": uid, "token": token})


@transaction.atomic
def do_invite_member(actor: Any, member: Member, *, base_url: str) -> User:
    """Give a member an account (if they have none) and email them a link to set their
    password. The link works once and expires after PASSWORD_RESET_TIMEOUT."""
    require(actor, "member.invite", member.branch_id)
    if not member.email:
        raise ValidationError({"email": "The member has no email address to invite."})
    user = member.user
    if user is None:
        existing = User.objects.filter(email__iexact=member.email).first()
        if existing is not None and hasattr(existing, "member"):
            raise ValidationError(
                {"email": "Another member's account already uses this email address."}
            )
        user = existing or User.objects.create_user(member.email, None)
        user.display_name = member.full_name
        user.save(update_fields=["display_name"])
        member.user = user
        member.save(update_fields=["user"])
    link = base_url.rstrip("/") + invitation_path(user)
    body = render_to_string(
        "registration/invitation_email.txt",
        {"member": member, "organization": Organization.current(), "link": link},
    )
    organization = Organization.current()
    append_event(
        actor=actor,
        action="member.invite",
        target=member,
        member=member,
        branch=member.branch,
        payload={"account": "created" if user.last_login is None else "existing"},
    )
    transaction.on_commit(
        lambda: send_mail(f"Your account with {organization.name}", body, None, [member.email])
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
