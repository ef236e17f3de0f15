"""Who may see and do what: lookups and permission checks in one call.

A person's powers follow from the offices they hold today. Each capability is granted by some
roles; an office over a branch grants it for that branch and the branches below it, an office
over the whole organization (no branch) grants it everywhere. Django superusers hold every
capability everywhere (they are the installation's operators).

A member who has resigned, been expelled or died holds no office's powers from the day that
is recorded, whatever the office's end date, and sees no one else's record.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from rankfile.audit.models import AuditEvent
from rankfile.core import lifecycle
from rankfile.members.models import (
    Branch,
    Member,
    MemberDirectory,
    MemberQuerySet,
    Office,
    Organization,
    subtree_ids,
)

# capability -> the roles that grant it
CAPABILITIES: dict[str, frozenset[str]] = {
    # The roster (names, branch, status) of the branches an office covers; what members who
    # hold no office see is the organization's setting (Organization.member_directory).
    "member.directory": frozenset(
        {"admin", "secretary", "organizer", "treasurer", "credentials", "appeals"}
    ),
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
    # Polls: create, open, close and enter hand counts for the branch's votes.
    "poll.manage": frozenset({"admin", "secretary"}),
}
# Roles whose view of a capability is organization-wide whatever their office's scope:
# the appeals body reviews everything.
ORGANIZATION_WIDE = {("audit.view", "appeals"), ("appeals.review", "appeals")}
# Seats on a body that must stay independent of the officers it judges: an administrator over
# the whole organization records who sits on it (as the rules or a convention elected them)
# without holding its power; no one else may appoint to it.
SEATS = frozenset({"appeals.decide"})


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

    def can_manage(self, member: Member | None) -> bool:
        return member is not None and self.can("member.manage", member.branch_id)

    def can_over(self, capability: str, branch_id: int | None) -> bool:
        """Whether the capability is held over that branch; branch None means the whole
        organization, which only an organization-wide office covers (unlike ``can``, where
        no branch means "anywhere")."""
        if branch_id is None:
            return self.can_everywhere(capability)
        return self.can(capability, branch_id)

    def can_grant(self, role: str, branch_id: int | None) -> bool:
        """Whether this person may appoint to (or end) an office of ``role`` over that
        branch (None: the whole organization): they must manage offices there and hold
        every capability the office would give, over all of the scope it would give it.
        No one gives more than they hold."""
        if not self.can_over("office.manage", branch_id):
            return False
        for capability, roles in CAPABILITIES.items():
            if role not in roles:
                continue
            if capability in SEATS:
                if not self.can_everywhere("office.manage"):
                    return False
            elif (capability, role) in ORGANIZATION_WIDE:
                if not self.can_everywhere(capability):
                    return False
            elif not self.can_over(capability, branch_id):
                return False
        return True

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


def require_self_or(actor: Any, member: Member, capability: str) -> None:
    """The member themselves, or someone holding the capability over their branch."""
    if actor is not None and not viewer_for(actor).is_self(member):
        require(actor, capability, member.branch_id)


def require_officer_on_another(actor: Any, member: Member, capability: str) -> None:
    """The capability over the member's branch, and the member is not the actor: an officer
    does not record what makes their own standing (payments, checkoff, dues plan,
    enforcement, lifecycle events); another officer does, on the record."""
    require(actor, capability, member.branch_id)
    if actor is not None and viewer_for(actor).is_self(member):
        raise PermissionDenied("Another officer must record this about your own membership.")


def can_act_on_another(user: Any, member: Member, capability: str) -> bool:
    """What require_officer_on_another allows, for a page to offer the form or not."""
    viewer = viewer_for(user)
    return viewer.can(capability, member.branch_id) and not viewer.is_self(member)


def import_scope(actor: Any) -> Scope:
    """The branches whose members ``actor`` may import (None: the command line, all)."""
    if actor is None:
        return EVERYWHERE
    viewer = viewer_for(actor)
    viewer.require("member.import")
    return viewer.scope("member.import")


def require_everywhere(actor: Any, capability: str) -> None:
    """For work that spans branches or concerns the whole organization (its settings, plans,
    imports of remittances, conventions, snapshots): an organization-wide office."""
    if actor is not None and not viewer_for(actor).can_everywhere(capability):
        raise PermissionDenied("This needs an office over the whole organization.")


def require_over(actor: Any, capability: str, branch: Branch | None) -> None:
    """The capability over ``branch``; over the whole organization when it is None."""
    if branch is None:
        require_everywhere(actor, capability)
    else:
        require(actor, capability, branch.pk)


def require_grant(actor: Any, role: str, branch: Branch | None) -> None:
    """Appointing to or ending an office: see Viewer.can_grant."""
    if actor is not None and not viewer_for(actor).can_grant(
        role, branch.pk if branch is not None else None
    ):
        raise PermissionDenied(
            "You may appoint to or end only offices within your own powers: over branches "
            "you manage offices for, with no capability you do not hold there yourself."
        )


def viewer_for(user: Any, on: datetime.date | None = None) -> Viewer:
    """The Viewer for a user, cached on the user object for the request."""
    cached = getattr(user, "_rankfile_viewer", None)
    if cached is not None and on is None:
        return cached
    if user is None or not user.is_authenticated:
        raise PermissionDenied("Log in first.")
    member = Member.objects.filter(user=user).select_related("branch").first()
    offices: list[Office] = []
    if member is not None and member.status not in lifecycle.FORMER_STATUSES:
        offices = list(
            Office.objects.held_on(on or timezone.localdate())
            .filter(member=member)
            .select_related("branch")
        )
    viewer = Viewer(user=user, member=member, offices=offices, superuser=user.is_superuser)
    if on is None:
        user._rankfile_viewer = viewer
    return viewer


def _roster_condition(viewer: Viewer, *scopes: Scope) -> Q | None:
    """Who a person finds by name: current members of the branches their offices give them
    the roster of, anyone (applicants, former members) where they see contact details or
    review appeals, themselves, and — when the organization so decides — the current members
    of their own branch. None: everyone."""
    directory = viewer.scope("member.directory")
    if isinstance(directory, Everywhere) or any(isinstance(s, Everywhere) for s in scopes):
        return None
    condition = Q(status__in=lifecycle.CURRENT_STATUSES, branch_id__in=directory)
    for scope in scopes:
        condition |= Q(branch_id__in=scope)
    member = viewer.member
    if member is not None:
        condition |= Q(pk=member.pk)
        if (
            member.status in lifecycle.CURRENT_STATUSES
            and Organization.current().member_directory == MemberDirectory.OWN_BRANCH
        ):
            condition |= Q(status__in=lifecycle.CURRENT_STATUSES, branch_id=member.branch_id)
    return condition


def directory_members(user: Any) -> MemberQuerySet:
    """The members a user finds in the directory (and the API's list): see _roster_condition.
    An account with no membership and no office sees no one (PermissionDenied)."""
    viewer = viewer_for(user)
    if viewer.member is None and not viewer.can("member.directory"):
        raise PermissionDenied("This account is not linked to a membership record.")
    condition = _roster_condition(viewer, viewer.scope("member.view_contact"))
    qs = Member.objects.all()
    return qs if condition is None else qs.filter(condition)


def visible_members(user: Any) -> MemberQuerySet:
    """The members whose page a user may open: those of the directory, and anyone in the
    branches where they review appeals (the appeals body must reach the members whose
    cases it decides, whatever their status)."""
    viewer = viewer_for(user)
    if viewer.member is None and not viewer.can("member.directory"):
        raise PermissionDenied("This account is not linked to a membership record.")
    condition = _roster_condition(
        viewer, viewer.scope("member.view_contact"), viewer.scope("appeals.review")
    )
    qs = Member.objects.all()
    return qs if condition is None else qs.filter(condition)


def can_export_members(user: Any) -> bool:
    """The roster export is for officers, over the branches their offices cover."""
    return viewer_for(user).can("member.directory")


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


# --- what each page may show: the rules the views and the API ask about -------------------


def can_manage_conventions(user: Any) -> bool:
    """Admins and the credentials committee, organization-wide, manage conventions (and see
    draft apportionment tables). Nobody logged out does."""
    return user is not None and viewer_for(user).can_everywhere("convention.manage")


def can_see_enforcement(user: Any, member: Member) -> bool:
    """Enforcement actions about a member: the member concerned and the appeals body."""
    viewer = viewer_for(user)
    return viewer.is_self(member) or viewer.can("appeals.review", member.branch_id)


def can_enforce_on(user: Any, member: Member) -> bool:
    """Whether the user may record an enforcement action about the member (never their own)."""
    viewer = viewer_for(user)
    return viewer.can("standing.enforce", member.branch_id) and not viewer.is_self(member)


def sees_full_equal_treatment_report(user: Any) -> bool:
    """Every member sees the equal-treatment report's aggregates; the appeals body (over the
    whole organization) also sees who was acted on. An account with no membership sees
    nothing (PermissionDenied)."""
    viewer = viewer_for(user)
    if viewer.member is None and not viewer.superuser:
        raise PermissionDenied("The report is for members of the organization.")
    return viewer.can_everywhere("appeals.review")


def can_see_waiver_reasons(user: Any, member: Member) -> bool:
    """The member themselves and the treasurer's office (those who record dues)."""
    viewer = viewer_for(user)
    return viewer.is_self(member) or viewer.can("dues.record", member.branch_id)


