"""The demo leaves the record the same operations would: every member joined, every plan,
payment, checkoff and waiver, every lifecycle change, office and login is an event on the
hash-chained log, although the rows are written in bulk."""

from __future__ import annotations

from collections import Counter

import pytest

from rankfile.audit.models import AuditEvent, AuditHead
from rankfile.audit.verify import verify_audit_log
from rankfile.core import lifecycle
from rankfile.core.chain import GENESIS_HASH
from rankfile.demo import load_demo
from rankfile.dues.models import CheckoffAuthorization, DuesPlan, MemberPlan, Payment, Waiver
from rankfile.members.models import Branch, Member, MemberEvent, Office

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_demo(members=300)
        yield
        from django.core.management import call_command

        call_command("flush", interactive=False, verbosity=0)
        # As the migration left it for the other tests: the chain's head at the genesis.
        AuditHead.objects.create(pk=1, seq=0, hash=GENESIS_HASH)


def targets(model, action):
    return Counter(
        AuditEvent.objects.filter(target_type=model._meta.label_lower, action=action).values_list(
            "target_id", flat=True
        )
    )


def once_each(model, **filters):
    return Counter(str(pk) for pk in model.objects.filter(**filters).values_list("pk", flat=True))


def test_every_member_joined_on_the_record_once(demo):
    assert Member.objects.count() == 300
    assert targets(Member, "member.add") == once_each(Member)
    assert not AuditEvent.objects.filter(action="member.import").exists()


def test_every_payment_is_on_the_record_once(demo):
    assert Payment.objects.count() > 1000
    assert targets(Payment, "dues.payment.record") == once_each(Payment)
    payment = Payment.objects.select_related("member").order_by("pk").last()
    event = AuditEvent.objects.get(target_type="dues.payment", target_id=str(payment.pk))
    assert (event.member_id, event.branch_id) == (payment.member_id, payment.member.branch_id)
    assert event.payload == {
        "amount": str(payment.amount),
        "covers_from": payment.covers_from.isoformat(),
        "covers_through": payment.covers_through.isoformat(),
        "currency": payment.currency,
        "method": payment.method,
    }


def test_every_dues_record_is_on_the_record(demo):
    assert targets(DuesPlan, "dues.plan.create") == once_each(DuesPlan)
    assert targets(MemberPlan, "dues.plan.set") == once_each(MemberPlan)
    assert targets(CheckoffAuthorization, "dues.checkoff.authorize") == once_each(
        CheckoffAuthorization
    )
    assert targets(Waiver, "dues.waiver.request") == once_each(Waiver)
    assert targets(Waiver, "dues.waiver.grant") == once_each(Waiver, status="granted")


def test_every_lifecycle_change_office_and_branch_is_on_the_record(demo):
    changes = Counter(
        MemberEvent.objects.exclude(kind=lifecycle.ADMITTED).values_list("kind", flat=True)
    )
    recorded = Counter(
        action.removeprefix("member.")
        for action in AuditEvent.objects.filter(
            action__in=[f"member.{kind}" for kind in lifecycle.EVENT_KINDS]
        ).values_list("action", flat=True)
    )
    assert changes and recorded == changes
    assert targets(Office, "office.appoint") == once_each(Office)
    assert targets(Branch, "branch.create") == once_each(Branch)


def test_every_login_was_given_on_the_record(demo):
    with_login = Member.objects.filter(user__isnull=False)
    assert with_login.count() == 7
    assert targets(Member, "member.invite") == once_each(Member, user__isnull=False)


def test_the_demo_record_verifies(demo):
    result = verify_audit_log()
    assert result.ok
    assert result.checked == AuditEvent.objects.count()
