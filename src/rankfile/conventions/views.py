"""Convention pages: the list, one convention, and its apportionment table (with chart, CSV)."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from rankfile.conventions import actions
from rankfile.conventions import formula as delegate_formula
from rankfile.conventions.chart import ChartRow, bar_chart
from rankfile.conventions.forms import ComputeForm, ConventionForm, PublishForm
from rankfile.conventions.models import ApportionmentTable, Convention, DelegateElection
from rankfile.core.spreadsheet import csv_record
from rankfile.members.access import can_manage_conventions, require_everywhere, viewer_for
from rankfile.standing.models import Snapshot
from rankfile.web.forms import show_errors


def access_convention(user: Any, slug: str) -> Convention:
    viewer_for(user)  # must be logged in
    try:
        return Convention.objects.get(slug=slug)
    except Convention.DoesNotExist:
        raise Http404("No such convention.") from None


def shown_table(user: Any, convention: Convention) -> ApportionmentTable | None:
    """The table a person sees: the latest published one; managers also see a newer draft."""
    return actions.latest_table(convention, published=not can_manage_conventions(user))


def table_context(table: ApportionmentTable) -> dict[str, Any]:
    rows = list(table.rows.select_related("branch"))
    result = table.result
    previous = (
        ApportionmentTable.objects.filter(
            convention=table.convention, number__lt=table.number, published_at__isnull=False
        )
        .order_by("-number")
        .first()
    )
    return {
        "table": table,
        "rows": rows,
        "formula_text": delegate_formula.describe(table.formula),
        "alternates_text": delegate_formula.describe_alternates(table.alternates_rule),
        "description": result["description"],
        "warnings": result["warnings"],
        "ties": result["ties"],
        "totals": actions.table_totals(rows),
        "chart": bar_chart(
            [
                ChartRow(row.branch.name, row.members_in_good_standing, row.delegates)
                for row in rows
            ],
            chart_id=f"chart-{table.number}",
            title=f"Members in good standing and delegates per branch, {table.convention.name}",
        ),
        "previous": previous,
        "changes": actions.changes_between(previous, table),
    }


@login_required
def conventions(request: HttpRequest) -> HttpResponse:
    viewer_for(request.user)
    published = set(
        ApportionmentTable.objects.filter(published_at__isnull=False).values_list(
            "convention_id", flat=True
        )
    )
    return render(
        request,
        "conventions/list.html",
        {
            "conventions": Convention.objects.all(),
            "published": published,
            "can_manage": can_manage_conventions(request.user),
        },
    )


@login_required
def convention_form(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    convention = access_convention(request.user, slug) if slug else None
    if not can_manage_conventions(request.user):
        raise PermissionDenied("Only the credentials committee or an administrator may do this.")
    initial = (
        ConventionForm.initial_for(convention)
        if convention
        else {
            "kind": "ratio",
            "per": 75,
            "rounding": "nearest",
            "at_least": 1,
            "method": "hamilton",
            "minimum": 1,
            "tie_break": "lot",
            "alternates_per": 10,
            "alternates_rounding": "up",
            "alternates_at_least": 1,
        }
    )
    form = ConventionForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                if convention is None:
                    convention = actions.do_create_convention(
                        request.user, **form.convention_fields()
                    )
                    messages.success(request, "Convention created.")
                else:
                    convention = actions.do_update_convention(
                        request.user,
                        convention,
                        seen=form.seen_values(),
                        **form.convention_fields(),
                    )
                    messages.success(request, "Convention changed.")
            except ValidationError as error:
                show_errors(form, error)
            else:
                return redirect("convention", convention.slug)
        status = 400
    return render(
        request,
        "conventions/form.html",
        {"form": form, "convention": convention},
        status=status,
    )


@login_required
def convention_page(request: HttpRequest, slug: str) -> HttpResponse:
    convention = access_convention(request.user, slug)
    published = actions.latest_table(convention, published=True)
    return render(
        request,
        "conventions/convention.html",
        {
            "convention": convention,
            "formula_text": delegate_formula.describe(convention.formula),
            "alternates_text": delegate_formula.describe_alternates(
                {
                    "per": convention.alternates_per,
                    "rounding": convention.alternates_rounding,
                    "at_least": convention.alternates_at_least,
                }
            ),
            "published": published,
            "elections": DelegateElection.objects.filter(convention=convention).select_related(
                "branch"
            )
            if published
            else [],
            "can_manage": can_manage_conventions(request.user),
        },
    )


@login_required
def apportionment(request: HttpRequest, slug: str) -> HttpResponse:
    return _apportionment_page(request, slug)


def _apportionment_page(
    request: HttpRequest,
    slug: str,
    *,
    compute_form: ComputeForm | None = None,
    publish_form: PublishForm | None = None,
    status: int = 200,
) -> HttpResponse:
    convention = access_convention(request.user, slug)
    can_manage = can_manage_conventions(request.user)
    table = shown_table(request.user, convention)
    context: dict[str, Any] = {
        "convention": convention,
        "can_manage": can_manage,
        "history": ApportionmentTable.objects.filter(
            convention=convention, published_at__isnull=False
        ).order_by("-number"),
    }
    if table is not None:
        context.update(table_context(table))
    me = viewer_for(request.user).member
    context["my_branch_id"] = me.branch_id if me is not None else None
    if can_manage:
        context["compute_form"] = compute_form or ComputeForm(
            initial={
                "snapshot": Snapshot.objects.filter(as_of=convention.cutoff_on)
                .order_by("-pk")
                .first()
            }
        )
        context["publish_form"] = publish_form or PublishForm()
        context["current_formula_text"] = delegate_formula.describe(convention.formula)
        context["published_exists"] = context["history"].exists()
    return render(request, "conventions/apportionment.html", context, status=status)


@login_required
@require_POST
def compute(request: HttpRequest, slug: str) -> HttpResponse:
    convention = access_convention(request.user, slug)
    require_everywhere(request.user, "convention.manage")
    form = ComputeForm(request.POST)
    if form.is_valid():
        try:
            table = actions.do_compute_apportionment(
                request.user,
                convention,
                form.cleaned_data["snapshot"],
                reason=form.cleaned_data["reason"],
                cutoff_note=form.cleaned_data["cutoff_note"],
            )
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(
                request, f"Apportionment no. {table.number} computed. Check it, then publish it."
            )
            return redirect("convention_apportionment", convention.slug)
    return _apportionment_page(request, slug, compute_form=form, status=400)


@login_required
@require_POST
def publish(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    convention = access_convention(request.user, slug)
    require_everywhere(request.user, "convention.manage")
    table = get_object_or_404(ApportionmentTable, convention=convention, number=number)
    form = PublishForm(request.POST)
    if form.is_valid():
        try:
            actions.do_publish_apportionment(
                request.user, table, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(
                request, f"Apportionment no. {table.number} published to every member."
            )
            return redirect("convention_apportionment", convention.slug)
    return _apportionment_page(request, slug, publish_form=form, status=400)


@login_required
def apportionment_csv(request: HttpRequest, slug: str) -> HttpResponse:
    convention = access_convention(request.user, slug)
    table = shown_table(request.user, convention)
    if table is None:
        raise Http404("The apportionment is not published yet.")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{convention.slug}-apportionment-{table.number}.csv"'
    )
    response.write(
        csv_record(
            ["name", "members_in_good_standing", "quota", "delegates", "alternates"],
            terminator="\n",
        )
    )
    for row in table.rows.select_related("branch"):
        response.write(
            csv_record(
                [
                    row.branch.name,
                    row.members_in_good_standing,
                    row.quota_decimal,
                    row.delegates,
                    row.alternates,
                ],
                terminator="\n",
            )
        )
    return response


@login_required
def apportionment_json(request: HttpRequest, slug: str) -> HttpResponse:
    """The core's result exactly as computed (exact quotas), with what it was computed from."""
    convention = access_convention(request.user, slug)
    table = shown_table(request.user, convention)
    if table is None:
        raise Http404("The apportionment is not published yet.")
    snapshot = table.snapshot
    data = {
        "convention": convention.slug,
        "number": table.number,
        "published_at": table.published_at.isoformat() if table.published_at else None,
        "snapshot": {
            "label": snapshot.label,
            "as_of": snapshot.as_of.isoformat(),
            "content_hash": snapshot.content_hash,
        },
        "formula": table.formula,
        "alternates_rule": table.alternates_rule,
        "alternates": {
            row.branch.name: row.alternates for row in table.rows.select_related("branch")
        },
        "uncounted": table.uncounted,
        "result": table.result,
    }
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False) + "\n",
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{convention.slug}-apportionment-{table.number}.json"'
    )
    return response
