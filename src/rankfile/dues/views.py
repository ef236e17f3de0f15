"""Dues pages: a member's own dues, the treasurer's page per member, imports and the
exceptions list. Every change goes through an action; lookups check permission."""

from __future__ import annotations

import io
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from rankfile.dues import actions, forms
from rankfile.dues.checkoff import do_authorize_checkoff, do_end_checkoff
from rankfile.dues.importing import ImportRefused, do_import_payments, do_import_remittance
from rankfile.dues.models import (
    CheckoffAuthorization,
    ExceptionStatus,
    ImportBatch,
    MemberPlan,
    Payment,
    RemittanceException,
    StagedImport,
    Waiver,
    WaiverStatus,
)
from rankfile.dues.owed import dues_owed, how_to_pay, paid_through_on
from rankfile.dues.waivers import do_request_waiver
from rankfile.members.access import (
    access_member,
    can_act_on_another,
    can_see_waiver_reasons,
    require_everywhere,
    viewer_for,
)
from rankfile.members.models import Member
from rankfile.standing.waivers import do_decide_waiver
from rankfile.web.forms import show_errors


def _dues_of(member: Member) -> dict[str, Any]:
    payments = list(
        Payment.objects.filter(member=member)
        .select_related("reverses")
        .order_by("-covers_from", "pk")
    )
    reversed_ids = {p.reverses_id for p in payments if p.reverses_id}
    return {
        "member": member,
        "payments": payments,
        "reversed_ids": reversed_ids,
        "plans": MemberPlan.objects.filter(member=member)
        .select_related("plan", "bracket")
        .order_by("-starts_on"),
        "checkoffs": CheckoffAuthorization.objects.filter(member=member).order_by("-started_on"),
        "waivers": Waiver.objects.filter(member=member).order_by("-starts_on"),
    }


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    member = viewer_for(request.user).member
    if member is None:
        raise Http404("You have no membership record.")
    form = forms.WaiverRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            do_request_waiver(request.user, member, **form.cleaned_data)
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, "Your waiver request was sent to the treasurer.")
            return redirect("dues:mine")
    today = timezone.localdate()
    context = _dues_of(member) | {
        "waiver_form": form,
        "show_reasons": True,
        "is_self": True,
        "owed": dues_owed(member, today, paid_through_on(member, today)),
        "how_to_pay": how_to_pay(),
        # A request awaiting a decision takes the place of the form: one at a time.
        "pending": Waiver.objects.filter(member=member, status=WaiverStatus.REQUESTED)
        .order_by("-requested_on", "-pk")
        .first(),
    }
    return render(request, "dues/mine.html", context, status=400 if form.errors else 200)


def decide_form_for(waiver: Waiver, data: Any = None) -> forms.DecideWaiverForm:
    return forms.DecideWaiverForm(data, auto_id=f"id_waiver{waiver.pk}_%s")


def _member_page(
    request: HttpRequest, member: Member, bound: dict[str, Any] | None = None
) -> HttpResponse:
    # another officer records an officer's own dues
    can_record = can_act_on_another(request.user, member, "dues.record")
    context = _dues_of(member) | {
        "can_record": can_record,
        "show_reasons": can_see_waiver_reasons(request.user, member),
        "payment_form": forms.PaymentForm(),
        "plan_form": forms.PlanForm(),
        "checkoff_form": forms.CheckoffForm(),
        "end_checkoff_form": forms.EndCheckoffForm(),
        "reverse_form": forms.ReverseForm(),
        "waiver_form": forms.WaiverRequestForm(),
    }
    # One decision form per requested waiver, each with its own element ids; a refused
    # decision comes back bound, with its errors, on its own waiver.
    context["waivers"] = list(context["waivers"])
    for waiver in context["waivers"]:
        waiver.decide_form = (bound or {}).get(f"decide_form_{waiver.pk}") or decide_form_for(
            waiver
        )
    context.update(bound or {})
    return render(request, "dues/member.html", context, status=400 if bound else 200)


@login_required
def member_dues(request: HttpRequest, member_id: int) -> HttpResponse:
    return _member_page(request, access_member(request.user, member_id, "dues.view"))


def _post_for_member(
    request: HttpRequest,
    member: Member,
    form: Any,
    name: str,
    act: Any,
    done: str,
) -> HttpResponse:
    if form.is_valid():
        try:
            act(form.cleaned_data)
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, done)
            return redirect("dues:member", member_id=member.pk)
    return _member_page(request, member, {name: form})


@login_required
@require_POST
def record_payment(request: HttpRequest, member_id: int) -> HttpResponse:
    member = access_member(request.user, member_id, "dues.record")
    form = forms.PaymentForm(request.POST)
    return _post_for_member(
        request,
        member,
        form,
        "payment_form",
        lambda data: actions.do_record_payment(request.user, member, **data),
        "Payment recorded.",
    )


@login_required
@require_POST
def reverse_payment(request: HttpRequest, payment_id: int) -> HttpResponse:
    payment = get_object_or_404(Payment, pk=payment_id)
    member = access_member(request.user, payment.member_id, "dues.record")
    form = forms.ReverseForm(request.POST)
    return _post_for_member(
        request,
        member,
        form,
        "reverse_form",
        lambda data: actions.do_reverse_payment(request.user, payment, reason=data["reason"]),
        "Payment reversed.",
    )


@login_required
@require_POST
def set_plan(request: HttpRequest, member_id: int) -> HttpResponse:
    member = access_member(request.user, member_id, "dues.record")
    form = forms.PlanForm(request.POST)
    return _post_for_member(
        request,
        member,
        form,
        "plan_form",
        lambda data: actions.do_set_plan(request.user, member, **data),
        "Plan set.",
    )


