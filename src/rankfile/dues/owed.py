"""What a member owes: the months not yet paid up to this one, the amount, and how to pay.

A dues question, not a standing one: the months run from the first month not paid through the
month of the day asked about, whatever the rules allow before standing is lost (the standing
page says that part: "the way back"). Months a granted hardship waiver covers are not owed; a
member whose dues checkoff runs owes nothing themselves (the employer or bank pays). The amount
comes from the member's dues plans in force in each month owed.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q

from rankfile.core.dates import month_from_index, month_index, month_label
from rankfile.dues.models import CheckoffAuthorization, MemberPlan, Payment, Waiver, WaiverStatus
from rankfile.dues.periods import expected_amount, month_end
from rankfile.members.models import Member, Organization


@dataclass(frozen=True)
class Owed:
    """Dues to pay, from the first unpaid month through the month asked about."""

    first_month: str  # YYYY-MM
    last_month: str  # YYYY-MM
    months: int  # months owed (those a waiver covers are left out)
    waived: int  # months in the span a granted waiver covers
    amount: Decimal | None  # None: a month owed has no dues plan on record
    currency: str
    plans: tuple[str, ...]  # the plans' names, in the order they apply

    @property
    def period(self) -> str:
        """``2026-05 to 2026-11`` (or the one month)."""
        if self.first_month == self.last_month:
            return self.first_month
        return f"{self.first_month} to {self.last_month}"


def paid_through_on(member: Member, as_of: datetime.date) -> datetime.date | None:
    """The end of the latest period the member's effective payments received by ``as_of``
    cover (None: nothing paid)."""
    return (
        Payment.objects.filter(member=member, received_on__lte=as_of)
        .effective()
        .order_by("-covers_through")
        .values_list("covers_through", flat=True)
        .first()
    )


def dues_owed(
    member: Member, as_of: datetime.date, paid_through: datetime.date | None
) -> Owed | None:
    """Dues for the months from the first not paid through the month of ``as_of``. None when
    nothing is owed: paid up, on a running checkoff, every month waived, or no join date."""
    start = paid_through + datetime.timedelta(days=1) if paid_through else member.joined_on
    if start is None:
        return None
    first, last = month_index(start), month_index(as_of)
    if last < first:
        return None
    checkoff_runs = CheckoffAuthorization.objects.filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=as_of), member=member, started_on__lte=as_of
    ).exists()
    if checkoff_runs:
        return None
    waivers = list(
        Waiver.objects.filter(member=member, status=WaiverStatus.GRANTED).values_list(
            "starts_on", "ends_on"
        )
    )
    plans = list(
        MemberPlan.objects.filter(member=member)
        .select_related("plan", "bracket")
        .order_by("starts_on")
    )
    total: Decimal | None = Decimal("0.00")
    currency, names, owed, waived = "", [], 0, 0
    for index in range(first, last + 1):
        year, month = month_from_index(index)
        begins, ends = datetime.date(year, month, 1), month_end(year, month)
        if any(starts <= ends and until >= begins for starts, until in waivers):
            waived += 1
            continue
        owed += 1
        plan = next((p for p in reversed(plans) if p.starts_on <= ends), None)
        if plan is None:
            total = None
            continue
        each = plan.bracket.amount if plan.bracket is not None else plan.plan.amount
        due = expected_amount(plan.plan.kind, plan.plan.period, each, begins, ends)
        if total is not None and due is not None:
            total += due
        currency = currency or plan.plan.currency
        if plan.plan.name not in names:
            names.append(plan.plan.name)
    if not owed or total == 0:  # a zero or lifetime plan asks nothing for the months
        return None
    year, month = month_from_index(first)
    return Owed(
        first_month=month_label(datetime.date(year, month, 1)),
        last_month=month_label(as_of),
        months=owed,
        waived=waived,
        amount=total,
        currency=currency,
        plans=tuple(names),
    )


@dataclass(frozen=True)
class HowToPay:
    """The organization's instructions for paying dues, as the treasurer's office set them."""

    instructions: str
    url: str

    def __bool__(self) -> bool:
        return bool(self.instructions or self.url)


def how_to_pay() -> HowToPay:
    organization = Organization.current()
    return HowToPay(organization.dues_instructions, organization.dues_payment_url)
