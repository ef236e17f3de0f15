"""Exporting members as CSV: the same columns as an import, so an export re-imports unchanged.

What a person exports is what they may see: the members of the directory they see, with
contact details only where their offices let them see them (and their own), and otherwise
only the fields the organization makes visible to every member (Organization.directory_fields).
Hidden cells are left blank. Each export is one audit event (`member.export`) with counts only.

The export is for officers (`member.directory`), over the branches their offices cover; a
member who holds no office exports nothing, whatever the organization lets them see on
screen. Through the API, reading a list of more than LARGE_EXPORT_ROWS members is recorded
the same way (api/members.py), page by page.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q

from rankfile.audit.actions import append_event
from rankfile.core.spreadsheet import csv_record
from rankfile.members.access import (
    EVERYWHERE,
    Everywhere,
    Scope,
    can_export_members,
    directory_members,
    viewer_for,
)
from rankfile.members.csvfile import COLUMNS
from rankfile.members.models import Member, MemberQuerySet, Organization

# A list of members longer than this, read through the API, is on the record as an export.
LARGE_EXPORT_ROWS = 100

# Columns every member sees of every member in their directory.
ALWAYS_VISIBLE = frozenset({"first_name", "last_name"})
_VALUES = (
    "pk",
    "branch_id",
    "member_number",
    "first_name",
    "last_name",
    "email",
    "phone",
    "branch__slug",
    "joined_on",
    "status",
)


@dataclass
class MemberExport:
    members: MemberQuerySet
    contact_scope: Scope
    own_member_id: int | None
    directory_fields: frozenset[str]
    rows: int = 0
    with_contact: int = 0

    def sees_everything_of(self, member_id: int, branch_id: int) -> bool:
        return branch_id in self.contact_scope or member_id == self.own_member_id

    def records(self) -> Iterator[list[str]]:
        """The header, then one record per member, ordered by member number."""
        yield list(COLUMNS)
        public = ALWAYS_VISIBLE | self.directory_fields
        for pk, branch_id, *values in (
            self.members.order_by("member_number").values_list(*_VALUES).iterator(2000)
        ):
            cells = ["" if value is None else str(value) for value in values]
            if not self.sees_everything_of(pk, branch_id):
                cells = [
                    cell if name in public else ""
                    for name, cell in zip(COLUMNS, cells, strict=True)
                ]
            yield cells


def do_export_members(actor: Any) -> MemberExport:
    """The export ``actor`` may make (None: the administrator at the command line, who
    sees everything), recorded in the audit log before the first row is written."""
    if actor is None:
        export = MemberExport(Member.objects.all(), EVERYWHERE, None, frozenset(COLUMNS))
    else:
        if not can_export_members(actor):
            raise PermissionDenied("The members export is for officers.")
        viewer = viewer_for(actor)
        export = MemberExport(
            directory_members(actor),
            viewer.scope("member.view_contact"),
            viewer.member.pk if viewer.member is not None else None,
            frozenset(Organization.current().directory_fields),
        )
    export.rows = export.members.count()
    if isinstance(export.contact_scope, Everywhere):
        export.with_contact = export.rows
    else:
        condition = Q(branch_id__in=export.contact_scope)
        if export.own_member_id is not None:
            condition |= Q(pk=export.own_member_id)
        export.with_contact = export.members.filter(condition).count()
    with transaction.atomic():
        append_event(
            actor=actor,
            action="member.export",
            payload={"rows": export.rows, "with_contact": export.with_contact},
        )
    return export


def csv_lines(records: Iterator[list[str]]) -> Iterator[str]:
    """The records as CSV lines, each cell protected from spreadsheets' formulas."""
    for record in records:
        yield csv_record(record)


@transaction.atomic
def do_record_roster_page(actor: Any, *, rows: int, of: int, page: int) -> None:
    """Put one page of a large members list read through the API on the record: paging
    through the roster is exporting it (the caller has already been shown only what they
    may see)."""
    append_event(
        actor=actor,
        action="member.export",
        payload={"via": "api", "rows": rows, "of": of, "page": page},
    )
