"""Dues plans, payments and remittance exceptions; checkoff and waivers have their own
modules (checkoff.py, waivers.py) written the same way.

Each runs in one transaction, checks the actor's permission (actor None is the administrator
at the command line, recorded as "system"), validates its input with errors that name the
field, and appends its audit event.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from rankfile.audit.actions import append_event
from rankfile.dues.models import (
    DuesBracket,
    DuesPlan,
    ExceptionStatus,
    ImportBatch,
    MemberPlan,
    Method,
    Payment,
    Period,
    PlanKind,
    RemittanceException,
    Resolution,
    default_currency,
)
from rankfile.dues.periods import parse_amount
from rankfile.members.access import require, require_everywhere, require_officer_on_another
from rankfile.members.models import Member, Organization


def _amount(value: Decimal | str | int, field: str) -> Decimal:
    try:
        return parse_amount(str(value))
    except ValueError as error:
        raise ValidationError({field: str(error)}) from None


def _currency(value: str | None) -> str:
    currency = (value or default_currency()).strip().upper()
    if len(currency) != 3 or not currency.isalpha():
        raise ValidationError({"currency": f"{value!r} is not a three-letter currency code."})
    return currency


def _not_future(on: datetime.date, field: str) -> None:
    if on > timezone.localdate():
        raise ValidationError({field: "This date is in the future."})


def _period(covers_from: datetime.date, covers_through: datetime.date) -> None:
    if covers_through < covers_from:
        raise ValidationError(
            {
                "covers_through": f"The period ends ({covers_through}) before it starts ({covers_from})."
            }
        )


# --- plans -------------------------------------------------------------------------------


@transaction.atomic
def do_create_plan(
    actor: Any,
    *,
    name: str,
    slug: str,
    kind: str,
    period: str = "month",
    amount: Decimal | str | int = 0,
    currency: str | None = None,
    brackets: Iterable[
        tuple[Decimal | str | int, Decimal | str | int | None, Decimal | str | int]
    ] = (),
    description: str = "",
) -> DuesPlan:
    """A dues plan. ``brackets`` (sliding scale only) are (income from, income below or None,
    amount per period), and may not overlap."""
    require_everywhere(actor, "dues.record")
    if kind not in PlanKind.values:
        raise ValidationError({"kind": f"Unknown kind of plan {kind!r}."})
    if period not in Period.values:
        raise ValidationError({"period": f"Unknown period {period!r}: month or year."})
    value = _amount(amount, "amount")
    if kind == PlanKind.ZERO and value:
        raise ValidationError({"amount": "A zero plan has no amount."})
    bands = sorted(
        (
            _amount(low, "brackets"),
            None if high is None else _amount(high, "brackets"),
            _amount(each, "brackets"),
        )
        for low, high, each in brackets
    )
    if kind == PlanKind.SLIDING and not bands:
        raise ValidationError({"brackets": "A sliding scale needs at least one income bracket."})
    if kind != PlanKind.SLIDING and bands:
        raise ValidationError({"brackets": "Only a sliding-scale plan has brackets."})
    for (low, high, _), (next_low, _, _) in zip(bands, bands[1:], strict=False):
        if high is None or high > next_low:
            raise ValidationError({"brackets": f"The brackets from {low} and {next_low} overlap."})
    plan = DuesPlan(
        name=name,
        slug=slug,
        kind=kind,
        period=period,
        amount=value,
        currency=_currency(currency),
        description=description,
    )
    plan.full_clean()
    plan.save()
    for low, high, each in bands:
        bracket = DuesBracket(plan=plan, income_from=low, income_below=high, amount=each)
        bracket.full_clean()
        bracket.save()
    append_event(
        actor=actor,
        action="dues.plan.create",
        target=plan,
        payload={
            "slug": slug,
            "kind": kind,
            "period": period,
            "amount": str(value),
            "currency": plan.currency,
            "brackets": [[str(lo), None if hi is None else str(hi), str(a)] for lo, hi, a in bands],
        },
    )
    return plan


@transaction.atomic
def do_set_plan(
    actor: Any,
    member: Member,
    *,
    plan: DuesPlan,
    starts_on: datetime.date,
    bracket: DuesBracket | None = None,
    reason: str = "",
) -> MemberPlan:
    """Put a member on a plan from a date; the earlier plans stay in the history."""
    require_officer_on_another(actor, member, "dues.record")
    if plan.kind == PlanKind.SLIDING and bracket is None:
        raise ValidationError({"bracket": "Choose the member's income bracket."})
    if bracket is not None and bracket.plan_id != plan.pk:
        raise ValidationError({"bracket": "That bracket belongs to another plan."})
    if MemberPlan.objects.filter(member=member, starts_on=starts_on).exists():
        raise ValidationError(
            {"starts_on": f"The member already has a plan starting on {starts_on}."}
        )
    member_plan = MemberPlan.objects.create(
        member=member, plan=plan, bracket=bracket, starts_on=starts_on, recorded_by=actor
    )
    # The bracket stays out of the log: it tells the member's income.
    append_event(
        actor=actor,
        action="dues.plan.set",
        target=member_plan,
        member=member,
        branch=member.branch,
        reason=reason,
        payload={"plan": plan.slug, "starts_on": starts_on.isoformat()},
    )
    return member_plan


@transaction.atomic
def do_set_payment_instructions(actor: Any, *, instructions: str, url: str) -> Organization:
    """Say how members pay dues (shown with what they owe); the treasurer's office over the
    whole organization."""
    require_everywhere(actor, "dues.record")
    organization = Organization.current()
    if organization.pk is None:
        raise ValidationError("Configure the organization first.")
    organization.dues_instructions = instructions.strip()
    organization.dues_payment_url = url.strip()
    organization.full_clean()
    organization.save(update_fields=["dues_instructions", "dues_payment_url"])
    append_event(
        actor=actor,
        action="dues.instructions.set",
        target=organization,
        payload={
            "instructions": organization.dues_instructions,
            "url": organization.dues_payment_url,
        },
    )
    return organization


def plan_on(member: Member, on: datetime.date) -> MemberPlan | None:
    """The member's plan in force on a date (the latest one started by then)."""
    return (
        MemberPlan.objects.filter(member=member, starts_on__lte=on)
        .select_related("plan", "bracket")
        .order_by("-starts_on")
        .first()
    )


