"""The back office shows the organization, branches, members and offices read-only: every
change goes through the actions (see rankfile.audit.backoffice), so that it is on the record."""

from django.contrib import admin

from rankfile.audit.backoffice import ReadOnlyAdmin, ReadOnlyInline
from rankfile.members.models import Branch, Member, MemberEvent, Office, Organization


@admin.register(Organization)
class OrganizationAdmin(ReadOnlyAdmin):
    list_display = ["name", "short_name"]


@admin.register(Branch)
class BranchAdmin(ReadOnlyAdmin):
    list_display = ["name", "slug", "parent", "founded_on", "dissolved_on"]
    search_fields = ["name", "slug"]


class MemberEventInline(ReadOnlyInline):
    model = MemberEvent
    fk_name = "member"
    fields = [
        "kind",
        "on",
        "reason",
        "statement",
        "from_branch",
        "to_branch",
        "recorded_by",
        "recorded_at",
    ]


@admin.register(Member)
class MemberAdmin(ReadOnlyAdmin):
    list_display = ["member_number", "last_name", "first_name", "branch", "status", "joined_on"]
    list_filter = ["status", "branch"]
    search_fields = ["member_number", "last_name", "first_name", "email"]
    inlines = [MemberEventInline]


@admin.register(Office)
class OfficeAdmin(ReadOnlyAdmin):
    list_display = ["member", "role", "branch", "started_on", "ended_on"]
    list_filter = ["role"]
