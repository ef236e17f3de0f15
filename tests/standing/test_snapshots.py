"""Snapshots: frozen, hashed, published as counts to all and names to those entitled; the
standing CSV."""

from __future__ import annotations

import datetime

import pytest

from rankfile.cli import main
from rankfile.standing.models import ImmutableError, Snapshot
from rankfile.standing.snapshots import do_create_snapshot, do_publish_snapshot, verify_snapshot
from tests.standing.conftest import ON, member_of

pytestmark = pytest.mark.django_db


def test_it_freezes_every_member_with_the_rule_version_and_a_hash(history, adopted):
    snapshot = do_create_snapshot(history.admin, ON, "Convention 2024 credentials")
    assert snapshot.rule_version == adopted
    # Seven personas; the one who resigned before the date is not on the roll.
    assert (snapshot.members_counted, snapshot.in_good_standing) == (6, 4)
    assert verify_snapshot(snapshot)
    entry = snapshot.entries.get(member_number="1006")
    assert not entry.in_good_standing
    assert entry.reasons.startswith("dues paid through 2024-03-31")


def test_the_roll_counts_members_on_its_date_not_those_who_joined_later(history):
    from rankfile.members.actions import do_add_member
    from rankfile.standing.snapshots import counts_by_branch

    branch = member_of(history.member).branch
    do_add_member(
        history.admin,
        first_name="Later",
        last_name="Joiner",
        branch=branch,
        joined_on=ON + datetime.timedelta(days=30),
    )
    snapshot = do_create_snapshot(history.admin, ON, "Roll")
    assert (snapshot.members_counted, snapshot.in_good_standing) == (6, 4)
    assert not snapshot.entries.filter(member__last_name__in=["Joiner"]).exists()
    assert not snapshot.entries.filter(member=member_of(history.south_member)).exists()
    assert sum(row["members"] for row in counts_by_branch(snapshot)) == 6
    later = do_create_snapshot(history.admin, ON + datetime.timedelta(days=31), "Later roll")
    assert later.members_counted == 7


def test_a_snapshot_cannot_be_changed_and_tampering_shows_in_the_hash(history):
    snapshot = do_create_snapshot(None, ON, "Roll")
    snapshot.label = "Another"
    with pytest.raises(ImmutableError):
        snapshot.save()
    entry = snapshot.entries.get(member_number="1005")
    with pytest.raises(ImmutableError):
        entry.save()
    snapshot.entries.filter(pk=entry.pk).update(in_good_standing=True)  # behind the model's back
    assert not verify_snapshot(Snapshot.objects.get(pk=snapshot.pk))


def test_members_see_a_published_snapshots_counts_and_officers_the_names(history, client):
    snapshot = do_create_snapshot(history.admin, ON, "Roll")
    client.force_login(history.member)
    assert client.get(f"/standing/snapshots/{snapshot.pk}/").status_code == 404
    do_publish_snapshot(history.admin, snapshot)
    page = client.get(f"/standing/snapshots/{snapshot.pk}/").content.decode()
    assert "East Branch" in page and snapshot.content_hash in page
    assert "Mia Member" not in page
    client.force_login(history.secretary)
    page = client.get(f"/standing/snapshots/{snapshot.pk}/").content.decode()
    assert "Mia Member" in page  # east: in the secretary's scope
    assert "Otto Other" not in page  # west: counted, not named


def test_the_standing_command_writes_the_csv_for_a_branch(history, capsys):
    assert main(["standing", "--as-of", ON.isoformat(), "--branch", "east"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "member_number,in_good_standing,reasons",
        "1001,yes,",
        "1002,yes,",
        # quoted: a spreadsheet splitting on semicolons keeps the reasons in one cell
        '1005,no,"no dues paid; no checkoff authorization; no waiver"',
    ]


def test_the_snapshot_command_creates_one(history, capsys):
    assert main(["snapshot", "create", "--as-of", ON.isoformat(), "--label", "Roll"]) == 0
    assert "4 of 6 members in good standing" in capsys.readouterr().out


def test_only_an_organization_wide_office_creates_a_snapshot_from_the_page(history, client):
    client.force_login(history.secretary)
    form = {"label": "Roll", "as_of": ON.isoformat()}
    assert client.post("/standing/snapshots/", form).status_code == 403
    assert not Snapshot.objects.exists()
    client.force_login(history.admin)
    response = client.post("/standing/snapshots/", form)
    snapshot = Snapshot.objects.get()
    assert response.url == f"/standing/snapshots/{snapshot.pk}/"
    client.post(f"/standing/snapshots/{snapshot.pk}/publish/")
    client.force_login(history.member)
    assert "Roll" in client.get("/standing/snapshots/").content.decode()


def test_a_snapshot_before_any_rules_is_refused_naming_the_date(people, client):
    client.force_login(people.admin)
    response = client.post("/standing/snapshots/", {"label": "Roll", "as_of": "2024-06-15"})
    assert response.status_code == 400
    assert "No adopted rule set is in force on 2024-06-15" in response.content.decode()


def test_the_standing_command_refuses_a_date_without_rules(people, capsys):
    assert main(["standing", "--as-of", "2024-06-15"]) == 1
    assert "No adopted rule set is in force on 2024-06-15" in capsys.readouterr().err
