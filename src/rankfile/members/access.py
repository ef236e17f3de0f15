"""Who may see and do what: lookups and permission checks in one call.

A person's powers follow from the offices they hold today. Each capability is granted by some
roles; an office over a branch grants it for that branch and the branches below it, an office
over the whole organization (no branch) grants it everywhere. Django superusers hold every
capability everywhere (they are the installation's operators).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from rankfile.core import lifecycle
from rankfile.members.models import Branch, Member, MemberQuerySet, Office, subtree_ids

# capability -> the roles that grant it
CAPABILITIES: dict[str, frozenset[str]] = {
    "member.view_contact": frozenset({"admin", "secretary", "organizer", "treasurer"}),
    "member.manage": frozenset({"admin", "secretary"}),
    "member.import": frozenset({"admin", "secretary"}),
    "member.invite": frozenset({"admin", "secretary"}),
    "office.manage": frozenset({"admin"}),
    "audit.view": frozenset(
        {"admin", "secretary", "organizer", "treasurer", "credentials", "appeals"}
    ),
    "dues.view": frozenset({"admin", "treasurer", "secretary"}),
    "dues.record": frozenset({"admin", "treasurer"}),
    "standing.view": frozenset(
        {"admin", "secretary", "treasurer", "organizer", "credentials", "appeals"}
    ),
    "standing.enforce": frozenset({"admin", "secretary", "treasurer", "credentials"}),
    "appeals.review": frozenset({"appeals", "admin"}),
    # Deciding appeals and hearing charges: the appeals body only (the rules name it); one
    # body for the whole organization, so checked as held at all (no branch).
    "appeals.decide": frozenset({"appeals"}),
    # Conventions: the credentials committee computes and publishes the apportionment and
    # keeps the roll; branch secretaries may also enter their branch's delegate results.
    "convention.manage": frozenset({"admin", "credentials"}),
    "convention.record_result": frozenset({"admin", "credentials", "secretary"}),
}
# Roles whose view of a capability is organization-wide whatever their office's scope:
# the appeals body reviews everything.
ORGANIZATION_WIDE = {("audit.view", "appeals"), ("appeals.review", "appeals")}


class Everywhere:
    """The scope of a capability held over the whole organization."""

    def __contains__(self, branch_id: object) -> bool:
        return True

    def __repr__(self) -> str:
        return "Everywhere"


EVERYWHERE = Everywhere()
Scope = Everywhere | frozenset[int]


@dataclass
class Viewer:
    """What one logged-in person is and may do, computed once per request."""

    user: Any
    member: Member | None
    offices: list[Office]
    superuser: bool = False
    _scopes: dict[str, Scope] = field(default_factory=dict)

    def scope(self, capability: str) -> Scope:
        """The branches where this person holds the capability (EVERYWHERE or branch ids)."""
        if capability not in CAPABILITIES:
            raise KeyError(f"unknown capability {capability!r}")
        if capability in self._scopes:
            return self._scopes[capability]
        result: Scope
        if self.superuser:
            result = EVERYWHERE
        else:
            roots: list[int] = []
            everywhere = False
            for office in self.offices:
                if office.role not in CAPABILITIES[capability]:
                    continue
                if office.branch_id is None or (capability, office.role) in ORGANIZATION_WIDE:
                    everywhere = True
                else:
                    roots.append(office.branch_id)
            result = EVERYWHERE if everywhere else frozenset(subtree_ids(roots) if roots else ())
        self._scopes[capability] = result
        return result

    def can(self, capability: str, branch_id: int | None = None) -> bool:
        """Whether the capability is held for that branch (or anywhere, with no branch)."""
        scope = self.scope(capability)
        if branch_id is None:
            return isinstance(scope, Everywhere) or bool(scope)
        return branch_id in scope

    def can_everywhere(self, capability: str) -> bool:
        return isinstance(self.scope(capability), Everywhere)

    def require(self, capability: str, branch_id: int | None = None) -> None:
        if not self.can(capability, branch_id):
            raise PermissionDenied("You do not hold an office that allows this.")

    def is_self(self, member: Member) -> bool:
        return self.member is not None and self.member.pk == member.pk

    def can_see_contact(self, member: Member) -> bool:
        return self.is_self(member) or self.can("member.view_contact", member.branch_id)

    def can_manage(self, member: Member) -> bool:
        return self.can("member.manage", member.branch_id)

    def filter_members(self, qs: MemberQuerySet, capability: str) -> MemberQuerySet:
        """Members in the branches where the capability is held."""
        scope = self.scope(capability)
        if isinstance(scope, Everywhere):
            return qs
        return qs.filter(branch_id__in=scope)

    def branches_in_scope(self, capability: str) -> list[Branch]:
        scope = self.scope(capability)
        qs = Branch.objects.all()
        if not isinstance(scope, Everywhere):
            qs = qs.filter(pk__in=scope)
        return list(qs)

    @property
    def roles(self) -> set[str]:
        return {office.role for office in self.offices}


def require(actor: Any, capability: str, branch_id: int | None = None) -> None:
    """The permission check every action makes: PermissionDenied unless the actor holds the
    capability for that branch. ``actor=None`` is the administrator at the command line."""
    if actor is not None:
        viewer_for(actor).require(capability, branch_id)


def viewer_for(user: Any, on: datetime.date | None = None) -> Viewer:
    """The Viewer for a user, cached on the user object for the request."""
    cached = getattr(user, "_rankfile_viewer", None)
    if cached is not None and on is None:
        return cached
    if user is None or not user.is_authenticated:
        raise PermissionDenied("Log in first.")
    member = Member.objects.filter(user=user).select_related("branch").first()
    offices: list[Office] = []
    if member is not None:
        offices = list(
            Office.objects.held_on(on or timezone.localdate())
            .filter(member=member)
            .select_related("branch")
        )
    viewer = Viewer(user=user, member=member, offices=offices, superuser=user.is_superuser)
    if on is None:
        user._rankfile_viewer = viewer
    return viewer


def visible_members(user: Any) -> MemberQuerySet:
    """Members a user may see in the directory: current members everywhere, plus anyone
    (applicants, former members) in branches where they manage or see contacts, plus self."""
    viewer = viewer_for(user)
    qs = Member.objects.all()
    contact_scope = viewer.scope("member.view_contact")
    if isinstance(contact_scope, Everywhere):
        return qs
    if viewer.member is None and not contact_scope:
        # An account with no membership (a former member's, an operator's) sees no one.
        raise PermissionDenied("This account is not linked to a membership record.")
    condition = Q(status=lifecycle.MEMBER) | Q(branch_id__in=contact_scope)
    if viewer.member is not None:
        condition |= Q(pk=viewer.member.pk)
    return qs.filter(condition)


def access_member(user: Any, member_id: int | str, capability: str | None = None) -> Member:
    """The member with that id, if the user may see them (and hold ``capability`` for their
    branch, when one is named); Http404 when they may not see them at all, PermissionDenied
    when they may see them but not do that."""
    try:
        member = visible_members(user).select_related("branch", "user").get(pk=int(member_id))
    except (Member.DoesNotExist, ValueError, TypeError):
        raise Http404("No such member.") from None
    if capability is not None:
        viewer = viewer_for(user)
        if not (capability == "member.self" and viewer.is_self(member)):
            viewer.require(capability, member.branch_id)
    return member


def access_branch(user: Any, slug: str) -> Branch:
    viewer_for(user)  # must be logged in
    try:
        return Branch.objects.select_related("parent").get(slug=slug)
    except Branch.DoesNotExist:
        raise Http404("No such branch.") from None
