"""The home dashboard and the member's own pages: account and resignation."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from rankfile.accounts.actions import do_create_api_token, do_revoke_api_token
from rankfile.accounts.models import ApiToken
from rankfile.core import lifecycle
from rankfile.dues.owed import dues_owed, how_to_pay
from rankfile.members.access import viewer_for
from rankfile.members.actions import do_resign, do_update_member
from rankfile.members.editing import EditConflict
from rankfile.members.forms import ResignForm
from rankfile.members.models import Member, Office
from rankfile.standing.facts import determine_member
from rankfile.standing.rulesets import NoRulesInForce
from rankfile.voting.queries import my_open_polls
from rankfile.web.forms import EditForm, Form, show_errors


class OwnContactForm(EditForm):
    class Meta:
        model = Member
        fields = ["email", "phone", "address"]
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}


def _my_standing(member: Member) -> dict[str, object]:
    """The member's standing today and what they owe, for the home page."""
    today = timezone.localdate()
    try:
        result = determine_member(member, today)
    except NoRulesInForce:
        return {}
    return {
        "standing": result,
        "owed": dues_owed(member, today, result.paid_through),
        "how_to_pay": how_to_pay(),
        "is_self": True,
    }


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
        context.update(_my_standing(member))
    context["offices"] = viewer.offices
    context["can_import"] = viewer.can("member.import")
    context["can_record_dues"] = viewer.can_everywhere("dues.record")
    context["can_view_standing"] = viewer.can("standing.view")
    context["can_view_dues"] = viewer.can("dues.view")
    context["can_decide_waivers"] = viewer.can("dues.record")
    context["open_polls"] = my_open_polls(request.user)
    return render(request, "web/dashboard.html", context)


class TokenForm(Form):
    name = forms.CharField(label="What will use it", max_length=100)


@login_required
def account(request: HttpRequest) -> HttpResponse:
    viewer = viewer_for(request.user)
    member = viewer.member
    form = None
    token_form = TokenForm(prefix="token")
    new_secret = None
    status = 200
    if request.method == "POST" and "token-name" in request.POST:
        token_form = TokenForm(request.POST, prefix="token")
        if token_form.is_valid():
            _token, new_secret = do_create_api_token(
                request.user, name=token_form.cleaned_data["name"]
            )
            token_form = TokenForm(prefix="token")
    elif request.method == "POST" and "revoke" in request.POST:
        token = get_object_or_404(ApiToken, pk=request.POST["revoke"], user=request.user)
        do_revoke_api_token(request.user, token)
        messages.success(request, f"The token “{token.name}” no longer works.")
        return redirect("account")
    if member is not None:
        posted = request.method == "POST" and new_secret is None and "email" in request.POST
        form = OwnContactForm(
            request.POST if posted else None, instance=Member.objects.get(pk=member.pk)
        )
        if posted and form.is_valid():
            try:
                values, seen = form.changes()
                do_update_member(
                    request.user, member, reason="Updated by the member", seen=seen, **values
                )
            except ValidationError as error:
                show_errors(form, error)
                status = 409 if isinstance(error, EditConflict) else 400
            else:
                messages.success(request, "Your contact details are saved.")
                return redirect("account")
    tokens = ApiToken.objects.filter(user=request.user, revoked_at__isnull=True)
    return render(
        request,
        "web/account.html",
        {
            "member": member,
            "form": form,
            "token_form": token_form,
            "tokens": tokens,
            "new_secret": new_secret,
        },
        status=status,
    )


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
