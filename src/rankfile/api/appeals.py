"""API routes for appeals and cases: what the member, the officers involved and the appeals
body may read on the pages, as JSON."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Router, Schema

from rankfile.api.schemas import Error
from rankfile.appeals.actions import access_appeal
from rankfile.appeals.discipline import access_charge
from rankfile.appeals.models import Appeal, Charge
from rankfile.members.access import access_member

router = Router(tags=["appeals"])


class VoteOut(Schema):
    voter: str
    vote: str


class AppealOut(Schema):
    id: int
    member_number: str
    subject: str
    decision: str
    decision_on: datetime.date
    status: str
    appeal_by: datetime.date
    decide_by: datetime.date
    overdue: bool
    statement: str
    response: str
    hearing_on: datetime.date | None
    outcome: str | None
    reasons: str | None
    effect: str | None
    votes: list[VoteOut]


class ChargeOut(Schema):
    id: int
    member_number: str
    clause: str
    brought_by: str
    particulars: str
    evidence: str
    answer_by: datetime.date
    answer: str
    hearing_on: datetime.date | None
    status: str
    sanction: str | None
    suspended_until: datetime.date | None
    reasons: str | None


def _appeal(appeal: Appeal) -> dict[str, Any]:
    return {
        "id": appeal.pk,
        "member_number": appeal.member.member_number,
        "subject": appeal.subject,
        "decision": appeal.decision_label,
        "decision_on": appeal.decision_on,
        "status": appeal.status,
        "appeal_by": appeal.appeal_by,
        "decide_by": appeal.decide_by,
        "overdue": appeal.overdue,
        "statement": appeal.statement,
        "response": appeal.response,
        "hearing_on": appeal.hearing_on,
        "outcome": appeal.outcome or None,
        "reasons": appeal.reasons or None,
        "effect": appeal.effect or None,
        "votes": [{"voter": v.voter_label, "vote": v.vote} for v in appeal.votes.all()],
    }


def _charge(charge: Charge) -> dict[str, Any]:
    return {
        "id": charge.pk,
        "member_number": charge.accused.member_number,
        "clause": charge.clause.reference,
        "brought_by": charge.brought_by_label,
        "particulars": charge.particulars,
        "evidence": charge.evidence,
        "answer_by": charge.answer_by,
        "answer": charge.answer,
        "hearing_on": charge.hearing_on,
        "status": charge.status,
        "sanction": charge.sanction or None,
        "suspended_until": charge.suspended_until,
        "reasons": charge.reasons or None,
    }


def _visible(user: Any, ids: list[int], access: Any) -> list[Any]:
    found = []
    for pk in ids:
        try:
            found.append(access(user, pk))
        except PermissionDenied:
            continue
    return found


@router.get(
    "members/{member_id}/appeals",
    response={200: list[AppealOut], 403: Error, 404: Error},
    summary="A member's appeals the caller may see (the member, the officer who acted, the "
    "appeals body)",
)
def member_appeals(request: HttpRequest, member_id: int) -> Any:
    member = access_member(request.user, member_id)
    ids = list(Appeal.objects.filter(member=member).order_by("pk").values_list("pk", flat=True))
    return [_appeal(a) for a in _visible(request.user, ids, access_appeal)]


@router.get(
    "appeals/{appeal_id}",
    response={200: AppealOut, 403: Error, 404: Error},
    summary="One appeal, with its decision and the recorded vote",
)
def appeal(request: HttpRequest, appeal_id: int) -> Any:
    return _appeal(access_appeal(request.user, appeal_id))


@router.get(
    "members/{member_id}/cases",
    response={200: list[ChargeOut], 403: Error, 404: Error},
    summary="Charges against a member the caller may see (those involved, the appeals body)",
)
def member_cases(request: HttpRequest, member_id: int) -> Any:
    member = access_member(request.user, member_id)
    ids = list(Charge.objects.filter(accused=member).order_by("pk").values_list("pk", flat=True))
    return [_charge(c) for c in _visible(request.user, ids, access_charge)]
