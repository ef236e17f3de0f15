"""Appeals of decisions about a member, and charges under the constitution or bylaws.

An appeal names the decision appealed (an enforcement action, a lapse or expulsion, a refused
waiver, a credentials decision, or a hearing's decision on charges), carries the member's
statement and the officer's response, and ends in the appeals body's decision with reasons,
which takes effect through the normal actions (see appeals/actions.py and docs/appeals.md).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone


class Subject(models.TextChoices):
    ENFORCEMENT = "enforcement", "Enforcement action"
    LIFECYCLE = "lifecycle", "Lapse or expulsion"
    WAIVER = "waiver", "Refused hardship waiver"
    CREDENTIALS = "credentials", "Credentials decision"
    CHARGE = "charge", "Decision on charges"


class AppealStatus(models.TextChoices):
    LATE = "late", "Refused as late (the appeals body may accept it)"
    OPEN = "open", "Open"
    DECIDED = "decided", "Decided"


class Outcome(models.TextChoices):
    UPHELD = "upheld", "Upheld"
    OVERTURNED = "overturned", "Overturned"
    MODIFIED = "modified", "Modified"


class Appeal(models.Model):
    """A member's appeal of one decision about them, and the appeals body's decision."""

    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="appeals")
    subject = models.CharField(max_length=20, choices=Subject.choices)
    enforcement = models.ForeignKey(
        "standing.EnforcementAction", null=True, blank=True, on_delete=models.PROTECT,
        related_name="appeals",
    )  # fmt: skip
    member_event = models.ForeignKey(
        "members.MemberEvent", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    waiver = models.ForeignKey(
        "dues.Waiver", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    credential = models.ForeignKey(
        "conventions.Credential", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    charge = models.ForeignKey(
        "appeals.Charge", null=True, blank=True, on_delete=models.PROTECT, related_name="appeals"
    )
    decision_label = models.CharField(max_length=300, help_text="The decision appealed, in words.")
    decision_on = models.DateField(help_text="When the decision appealed was taken.")
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", help_text="The officer who took the decision appealed.",
    )  # fmt: skip
    officer_label = models.CharField(max_length=254, blank=True)
    rule_version = models.ForeignKey(
        "standing.RuleSetVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    statement = models.TextField()
    filed_at = models.DateTimeField(default=timezone.now)
    appeal_by = models.DateField(help_text="The last day to appeal the decision.")
    decide_by = models.DateField(help_text="The last day for the appeals body to decide.")
    status = models.CharField(max_length=10, choices=AppealStatus.choices)
    late_reason = models.TextField(blank=True, help_text="Why the body accepted it late.")
    response = models.TextField(blank=True, help_text="The officer's response.")
    responded_at = models.DateTimeField(null=True, blank=True)
    hearing_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=12, choices=Outcome.choices, blank=True)
    reasons = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by_vote = models.BooleanField(default=False)
    decided_at = models.DateTimeField(null=True, blank=True)
    effect = models.TextField(blank=True, help_text="What the decision changed, in words.")

    class Meta:
        ordering = ["decide_by", "pk"]
        indexes = [models.Index(fields=["status", "decide_by"])]

    def __str__(self) -> str:
        return f"Appeal {self.pk}: {self.decision_label}"

    @property
    def overdue(self) -> bool:
        """Whether the body missed its deadline (still open after decide_by, or decided late)."""
        if self.status == AppealStatus.DECIDED and self.decided_at is not None:
            return self.decided_at.date() > self.decide_by
        return self.status == AppealStatus.OPEN and timezone.localdate() > self.decide_by

    def days_left(self, today: datetime.date | None = None) -> int:
        return (self.decide_by - (today or timezone.localdate())).days


class AppealVote(models.Model):
    """One appeals-body member's vote on an appeal's decision, on the record."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="votes")
    voter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    voter_label = models.CharField(max_length=254)
    vote = models.CharField(max_length=12, choices=Outcome.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["appeal", "voter"], name="appeal_vote_once")]

    def __str__(self) -> str:
        return f"{self.voter_label}: {self.vote}"


class Clause(models.Model):
    """A clause of the constitution or bylaws, kept as text so that charges cite it."""

    reference = models.CharField(max_length=60, unique=True, help_text="e.g. Art. X §2")
    title = models.CharField(max_length=200)
    text = models.TextField()

    class Meta:
        ordering = ["reference"]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"


class ChargeStatus(models.TextChoices):
    SERVED = "served", "Served, awaiting the answer and hearing"
    DECIDED = "decided", "Decided"


class Sanction(models.TextChoices):
    NONE = "none", "No sanction (charges dismissed)"
    WARNING = "warning", "Warning"
    SUSPENSION = "suspension", "Suspension for a period"
    EXPULSION = "expulsion", "Expulsion"


class Charge(models.Model):
    """Charges against a member under a clause, brought by a named member or officer."""

    accused = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="charges")
    branch = models.ForeignKey("members.Branch", on_delete=models.PROTECT, related_name="+")
    clause = models.ForeignKey(Clause, on_delete=models.PROTECT, related_name="charges")
    brought_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    brought_by_label = models.CharField(max_length=254)
    particulars = models.TextField(help_text="What the accused is said to have done.")
    evidence = models.TextField()
    served_at = models.DateTimeField()
    answer_by = models.DateField()
    answer = models.TextField(blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    hearing_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=ChargeStatus.choices)
    found_guilty = models.BooleanField(null=True, blank=True)
    sanction = models.CharField(max_length=12, choices=Sanction.choices, blank=True)
    suspended_until = models.DateField(null=True, blank=True)
    # The override out of good standing that carries a suspension (lifted if overturned).
    suspension = models.ForeignKey(
        "standing.EnforcementAction", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    reasons = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-served_at", "-pk"]

    def __str__(self) -> str:
        return f"Charge {self.pk} under {self.clause.reference}"
