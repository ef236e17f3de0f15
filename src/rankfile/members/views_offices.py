"""Offices: who holds which role, over which branch; appointing and ending them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from rankfile.members import actions
from rankfile.members.access import require_grant, viewer_for, visible_members
from rankfile.members.forms import AppointForm, EndOfficeForm
from rankfile.members.models import Office


@login_required
def offices(request: HttpRequest) -> HttpResponse:
    viewer = viewer_for(request.user)
    can_manage = viewer.can("office.manage")
    form = AppointForm(request.POST or None) if can_manage else None
    status = 200
    if request.method == "POST":
        # The action checks the office asked for against the appointer's own powers.
        viewer.require("office.manage")
        assert form is not None
        if form.is_valid():
            data = form.cleaned_data
            try:
                actions.do_appoint(
                    request.user,
                    data["member_number"],
                    role=data["role"],
                    branch=data["branch"],
                    started_on=data["started_on"],
                    ended_on=data["ended_on"],
                    reason=data["reason"],
                )
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                messages.success(request, "Appointed.")
                return redirect("offices")
        status = 400
    held = list(
        Office.objects.held_on()
        .select_related("member", "branch")
        .order_by("branch__name", "role", "member__last_name")
    )
    try:
        visible = set(
            visible_members(request.user)
            .filter(pk__in=[office.member_id for office in held])
            .values_list("pk", flat=True)
        )
    except PermissionDenied:  # an account with no membership sees no one's page
        visible = set()
    rows = [
        (
            office,
            office.member_id in visible,
            can_manage and viewer.can_grant(office.role, office.branch_id),
        )
        for office in held
    ]
    return render(
        request,
        "members/offices.html",
        {"rows": rows, "form": form, "can_manage": can_manage, "end_form": EndOfficeForm()},
        status=status,
    )


@login_required
@require_POST
def end_office(request: HttpRequest, office_id: int) -> HttpResponse:
    office = get_object_or_404(Office.objects.select_related("branch"), pk=office_id)
    require_grant(request.user, office.role, office.branch)
    form = EndOfficeForm(request.POST)
    if form.is_valid():
        try:
            actions.do_end_office(
                request.user,
                office,
                ended_on=form.cleaned_data["ended_on"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"{office} ended.")
    else:
        messages.error(request, "Give the date and the reason to end an office.")
    return redirect("offices")
