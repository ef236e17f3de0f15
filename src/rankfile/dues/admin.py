"""Read-only views of dues records in Django's admin: changes go through the dues actions
(and their pages), so that each is checked and audited."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from rankfile.dues import models


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(models.DuesPlan)
class DuesPlanAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "period", "amount", "currency"]


@admin.register(models.Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ["member", "covers_from", "covers_through", "amount", "method", "received_on"]
    list_filter = ["method"]
    raw_id_fields = ["member", "reverses", "batch"]


@admin.register(models.CheckoffAuthorization)
class CheckoffAdmin(ReadOnlyAdmin):
    list_display = ["member", "kind", "employer_name", "started_on", "ended_on"]


@admin.register(models.Waiver)
class WaiverAdmin(ReadOnlyAdmin):
    # The reason is private to the member and the treasurer's office: not shown here.
    list_display = ["member", "starts_on", "ends_on", "status"]
    exclude = ["reason", "decision_reason"]


@admin.register(models.ImportBatch)
class ImportBatchAdmin(ReadOnlyAdmin):
    list_display = ["kind", "filename", "imported_at", "rows", "payments_created", "exceptions"]


@admin.register(models.RemittanceException)
class RemittanceExceptionAdmin(ReadOnlyAdmin):
    list_display = ["batch", "line", "kind", "identifier", "amount", "status"]
    list_filter = ["status", "kind"]
