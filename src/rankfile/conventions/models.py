"""Conventions, their apportionment tables, delegate elections and the credentials roll.

A convention's delegates are apportioned among its branches from a frozen standing snapshot
(rankfile.standing.models.Snapshot) by the formula recorded on the convention. Each
computation is kept as a numbered table; members see the latest *published* one, and every
earlier table stays on the record with the reason it was replaced.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


def default_formula() -> dict[str, object]:
    return {
        "kind": "ratio",
        "per": 75,
        "rounding": "nearest",
        "first": None,
        "at_least": 1,
        "at_most": None,
    }


class Convention(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    opens_on = models.DateField()
    closes_on = models.DateField()
    cutoff_on = models.DateField(
        help_text="Members in good standing on this date are counted for delegates."
    )
    discussion_opens_on = models.DateField(null=True, blank=True)
    discussion_closes_on = models.DateField(null=True, blank=True)
    # The delegate formula, as data (see conventions/formula.py for the two kinds).
    formula = models.JSONField(default=default_formula)
    formula_source = models.CharField(
        max_length=300,
        blank=True,
        help_text="Where the formula comes from, e.g. “Constitution, article 7” or a decision.",
    )
    alternates_per = models.PositiveIntegerField(
        default=10, help_text="One alternate per this many delegates."
    )
    alternates_rounding = models.CharField(max_length=10, default="up")
    alternates_at_least = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-opens_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")), name="convention_closes_after"
            ),
            models.CheckConstraint(
                condition=Q(cutoff_on__lte=models.F("opens_on")),
                name="convention_cutoff_before_opening",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("convention", args=[self.slug])


class ApportionmentTable(models.Model):
    """One computation of the delegates per branch, numbered within its convention."""

    convention = models.ForeignKey(Convention, on_delete=models.CASCADE, related_name="tables")
    number = models.PositiveIntegerField()
    snapshot = models.ForeignKey(
        "standing.Snapshot", on_delete=models.PROTECT, related_name="apportionments"
    )
    # The formula and alternates rule as applied (the convention's may change later).
    formula = models.JSONField()
    alternates_rule = models.JSONField()
    # rankfile.core.apportionment.Apportionment.to_dict(), exactly as computed.
    result = models.JSONField()
    # Members in good standing in branches that send no delegates: {branch name: count}.
    uncounted = models.JSONField(default=dict)
    cutoff_note = models.TextField(
        blank=True, help_text="Why the snapshot's date differs from the cut-off, if it does."
    )
    reason = models.TextField(blank=True, help_text="Why a published apportionment was recomputed.")
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    computed_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["convention", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["convention", "number"], name="table_number_once")
        ]

    def __str__(self) -> str:
        return f"{self.convention} apportionment no. {self.number}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class ApportionmentRow(models.Model):
    """One branch in a table: its count, exact quota, delegates and alternates."""

    table = models.ForeignKey(ApportionmentTable, on_delete=models.CASCADE, related_name="rows")
    position = models.PositiveIntegerField()
    branch = models.ForeignKey("members.Branch", on_delete=models.PROTECT, related_name="+")
    members_in_good_standing = models.PositiveIntegerField()
    quota = models.CharField(max_length=100, help_text='Exact: "p/q" or an integer.')
    quota_decimal = models.CharField(max_length=40)
    delegates = models.PositiveIntegerField()
    alternates = models.PositiveIntegerField()

    class Meta:
        ordering = ["table", "position"]
        constraints = [models.UniqueConstraint(fields=["table", "branch"], name="row_branch_once")]

    def __str__(self) -> str:
        return f"{self.branch}: {self.delegates} delegates"


class ElectionStatus(models.TextChoices):
    OPEN = "open", "Open: awaiting the result"
    DECIDED = "decided", "Result recorded"
    REVIEW = "review", "Seats changed after the result: record it again"
    NO_SEATS = "no-seats", "No seats"


class DelegateElection(models.Model):
    """A branch's election of its delegates and alternates to one convention."""

    convention = models.ForeignKey(Convention, on_delete=models.CASCADE, related_name="elections")
    branch = models.ForeignKey("members.Branch", on_delete=models.PROTECT, related_name="+")
    table = models.ForeignKey(
        ApportionmentTable,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The published apportionment the seats come from.",
    )
    delegates = models.PositiveIntegerField()
    alternates = models.PositiveIntegerField()
    status = models.CharField(
        max_length=10, choices=ElectionStatus.choices, default=ElectionStatus.OPEN
    )

    class Meta:
        ordering = ["convention", "branch__name"]
        constraints = [
            models.UniqueConstraint(fields=["convention", "branch"], name="election_per_branch")
        ]

    def __str__(self) -> str:
        return f"{self.branch} delegates to {self.convention}"


class Candidate(models.Model):
    election = models.ForeignKey(
        DelegateElection, on_delete=models.CASCADE, related_name="candidates"
    )
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    nominated_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["election", "member__last_name", "member__first_name"]
        constraints = [
            models.UniqueConstraint(fields=["election", "member"], name="candidate_once")
        ]

    def __str__(self) -> str:
        return f"{self.member} for {self.election}"


class ElectionResult(models.Model):
    """A recorded result: from the voting machinery or entered by an officer by hand."""

    election = models.ForeignKey(DelegateElection, on_delete=models.CASCADE, related_name="results")
    source = models.CharField(max_length=300)
    reason = models.TextField(blank=True, help_text="Why an earlier result was replaced.")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField()
    current = models.BooleanField(default=True)

    class Meta:
        ordering = ["election", "-recorded_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["election"], condition=Q(current=True), name="one_current_result"
            )
        ]

    def __str__(self) -> str:
        return f"Result for {self.election} ({self.source})"


class SeatKind(models.TextChoices):
    DELEGATE = "delegate", "Delegate"
    ALTERNATE = "alternate", "Alternate"


class SeatStatus(models.TextChoices):
    CREDENTIALED = "credentialed", "Credentialed"  # a delegate holding their seat
    ABSENT = "absent", "Absent, replaced by an alternate"
    WAITING = "waiting", "Alternate, not seated"
    SEATED = "seated", "Alternate, seated"


class Credential(models.Model):
    """One elected person on the credentials roll: a delegate or an alternate (ranked)."""

    result = models.ForeignKey(ElectionResult, on_delete=models.CASCADE, related_name="credentials")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=SeatKind.choices)
    rank = models.PositiveIntegerField(help_text="Order on the list; alternates sit in order.")
    status = models.CharField(max_length=15, choices=SeatStatus.choices)
    replaces = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaced_by"
    )
    seated_reason = models.TextField(blank=True)
    seated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    seated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["result", "kind", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["result", "member"], name="credential_once"),
            models.UniqueConstraint(fields=["result", "kind", "rank"], name="credential_rank"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.rank}: {self.member}"
