"""Arrears notices: sent by the system to every member the rules match, never a chosen list.

Who matches on D: current members (status member) who are not in good standing, and those in
good standing who will lose it within the notice window (30 days) unless they pay or are
granted a waiver. The candidates for the second group come from the set-based evaluation
(paid through less than the cut-off 30 days on); `loses_standing_on` then settles each one.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import mail
from django.db import transaction
from django.template.loader import render_to_string

from rankfile.audit.actions import append_event
from rankfile.core import cutoffs, lifecycle
from rankfile.core.standing import Determination, determine
from rankfile.dues.owed import dues_owed, how_to_pay
from rankfile.members.access import require_everywhere
from rankfile.members.models import Member, Organization
from rankfile.standing.bulk import evaluate
from rankfile.standing.facts import member_facts
from rankfile.standing.rulesets import find_version, rules_of

WINDOW_DAYS = 30


@dataclass(frozen=True)
class Notice:
    member: Member
    determination: Determination
    lost: bool  # already out of standing (else: will lose it within the window)


def members_to_notify(as_of: datetime.date, window_days: int = WINDOW_DAYS) -> list[Notice]:
    """Every current member who is out of good standing on ``as_of`` or will be within
    ``window_days`` if nothing changes, with their determination (explanation, way back)."""
    rules = rules_of(find_version(as_of))
    later = cutoffs.standing_cutoff_date(rules, as_of + datetime.timedelta(days=window_days))
    wanted: dict[int, bool] = {}
    for row in evaluate(rules, as_of):
        if not row.in_good_standing:
            wanted[row.member_id] = True
        elif later is not None and (row.paid_through is None or row.paid_through < later):
            wanted[row.member_id] = False  # a candidate: checkoff or waiver may still cover
    notices = []
    members = Member.objects.filter(pk__in=wanted, status=lifecycle.MEMBER).order_by(
        "member_number"
    )
    deadline = as_of + datetime.timedelta(days=window_days)
    for member in members.iterator():
        result = determine(member_facts(member), rules, as_of)
        lost = not result.in_good_standing
        if lost and not _is_current_member(result):
            continue  # not a member on that date: nothing to notify about dues
        if not lost and (result.loses_standing_on is None or result.loses_standing_on > deadline):
            continue
        notices.append(Notice(member, result, lost))
    return notices


def _is_current_member(result: Determination) -> bool:
    membership = result.criterion("membership")
    return membership is not None and membership.passed


@dataclass(frozen=True)
class NoticeBatch:
    as_of: datetime.date
    sent: list[int]
    without_email: list[int]


def do_send_arrears_notices(
    actor: Any, as_of: datetime.date, *, window_days: int = WINDOW_DAYS
) -> NoticeBatch:
    """Email every member the rules match (see the module docstring) with their explanation
    and way back, as one audited batch listing every recipient."""
    require_everywhere(actor, "standing.enforce")
    notices = members_to_notify(as_of, window_days)
    organization = Organization.current()
    paying = how_to_pay()
    messages = []
    sent, without_email = [], []
    for notice in notices:
        if not notice.member.email:
            without_email.append(notice.member.pk)
            continue
        sent.append(notice.member.pk)
        body = render_to_string(
            "standing/arrears_notice.txt",
            {
                "notice": notice,
                "organization": organization,
                "member": notice.member,
                "owed": dues_owed(notice.member, as_of, notice.determination.paid_through),
                "how_to_pay": paying,
            },
        )
        subject = (
            f"{organization.name}: your good standing"
            if notice.lost
            else f"{organization.name}: your good standing ends on "
            f"{notice.determination.loses_standing_on}"
        )
        messages.append(
            mail.EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [notice.member.email])
        )
    with transaction.atomic():
        append_event(
            actor=actor,
            action="standing.arrears_notices",
            payload={
                "as_of": as_of.isoformat(),
                "window_days": window_days,
                "recipients": len(sent),
                "member_ids": sent,
                "without_email": without_email,
            },
        )
    # Sent once the batch is on the record: a failure shows as an error to the sender.
    with mail.get_connection() as connection:
        connection.send_messages(messages)
    return NoticeBatch(as_of=as_of, sent=sent, without_email=without_email)
