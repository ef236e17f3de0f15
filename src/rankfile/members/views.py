"""The member directory, member pages and branch pages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from rankfile.accounts.actions import do_invite_member
from rankfile.members import actions
from rankfile.members.access import (
    access_branch,
    access_member,
    can_act_on_another,
    can_export_members,
    directory_members,
    viewer_for,
)
from rankfile.members.actors import name_actors
from rankfile.members.editing import EditConflict
from rankfile.members.forms import ContactForm, DirectoryFilterForm, RecordEventForm
from rankfile.members.models import Branch, Member, MemberDirectory, Office, Organization
from rankfile.web.forms import show_errors

PAGE_SIZE = 50


@login_required
def directory(request: HttpRequest) -> HttpResponse:
    viewer = viewer_for(request.user)
    form = DirectoryFilterForm(request.GET or None)
    members = directory_members(request.user).select_related("branch")
    if form.is_valid():
        if form.cleaned_data["q"]:
            members = members.search(form.cleaned_data["q"])
        if form.cleaned_data["branch"]:
            members = members.in_branches(form.cleaned_data["branch"].subtree_ids())
    members = members.order_by("last_name", "first_name", "member_number")
    page = Paginator(members, PAGE_SIZE).get_page(request.GET.get("page"))
    fields = set(Organization.current().directory_fields)
    rows = [(member, viewer.can_see_contact(member)) for member in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "members/directory.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "fields": fields,
            "query": query.urlencode(),
            "can_import": viewer.can("member.import"),
            "can_export": can_export_members(request.user),
            "only_officers": Organization.current().member_directory == MemberDirectory.OFFICERS,
            "is_officer": viewer.can("member.directory"),
        },
    )


def _render_member_page(
    request: HttpRequest,
    member: Member,
    *,
    event_form: RecordEventForm | None = None,
    contact_form: ContactForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The member page; after a refused change, with the bound form showing its errors."""
    viewer = viewer_for(request.user)
    full = viewer.can_see_contact(member)
    can_manage = viewer.can_manage(member)
    context = {
        "member": member,
        "full": full,
        "is_self": viewer.is_self(member),
        "fields": set(Organization.current().directory_fields),
        "can_manage": can_manage,
        # another officer records changes to an officer's own membership
        "can_record_event": can_act_on_another(request.user, member, "member.manage"),
        "can_invite": viewer.can("member.invite", member.branch_id),
        "offices": member.offices.held_on().select_related("branch"),
    }
    if full:
        context["events"] = name_actors(
            member.events.select_related("from_branch", "to_branch"),
            actor_id=lambda event: event.recorded_by_id,
            on=lambda event: event.on,
            system=lambda event: True,
        )
    if can_manage:
        context["event_form"] = event_form or RecordEventForm(prefix="event", status=member.status)
        context["contact_form"] = contact_form or ContactForm(instance=member, prefix="contact")
    return render(request, "members/member.html", context, status=status)


@login_required
def member_page(request: HttpRequest, member_id: int) -> HttpResponse:
    return _render_member_page(request, access_member(request.user, member_id))


@login_required
@require_POST
def record_event(request: HttpRequest, member_id: int) -> HttpResponse:
    member = access_member(request.user, member_id, "member.manage")
    form = RecordEventForm(request.POST, prefix="event", status=member.status)
    if form.is_valid():
        try:
            actions.do_record_member_event(
                request.user,
                member,
                kind=form.cleaned_data["kind"],
                on=form.cleaned_data["on"],
                reason=form.cleaned_data["reason"],
                to_branch=form.cleaned_data["to_branch"],
            )
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, "Recorded.")
            return redirect(member)
    return _render_member_page(request, member, event_form=form, status=400)


@login_required
@require_POST
def update_contact(request: HttpRequest, member_id: int) -> HttpResponse:
    member = access_member(request.user, member_id, "member.manage")
    form = ContactForm(request.POST, instance=Member.objects.get(pk=member.pk), prefix="contact")
    status = 400
    if form.is_valid():
        try:
            values, seen = form.changes()
            actions.do_update_member(request.user, member, seen=seen, **values)
        except ValidationError as error:
            show_errors(form, error)
            status = 409 if isinstance(error, EditConflict) else 400
        else:
            messages.success(request, "Saved.")
            return redirect(member)
    return _render_member_page(request, member, contact_form=form, status=status)


@login_required
@require_POST
def invite(request: HttpRequest, member_id: int) -> HttpResponse:
    member = access_member(request.user, member_id, "member.invite")
    try:
        user = do_invite_member(request.user, member, base_url=request.build_absolute_uri("/"))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if user.email == member.email:
            messages.success(request, f"Invitation sent to {member.email}.")
        else:
            # The account keeps its own address; the record's new one is not its login.
            messages.success(
                request,
                "A log-in link was sent to the address this member's account logs in with, "
                "not to the address on the record.",
            )
    return redirect(member)


@login_required
def branches(request: HttpRequest) -> HttpResponse:
    viewer_for(request.user)
    all_branches = list(Branch.objects.select_related("parent"))
    children: dict[int | None, list[Branch]] = {}
    for branch in all_branches:
        children.setdefault(branch.parent_id, []).append(branch)
    tree: list[tuple[Branch, int]] = []

    def walk(parent: int | None, depth: int) -> None:
        for branch in children.get(parent, []):
            tree.append((branch, depth))
            walk(branch.pk, depth + 1)

    walk(None, 0)
    return render(request, "members/branches.html", {"tree": tree})


@login_required
def branch_page(request: HttpRequest, slug: str) -> HttpResponse:
    branch = access_branch(request.user, slug)
    ids = branch.subtree_ids()
    officers = (
        Office.objects.held_on()
        .filter(branch_id=branch.pk)
        .select_related("member")
        .order_by("role", "member__last_name")
    )
    current = Member.objects.in_branches(ids).current().count()
    return render(
        request,
        "members/branch.html",
        {
            "branch": branch,
            "officers": officers,
            "children": branch.children.all(),
            "current_members": current,
        },
    )
