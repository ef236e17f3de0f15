"""Demo step: dues and good standing.

Dues plans, three years of monthly payments with realistic gaps (late payers, members who
stopped, some who came back), members on checkoff, a few hardship waivers, two adopted
versions of the rule set, a published snapshot, and a history in which one officer's dues
inquiries all went to one branch — so the equal-treatment report has a disparity to flag.
Rows are written in bulk, each with the event its action appends; plans, rule sets,
snapshot and enforcement go through their actions.
"""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from rankfile.accounts.models import User
from rankfile.audit.actions import append_events
from rankfile.core import lifecycle
from rankfile.core.dates import add_months
from rankfile.dues.actions import do_create_plan, do_set_payment_instructions
from rankfile.dues.models import (
    CheckoffAuthorization,
    MemberPlan,
    Payment,
    Waiver,
)
from rankfile.examples import RULES_DIR
from rankfile.members.models import Branch, Member
from rankfile.standing.bulk import evaluate
from rankfile.standing.enforcement import do_record_enforcement
from rankfile.standing.rulesets import do_adopt_rules, find_version, rules_of
from rankfile.standing.snapshots import do_create_snapshot, do_publish_snapshot

if TYPE_CHECKING:
    from rankfile.demo import DemoContext

RULES_FILE = "national-socialist-organization.toml"
TARGETED_BRANCH = "Harbour City"


def _month_end(first: datetime.date) -> datetime.date:
    return add_months(first, 1, "clamp") - datetime.timedelta(days=1)


# The dues history is written in bulk for speed, each row on the record with the event its
# action appends (dues.actions, dues.checkoff, dues.waivers), from the system.


def _on_the_record(action: str, target: Any, member: Member, **payload: Any) -> dict[str, Any]:
    return {
        "actor": None,
        "action": action,
        "target": target,
        "member": member,
        "branch": member.branch,
        "payload": payload,
    }


def _plan_set(plan: MemberPlan) -> dict[str, Any]:
    return _on_the_record(
        "dues.plan.set",
        plan,
        plan.member,
        plan=plan.plan.slug,
        starts_on=plan.starts_on.isoformat(),
    )


def _payment_recorded(payment: Payment) -> dict[str, Any]:
    return _on_the_record(
        "dues.payment.record",
        payment,
        payment.member,
        covers_from=payment.covers_from.isoformat(),
        covers_through=payment.covers_through.isoformat(),
        amount=str(payment.amount),
        currency=payment.currency,
        method=payment.method,
    )


def _checkoff_authorized(checkoff: CheckoffAuthorization) -> dict[str, Any]:
    return _on_the_record(
        "dues.checkoff.authorize",
        checkoff,
        checkoff.member,
        kind=checkoff.kind,
        started_on=checkoff.started_on.isoformat(),
        employer=checkoff.employer_name,
    )


def _waiver_events(waiver: Waiver) -> list[dict[str, Any]]:
    dates = {"starts_on": waiver.starts_on.isoformat(), "ends_on": waiver.ends_on.isoformat()}
    events = [
        _on_the_record("dues.waiver.request", waiver, waiver.member, **dates, self_service=False)
    ]
    if waiver.status != "requested":
        events.append(
            _on_the_record(
                f"dues.waiver.{'grant' if waiver.status == 'granted' else 'refuse'}",
                waiver,
                waiver.member,
                **dates,
                status=waiver.status,
            )
        )
    return events


def _noon(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(12), timezone.get_current_timezone())