# --- payments ----------------------------------------------------------------------------


def _overlap_error(
    member: Member, covers_from: datetime.date, covers_through: datetime.date
) -> None:
    entries = list(
        Payment.objects.filter(member=member)
        .overlapping(covers_from, covers_through)
        .order_by("covers_from", "pk")
    )
    reversed_ids = {entry.reverses_id for entry in entries if entry.reverses_id is not None}
    clash = next((e for e in entries if e.reverses_id is None and e.pk not in reversed_ids), None)
    if clash is not None:
        raise ValidationError(
            {
                "covers_from": f"The member has already paid for {clash.covers_from} to "
                f"{clash.covers_through} (payment {clash.pk}); reverse that payment to correct it."
            }
        )


@transaction.atomic
def do_record_payment(
    actor: Any,
    member: Member,
    *,
    covers_from: datetime.date,
    covers_through: datetime.date,
    amount: Decimal | str | int,
    method: str,
    currency: str | None = None,
    received_on: datetime.date | None = None,
    reference: str = "",
    batch: ImportBatch | None = None,
) -> Payment:
    """Record dues paid for a period. A period that overlaps one the member has already paid
    (and not reversed) is refused: a correction reverses the old payment first."""
    require_officer_on_another(actor, member, "dues.record")
    value = _amount(amount, "amount")
    _period(covers_from, covers_through)
    if method not in Method.values:
        raise ValidationError({"method": f"Unknown method {method!r}."})
    received_on = received_on or timezone.localdate()
    _not_future(received_on, "received_on")
    # Lock the member so two treasurers cannot pay the same month at the same moment.
    member = Member.objects.select_for_update().select_related("branch").get(pk=member.pk)
    _overlap_error(member, covers_from, covers_through)
    payment = Payment(
        member=member,
        covers_from=covers_from,
        covers_through=covers_through,
        amount=value,
        currency=_currency(currency),
        method=method,
        received_on=received_on,
        reference=reference.strip(),
        batch=batch,
        recorded_by=actor,
    )
    payment.full_clean()
    payment.save()
    append_event(
        actor=actor,
        action="dues.payment.record",
        target=payment,
        member=member,
        branch=member.branch,
        payload={
            "covers_from": covers_from.isoformat(),
            "covers_through": covers_through.isoformat(),
            "amount": str(value),
            "currency": payment.currency,
            "method": method,
        },
    )
    return payment


