"""The treasurer's office pages: dues plans, how members pay, and the waiver requests to decide."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Exists, OuterRef
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from rankfile.dues import actions, forms
from rankfile.dues.models import DuesPlan, MemberPlan, Waiver, WaiverStatus
from rankfile.members.access import viewer_for
from rankfile.members.models import Organization
from rankfile.web.forms import show_errors


def _plans_page(request: HttpRequest, **bound: Any) -> HttpResponse:
    viewer = viewer_for(request.user)
    if not viewer.can("dues.view"):
        raise PermissionDenied("Dues plans are for the officers who keep dues.")
    today = timezone.localdate()
    # Members on each plan today: the plan of each member's latest assignment started by
    # today (one grouped query, whatever the number of members).
    later = MemberPlan.objects.filter(
        member=OuterRef("member"), starts_on__gt=OuterRef("starts_on"), starts_on__lte=today
    )
    on_plan = dict(
        MemberPlan.objects.filter(starts_on__lte=today)
        .exclude(Exists(later))
        .values("plan")
        .annotate(n=Count("pk"))
        .values_list("plan", "n")
    )
    plans = list(DuesPlan.objects.prefetch_related("brackets"))
    for plan in plans:
        plan.members_now = on_plan.get(plan.pk, 0)
    organization = Organization.current()
    can_change = viewer.can_everywhere("dues.record")
    context = {
        "plans": plans,
        "can_change": can_change,
        "plan_form": forms.NewPlanForm(),
        "instructions_form": forms.PaymentInstructionsForm(
            initial={
                "instructions": organization.dues_instructions,
                "url": organization.dues_payment_url,
            }
        ),
        **bound,
    }
    return render(request, "dues/plans.html", context, status=400 if bound else 200)


@login_required
def plans(request: HttpRequest) -> HttpResponse:
    return _plans_page(request)


@login_required
@require_POST
def create_plan(request: HttpRequest) -> HttpResponse:
    form = forms.NewPlanForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            plan = actions.do_create_plan(
                request.user,
                name=data["name"],
                slug=data["slug"],
                kind=data["kind"],
                period=data["period"],
                amount=data["amount"] or 0,
                currency=data["currency"] or None,
                brackets=data["brackets"],
                description=data["description"],
            )
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, f"The plan “{plan.name}” was created.")
            return redirect("dues:plans")
    return _plans_page(request, plan_form=form)


@login_required
@require_POST
def set_instructions(request: HttpRequest) -> HttpResponse:
    form = forms.PaymentInstructionsForm(request.POST)
    if form.is_valid():
        try:
            actions.do_set_payment_instructions(
                request.user,
                instructions=form.cleaned_data["instructions"],
                url=form.cleaned_data["url"],
            )
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, "Members now see these instructions with what they owe.")
            return redirect("dues:plans")
    return _plans_page(request, instructions_form=form)


@login_required
def waiver_queue(request: HttpRequest) -> HttpResponse:
    """Waiver requests awaiting a decision, oldest first, in the branches where the viewer
    records dues."""
    viewer = viewer_for(request.user)
    if not viewer.can("dues.record"):
        raise PermissionDenied("Waiver requests are decided by the treasurer's office.")
    waiting = Waiver.objects.filter(status=WaiverStatus.REQUESTED).select_related(
        "member", "member__branch"
    )
    scope = viewer.scope("dues.record")
    if isinstance(scope, frozenset):  # not everywhere: the branches of the viewer's offices
        waiting = waiting.filter(member__branch_id__in=scope)
    rows = list(waiting.order_by("requested_on", "pk"))
    today = timezone.localdate()
    for waiver in rows:
        waiver.days_waiting = (today - waiver.requested_on).days
    return render(request, "dues/waivers.html", {"rows": rows})
