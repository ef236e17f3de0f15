"""Adopted rule sets and frozen standing snapshots (credentials rolls).

Standing itself is never stored: it is computed from dated facts, a rule set and a date
(rankfile.core.standing). Only a snapshot freezes it, because the rules freeze the
credentials roll at a convention's cut-off date.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import models


class ImmutableError(Exception):
    """An attempt to change what the rules froze."""


class RuleSetVersion(models.Model):
    """One adopted version of the rule set: the TOML text exactly as adopted."""

    name = models.CharField(max_length=200)
    version = models.CharField(max_length=50)
    effective_on = models.DateField()
    decision = models.TextField(help_text="The recorded decision that adopted this version.")
    source_text = models.TextField(help_text="The rule file (TOML) as adopted.")
    content_hash = models.CharField(max_length=64)
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    adopted_at = models.DateTimeField()

    class Meta:
        ordering = ["-effective_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["name", "version"], name="rule_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.version} (from {self.effective_on})"


class Snapshot(models.Model):
    """The standing of every member frozen as of a date; immutable once created."""

    label = models.CharField(max_length=200)
    as_of = models.DateField()
    rule_version = models.ForeignKey(RuleSetVersion, on_delete=models.PROTECT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    # SHA-256 over the entries in member-number order (see standing/snapshots.py).
    content_hash = models.CharField(max_length=64)
    members_counted = models.PositiveIntegerField(default=0)
    in_good_standing = models.PositiveIntegerField(default=0)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-as_of", "-pk"]

    def __str__(self) -> str:
        return f"{self.label} (as of {self.as_of})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Frozen once written: only publishing (setting published_at) may touch it again.
        if self.pk is not None and kwargs.get("update_fields") != ["published_at"]:
            raise ImmutableError("A snapshot cannot be changed once created.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ImmutableError("A snapshot cannot be deleted.")


class SnapshotEntry(models.Model):
    """One member's standing in a snapshot, with the branch they were in on that date."""

    snapshot = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="entries")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")
    member_number = models.CharField(max_length=40)
    branch = models.ForeignKey("members.Branch", on_delete=models.PROTECT, related_name="+")
    in_good_standing = models.BooleanField()
    reasons = models.TextField(blank=True)

    class Meta:
        ordering = ["member_number"]
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "member"], name="snapshot_member_once")
        ]
        indexes = [models.Index(fields=["snapshot", "branch", "in_good_standing"])]

    def __str__(self) -> str:
        return f"{self.member_number}: {'in' if self.in_good_standing else 'not in'} good standing"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ImmutableError("A snapshot's entries cannot be changed.")
        super().save(*args, **kwargs)


class EnforcementKind(models.TextChoices):
    INQUIRY = "inquiry", "Inquiry about standing"
    OVERRIDE = "override", "Manual override"
    SUSPENSION = "suspension", "Suspension"
    ROLL_REMOVAL = "roll_removal", "Removal from a voter roll"


class EnforcementAction(models.Model):
    """An officer's action touching one member's standing, on the record: who did it, to
    whom, citing which rule, and why. Visible to the member concerned and the appeals body;
    the equal-treatment report compares those acted on with everyone the rule matched."""

    kind = models.CharField(max_length=20, choices=EnforcementKind.choices)
    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="enforcement_actions"
    )
    # The branch the member was in when acted on: the report groups by it.
    branch = models.ForeignKey("members.Branch", on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=254)
    rule_version = models.ForeignKey(
        RuleSetVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rule_cited = models.CharField(max_length=200, help_text="The rule the action relies on.")
    reason = models.TextField()
    on = models.DateField()
    recorded_at = models.DateTimeField()
    # An override sets the member's standing for starts_on..ends_on (None: until lifted),
    # in the computed standing everywhere (core/facts.Override); the other kinds leave these
    # empty. Lifting one (an appeal overturning it) ends it the day before lifted_on.
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    in_good_standing = models.BooleanField(null=True, blank=True)
    lifted_on = models.DateField(null=True, blank=True)
    lifted_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-on", "-pk"]
        indexes = [
            models.Index(fields=["kind", "on"], name="standing_enforcement_kind_on"),
            models.Index(fields=["member", "on"], name="standing_enforcement_member"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.on}"

    @property
    def effective_until(self) -> datetime.date | None:
        """The last day an override is in effect (None: open-ended), once lifted or not."""
        if self.lifted_on is None:
            return self.ends_on
        last = self.lifted_on - datetime.timedelta(days=1)
        return last if self.ends_on is None else min(self.ends_on, last)
