"""The back office shows conventions read-only: every change goes through the actions, so
that apportionment, publication, results and seatings are on the record."""

from typing import Any

from django.contrib import admin

from rankfile.conventions.models import (
    ApportionmentTable,
    Convention,
    Credential,
    DelegateElection,
    ElectionResult,
)


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Convention)
class ConventionAdmin(ReadOnly):
    list_display = ["name", "opens_on", "closes_on", "cutoff_on"]


@admin.register(ApportionmentTable)
class ApportionmentTableAdmin(ReadOnly):
    list_display = ["convention", "number", "snapshot", "computed_at", "published_at"]


@admin.register(DelegateElection)
class DelegateElectionAdmin(ReadOnly):
    list_display = ["convention", "branch", "delegates", "alternates", "status"]


@admin.register(ElectionResult)
class ElectionResultAdmin(ReadOnly):
    list_display = ["election", "source", "recorded_at", "current"]


@admin.register(Credential)
class CredentialAdmin(ReadOnly):
    list_display = ["result", "member", "kind", "rank", "status"]