@transaction.atomic
def do_reverse_payment(actor: Any, payment: Payment, *, reason: str) -> Payment:
    """Correct a payment by a reversing entry of the opposite amount; the original stays."""
    require(actor, "dues.record", payment.member.branch_id)
    if not reason.strip():
        raise ValidationError({"reason": "Say why the payment is reversed."})
    payment = (
        Payment.objects.select_for_update().select_related("member__branch").get(pk=payment.pk)
    )
    if payment.reverses_id is not None:
        raise ValidationError({"payment": "This entry is itself a reversal."})
    if Payment.objects.filter(reverses=payment).exists():
        raise ValidationError({"payment": "This payment has already been reversed."})
    reversal = Payment.objects.create(
        member=payment.member,
        covers_from=payment.covers_from,
        covers_through=payment.covers_through,
        amount=-payment.amount,
        currency=payment.currency,
        method=payment.method,
        reference=f"reversal of payment {payment.pk}",
        reverses=payment,
        recorded_by=actor,
    )
    append_event(
        actor=actor,
        action="dues.payment.reverse",
        target=reversal,
        member=payment.member,
        branch=payment.member.branch,
        reason=reason.strip(),
        payload={"reverses": payment.pk, "amount": str(reversal.amount)},
    )
    return reversal


# --- remittance exceptions ---------------------------------------------------------------


@transaction.atomic
def do_resolve_exception(
    actor: Any,
    exception: RemittanceException,
    *,
    record: bool,
    note: str = "",
    member: Member | None = None,
) -> RemittanceException:
    """Close an exception from a remittance file: record the row as a payment (for the
    member it names, or the one the treasurer identifies) or dismiss it with a note."""
    require_everywhere(actor, "dues.record")
    exception = RemittanceException.objects.select_for_update().get(pk=exception.pk)
    if exception.status != ExceptionStatus.OPEN:
        raise ValidationError({"status": "This exception is already resolved."})
    if not record and not note.strip():
        raise ValidationError({"resolution_note": "Say why the row is dismissed."})
    payment = None
    if record:
        member = member or exception.member
        if member is None:
            raise ValidationError({"member": "Choose the member the payment is for."})
        payment = do_record_payment(
            actor,
            member,
            covers_from=exception.covers_from,
            covers_through=exception.covers_through,
            amount=exception.amount,
            currency=exception.currency,
            method=Method.REMITTANCE,
            reference=f"import {exception.batch_id} line {exception.line}",
            batch=exception.batch,
        )
        exception.member = member
    exception.status = ExceptionStatus.RESOLVED
    exception.resolution = Resolution.RECORDED if record else Resolution.DISMISSED
    exception.resolution_note = note.strip()
    exception.resolved_by = actor
    exception.resolved_at = timezone.now()
    exception.payment = payment
    exception.save()
    append_event(
        actor=actor,
        action="dues.exception.resolve",
        target=exception,
        member=exception.member,
        branch=exception.member.branch if exception.member else None,
        reason=note.strip(),
        payload={
            "batch": exception.batch_id,
            "line": exception.line,
            "kind": exception.kind,
            "resolution": exception.resolution,
        },
    )
    return exception
