"""Dues: plans, the plan each member is on, payments that cover periods, checkoff
authorizations, hardship waivers, and what imported remittance files left to resolve.

These are the dated facts good standing is computed from (see docs/dues.md); nothing here
stores a standing. Payments are never edited: a correction is a reversing payment.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from rankfile.members.models import Member

AMOUNT = {"max_digits": 12, "decimal_places": 2}


def default_currency() -> str:
    return str(getattr(settings, "DUES_CURRENCY", "USD"))


class PlanKind(models.TextChoices):
    FLAT = "flat", "Flat amount"
    SLIDING = "sliding", "Sliding scale by income"
    LIFETIME = "lifetime", "Lifetime (paid once)"
    ZERO = "zero", "No dues"


class Period(models.TextChoices):
    MONTH = "month", "Monthly"
    YEAR = "year", "Yearly"


class DuesPlan(models.Model):
    """A way of paying dues. ``amount`` is per period for a flat plan, the one payment for a
    lifetime plan, zero for a zero plan; a sliding-scale plan takes its amounts from its
    brackets."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    kind = models.CharField(max_length=10, choices=PlanKind.choices)
    period = models.CharField(max_length=5, choices=Period.choices, default=Period.MONTH)
    amount = models.DecimalField(**AMOUNT, default=Decimal("0"))
    currency = models.CharField(max_length=3, default=default_currency)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="dues_plan_amount_not_negative"
            ),
            models.CheckConstraint(
                condition=~Q(kind="zero") | Q(amount=0), name="dues_plan_zero_is_zero"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class DuesBracket(models.Model):
    """One income band of a sliding-scale plan: yearly income from ``income_from`` up to
    (not including) ``income_below`` (open-ended when empty) pays ``amount`` per period."""

    plan = models.ForeignKey(DuesPlan, on_delete=models.CASCADE, related_name="brackets")
    income_from = models.DecimalField(**AMOUNT, default=Decimal("0"))
    income_below = models.DecimalField(**AMOUNT, null=True, blank=True)
    amount = models.DecimalField(**AMOUNT)

    class Meta:
        ordering = ["plan", "income_from"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "income_from"], name="dues_bracket_unique"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="dues_bracket_amount"),
            models.CheckConstraint(
                condition=Q(income_below__isnull=True) | Q(income_below__gt=F("income_from")),
                name="dues_bracket_band_not_empty",
            ),
        ]

    def __str__(self) -> str:
        upper = f"below {self.income_below}" if self.income_below is not None else "and over"
        return f"income {self.income_from} {upper}: {self.amount}"


