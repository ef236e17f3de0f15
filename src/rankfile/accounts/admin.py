"""Accounts in the back office, read-only: creating accounts, changing passwords and the
staff and superuser flags in the admin would leave no event on the record (see
rankfile.audit.backoffice). Members get accounts by invitation; operators with
`rankfile createsuperuser` at the server."""

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group

from rankfile.accounts.models import User

# Powers come from offices (rankfile.members.access), not from Django's groups and model
# permissions: the groups page would only offer a second, unrecorded way to grant them.
admin.site.unregister(Group)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "display_name", "is_staff", "is_active", "last_login"]
    search_fields = ["email", "display_name"]
    fieldsets = (
        (None, {"fields": ("email", "display_name")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser")}),
        ("Dates", {"fields": ("last_login", "created_at")}),
    )
    list_filter = ["is_staff", "is_superuser", "is_active"]

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False
