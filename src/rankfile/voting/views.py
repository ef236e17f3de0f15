"""Poll pages: the list, a poll with its ballot (review, then cast), the receipt, results and
exports, and the officers' pages to create, open, enter counts and close."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from rankfile.members.access import viewer_for
from rankfile.voting import actions, queries, results
from rankfile.voting.electorate import why_not
from rankfile.voting.forms import PollForm, ballot_from_post
from rankfile.voting.models import Poll, PollMode, PollState, Voter
from rankfile.voting.sealing import receipt_hash
from rankfile.web.forms import show_errors

RECEIPT_SESSION = "voting-receipt-{}"


@login_required
def poll_list(request: HttpRequest) -> HttpResponse:
    polls = list(queries.visible_polls(request.user).order_by("-created_at"))
    viewer = viewer_for(request.user)
    mine = {poll.pk: voter for poll, voter in queries.my_open_polls(request.user)}
    return render(
        request,
        "voting/list.html",
        {
            "open": [(p, mine.get(p.pk)) for p in polls if p.state == PollState.OPEN],
            "closed": [p for p in polls if p.state == PollState.CLOSED],
            "drafts": [p for p in polls if p.state == PollState.DRAFT],
            "can_create": viewer.can("poll.manage"),
        },
    )


@login_required
def new_poll(request: HttpRequest) -> HttpResponse:
    viewer = viewer_for(request.user)
    viewer.require("poll.manage")
    form = PollForm(
        request.POST or None,
        branches=viewer.branches_in_scope("poll.manage"),
        everywhere=viewer.can_everywhere("poll.manage"),
    )
    if request.method == "POST" and form.is_valid():
        try:
            poll = actions.do_create_poll(request.user, **form.poll_options())
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, "The poll is drafted. Check it, then open it.")
            return redirect(poll)
    return render(request, "voting/new.html", {"form": form}, status=400 if form.errors else 200)


def _poll_context(
    request: HttpRequest, poll: Poll, content: dict[str, Any] | None = None
) -> dict[str, Any]:
    viewer = viewer_for(request.user)
    voter = (
        Voter.objects.filter(poll=poll, member=viewer.member).first()
        if viewer.member is not None and poll.state != PollState.DRAFT
        else None
    )
    candidates = list(poll.candidates.all())
    content = content or {}
    ranks = {p: n for n, p in enumerate(content.get("ranking", []), start=1)}
    marked = set(content.get("choices", []))
    return {
        "poll": poll,
        "candidates": candidates,
        "rows": [
            {
                "position": c.position,
                "name": c.name,
                "rank": ranks.get(c.position),
                "marked": c.position in marked,
            }
            for c in candidates
        ],
        "selected": {"vote": content.get("vote")},
        "numbers": range(1, len(candidates) + 1),
        "voter": voter,
        "why_not": why_not(poll, viewer.member) if poll.state != PollState.DRAFT else None,
        "turnout": queries.turnout(poll),
        "can_manage": actions.can_manage(request.user, poll),
        "may_vote": (
            poll.state == PollState.OPEN
            and poll.mode != PollMode.ENTERED
            and voter is not None
            and voter.eligible
            and not voter.voted
        ),
        "receipt": request.session.get(RECEIPT_SESSION.format(poll.pk)),
    }


@login_required
def poll_page(request: HttpRequest, poll_id: int) -> HttpResponse:
    poll = queries.access_poll(request.user, poll_id)
    return render(request, "voting/poll.html", _poll_context(request, poll))


@login_required
@require_POST
def ballot(request: HttpRequest, poll_id: int) -> HttpResponse:
    """The ballot form posts here: first the review, then (confirmed) the cast."""
    poll = queries.access_poll(request.user, poll_id)
    content: dict[str, Any] = {}
    try:
        content = ballot_from_post(poll, request.POST)
        if "change" not in request.POST:
            content = actions.check_content(poll, content)
    except ValidationError as error:
        context = _poll_context(request, poll, content)
        context["error"] = " ".join(error.messages)
        return render(request, "voting/poll.html", context, status=400)
    context = _poll_context(request, poll, content)
    if "change" in request.POST:
        return render(request, "voting/poll.html", context)
    if "confirm" not in request.POST:
        names = [c.name for c in context["candidates"]]
        order = content.get("ranking", content.get("choices", []))
        context.update(
            review=[names[p] for p in order],
            vote=content.get("vote"),
            fields=[
                (k, v)
                for k in request.POST
                if k != "csrfmiddlewaretoken"
                for v in request.POST.getlist(k)
            ],
        )
        return render(request, "voting/review.html", context)
    try:
        code = actions.do_cast_ballot(request.user, poll, content)
    except actions.BallotRefused as refused:
        messages.error(request, refused.message)
        return redirect(poll)
    request.session[RECEIPT_SESSION.format(poll.pk)] = code
    return redirect("voting:voted", poll.pk)


@login_required
def voted(request: HttpRequest, poll_id: int) -> HttpResponse:
    poll = queries.access_poll(request.user, poll_id)
    return render(request, "voting/voted.html", _poll_context(request, poll))


@login_required
def check_receipt(request: HttpRequest) -> HttpResponse:
    """Anyone with a receipt code can see that it belongs to a ballot counted in a poll,
    nothing about its contents."""
    code = request.GET.get("code", "").strip()
    found = None
    if code:
        found = (
            Voter.objects.filter(receipt_hash=receipt_hash(code), voted=True)
            .select_related("poll")
            .first()
        )
    return render(
        request, "voting/receipt.html", {"code": code, "poll": found.poll if found else None}
    )


@login_required
def results_page(request: HttpRequest, poll_id: int) -> HttpResponse:
    poll = queries.access_poll(request.user, poll_id)
    queries.require_results(poll)
    return render(
        request,
        "voting/results.html",
        {
            "poll": poll,
            "result": poll.result or {},
            "turnout": queries.turnout(poll),
            "roll_call": queries.roll_call(poll),
            "candidates": list(poll.candidates.all()),
        },
    )


def _download(text: str, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(text, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def export(request: HttpRequest, poll_id: int, name: str) -> HttpResponse:
    poll = queries.access_poll(request.user, poll_id)
    queries.require_results(poll)
    names = [c.name for c in poll.candidates.all()]
    stem = f"poll-{poll.pk}"
    if name == "results.json":
        return JsonResponse(poll.result or {}, json_dumps_params={"indent": 2})
    if name == "results.csv":
        return _download(results.result_csv(poll), "text/csv", f"{stem}-results.csv")
    if name == "chart.svg" and poll.result_svg:
        return HttpResponse(poll.result_svg, content_type="image/svg+xml")
    if poll.mode != PollMode.ENTERED:
        contents = queries.published_ballots(poll)
        if name == "ballots.csv":
            return _download(
                results.ballots_csv(poll, names, contents), "text/csv", f"{stem}-ballots.csv"
            )
        if name == "ballots.blt" and not poll.is_motion:
            return _download(results.blt_text(poll, names, contents), "text/plain", f"{stem}.blt")
        if name == "results.rctab.json" and not poll.is_motion:
            from rankfile.core.counting.report import to_rctab

            counted = results.count_election(poll, results.ballot_set(poll, names, contents))
            return _download(
                json.dumps(to_rctab(counted, poll.title), indent=2),
                "application/json",
                f"{stem}-rctab.json",
            )
    return HttpResponse("No such export for this poll.", status=404, content_type="text/plain")


@login_required
@require_POST
def manage(request: HttpRequest, poll_id: int, step: str) -> HttpResponse:
    poll = queries.access_managed_poll(request.user, poll_id)
    try:
        if step == "open":
            actions.do_open_poll(request.user, poll)
            messages.success(
                request, "The poll is open. Its electorate is fixed and on the record."
            )
        elif step == "close":
            actions.do_close_poll(request.user, poll)
            messages.success(request, "The poll is closed and its result published.")
        elif step == "counts":
            options = (
                list(results.MOTION_OPTIONS)
                if poll.is_motion
                else [c.name for c in poll.candidates.all()]
            )
            counts = {}
            for index, option in enumerate(options):
                value = request.POST.get(f"count-{index}", "").strip() or "0"
                if not value.isdigit():
                    raise ValidationError(f"The count for {option} is not a whole number.")
                counts[option] = int(value)
            actions.do_enter_counts(request.user, poll, counts)
            messages.success(request, "The tellers' counts are recorded.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(poll)
