"""Pages: my appeals and my case (member), the docket, a case and its decision form (appeals
body), charges and their hearing (the body hearing them)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from rankfile.appeals import actions, discipline
from rankfile.appeals.forms import (
    AnswerForm,
    AppealForm,
    ChargeDecisionForm,
    ChargeForm,
    ClauseForm,
    DecisionForm,
    HearingForm,
    LateForm,
    ResponseForm,
)
from rankfile.appeals.models import Appeal, AppealStatus, Charge, ChargeStatus, Clause, Subject
from rankfile.audit.models import AuditEvent
from rankfile.members.access import access_member, viewer_for
from rankfile.standing.facts import determine_member
from rankfile.standing.rulesets import NoRulesInForce
from rankfile.web.forms import show_errors


@login_required
def my_appeals(request: HttpRequest) -> HttpResponse:
    viewer = viewer_for(request.user)
    member = viewer.member
    context: dict[str, Any] = {
        "is_body": viewer.can("appeals.decide"),
        "statistics": discipline.statistics(),
        "today": timezone.localdate(),
    }
    if member is not None:
        context["appeals"] = list(Appeal.objects.filter(member=member).order_by("-filed_at"))
        context["appealable"] = actions.appealable(member)
        context["charges"] = list(Charge.objects.filter(accused=member).select_related("clause"))
        context["brought"] = list(
            Charge.objects.filter(brought_by=request.user).select_related("clause", "accused")
        )
    return render(request, "appeals/mine.html", context)


@login_required
def file_appeal(request: HttpRequest, subject: str, pk: int) -> HttpResponse:
    model = actions.SUBJECT_MODELS.get(subject)
    if model is None:
        raise Http404("No such kind of decision.")
    item = get_object_or_404(model, pk=pk)
    try:
        kind, member, on, officer, label = actions.describe(item)
    except ValidationError as error:
        raise Http404(" ".join(error.messages)) from error
    if not viewer_for(request.user).is_self(member):
        raise PermissionDenied("Only the member concerned can appeal a decision about them.")
    form = AppealForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            appeal = actions.do_file_appeal(request.user, item, **form.cleaned_data)
        except ValidationError as error:
            show_errors(form, error)
        else:
            if appeal.status == AppealStatus.LATE:
                messages.error(request, actions.late_message(appeal))
            else:
                messages.success(
                    request, f"Appeal filed. The appeals body decides by {appeal.decide_by}."
                )
            return redirect("appeal", appeal_id=appeal.pk)
    context = {"form": form, "label": label, "on": on, "kind": Subject(kind).label}
    return render(request, "appeals/file.html", context, status=400 if form.errors else 200)


def _record(appeal: Appeal) -> dict[str, Any]:
    """The record of the decision appealed, for the body: audit events about the member up
    to the decision's day, the standing explanation as of that date, the rule version."""
    events = list(
        AuditEvent.objects.filter(member=appeal.member, at__date__lte=appeal.decision_on).order_by(
            "-seq"
        )[:30]
    )
    try:
        standing = determine_member(appeal.member, appeal.decision_on, version=appeal.rule_version)
    except NoRulesInForce:
        standing = None
    return {"events": events, "standing": standing}


def _case_context(request: HttpRequest, appeal: Appeal) -> dict[str, Any]:
    viewer = viewer_for(request.user)
    is_body = viewer.can("appeals.decide")
    party = actions.excluded(request.user, appeal)
    is_officer = appeal.officer_id == request.user.pk
    context: dict[str, Any] = {
        "appeal": appeal,
        "votes": list(appeal.votes.all()),
        "is_body": is_body,
        "party": party,
        "today": timezone.localdate(),
    }
    if viewer.can("appeals.review", appeal.member.branch_id) or is_officer:
        context.update(_record(appeal))
    if appeal.status != AppealStatus.DECIDED:
        if is_officer or (viewer.can("standing.enforce", appeal.member.branch_id) and not party):
            context["response_form"] = ResponseForm(initial={"response": appeal.response})
        if is_body and not party:
            if appeal.status == AppealStatus.LATE:
                context["late_form"] = LateForm()
            else:
                context["hearing_form"] = HearingForm(initial={"hearing_on": appeal.hearing_on})
                context["decision_form"] = DecisionForm(voters=actions.body_members(appeal))
    return context


