"""The home dashboard and the member's own pages: account and resignation."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from rankfile.core import lifecycle
from rankfile.members.access import viewer_for
from rankfile.members.actions import do_resign, do_update_member
from rankfile.members.forms import ResignForm
from rankfile.members.models import Member, Office
from rankfile.web.forms import ModelForm


class OwnContactForm(ModelForm):
    class Meta:
        model = Member
        fields = ["email", "phone", "address"]
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    viewer = viewer_for(request.user)
    member = viewer.member
    context: dict[str, object] = {"viewer": viewer, "member": member}
    if member is not None:
        context["branch_officers"] = (
            Office.objects.held_on()
            .filter(branch=member.branch)
            .select_related("member")
            .order_by("role")
        )
        context["can_resign"] = member.status not in lifecycle.FORMER_STATUSES
    context["offices"] = viewer.offices
    return render(request, "web/dashboard.html", context)


@login_required
def account(request: HttpRequest) -> HttpResponse:
    viewer = viewer_for(request.user)
    member = viewer.member
    form = None
    if member is not None:
        form = OwnContactForm(request.POST or None, instance=Member.objects.get(pk=member.pk))
        if request.method == "POST" and form.is_valid():
            do_update_member(
                request.user, member, reason="Updated by the member", **form.cleaned_data
            )
            messages.success(request, "Your contact details are saved.")
            return redirect("account")
    return render(request, "web/account.html", {"member": member, "form": form})


@login_required
def resign(request: HttpRequest) -> HttpResponse:
    viewer = viewer_for(request.user)
    member = viewer.member
    if member is None or member.status in lifecycle.FORMER_STATUSES:
        return render(
            request,
            "registration/message_page.html",
            {"heading": "Resign", "text": "You have no current membership to resign."},
            status=400,
        )
    form = ResignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            do_resign(request.user, member, statement=form.cleaned_data["statement"])
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, "Your resignation is recorded. Thank you for your work.")
            return redirect("dashboard")
    return render(request, "web/resign.html", {"form": form, "member": member})
