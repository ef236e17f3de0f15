"""Branches from a file: checked whole, created parents first through the branch action,
all or nothing, idempotent, and an export that re-imports unchanged."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from rankfile.audit.models import AuditEvent
from rankfile.members.branch_import import do_import_branches, export_rows, plan_branches
from rankfile.members.exporting import csv_lines
from rankfile.members.models import Branch

pytestmark = pytest.mark.django_db

# The child comes before its parent in the file: it is created after it all the same.
TREE = b"name,slug,parent,founded_on\nDocks,docks,harbour,2021-02-01\nHarbour Region,harbour,,2020-01-01\n"


def test_it_creates_parents_first_each_on_the_record(people):
    plan = do_import_branches(people.admin, TREE, filename="tree.csv")
    assert [row.slug for row in plan.create] == ["harbour", "docks"]
    docks = Branch.objects.get(slug="docks")
    assert docks.parent.slug == "harbour" and str(docks.founded_on) == "2021-02-01"
    assert AuditEvent.objects.filter(action="branch.create", target_id=str(docks.pk)).exists()
    event = AuditEvent.objects.get(action="branch.import")
    assert event.payload["created"] == 2 and event.payload["file"] == "tree.csv"
    again = do_import_branches(people.admin, TREE, filename="tree.csv")
    assert (len(again.create), again.unchanged) == (0, 2)


def test_one_bad_row_and_nothing_is_created_with_each_error_named(people):
    bad = (
        b"name,slug,parent\nGood,good,\nBad Slug,Bad Slug,\nOrphan,orphan,nowhere\n"
        b"Again,good,\nLoop A,loop-a,loop-b\nLoop B,loop-b,loop-a\nEast Moved,east,\n"
    )
    plan = do_import_branches(people.admin, bad, filename="bad.csv")
    found = {(e.line, e.column) for e in plan.errors}
    assert {
        (3, "slug"),
        (4, "parent"),
        (5, "slug"),
        (6, "parent"),
        (7, "parent"),
        (8, "slug"),
    } <= found
    assert not Branch.objects.filter(slug="good").exists()
    assert not AuditEvent.objects.filter(action="branch.import").exists()


def test_an_export_re_imports_unchanged(people):
    do_import_branches(people.admin, TREE, filename="tree.csv")
    exported = "".join(csv_lines(export_rows())).encode()
    plan = plan_branches(exported)
    assert plan.errors == [] and plan.create == []
    assert plan.unchanged == Branch.objects.count()


def test_a_branch_named_like_a_formula_is_exported_as_text_and_re_imports(people):
    Branch.objects.filter(pk=people.east.pk).update(name='=HYPERLINK("http://x")')
    text = "".join(csv_lines(export_rows()))
    assert "'=HYPERLINK" in text and "''=" not in text  # protected once
    plan = plan_branches(text.encode())
    assert plan.errors == [] and plan.create == []
    assert plan.unchanged == Branch.objects.count()


def test_only_those_who_manage_offices_everywhere_import_branches(people):
    with pytest.raises(PermissionDenied):
        do_import_branches(people.secretary, TREE, filename="tree.csv")
    assert not Branch.objects.filter(slug="harbour").exists()