class MemberPlan(models.Model):
    """From ``starts_on`` the member is on ``plan`` (and, for a sliding scale, ``bracket``),
    until the member's next MemberPlan starts. The history is kept: rows are only added."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="dues_plans")
    plan = models.ForeignKey(DuesPlan, on_delete=models.PROTECT, related_name="+")
    bracket = models.ForeignKey(
        DuesBracket, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    starts_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["member", "starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["member", "starts_on"], name="dues_member_plan_once")
        ]

    def __str__(self) -> str:
        return f"{self.plan} from {self.starts_on}"


class Method(models.TextChoices):
    CHECKOFF = "checkoff", "Checkoff"
    CARD = "card", "Card"
    BANK = "bank", "Bank transfer"
    CASH = "cash", "Cash"
    REMITTANCE = "remittance", "Employer remittance"


class PaymentQuerySet(models.QuerySet["Payment"]):
    def effective(self) -> PaymentQuerySet:
        """Payments that count: not a reversal and not reversed."""
        return self.filter(reverses__isnull=True, reversal__isnull=True)

    def overlapping(
        self, covers_from: datetime.date, covers_through: datetime.date
    ) -> PaymentQuerySet:
        return self.filter(covers_from__lte=covers_through, covers_through__gte=covers_from)


class Payment(models.Model):
    """Dues paid for the days ``covers_from`` to ``covers_through`` (both included).

    A correction is a second payment that ``reverses`` this one, with the opposite amount;
    rows are never changed once written."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="payments")
    covers_from = models.DateField()
    covers_through = models.DateField()
    amount = models.DecimalField(**AMOUNT)
    currency = models.CharField(max_length=3, default=default_currency)
    method = models.CharField(max_length=12, choices=Method.choices)
    received_on = models.DateField(default=timezone.localdate)
    reference = models.CharField(max_length=200, blank=True)
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversal"
    )
    batch = models.ForeignKey(
        "ImportBatch", null=True, blank=True, on_delete=models.PROTECT, related_name="payments"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = PaymentQuerySet.as_manager()

    class Meta:
        ordering = ["member", "covers_from", "pk"]
        indexes = [
            # Set-based standing: the latest period paid per member as of a date.
            models.Index(fields=["member", "covers_through"], name="dues_payment_member_thru"),
            models.Index(fields=["covers_through", "member"], name="dues_payment_thru_member"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(covers_through__gte=F("covers_from")),
                name="dues_payment_period_in_order",
            ),
            # An original payment is never negative; a reversal never positive.
            models.CheckConstraint(
                condition=Q(reverses__isnull=True, amount__gte=0)
                | Q(reverses__isnull=False, amount__lte=0),
                name="dues_payment_amount_sign",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency} for {self.covers_from}–{self.covers_through}"


class CheckoffKind(models.TextChoices):
    PAYROLL = "payroll", "Payroll deduction"
    BANK = "bank", "Bank mandate"
    CARD = "card", "Card mandate"


class CheckoffQuerySet(models.QuerySet["CheckoffAuthorization"]):
    def running_on(self, on: datetime.date) -> CheckoffQuerySet:
        return self.filter(started_on__lte=on).filter(
            Q(ended_on__isnull=True) | Q(ended_on__gte=on)
        )


class CheckoffAuthorization(models.Model):
    """A standing authorization to deduct dues: while it runs the member counts as paid,
    even when the employer's remittance is late."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="checkoffs")
    kind = models.CharField(max_length=10, choices=CheckoffKind.choices)
    employer_name = models.CharField(max_length=200, blank=True)
    employee_id = models.CharField(max_length=100, blank=True)
    reference = models.CharField(max_length=200, blank=True, help_text="Mandate reference")
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = CheckoffQuerySet.as_manager()

    class Meta:
        ordering = ["member", "started_on"]
        indexes = [
            models.Index(fields=["member", "started_on"], name="dues_checkoff_member"),
            models.Index(fields=["employer_name", "employee_id"], name="dues_checkoff_employee"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="dues_checkoff_ends_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(kind="payroll") | (~Q(employer_name="") & ~Q(employee_id="")),
                name="dues_checkoff_payroll_names_employee",
            ),
        ]

    def __str__(self) -> str:
        until = f" to {self.ended_on}" if self.ended_on else ""
        return f"{self.get_kind_display()} from {self.started_on}{until}"


class WaiverStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    GRANTED = "granted", "Granted"
    REFUSED = "refused", "Refused"


class Waiver(models.Model):
    """A hardship waiver of dues from ``starts_on`` to ``ends_on``. The reason and the
    decision's reason are private: only the member and the treasurer's office see them, and
    they never enter the audit log."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="waivers")
    requested_on = models.DateField(default=timezone.localdate)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    starts_on = models.DateField()
    ends_on = models.DateField()
    reason = models.TextField()
    status = models.CharField(
        max_length=10, choices=WaiverStatus.choices, default=WaiverStatus.REQUESTED
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["member", "starts_on", "pk"]
        indexes = [
            models.Index(fields=["member", "starts_on"], name="dues_waiver_member"),
            models.Index(fields=["status", "starts_on"], name="dues_waiver_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="dues_waiver_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(status="requested") | Q(decided_at__isnull=False),
                name="dues_waiver_decision_dated",
            ),
        ]

    def __str__(self) -> str:
        return f"Waiver {self.starts_on}–{self.ends_on} ({self.get_status_display()})"


class ImportKind(models.TextChoices):
    PAYMENTS = "payments", "Payments"
    REMITTANCE = "remittance", "Remittance"


class ImportBatch(models.Model):
    """One imported file. The fingerprint (SHA-256 of its bytes) makes importing the same
    file again change nothing."""

    kind = models.CharField(max_length=10, choices=ImportKind.choices)
    fingerprint = models.CharField(max_length=64)
    filename = models.CharField(max_length=255, blank=True)
    employer_name = models.CharField(max_length=200, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    imported_at = models.DateTimeField(default=timezone.now)
    rows = models.IntegerField(default=0)
    payments_created = models.IntegerField(default=0)
    already_recorded = models.IntegerField(default=0)
    exceptions = models.IntegerField(default=0)

    class Meta:
        ordering = ["-imported_at"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "fingerprint"], name="dues_import_once")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} import {self.filename or self.fingerprint[:12]}"


class StagedImport(models.Model):
    """An uploaded file kept between its preview and the treasurer's "apply" (in the
    database, so any app server can apply it)."""

    kind = models.CharField(max_length=10, choices=ImportKind.choices)
    filename = models.CharField(max_length=255, blank=True)
    employer_name = models.CharField(max_length=200, blank=True)
    content = models.BinaryField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"staged {self.kind} {self.filename}"


class ExceptionKind(models.TextChoices):
    UNKNOWN_IDENTIFIER = "unknown", "Unknown identifier"
    AMOUNT_DIFFERS = "amount", "Amount differs from the plan"
    NO_PLAN = "no_plan", "Member has no dues plan"
    OVERLAP = "overlap", "Period already paid"


class ExceptionStatus(models.TextChoices):
    OPEN = "open", "Open"
    RESOLVED = "resolved", "Resolved"


class Resolution(models.TextChoices):
    RECORDED = "recorded", "Recorded as a payment"
    DISMISSED = "dismissed", "Dismissed"


class RemittanceException(models.Model):
    """A remittance row that could not be recorded as it stood: kept, with the row's data,
    until the treasurer records it as a payment or dismisses it with a note."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.PROTECT, related_name="exception_rows")
    line = models.IntegerField()
    kind = models.CharField(max_length=10, choices=ExceptionKind.choices)
    identifier = models.CharField(max_length=100)
    employer_name = models.CharField(max_length=200, blank=True)
    member = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    covers_from = models.DateField()
    covers_through = models.DateField()
    amount = models.DecimalField(**AMOUNT)
    currency = models.CharField(max_length=3, default=default_currency)
    expected_amount = models.DecimalField(**AMOUNT, null=True, blank=True)
    # Employer, identifier, period and amount: the same row in a later file is not listed twice.
    natural_key = models.CharField(max_length=400, db_index=True)
    status = models.CharField(
        max_length=10, choices=ExceptionStatus.choices, default=ExceptionStatus.OPEN
    )
    resolution = models.CharField(max_length=10, choices=Resolution.choices, blank=True)
    resolution_note = models.TextField(blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    payment = models.ForeignKey(
        Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["batch", "line"]
        indexes = [models.Index(fields=["status", "batch"], name="dues_exception_status")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open") | Q(resolved_at__isnull=False),
                name="dues_exception_resolution_dated",
            )
        ]

    def __str__(self) -> str:
        return f"line {self.line}: {self.get_kind_display()} ({self.identifier})"