def access_standing(user: Any, member_id: int | str) -> Member:
    """The member whose standing ``user`` asks about, if they may see it: their own, or a
    member of a branch where they hold `standing.view` or `appeals.review`. Http404 when
    the member is not visible at all, PermissionDenied when their standing is not."""
    member = access_member(user, member_id)
    viewer = viewer_for(user)
    if not (
        viewer.is_self(member)
        or viewer.can("standing.view", member.branch_id)
        or viewer.can("appeals.review", member.branch_id)
    ):
        raise PermissionDenied("A member's standing is shown to them and their branch officers.")
    return member


def can_create_snapshots(user: Any) -> bool:
    return viewer_for(user).can_everywhere("standing.enforce")


def snapshot_named_scope(user: Any) -> Scope:
    """The branches whose members a user sees by name in a snapshot: where they hold
    `standing.view`. Everyone else sees the counts per branch of a published snapshot."""
    return viewer_for(user).scope("standing.view")


def visible_snapshot_filter(user: Any) -> Q:
    """Snapshots a user may open: all of them for officers who view standing somewhere,
    published ones for everyone else."""
    if viewer_for(user).can("standing.view"):
        return Q()
    return Q(published_at__isnull=False)


def visible_events(user: Any) -> QuerySet[AuditEvent]:
    """Members see events about themselves, officers their branches', the appeals body all."""
    viewer = viewer_for(user)
    scope = viewer.scope("audit.view")
    events = AuditEvent.objects.all()
    if isinstance(scope, Everywhere):
        return events
    condition = Q(branch_id__in=scope)
    if viewer.member is not None:
        condition |= Q(member_id=viewer.member.pk)
    return events.filter(condition) if (scope or viewer.member) else events.none()
