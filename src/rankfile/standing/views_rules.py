"""Adopting a rule set from the web: edit or upload, see what changes and whose standing, then
adopt with the decision that adopted it."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from rankfile.members.access import viewer_for
from rankfile.members.models import Member
from rankfile.standing.adoption import adoption_impact, parse_proposal
from rankfile.standing.forms import RulesProposalForm
from rankfile.standing.rulesets import NoRulesInForce, do_adopt_rules, version_in_force
from rankfile.web.forms import show_errors

NAMES_SHOWN = 1000


def _initial_text() -> str:
    try:
        return version_in_force(timezone.localdate()).source_text
    except NoRulesInForce:
        return ""


def _names(member_ids: list[int]) -> list[Member]:
    return list(
        Member.objects.filter(pk__in=member_ids[:NAMES_SHOWN])
        .select_related("branch")
        .order_by("branch__name", "last_name", "first_name")
    )


@login_required
def adopt_rules(request: HttpRequest) -> HttpResponse:
    if not viewer_for(request.user).can_everywhere("office.manage"):
        raise PermissionDenied("Only the organization's administrators adopt rule sets.")
    if request.method != "POST":
        form = RulesProposalForm(initial={"text": _initial_text()})
        return render(request, "standing/adopt.html", {"form": form})
    post = request.POST.copy()
    form = RulesProposalForm(post, request.FILES)
    if form.is_valid() and request.FILES.get("file"):
        # The uploaded file goes on in the text box, so that adopting sends what was seen.
        post["text"] = form.cleaned_data["text"]
        form = RulesProposalForm(post)
    context: dict[str, Any] = {"form": form}
    if form.is_valid():
        data = form.cleaned_data
        try:
            rules, effective = parse_proposal(data["text"], data["effective_on"])
        except ValidationError as error:
            show_errors(form, error)
        else:
            if "adopt" in request.POST:
                try:
                    version = do_adopt_rules(
                        request.user,
                        text=data["text"],
                        decision=data["decision"],
                        effective_on=data["effective_on"],
                    )
                except ValidationError as error:
                    show_errors(form, error)
                else:
                    messages.success(
                        request, f"Adopted: {version.name} {version.version}, on the record."
                    )
                    return redirect(f"{reverse('standing_rules')}?version={version.pk}")
            impact = adoption_impact(rules, effective, data["compare_on"])
            show = "names" in request.POST
            context.update(
                impact=impact,
                gain_names=_names(impact.gain) if show else None,
                lose_names=_names(impact.lose) if show else None,
                names_shown=NAMES_SHOWN,
            )
    return render(request, "standing/adopt.html", context, status=400 if form.errors else 200)
