"""The demo's convention: published credentials and apportionment, results, a seated alternate."""

from __future__ import annotations

import pytest

from rankfile.conventions.elections import credentials_roll
from rankfile.conventions.models import Convention, SeatStatus


@pytest.mark.django_db
def test_the_demo_has_a_convention_with_published_credentials():
    from rankfile.demo import load_demo

    context = load_demo(members=300)
    convention = Convention.objects.get(slug="fifth-national")
    table = convention.tables.get()
    assert table.is_published
    assert table.snapshot.as_of == convention.cutoff_on
    rows = list(table.rows.all())
    assert len(rows) == 9  # the nine local branches, not the regions or the national body
    assert sum(row.members_in_good_standing for row in rows) == table.snapshot.in_good_standing
    roll = credentials_roll(convention)
    decided = [entry for entry in roll if entry.result]
    assert len(decided) == 7  # two branches are left open for the demo members to stand
    seated = [s for entry in roll for s in entry.alternates if s.status == SeatStatus.SEATED]
    assert len(seated) == 1
    assert ("credentials committee", "credentials@demo.rankfile.org") in context.logins
