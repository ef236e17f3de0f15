"""The organization's settings that decide who sees what: shown to every member, changed on
the record by an organization-wide administrator."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from rankfile.members import actions
from rankfile.members.access import require_everywhere, viewer_for
from rankfile.members.forms import MemberDirectoryForm
from rankfile.members.models import Organization
from rankfile.web.forms import show_errors


@login_required
def organization(request: HttpRequest) -> HttpResponse:
    viewer = viewer_for(request.user)
    current = Organization.current()
    can_change = viewer.can_everywhere("office.manage")
    form = None
    status = 200
    if request.method == "POST":
        require_everywhere(request.user, "office.manage")
        form = MemberDirectoryForm(request.POST)
        if form.is_valid():
            try:
                actions.do_set_member_directory(
                    request.user,
                    visibility=form.cleaned_data["visibility"],
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                show_errors(form, error)
            else:
                messages.success(request, "Changed, on the record.")
                return redirect("organization")
        status = 400
    elif can_change:
        form = MemberDirectoryForm(initial={"visibility": current.member_directory})
    return render(
        request,
        "members/organization.html",
        {"organization": current, "form": form},
        status=status,
    )
