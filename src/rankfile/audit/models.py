"""The tamper-evident audit log: one row per state-changing action, hash-chained."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from rankfile.core.chain import CanonicalJSONEncoder


class AuditHead(models.Model):
    """One row, locked by each append, so concurrent writers extend the chain in turn."""

    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"head at {self.seq}"


class AuditEvent(models.Model):
    seq = models.BigIntegerField(unique=True)
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    # The actor as hashed: stays readable after the account is gone.
    actor_label = models.CharField(max_length=254)
    action = models.CharField(max_length=80)
    target_type = models.CharField(max_length=80, blank=True)
    target_id = models.CharField(max_length=80, blank=True)
    target_label = models.CharField(max_length=300, blank=True)
    reason = models.TextField(blank=True)
    # Stored in the chain's canonical form, so that where JSON is kept as text (SQLite) the
    # stored bytes are the hashed bytes and verification need not decode them.
    payload = models.JSONField(default=dict, encoder=CanonicalJSONEncoder)
    # Who may see the event: members see events about themselves, officers those of their
    # branches, the appeals body all. Not hashed: they are indexes into the log.
    member = models.ForeignKey(
        "members.Member", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    branch = models.ForeignKey(
        "members.Branch", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["-seq"]
        indexes = [
            models.Index(fields=["member", "seq"]),
            models.Index(fields=["branch", "seq"]),
            models.Index(fields=["action", "seq"]),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.target_label}"