def load(context: DemoContext) -> None:

    rng = context.rng
    today = timezone.localdate()
    start = datetime.date(today.year - 3, today.month, 1)
    standard = do_create_plan(
        None, name="Standard monthly dues", slug="standard", kind="flat", amount=Decimal("20.00")
    )
    reduced = do_create_plan(
        None, name="Reduced (low income)", slug="reduced", kind="flat", amount=Decimal("5.00")
    )
    do_set_payment_instructions(
        None,
        instructions="Bank transfer to Workers' Democratic League, account 00-11-22 334455, "
        "with your member number as the reference; or cash or card at any branch meeting.",
        url="",
    )
    members = list(
        Member.objects.filter(status=lifecycle.MEMBER).select_related("branch").order_by("pk")
    )
    plans, payments, checkoffs, waivers = [], [], [], []
    now = timezone.now()
    demo_member = next(m for m in members if m.email == "member@demo.rankfile.org")
    for member in members:
        plan = reduced if rng.random() < 0.2 else standard
        plans.append(MemberPlan(member=member, plan=plan, starts_on=member.joined_on or start))
        first = max(start, (member.joined_on or start).replace(day=1))
        roll = rng.random()
        if member == demo_member:
            stop, resume = add_months(today.replace(day=1), -7, "clamp"), None  # hardship
        elif roll < 0.62:
            stop, resume = None, None  # pays every month
        elif roll < 0.80:  # stopped at some month, came back a few months later
            stop = add_months(first, rng.randrange(3, 30), "clamp")
            resume = add_months(stop, rng.randrange(2, 6), "clamp")
        else:  # stopped and has not paid since
            stop, resume = add_months(first, rng.randrange(1, 34), "clamp"), None
        on_checkoff = roll < 0.62 and rng.random() < 0.15
        if on_checkoff:
            checkoffs.append(
                CheckoffAuthorization(
                    member=member,
                    kind="payroll",
                    employer_name="City Transit Authority",
                    employee_id=f"CTA-{member.pk:05d}",
                    started_on=first,
                    recorded_at=now,
                )
            )
        month = first
        # Checkoff remittances run two months behind (the employer pays late).
        last_month = add_months(today.replace(day=1), -2 if on_checkoff else 0, "clamp")
        while month <= last_month:
            skipped = stop is not None and month >= stop and (resume is None or month < resume)
            if not skipped:
                late = rng.random() < 0.1
                received = month + datetime.timedelta(
                    days=rng.randrange(0, 10) + (25 if late else 0)
                )
                payments.append(
                    Payment(
                        member=member,
                        covers_from=month,
                        covers_through=_month_end(month),
                        amount=plan.amount,
                        method="remittance"
                        if on_checkoff
                        else rng.choice(["card", "bank", "cash"]),
                        received_on=min(received, today),
                        # Recorded the day it came in, as a treasurer would: the
                        # equal-treatment report judges officers on what was recorded then.
                        recorded_at=min(now, _noon(min(received, today))),
                    )
                )
            month = add_months(month, 1, "clamp")
        if stop is not None and resume is None and rng.random() < 0.06:
            waivers.append(
                Waiver(
                    member=member,
                    starts_on=stop,
                    ends_on=add_months(stop, 6, "clamp") - datetime.timedelta(days=1),
                    reason="Lost my job; looking for work.",
                    status="granted",
                    decided_at=now,
                    decision_reason="Granted under the hardship policy.",
                    requested_on=stop,
                )
            )
    waivers.append(
        Waiver(
            member=demo_member,
            starts_on=today,
            ends_on=add_months(today, 6, "clamp"),
            reason="Hours cut at work; I cannot pay for a few months.",
            status="requested",
            requested_on=today,
        )
    )
    MemberPlan.objects.bulk_create(plans, batch_size=2000)
    Payment.objects.bulk_create(payments, batch_size=2000)
    CheckoffAuthorization.objects.bulk_create(checkoffs, batch_size=2000)
    Waiver.objects.bulk_create(waivers, batch_size=2000)
    append_events(
        itertools.chain(
            map(_plan_set, plans),
            map(_payment_recorded, payments),
            map(_checkoff_authorized, checkoffs),
            itertools.chain.from_iterable(map(_waiver_events, waivers)),
        )
    )

    # Two versions of the rules: the second shortens the grace period.
    text = (RULES_DIR / RULES_FILE).read_text(encoding="utf-8")
    text = text.replace("effective_on = 2024-01-01", f"effective_on = {start.isoformat()}")
    first_version = do_adopt_rules(
        None, text=text, decision="National Convention, resolution on membership standards"
    )
    second_start = add_months(today.replace(day=1), -8, "clamp")
    second = text.replace('version = "1"', 'version = "2"').replace(
        f"effective_on = {start.isoformat()}", f"effective_on = {second_start.isoformat()}"
    )
    second = second.replace("grace_days = 60", "grace_days = 30")
    do_adopt_rules(None, text=second, decision="National Committee, dues reform motion")
    context.data["rule_versions"] = [first_version.pk]

    # A credentials roll for the convention, published.
    admin = User.objects.get(email="admin@demo.rankfile.org")
    cutoff = add_months(today.replace(day=1), -1, "clamp")
    snapshot = do_create_snapshot(admin, cutoff, "National convention credentials roll")
    do_publish_snapshot(admin, snapshot)
    context.data["credentials_snapshot"] = snapshot

    # One officer asks only members of one branch about their dues, though the rule matches
    # members everywhere: the equal-treatment report flags it.
    treasurer = User.objects.get(email="treasurer@demo.rankfile.org")
    targeted = Branch.objects.get(name=TARGETED_BRANCH)
    rules = rules_of(find_version(today))
    behind = [
        row.member_id
        for row in evaluate(rules, today, branch_ids={targeted.pk})
        if row.is_member and not row.in_good_standing
    ]
    asked = [demo_member.pk] + [pk for pk in behind if pk != demo_member.pk][:7]
    for offset, member in enumerate(Member.objects.filter(pk__in=asked).order_by("pk")):
        do_record_enforcement(
            treasurer,
            member,
            kind="inquiry",
            rule_cited="dues.paid_within_months",
            reason="Our records show you are not on dues checkoff and do not pay dues. "
            "As such you are not a member in good standing. If I'm mistaken, let me know.",
            on=today - datetime.timedelta(days=40 - offset * 4),
        )
