"""The tamper-evident audit log: one row per state-changing action, hash-chained."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper

from rankfile.core.chain import CURRENT_FORMAT, CanonicalJSONEncoder, canonical_json


class AuditPayloadField(models.JSONField):
    """A JSON field kept as the exact text that was written, on every database.

    PostgreSQL stores it as `json`, not `jsonb`: `jsonb` reorders keys and rewrites spacing,
    so every verification would have to decode and re-encode each payload, while `json`
    keeps the canonical text that was hashed. The log is append-only and never queried by
    payload, so jsonb's operators and indexes are not missed.
    """

    def db_type(self, connection: BaseDatabaseWrapper) -> str | None:
        if connection.vendor == "postgresql":
            return "json"
        return super().db_type(connection)

    def get_db_prep_value(
        self, value: Any, connection: BaseDatabaseWrapper, prepared: bool = False
    ) -> Any:
        adapted = super().get_db_prep_value(value, connection, prepared)
        if connection.vendor == "postgresql":
            from psycopg.types.json import Json, Jsonb

            if isinstance(adapted, Jsonb):  # sent as jsonb it would be rewritten on the way
                return Json(adapted.obj, dumps=canonical_json)
        return adapted

    def from_db_value(self, value: Any, expression: Any, connection: BaseDatabaseWrapper) -> Any:
        if value is not None and not isinstance(value, str):
            return value  # psycopg has already decoded a `json` column
        return super().from_db_value(value, expression, connection)


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
    # Stored as the chain's canonical text, so that the stored bytes are the hashed bytes and
    # verification need not decode them.
    payload = AuditPayloadField(default=dict, encoder=CanonicalJSONEncoder)
    # Who may see the event: members see events about themselves, officers those of their
    # branches, the appeals body all. Hashed (format 2), so that no one can hide an event from
    # the people it concerns, or show it to others, without breaking the chain.
    # PROTECT: emptying these columns would break the events' hashes, so a member or branch
    # that the record names is kept, as the record of the membership is.
    member = models.ForeignKey(
        "members.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    branch = models.ForeignKey(
        "members.Branch", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    # Which fields the hash covers (rankfile.core.chain.FORMATS): 2, every field shown on the
    # record page or deciding who sees the event; 1, events written before format 2.
    format = models.PositiveSmallIntegerField(default=CURRENT_FORMAT)

    class Meta:
        ordering = ["-seq"]
        indexes = [
            models.Index(fields=["member", "seq"]),
            models.Index(fields=["branch", "seq"]),
            models.Index(fields=["action", "seq"]),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.target_label}"
