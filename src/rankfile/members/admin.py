"""The back office. Changes made here go through the same actions where it matters: lifecycle
events and offices are read-only here so that every change is on the record."""

from django.contrib import admin

from rankfile.members.models import Branch, Member, MemberEvent, Office, Organization


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name"]


@admin.register(Branch)
class BranchAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "parent", "founded_on", "dissolved_on"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ("name",)}


class MemberEventInline(admin.TabularInline):
    model = MemberEvent
    extra = 0
    can_delete = False
    fk_name = "member"
    readonly_fields = [
        "kind",
        "on",
        "reason",
        "statement",
        "from_branch",
        "to_branch",
        "recorded_by",
        "recorded_at",
    ]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ["member_number", "last_name", "first_name", "branch", "status", "joined_on"]
    list_filter = ["status", "branch"]
    search_fields = ["member_number", "last_name", "first_name", "email"]
    readonly_fields = ["status", "branch", "joined_on", "created_at"]
    raw_id_fields = ["user"]
    inlines = [MemberEventInline]


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    list_display = ["member", "role", "branch", "started_on", "ended_on"]
    list_filter = ["role"]
    raw_id_fields = ["member"]
    readonly_fields = ["member", "role", "branch", "started_on", "ended_on"]

    def has_add_permission(self, request):
        return False
