"""Django's admin reads; the actions write.

A change made in the admin would skip the action that checks it and appends its event to
the hash-chained record (an office deleted, a branch renamed, members' contact details
published, a password or superuser flag changed: nothing on the record). So every model the
admin shows is shown read-only: add, change and delete are refused for everyone, superusers
included, and the change pages become pages to read. Changes go through the application's
pages, the API or the `rankfile` command, which call the actions.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False
