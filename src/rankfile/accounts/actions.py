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