@login_required
def appeal_page(request: HttpRequest, appeal_id: int) -> HttpResponse:
    appeal = actions.access_appeal(request.user, appeal_id)
    return render(request, "appeals/case.html", _case_context(request, appeal))


def _submit(
    request: HttpRequest, form: Any, run: Any, done: str, success: HttpResponse, refused: Any
) -> HttpResponse:
    """Run the action on a valid form and go to ``success``; else the page again, from
    ``refused()``, with the form's errors (status 400)."""
    if form.is_valid():
        try:
            run(form)
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, done)
            return success
    return refused()


def _post(
    request: HttpRequest, appeal: Appeal, form: Any, name: str, run: Any, done: str
) -> HttpResponse:
    def refused() -> HttpResponse:
        context = _case_context(request, appeal) | {name: form}
        return render(request, "appeals/case.html", context, status=400)

    return _submit(request, form, run, done, redirect("appeal", appeal_id=appeal.pk), refused)


@login_required
@require_POST
def respond(request: HttpRequest, appeal_id: int) -> HttpResponse:
    appeal = actions.access_appeal(request.user, appeal_id)
    return _post(
        request, appeal, ResponseForm(request.POST), "response_form",
        lambda f: actions.do_respond_to_appeal(request.user, appeal, **f.cleaned_data),
        "Response recorded.",
    )  # fmt: skip


@login_required
@require_POST
def schedule_hearing(request: HttpRequest, appeal_id: int) -> HttpResponse:
    appeal = actions.access_appeal(request.user, appeal_id)
    return _post(
        request, appeal, HearingForm(request.POST), "hearing_form",
        lambda f: actions.do_schedule_hearing(request.user, appeal, **f.cleaned_data),
        "Hearing date set.",
    )  # fmt: skip


@login_required
@require_POST
def accept_late(request: HttpRequest, appeal_id: int) -> HttpResponse:
    appeal = actions.access_appeal(request.user, appeal_id)
    return _post(
        request, appeal, LateForm(request.POST), "late_form",
        lambda f: actions.do_accept_late_appeal(request.user, appeal, **f.cleaned_data),
        "Accepted late; the appeal is open.",
    )  # fmt: skip


@login_required
@require_POST
def decide(request: HttpRequest, appeal_id: int) -> HttpResponse:
    appeal = actions.access_appeal(request.user, appeal_id)
    form = DecisionForm(request.POST, voters=actions.body_members(appeal))

    def run(f: DecisionForm) -> None:
        data = {k: v for k, v in f.cleaned_data.items() if not k.startswith("vote_")}
        data.pop("by_single_member")
        actions.do_decide_appeal(request.user, appeal, votes=f.votes(), **data)

    return _post(request, appeal, form, "decision_form", run, "Decision recorded.")


@login_required
def docket(request: HttpRequest) -> HttpResponse:
    viewer = viewer_for(request.user)
    viewer.require("appeals.review")
    appeals = [
        a
        for a in Appeal.objects.exclude(status=AppealStatus.DECIDED).select_related(
            "member__branch"
        )
        if viewer.can("appeals.review", a.member.branch_id)
    ]
    decided = [
        a
        for a in Appeal.objects.filter(status=AppealStatus.DECIDED)
        .select_related("member__branch")
        .order_by("-decided_at")[:50]
        if viewer.can("appeals.review", a.member.branch_id)
    ]
    charges = [
        c
        for c in Charge.objects.filter(status=ChargeStatus.SERVED).select_related(
            "accused__branch", "clause"
        )
        if viewer.can("appeals.review", c.accused.branch_id)
    ]
    context = {
        "appeals": appeals,
        "decided": decided,
        "charges": charges,
        "today": timezone.localdate(),
        "is_body": viewer.can("appeals.decide"),
    }
    return render(request, "appeals/docket.html", context)


