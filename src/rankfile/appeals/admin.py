"""Read-only views of appeals and charges in Django's admin: changes go through the actions
(and their pages), so that each is checked and audited."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from rankfile.appeals import models


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(models.Appeal)
class AppealAdmin(ReadOnlyAdmin):
    list_display = ["pk", "member", "subject", "status", "decide_by", "outcome"]
    list_filter = ["subject", "status", "outcome"]
    raw_id_fields = ["member", "enforcement", "member_event", "waiver", "credential", "charge"]


@admin.register(models.AppealVote)
class AppealVoteAdmin(ReadOnlyAdmin):
    list_display = ["appeal", "voter_label", "vote"]


@admin.register(models.Clause)
class ClauseAdmin(ReadOnlyAdmin):
    list_display = ["reference", "title"]


@admin.register(models.Charge)
class ChargeAdmin(ReadOnlyAdmin):
    list_display = ["pk", "accused", "clause", "status", "sanction", "answer_by", "hearing_on"]
    list_filter = ["status", "sanction"]
    raw_id_fields = ["accused", "suspension"]
