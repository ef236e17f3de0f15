"""API routes for members, branches, the caller and the record."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from ninja.responses import Status

from rankfile.api.schemas import (
    AuditPage,
    BranchOut,
    Error,
    MemberEventIn,
    MemberEventOut,
    MemberOut,
    MemberPage,
    MeOut,
)
from rankfile.members import actions
from rankfile.members.access import (
    Viewer,
    access_branch,
    access_member,
    directory_members,
    viewer_for,
    visible_events,
)
from rankfile.members.actors import local_day, name_actors
from rankfile.members.exporting import LARGE_EXPORT_ROWS, do_record_roster_page
from rankfile.members.models import Branch, Member, Office, Organization

router = Router()
PAGE_SIZE = 100


def member_out(viewer: Viewer, member: Member, fields: set[str]) -> dict[str, Any]:
    full = viewer.can_see_contact(member)
    data: dict[str, Any] = {
        "id": member.pk,
        "first_name": member.first_name,
        "last_name": member.last_name,
        "branch": member.branch.slug,
    }
    for name in ("member_number", "status", "joined_on", "email", "phone"):
        if full or name in fields:
            data[name] = getattr(member, name)
    if full:
        data["address"] = member.address
    return data


def office_out(office: Office) -> dict[str, Any]:
    return {
        "role": office.role,
        "branch": office.branch.slug if office.branch else None,
        "started_on": office.started_on,
        "ended_on": office.ended_on,
    }


class MemberFilter(Schema):
    q: str = ""
    branch: str = ""
    page: int = 1


@router.get("me", response=MeOut, tags=["members"], summary="The caller")
def me(request: HttpRequest) -> dict[str, Any]:
    viewer = viewer_for(request.user)
    fields = set(Organization.current().directory_fields)
    return {
        "email": request.user.email,
        "member": member_out(viewer, viewer.member, fields) if viewer.member else None,
        "offices": [office_out(o) for o in viewer.offices],
    }


@router.get("members", response=MemberPage, tags=["members"], summary="The member directory")
def list_members(request: HttpRequest, filters: Query[MemberFilter]) -> dict[str, Any]:
    viewer = viewer_for(request.user)
    members = directory_members(request.user).select_related("branch")
    if filters.q:
        members = members.search(filters.q)
    if filters.branch:
        members = members.in_branches(access_branch(request.user, filters.branch).subtree_ids())
    members = members.order_by("last_name", "first_name", "member_number")
    page = Paginator(members, PAGE_SIZE).get_page(filters.page)
    if page.paginator.count > LARGE_EXPORT_ROWS:
        # Paging through the roster is exporting it: on the record, page by page.
        do_record_roster_page(
            request.user,
            rows=len(page.object_list),
            of=page.paginator.count,
            page=page.number,
        )
    fields = set(Organization.current().directory_fields)
    return {
        "count": page.paginator.count,
        "page": page.number,
        "pages": page.paginator.num_pages,
        "results": [member_out(viewer, m, fields) for m in page.object_list],
    }


@router.get("members/{member_id}", response={200: MemberOut, 404: Error}, tags=["members"])
def get_member(request: HttpRequest, member_id: int) -> dict[str, Any]:
    member = access_member(request.user, member_id)
    return member_out(
        viewer_for(request.user), member, set(Organization.current().directory_fields)
    )


@router.post(
    "members/{member_id}/events",
    response={201: MemberEventOut, 400: Error, 403: Error, 404: Error},
    tags=["members"],
    summary="Record a lifecycle event (lapsed, reinstated, transferred, …)",
)
def record_event(
    request: HttpRequest, member_id: int, body: MemberEventIn
) -> Status[dict[str, Any]]:
    member = access_member(request.user, member_id, "member.manage")
    to_branch = get_object_or_404(Branch, slug=body.to_branch) if body.to_branch else None
    event = actions.do_record_member_event(
        request.user, member, kind=body.kind, on=body.on, reason=body.reason, to_branch=to_branch
    )
    return Status(
        201,
        {
            "kind": event.kind,
            "on": event.on,
            "reason": event.reason,
            "from_branch": event.from_branch.slug if event.from_branch else None,
            "to_branch": event.to_branch.slug if event.to_branch else None,
        },
    )


@router.get("branches", response=list[BranchOut], tags=["branches"])
def list_branches(request: HttpRequest) -> list[dict[str, Any]]:
    viewer_for(request.user)
    return [
        {
            "slug": b.slug,
            "name": b.name,
            "parent": b.parent.slug if b.parent else None,
            "founded_on": b.founded_on,
            "dissolved_on": b.dissolved_on,
        }
        for b in Branch.objects.select_related("parent")
    ]


@router.get(
    "audit", response=AuditPage, tags=["audit"], summary="The record, as the caller may see it"
)
def audit_events(request: HttpRequest, page: int = 1) -> dict[str, Any]:
    events = visible_events(request.user).order_by("-seq")
    current = Paginator(events, PAGE_SIZE).get_page(page)
    name_actors(current.object_list, on=lambda event: local_day(event.at))
    return {
        "count": current.paginator.count,
        "page": current.number,
        "pages": current.paginator.num_pages,
        "results": [
            {
                "seq": e.seq,
                "at": e.at,
                "actor": e.who,
                "action": e.action,
                "target_type": e.target_type,
                "target_id": e.target_id,
                "target": e.target_label,
                "reason": e.reason,
                "payload": e.payload,
                "hash": e.hash,
                "prev_hash": e.prev_hash,
            }
            for e in current.object_list
        ],
    }
