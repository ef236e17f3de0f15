"""Delegate election pages (candidates, results by hand) and the credentials roll."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from rankfile.conventions import actions, elections
from rankfile.conventions.forms import NominateForm, ResultForm, SeatAlternateForm
from rankfile.conventions.models import Candidate, Credential, DelegateElection
from rankfile.conventions.views import access_convention
from rankfile.members.access import can_manage_conventions, require_everywhere, viewer_for
from rankfile.members.models import Member
from rankfile.standing.models import SnapshotEntry
from rankfile.web.forms import show_errors


def access_election(user: Any, slug: str, branch_slug: str) -> DelegateElection:
    convention = access_convention(user, slug)
    try:
        return DelegateElection.objects.select_related("branch", "table", "convention").get(
            convention=convention, branch__slug=branch_slug
        )
    except DelegateElection.DoesNotExist:
        raise Http404("No such delegate election.") from None


def _election_page(
    request: HttpRequest,
    election: DelegateElection,
    *,
    nominate_form: NominateForm | None = None,
    result_form: ResultForm | None = None,
    status: int = 200,
) -> HttpResponse:
    viewer = viewer_for(request.user)
    can_record = viewer.can("convention.record_result", election.branch_id)
    candidates = list(
        Candidate.objects.filter(election=election)
        .select_related("member")
        .order_by("withdrawn_at", "member__last_name", "member__first_name")
    )
    me = viewer.member
    my_candidacy = next(
        (c for c in candidates if me is not None and c.member_id == me.pk and not c.withdrawn_at),
        None,
    )
    [roll] = elections.credentials_roll(election.convention, election=election)
    context = {
        "convention": election.convention,
        "election": election,
        "candidates": candidates,
        "roll": roll,
        "can_record": can_record,
        "my_candidacy": my_candidacy,
        "may_stand": (
            me is not None
            and my_candidacy is None
            and election.status != "no-seats"
            and elections.ineligibility(election, me) is None
        ),
        "eligible_count": SnapshotEntry.objects.filter(
            snapshot_id=election.table.snapshot_id,
            branch_id=election.branch_id,
            in_good_standing=True,
        ).count(),
    }
    if can_record:
        context["nominate_form"] = nominate_form or NominateForm()
        context["result_form"] = result_form or ResultForm()
    return render(request, "conventions/election.html", context, status=status)


@login_required
def election_page(request: HttpRequest, slug: str, branch_slug: str) -> HttpResponse:
    return _election_page(request, access_election(request.user, slug, branch_slug))


@login_required
@require_POST
def stand(request: HttpRequest, slug: str, branch_slug: str) -> HttpResponse:
    election = access_election(request.user, slug, branch_slug)
    viewer = viewer_for(request.user)
    form = None
    if "member_number" in request.POST:  # an officer nominating someone
        form = NominateForm(request.POST)
        if not form.is_valid():
            return _election_page(request, election, nominate_form=form, status=400)
        member = Member.objects.filter(member_number=form.cleaned_data["member_number"]).first()
        if member is None:
            form.add_error("member_number", "No member has that number.")
            return _election_page(request, election, nominate_form=form, status=400)
    else:
        member = viewer.member
        if member is None:
            messages.error(request, "Only members may stand.")
            return redirect("convention_election", slug, branch_slug)
    try:
        elections.do_stand(request.user, election, member)
    except ValidationError as error:
        if form is not None:
            show_errors(form, error)
            return _election_page(request, election, nominate_form=form, status=400)
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{member} is a candidate.")
    return redirect("convention_election", slug, branch_slug)


@login_required
@require_POST
def withdraw(request: HttpRequest, slug: str, branch_slug: str, candidate_id: int) -> HttpResponse:
    election = access_election(request.user, slug, branch_slug)
    candidate = get_object_or_404(Candidate, pk=candidate_id, election=election)
    try:
        elections.do_withdraw(request.user, candidate)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{candidate.member} withdrew.")
    return redirect("convention_election", slug, branch_slug)


@login_required
@require_POST
def record_result(request: HttpRequest, slug: str, branch_slug: str) -> HttpResponse:
    election = access_election(request.user, slug, branch_slug)
    viewer_for(request.user).require("convention.record_result", election.branch_id)
    form = ResultForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        delegates = ResultForm.numbers(data["delegates"])
        alternates = ResultForm.numbers(data["alternates"])
        found = Member.objects.in_bulk([*delegates, *alternates], field_name="member_number")
        unknown = [number for number in [*delegates, *alternates] if number not in found]
        if unknown:
            form.add_error(None, f"No member has the number {', '.join(unknown)}.")
        else:
            try:
                elections.do_record_election_result(
                    request.user,
                    election,
                    [found[number] for number in delegates],
                    [found[number] for number in alternates],
                    data["source"],
                    reason=data["reason"],
                )
            except ValidationError as error:
                show_errors(form, error)
            else:
                messages.success(request, "Result recorded.")
                return redirect("convention_election", slug, branch_slug)
    return _election_page(request, election, result_form=form, status=400)


@login_required
def credentials(request: HttpRequest, slug: str) -> HttpResponse:
    convention = access_convention(request.user, slug)
    table = actions.latest_table(convention, published=True)
    if table is None and not can_manage_conventions(request.user):
        raise Http404("The credentials are not published yet.")
    roll = elections.credentials_roll(convention)
    return render(
        request,
        "conventions/credentials.html",
        {
            "convention": convention,
            "table": table,
            "roll": roll,
            "can_manage": can_manage_conventions(request.user),
            "seat_form": SeatAlternateForm(),
            "totals": elections.roll_totals(roll),
        },
    )


def _change_seat(
    request: HttpRequest,
    slug: str,
    credential_id: int,
    act: Callable[..., Credential],
    *,
    needs_reason: str,
    done: Callable[[Credential, Credential], str],
) -> HttpResponse:
    """Apply a credentials-committee action to one seat of the convention, with the reason
    from the report's form; the outcome or the refusal comes back as a message."""
    convention = access_convention(request.user, slug)
    require_everywhere(request.user, "convention.manage")
    credential = get_object_or_404(
        Credential.objects.select_related("member"),
        pk=credential_id,
        result__election__convention=convention,
    )
    form = SeatAlternateForm(request.POST)
    if not form.is_valid():
        messages.error(request, needs_reason)
    else:
        try:
            changed = act(request.user, credential, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, done(credential, changed))
    return redirect("convention_credentials", slug)


@login_required
@require_POST
def seat_alternate(request: HttpRequest, slug: str, credential_id: int) -> HttpResponse:
    return _change_seat(
        request,
        slug,
        credential_id,
        elections.do_seat_alternate,
        needs_reason="Give the reason to seat an alternate.",
        done=lambda absent, seated: f"{seated.member} seated in place of {absent.member}.",
    )


@login_required
@require_POST
def return_to_seat(request: HttpRequest, slug: str, credential_id: int) -> HttpResponse:
    return _change_seat(
        request,
        slug,
        credential_id,
        elections.do_return_to_seat,
        needs_reason="Give the reason to give the seat back.",
        done=lambda returning, _seat: f"{returning.member} has their seat back.",
    )