@login_required
@require_POST
def authorize_checkoff(request: HttpRequest, member_id: int) -> HttpResponse:
    member = access_member(request.user, member_id, "dues.record")
    form = forms.CheckoffForm(request.POST)
    return _post_for_member(
        request,
        member,
        form,
        "checkoff_form",
        lambda data: do_authorize_checkoff(request.user, member, **data),
        "Checkoff authorization recorded.",
    )


@login_required
@require_POST
def end_checkoff(request: HttpRequest, checkoff_id: int) -> HttpResponse:
    checkoff = get_object_or_404(CheckoffAuthorization, pk=checkoff_id)
    member = access_member(request.user, checkoff.member_id, "dues.record")
    form = forms.EndCheckoffForm(request.POST)
    return _post_for_member(
        request,
        member,
        form,
        "end_checkoff_form",
        lambda data: do_end_checkoff(request.user, checkoff, **data),
        "Checkoff authorization ended.",
    )


@login_required
@require_POST
def request_waiver_for(request: HttpRequest, member_id: int) -> HttpResponse:
    member = access_member(request.user, member_id, "dues.record")
    form = forms.WaiverRequestForm(request.POST)
    return _post_for_member(
        request,
        member,
        form,
        "waiver_form",
        lambda data: do_request_waiver(request.user, member, **data),
        "Waiver request entered.",
    )


@login_required
@require_POST
def decide_waiver(request: HttpRequest, waiver_id: int) -> HttpResponse:
    waiver = get_object_or_404(Waiver, pk=waiver_id)
    member = access_member(request.user, waiver.member_id, "dues.record")
    form = decide_form_for(waiver, request.POST)
    return _post_for_member(
        request,
        member,
        form,
        f"decide_form_{waiver.pk}",
        lambda data: do_decide_waiver(
            request.user,
            waiver,
            grant=data["decision"] == "grant",
            decision_reason=data["decision_reason"],
            ends_on=data["ends_on"],
        ),
        "Decision recorded.",
    )


def _run_import(staged: StagedImport, user: Any, dry_run: bool) -> Any:
    run = do_import_payments if staged.kind == "payments" else do_import_remittance
    options = {} if staged.kind == "payments" else {"employer": staged.employer_name}
    return run(
        user,
        io.BytesIO(bytes(staged.content)),
        filename=staged.filename,
        dry_run=dry_run,
        **options,
    )


@login_required
def import_file(request: HttpRequest) -> HttpResponse:
    """Upload a file and see what importing it would do; nothing is written yet."""
    require_everywhere(request.user, "dues.record")
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"form": form}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        staged = StagedImport.objects.create(
            kind=form.cleaned_data["kind"],
            filename=upload.name[:255],
            employer_name=form.cleaned_data["employer"].strip(),
            content=upload.read(),
            uploaded_by=request.user,
        )
        try:
            context["summary"] = _run_import(staged, request.user, dry_run=True)
            context["staged"] = staged
        except ImportRefused as refused:
            staged.delete()
            context["refused"] = refused.messages
    status = 400 if context.get("refused") or form.errors else 200
    return render(request, "dues/import.html", context, status=status)


@login_required
@require_POST
def apply_import(request: HttpRequest, staged_id: int) -> HttpResponse:
    require_everywhere(request.user, "dues.record")
    staged = get_object_or_404(StagedImport, pk=staged_id, uploaded_by=request.user)
    try:
        summary = _run_import(staged, request.user, dry_run=False)
    except ImportRefused as refused:
        return render(
            request,
            "dues/import.html",
            {"form": forms.ImportForm(), "refused": refused.messages},
            status=400,
        )
    finally:
        staged.delete()
    for line in summary.lines():
        messages.success(request, line)
    return redirect("dues:exceptions")


@login_required
def exceptions(request: HttpRequest) -> HttpResponse:
    require_everywhere(request.user, "dues.record")
    status = request.GET.get("status", ExceptionStatus.OPEN)
    if status not in ExceptionStatus.values:
        status = ExceptionStatus.OPEN
    rows = list(
        RemittanceException.objects.filter(status=status)
        .select_related("member", "batch", "payment")
        .order_by("batch_id", "line")[:500]
    )
    # One form per row, each with its own element ids so every label names its own field.
    for row in rows:
        row.resolve_form = forms.ResolveForm(auto_id=f"id_exception{row.pk}_%s")
    context = {
        "rows": rows,
        "status": status,
        "open_count": RemittanceException.objects.filter(status=ExceptionStatus.OPEN).count(),
        "batches": ImportBatch.objects.order_by("-imported_at")[:10],
    }
    return render(request, "dues/exceptions.html", context)


@login_required
@require_POST
def resolve_exception(request: HttpRequest, exception_id: int) -> HttpResponse:
    require_everywhere(request.user, "dues.record")
    exception = get_object_or_404(RemittanceException, pk=exception_id)
    form = forms.ResolveForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        member = None
        if data["member_number"]:
            member = Member.objects.filter(member_number=data["member_number"].strip()).first()
            if member is None:
                form.add_error("member_number", "No member has that number.")
        if not form.errors:
            try:
                actions.do_resolve_exception(
                    request.user,
                    exception,
                    record=data["resolution"] == "record",
                    note=data["note"],
                    member=member,
                )
            except ValidationError as error:
                show_errors(form, error)
            else:
                messages.success(request, f"Line {exception.line} resolved.")
                return redirect("dues:exceptions")
    for field_errors in form.errors.values():
        for message in field_errors:
            messages.error(request, f"Line {exception.line}: {message}")
    return redirect("dues:exceptions")
