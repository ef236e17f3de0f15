"""Demo step: due process. An appeal that overturned a lapse (the member reinstated and back
in good standing) and a pending one, both through the appeals actions, on the record."""

from __future__ import annotations

import datetime

from django.utils import timezone

from rankfile.accounts.models import User
from rankfile.appeals.actions import (
    do_accept_late_appeal,
    do_decide_appeal,
    do_file_appeal,
    do_respond_to_appeal,
)
from rankfile.appeals.discipline import do_add_clause
from rankfile.appeals.models import AppealStatus
from rankfile.demo import DemoContext
from rankfile.members.actions import do_record_member_event
from rankfile.members.models import Member
from rankfile.standing.models import EnforcementAction


def load(context: DemoContext) -> None:
    today = timezone.localdate()
    appeals_body = User.objects.get(email="appeals@demo.rankfile.org")
    secretary = User.objects.get(email="secretary@demo.rankfile.org")
    do_add_clause(
        None, reference="Art. VIII §3", title="Conduct unbecoming a member",
        text="No member shall knowingly misappropriate the funds or property of the "
        "organization or of any of its branches.",
    )  # fmt: skip

    # Kemi was lapsed by hand three weeks ago; she appealed with her bank statement; the
    # appeals body overturned the lapse and restored her standing while the dues office
    # records the payment the bank shows.
    other = Member.objects.get(email="other@demo.rankfile.org")
    lapsed_on = today - datetime.timedelta(days=21)
    if other.status != "member":  # the demo history may have lapsed her already
        do_record_member_event(None, other, kind="reinstated", on=lapsed_on, reason="Demo setup")
    lapse = do_record_member_event(
        None, other, kind="lapsed", on=lapsed_on, reason="Dues unpaid for three months"
    )
    assert other.user is not None
    overturned = do_file_appeal(
        other.user, lapse,
        statement="I paid by standing order every month; my bank statement shows each payment.",
    )  # fmt: skip
    do_decide_appeal(
        appeals_body, overturned, outcome="overturned",
        reasons="The bank statement shows every monthly payment; the lapse was an error of "
        "the dues office, not a failure to pay.",
        votes={appeals_body: "overturned"},
        override_from=lapsed_on, override_to=today + datetime.timedelta(days=90),
        override_good=True,
    )  # fmt: skip

    # Jonas appeals the treasurer's inquiry about his dues after the deadline; the body
    # accepted it late, the secretary has responded, and the body has yet to decide.
    member = Member.objects.get(email="member@demo.rankfile.org")
    inquiry = EnforcementAction.objects.filter(member=member).order_by("-on").first()
    if inquiry is not None:
        pending = do_file_appeal(
            member.user, inquiry,
            statement="Only members of my branch were asked; I am on checkoff through my employer.",
        )  # fmt: skip
        if pending.status == AppealStatus.LATE:
            do_accept_late_appeal(
                appeals_body, pending,
                reason="The inquiry reached him while he was working offshore for six weeks.",
            )  # fmt: skip
        do_respond_to_appeal(
            secretary, pending,
            response="The checkoff list from the employer did not include him that month.",
        )  # fmt: skip
    context.data["appeals"] = [overturned.pk]
