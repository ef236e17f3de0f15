"""Computing the apportionment from a standing snapshot: the numbers per branch."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from rankfile.conventions.actions import (
    count_in_good_standing,
    delegate_branches,
    do_compute_apportionment,
    do_update_convention,
)
from rankfile.members.actions import do_create_branch
from tests.conventions.conftest import CUTOFF, add_members, make_snapshot


def figures(table):
    return {
        row.branch.name: (row.members_in_good_standing, row.quota, row.delegates, row.alternates)
        for row in table.rows.select_related("branch")
    }


def test_it_counts_members_in_good_standing_per_branch_and_applies_the_ratio(setting):
    table = do_compute_apportionment(setting.credentials, setting.convention, setting.snapshot)
    # 1 per 10, rounded to nearest, at least 1; alternates 1 per 2 delegates, rounded up.
    assert figures(table) == {
        "East Branch": (33, "33/10", 3, 2),
        "West Branch": (15, "3/2", 2, 1),
        "South Region": (5, "1/2", 1, 1),
    }
    assert table.result["seats"] == 6
    assert table.result["total_count"] == 53
    assert not table.is_published


def test_it_counts_every_branch_in_one_query(setting, django_assert_num_queries):
    with django_assert_num_queries(1):
        counts = count_in_good_standing(setting.snapshot)
    assert counts[setting.people.east.pk] == 33
    assert counts[setting.people.north.pk] == 1


def test_it_names_members_in_a_branch_that_sends_no_delegates(setting):
    table = do_compute_apportionment(setting.credentials, setting.convention, setting.snapshot)
    assert table.uncounted == {"North Region": 1}


def test_it_lists_a_formula_landing_on_a_half_as_a_tie(setting):
    table = do_compute_apportionment(setting.credentials, setting.convention, setting.snapshot)
    halves = {tuple(tie["units"]) for tie in table.result["ties"] if tie["kind"] == "rounding"}
    assert halves == {("West Branch",), ("South Region",)}


def test_only_leaf_branches_existing_at_the_cutoff_send_delegates(setting):
    people = setting.people
    do_create_branch(
        None,
        name="New Branch",
        slug="new",
        parent=people.south,
        founded_on=CUTOFF + datetime.timedelta(days=1),
    )
    gone = do_create_branch(
        None, name="Gone Branch", slug="gone", founded_on=datetime.date(2020, 1, 1)
    )
    gone.dissolved_on = datetime.date(2026, 1, 1)
    gone.save()
    names = [branch.name for branch in delegate_branches(CUTOFF)]
    # South has a sub-branch only after the cut-off, so it still sends delegates itself.
    assert names == ["East Branch", "South Region", "West Branch"]


def test_a_fixed_number_of_delegates_is_shared_by_the_method(setting):
    do_update_convention(
        None,
        setting.convention,
        formula={
            "kind": "house",
            "seats": 10,
            "method": "hamilton",
            "minimum": 0,
            "tie_break": "none",
        },
    )
    table = do_compute_apportionment(setting.credentials, setting.convention, setting.snapshot)
    # Quotas 6.23, 2.83, 0.94: floors 6, 2, 0; the two seats left go to the largest remainders.
    assert {name: f[2] for name, f in figures(table).items()} == {
        "East Branch": 6,
        "West Branch": 3,
        "South Region": 1,
    }
    assert figures(table)["East Branch"][1] == "330/53"


def test_a_tie_without_a_stated_tie_break_stops_the_computation(setting):
    members = {m.branch.slug: m for m in setting.east_members[:1] + setting.west_members[:1]}
    south = setting.south_members[0]
    snapshot = make_snapshot(
        [(setting.east_members[i], setting.people.east, True) for i in range(2)]
        + [(members["west"], setting.people.west, True), (south, setting.people.south, True)]
    )
    do_update_convention(
        None,
        setting.convention,
        formula={"kind": "house", "seats": 2, "method": "hamilton", "tie_break": "none"},
    )
    with pytest.raises(ValidationError) as raised:
        do_compute_apportionment(setting.credentials, setting.convention, snapshot)
    assert "South Region, West Branch" in str(raised.value)
    do_update_convention(
        None,
        setting.convention,
        formula={"kind": "house", "seats": 2, "method": "hamilton", "tie_break": "lot", "seed": 7},
    )
    table = do_compute_apportionment(setting.credentials, setting.convention, snapshot)
    assert table.result["ties"][0]["seed"] == 7


def test_a_snapshot_not_at_the_cutoff_needs_a_stated_reason(setting):
    late = make_snapshot(
        {m: True for m in setting.east_members}, as_of=CUTOFF + datetime.timedelta(days=3)
    )
    with pytest.raises(ValidationError) as raised:
        do_compute_apportionment(setting.credentials, setting.convention, late)
    assert "cutoff_note" in raised.value.message_dict
    table = do_compute_apportionment(
        setting.credentials,
        setting.convention,
        late,
        cutoff_note="The standing rules were corrected on appeal; roll re-run on 3 October.",
    )
    assert table.cutoff_note.startswith("The standing rules")


def test_only_the_credentials_committee_or_an_admin_computes(setting):
    people = setting.people
    for user in (people.secretary, people.treasurer, people.member):
        with pytest.raises(PermissionDenied):
            do_compute_apportionment(user, setting.convention, setting.snapshot)
    do_compute_apportionment(people.admin, setting.convention, setting.snapshot)


def test_each_computation_is_numbered_and_on_the_record(setting):
    from rankfile.audit.models import AuditEvent

    first = do_compute_apportionment(setting.credentials, setting.convention, setting.snapshot)
    second = do_compute_apportionment(setting.credentials, setting.convention, setting.snapshot)
    assert (first.number, second.number) == (1, 2)
    event = AuditEvent.objects.filter(action="convention.apportion").order_by("-seq").first()
    assert event.payload["delegates"] == {"East Branch": 3, "West Branch": 2, "South Region": 1}
    assert event.payload["snapshot_hash"] == setting.snapshot.content_hash


def test_members_added_in_bulk_are_counted(setting):
    more = add_members(setting.people.west, 20, prefix="X")
    snapshot = make_snapshot({m: True for m in more})
    table = do_compute_apportionment(setting.credentials, setting.convention, snapshot)
    assert figures(table)["West Branch"][:3] == (20, "2", 2)
    assert figures(table)["East Branch"][0] == 0
    assert figures(table)["East Branch"][2] == 1  # at least 1
