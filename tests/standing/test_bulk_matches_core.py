"""The set-based standing of all members equals the per-member determination, on random
histories written to the database (SQLite and PostgreSQL alike)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rankfile.core import lifecycle
from rankfile.core.rules import RuleSet
from rankfile.dues.models import (
    CheckoffAuthorization,
    DuesPlan,
    MemberPlan,
    Payment,
    Waiver,
)
from rankfile.members.models import Branch, Member, MemberEvent
from rankfile.standing.bulk import evaluate
from rankfile.standing.facts import determine_member, member_facts
from rankfile.standing.models import EnforcementAction
from tests.strategies import rule_sets

pytestmark = pytest.mark.django_db

START = datetime.date(2018, 1, 1)


def offset(draw, limit=900):
    return START + datetime.timedelta(days=draw(st.integers(0, limit)))


@st.composite
def histories(draw):
    """One member's history as plain values (written to the database by `write`)."""
    joined = offset(draw, 700)
    events = []
    if draw(st.integers(0, 9)):  # mostly with lifecycle events, sometimes none at all
        events.append((joined, lifecycle.ADMITTED))
        later = joined + datetime.timedelta(days=draw(st.integers(1, 500)))
        if draw(st.booleans()):
            events.append((later, draw(st.sampled_from(["lapsed", "resigned", "transferred"]))))
            if events[-1][1] != "transferred" and draw(st.booleans()):
                events.append(
                    (later + datetime.timedelta(days=draw(st.integers(0, 200))), "reinstated")
                )
    payments = []
    for _ in range(draw(st.integers(0, 5))):
        begin = offset(draw)
        end = begin + datetime.timedelta(days=draw(st.integers(0, 400)))
        payments.append((begin, end, offset(draw), draw(st.integers(0, 5)) == 0))
    checkoffs = [
        (
            s,
            draw(
                st.one_of(
                    st.none(), st.just(s + datetime.timedelta(days=draw(st.integers(0, 300))))
                )
            ),
        )
        for s in [offset(draw) for _ in range(draw(st.integers(0, 2)))]
    ]
    waivers = [
        (
            s,
            s + datetime.timedelta(days=draw(st.integers(0, 500))),
            draw(st.sampled_from(["granted", "granted", "requested", "refused"])),
        )
        for s in [offset(draw) for _ in range(draw(st.integers(0, 2)))]
    ]
    overrides = []
    for _ in range(draw(st.integers(0, 3)) if draw(st.booleans()) else 0):
        begin = offset(draw)
        end = draw(
            st.one_of(
                st.none(), st.just(begin + datetime.timedelta(days=draw(st.integers(0, 400))))
            )
        )
        lifted = draw(st.one_of(st.none(), st.just(offset(draw))))
        overrides.append((begin, end, draw(st.booleans()), lifted, offset(draw)))
    return {
        "overrides": overrides,
        "joined": joined if draw(st.integers(0, 9)) else None,
        "status": draw(st.sampled_from(["member", "member", "applicant", "resigned"])),
        "events": events,
        "payments": payments,
        "checkoffs": checkoffs,
        "waivers": waivers,
        "lifetime": offset(draw) if draw(st.integers(0, 5)) == 0 else None,
    }