# Charges and discipline ---------------------------------------------------------------


@login_required
def bring_charges(request: HttpRequest, member_id: int) -> HttpResponse:
    accused = access_member(request.user, member_id)
    form = ChargeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            charge = discipline.do_bring_charges(request.user, accused, **form.cleaned_data)
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(
                request, f"Charges served; the member may answer by {charge.answer_by}."
            )
            return redirect("charge", charge_id=charge.pk)
    context = {"form": form, "accused": accused, "clauses": Clause.objects.exists()}
    return render(
        request, "appeals/bring_charges.html", context, status=400 if form.errors else 200
    )


def _charge_context(request: HttpRequest, charge: Charge) -> dict[str, Any]:
    viewer = viewer_for(request.user)
    party = discipline.involved(request.user, charge)
    context: dict[str, Any] = {
        "charge": charge,
        "is_accused": viewer.is_self(charge.accused),
        "appeals": list(charge.appeals.all()),
        "today": timezone.localdate(),
    }
    if charge.status == ChargeStatus.SERVED:
        if context["is_accused"]:
            context["answer_form"] = AnswerForm(initial={"answer": charge.answer})
        if viewer.can("appeals.decide") and not party:
            context["hearing_form"] = HearingForm(initial={"hearing_on": charge.hearing_on})
            context["decision_form"] = ChargeDecisionForm()
    return context


@login_required
def charge_page(request: HttpRequest, charge_id: int) -> HttpResponse:
    charge = discipline.access_charge(request.user, charge_id)
    return render(request, "appeals/charge.html", _charge_context(request, charge))


def _charge_post(
    request: HttpRequest, charge: Charge, form: Any, name: str, run: Any, done: str
) -> HttpResponse:
    def refused() -> HttpResponse:
        context = _charge_context(request, charge) | {name: form}
        return render(request, "appeals/charge.html", context, status=400)

    return _submit(request, form, run, done, redirect("charge", charge_id=charge.pk), refused)


@login_required
@require_POST
def answer_charges(request: HttpRequest, charge_id: int) -> HttpResponse:
    charge = discipline.access_charge(request.user, charge_id)
    return _charge_post(
        request, charge, AnswerForm(request.POST), "answer_form",
        lambda f: discipline.do_answer_charges(request.user, charge, **f.cleaned_data),
        "Answer recorded.",
    )  # fmt: skip


@login_required
@require_POST
def schedule_charge_hearing(request: HttpRequest, charge_id: int) -> HttpResponse:
    charge = discipline.access_charge(request.user, charge_id)
    return _charge_post(
        request, charge, HearingForm(request.POST), "hearing_form",
        lambda f: discipline.do_schedule_charge_hearing(request.user, charge, **f.cleaned_data),
        "Hearing date set.",
    )  # fmt: skip


@login_required
@require_POST
def decide_charges(request: HttpRequest, charge_id: int) -> HttpResponse:
    charge = discipline.access_charge(request.user, charge_id)
    return _charge_post(
        request, charge, ChargeDecisionForm(request.POST), "decision_form",
        lambda f: discipline.do_decide_charges(request.user, charge, **f.cleaned_data),
        "Decision recorded.",
    )  # fmt: skip


@login_required
def clauses(request: HttpRequest) -> HttpResponse:
    viewer = viewer_for(request.user)
    form = ClauseForm(request.POST or None) if viewer.can("office.manage") else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied("Only an administrator keeps the constitution's clauses.")
        if form.is_valid():
            try:
                discipline.do_add_clause(request.user, **form.cleaned_data)
            except ValidationError as error:
                show_errors(form, error)
            else:
                messages.success(request, "Clause kept.")
                return redirect("clauses")
    context = {"clauses": Clause.objects.all(), "form": form}
    return render(
        request, "appeals/clauses.html", context, status=400 if form and form.errors else 200
    )
