"""Standing pages: my standing, a member's standing, a branch's list, the rules, snapshots,
arrears notices and the equal-treatment report."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from rankfile.core.rules import describe_rules, diff_rules
from rankfile.dues.owed import dues_owed, how_to_pay
from rankfile.members.access import (
    access_branch,
    access_member,
    access_standing,
    can_create_snapshots,
    can_enforce_on,
    can_see_enforcement,
    require_everywhere,
    sees_full_equal_treatment_report,
    snapshot_named_scope,
    viewer_for,
    visible_snapshot_filter,
)
from rankfile.members.actors import name_actors
from rankfile.members.models import Member
from rankfile.standing import enforcement, notices
from rankfile.standing.bulk import evaluate
from rankfile.standing.facts import determine_member
from rankfile.standing.forms import AsOfForm, EnforcementForm, PeriodForm, SnapshotForm
from rankfile.standing.models import RuleSetVersion, Snapshot
from rankfile.standing.rulesets import NoRulesInForce, find_version, previous_version, rules_of
from rankfile.standing.snapshots import counts_by_branch, do_create_snapshot, do_publish_snapshot

PAGE_SIZE = 100

RECORDED_METADATA = {"rule_set.version", "rule_set.effective_on", "rule_set.decision"}


def _as_of(request: HttpRequest) -> tuple[AsOfForm, datetime.date]:
    form = AsOfForm(request.GET or None)
    if form.is_valid() and form.cleaned_data["as_of"]:
        return form, form.cleaned_data["as_of"]
    return form, timezone.localdate()


def _standing_context(request: HttpRequest, member: Member) -> dict[str, Any]:
    viewer = viewer_for(request.user)
    form, as_of = _as_of(request)
    context: dict[str, Any] = {"member": member, "form": form, "as_of": as_of}
    try:
        version = find_version(as_of, request.GET.get("rules") or None)
    except NoRulesInForce as error:
        context["no_rules"] = str(error)
    else:
        context["version"] = version
        result = context["result"] = determine_member(member, as_of, version=version)
        context["owed"] = dues_owed(member, as_of, result.paid_through)
        context["how_to_pay"] = how_to_pay()
    if can_see_enforcement(request.user, member):
        context["actions"] = enforcement.visible_enforcement(request.user, member)
    context["is_self"] = viewer.is_self(member)
    if can_enforce_on(request.user, member):
        context["enforcement_form"] = EnforcementForm()
    return context


@login_required
def my_standing(request: HttpRequest) -> HttpResponse:
    viewer = viewer_for(request.user)
    if viewer.member is None:
        raise Http404("This account is not a member's.")
    return render(request, "standing/member.html", _standing_context(request, viewer.member))


@login_required
def member_standing(request: HttpRequest, member_id: int) -> HttpResponse:
    member = access_standing(request.user, member_id)
    return render(request, "standing/member.html", _standing_context(request, member))


@login_required
@require_POST
def record_enforcement(request: HttpRequest, member_id: int) -> HttpResponse:
    member = access_member(request.user, member_id, "standing.enforce")
    form = EnforcementForm(request.POST)
    if form.is_valid():
        try:
            enforcement.do_record_enforcement(request.user, member, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, "Recorded. The member and the appeals body can see it.")
            return redirect("standing_member", member_id=member.pk)
    context = _standing_context(request, member)
    context["enforcement_form"] = form
    return render(request, "standing/member.html", context, status=400)


@login_required
def branch_standing(request: HttpRequest, slug: str) -> HttpResponse:
    branch = access_branch(request.user, slug)
    viewer_for(request.user).require("standing.view", branch.pk)
    form, as_of = _as_of(request)
    context: dict[str, Any] = {"branch": branch, "form": form, "as_of": as_of}
    try:
        version = find_version(as_of, request.GET.get("rules") or None)
    except NoRulesInForce as error:
        context["no_rules"] = str(error)
        return render(request, "standing/branch.html", context)
    rows = list(evaluate(rules_of(version), as_of, branch_ids=branch.subtree_ids()))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    names = {
        m.pk: m
        for m in Member.objects.filter(pk__in=[r.member_id for r in page.object_list]).only(
            "first_name", "last_name", "member_number"
        )
    }
    context.update(
        version=version,
        rows=[(r, names.get(r.member_id)) for r in page.object_list],
        page=page,
        query=_query_without_page(request),
        total=len(rows),
        good=sum(1 for r in rows if r.in_good_standing),
    )
    return render(request, "standing/branch.html", context)


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@login_required
def rules_page(request: HttpRequest) -> HttpResponse:
    viewer_for(request.user)
    versions = list(RuleSetVersion.objects.order_by("-effective_on", "-pk"))
    today = timezone.localdate()
    try:
        in_force: RuleSetVersion | None = find_version(today)
    except NoRulesInForce:
        in_force = None
    shown = in_force or (versions[0] if versions else None)
    if request.GET.get("version", "").isdigit():
        shown = get_object_or_404(RuleSetVersion, pk=int(request.GET["version"]))
    context: dict[str, Any] = {
        "versions": versions,
        "in_force": in_force,
        "shown": shown,
        "can_adopt": viewer_for(request.user).can_everywhere("office.manage"),
    }
    if shown is not None:
        rules = rules_of(shown)
        # The version, date and decision adopted are shown from the record, not the file.
        context["parameters"] = [p for p in describe_rules(rules) if p[0] not in RECORDED_METADATA]
        previous = previous_version(shown)
        context["previous"] = previous
        if previous is not None:
            context["changes"] = [c.sentence for c in diff_rules(rules_of(previous), rules)]
    return render(request, "standing/rules.html", context)


@login_required
def snapshots(request: HttpRequest) -> HttpResponse:
    can_create = can_create_snapshots(request.user)
    form = SnapshotForm(request.POST or None)
    if request.method == "POST":
        require_everywhere(request.user, "standing.enforce")
        if form.is_valid():
            try:
                snapshot = do_create_snapshot(
                    request.user, form.cleaned_data["as_of"], form.cleaned_data["label"]
                )
            except NoRulesInForce as error:
                form.add_error("as_of", str(error))
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                return redirect("standing_snapshot", snapshot_id=snapshot.pk)
    listed = Snapshot.objects.select_related("rule_version").filter(
        visible_snapshot_filter(request.user)
    )
    return render(
        request,
        "standing/snapshots.html",
        {"snapshots": listed, "form": form if can_create else None},
        status=400 if form.errors else 200,
    )


@login_required
def snapshot_page(request: HttpRequest, snapshot_id: int) -> HttpResponse:
    snapshot = get_object_or_404(
        Snapshot.objects.select_related("rule_version").filter(
            visible_snapshot_filter(request.user)
        ),
        pk=snapshot_id,
    )
    scope = snapshot_named_scope(request.user)
    counts = counts_by_branch(snapshot)
    named = [c for c in counts if c["branch_id"] in scope]
    entries = (
        snapshot.entries.filter(branch_id__in=[c["branch_id"] for c in named])
        .select_related("member", "branch")
        .order_by("branch__name", "member_number")
    )
    page = Paginator(entries if named else [], PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "standing/snapshot.html",
        {
            "snapshot": snapshot,
            "counts": counts,
            "entries": page.object_list,
            "page": page,
            "query": _query_without_page(request),
            "can_publish": can_create_snapshots(request.user) and snapshot.published_at is None,
        },
    )


@login_required
@require_POST
def publish_snapshot(request: HttpRequest, snapshot_id: int) -> HttpResponse:
    snapshot = get_object_or_404(Snapshot, pk=snapshot_id)
    try:
        do_publish_snapshot(request.user, snapshot)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Published: every member can now see the counts per branch.")
    return redirect("standing_snapshot", snapshot_id=snapshot.pk)


@login_required
def arrears_notices(request: HttpRequest) -> HttpResponse:
    require_everywhere(request.user, "standing.enforce")
    today = timezone.localdate()
    context: dict[str, Any] = {"as_of": today}
    try:
        if request.method == "POST":
            batch = notices.do_send_arrears_notices(request.user, today)
            messages.success(
                request,
                f"Sent {len(batch.sent)} notices to every member the rules match; "
                f"{len(batch.without_email)} have no email address.",
            )
            return redirect("standing_notices")
        matched = notices.members_to_notify(today)
    except NoRulesInForce as error:
        context["no_rules"] = str(error)
        return render(request, "standing/notices.html", context)
    context["lost"] = sum(1 for n in matched if n.lost)
    context["losing"] = sum(1 for n in matched if not n.lost)
    return render(request, "standing/notices.html", context)


@login_required
def equal_treatment(request: HttpRequest) -> HttpResponse:
    full = sees_full_equal_treatment_report(request.user)
    form = PeriodForm(request.GET or None)
    end = timezone.localdate()
    start = end - datetime.timedelta(days=365)
    if form.is_valid():
        start = form.cleaned_data["start"] or start
        end = form.cleaned_data["end"] or end
    reports = enforcement.equal_treatment(start, end)
    name_actors([a for report in reports for a in report.actions], on=lambda action: action.on)
    return render(
        request,
        "standing/equal_treatment.html",
        {"form": form, "start": start, "end": end, "reports": reports, "full": full},
    )