def write(histories, branches, plans):
    now = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
    members = Member.objects.bulk_create(
        Member(
            member_number=f"T{i:03}",
            first_name="Test",
            last_name=str(i),
            branch=branches[i % 2],
            joined_on=h["joined"],
            status=h["status"],
        )
        for i, h in enumerate(histories)
    )
    events, payments, reversed_ones, checkoffs, waivers, member_plans = [], [], [], [], [], []
    for member, h in zip(members, histories, strict=True):
        for on, kind in h["events"]:
            moved = kind == "transferred"
            events.append(
                MemberEvent(
                    member=member,
                    kind=kind,
                    on=on,
                    from_branch=branches[1] if moved else None,
                    to_branch=branches[0] if moved else None,
                )  # fmt: skip
            )
        for begin, end, received, reverse in h["payments"]:
            payment = Payment(
                member=member, covers_from=begin, covers_through=end, amount=Decimal("10"),
                method="cash", received_on=received,
            )  # fmt: skip
            payments.append(payment)
            if reverse:
                reversed_ones.append(payment)
        checkoffs.extend(
            CheckoffAuthorization(member=member, kind="bank", started_on=s, ended_on=e)
            for s, e in h["checkoffs"]
        )
        waivers.extend(
            Waiver(
                member=member,
                starts_on=s,
                ends_on=e,
                status=status,
                reason="hardship",
                decided_at=None if status == "requested" else now,
            )  # fmt: skip
            for s, e, status in h["waivers"]
        )
        if h["lifetime"]:
            member_plans.append(
                MemberPlan(member=member, plan=plans["flat"], starts_on=datetime.date(2010, 1, 1))
            )
            member_plans.append(
                MemberPlan(member=member, plan=plans["lifetime"], starts_on=h["lifetime"])
            )
    EnforcementAction.objects.bulk_create(
        EnforcementAction(
            kind="override",
            member=member,
            branch=member.branch,
            actor_label="test",
            rule_cited="appeals",
            reason=f"override {n}",
            on=granted,
            recorded_at=now,
            starts_on=begin,
            ends_on=end,
            in_good_standing=good,
            lifted_on=lifted,
        )  # fmt: skip
        for member, h in zip(members, histories, strict=True)
        for n, (begin, end, good, lifted, granted) in enumerate(h.get("overrides", ()))
    )
    MemberEvent.objects.bulk_create(events)
    Payment.objects.bulk_create(payments)
    Payment.objects.bulk_create(
        Payment(
            member=p.member,
            covers_from=p.covers_from,
            covers_through=p.covers_through,
            amount=Decimal("-10"),
            method="cash",
            received_on=p.received_on,
            reverses=p,
        )  # fmt: skip
        for p in reversed_ones
    )
    CheckoffAuthorization.objects.bulk_create(checkoffs)
    Waiver.objects.bulk_create(waivers)
    MemberPlan.objects.bulk_create(member_plans)
    return members


@pytest.fixture
def world(db):
    branches = [
        Branch.objects.create(name="Atlanta", slug="atlanta"),
        Branch.objects.create(name="Boston", slug="boston"),
    ]
    plans = {
        "flat": DuesPlan.objects.create(name="Flat", slug="flat", kind="flat", amount=10),
        "lifetime": DuesPlan.objects.create(
            name="Lifetime", slug="lifetime", kind="lifetime", amount=500
        ),
    }
    return branches, plans


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    st.lists(histories(), min_size=1, max_size=6),
    rule_sets(),
    st.dates(min_value=datetime.date(2017, 12, 1), max_value=datetime.date(2021, 6, 30)),
)
def test_it_gives_every_member_the_standing_and_reasons_determine_gives(world, stories, rules, on):
    branches, plans = world
    with transaction.atomic():  # each example starts from an empty roll
        check_example(stories, rules, on, branches, plans)
        transaction.set_rollback(True)


def check_example(stories, rules, on, branches, plans):
    members = write(stories, branches, plans)
    bulk = {row.member_id: row for row in evaluate(rules, on)}
    assert set(bulk) == {m.pk for m in members}
    for member in members:
        member.refresh_from_db()
        expected = determine_member(member, on, rules=rules)
        row = bulk[member.pk]
        assert (row.in_good_standing, row.reasons, row.paid_through, row.suspended) == (
            expected.in_good_standing,
            expected.reasons,
            expected.paid_through,
            expected.suspended,
        ), member_facts(member)


def test_it_counts_members_by_the_branch_they_were_in_on_the_date(world):
    branches, plans = world
    story = {
        "joined": START, "status": "member", "payments": [], "checkoffs": [], "waivers": [],
        "lifetime": None,
        "events": [(START, "admitted"), (datetime.date(2019, 6, 1), "transferred")],
    }  # fmt: skip
    (member,) = write([story], branches, plans)
    rules = RuleSet(name="none")
    assert [r.branch_id for r in evaluate(rules, datetime.date(2019, 5, 31))] == [branches[1].pk]
    assert [r.branch_id for r in evaluate(rules, datetime.date(2019, 6, 1))] == [branches[0].pk]
    assert list(evaluate(rules, datetime.date(2019, 6, 1), branch_ids={branches[1].pk})) == []
