"""API routes for good standing: a member's determination, as the standing page shows it."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema
from ninja.responses import Status

from rankfile.api.schemas import Error
from rankfile.members.access import access_standing
from rankfile.standing.facts import determine_member
from rankfile.standing.rulesets import NoRulesInForce, find_version

router = Router(tags=["standing"])


class CriterionOut(Schema):
    key: str
    outcome: str
    sentence: str
    remedy: str | None


class RulesOut(Schema):
    name: str
    version: str
    effective_on: datetime.date
    decision: str


class StandingOut(Schema):
    member_number: str
    as_of: datetime.date
    in_good_standing: bool
    explanation: str
    way_back: str | None
    paid_through: datetime.date | None
    counted_as_paid_by: str | None
    months_in_arrears: int | None
    suspended: bool
    loses_standing_on: datetime.date | None
    criteria: list[CriterionOut]
    rules: RulesOut


@router.get(
    "members/{member_id}/standing",
    response={200: StandingOut, 403: Error, 404: Error},
    summary="A member's good standing as of a date, with each rule and the way back",
)
def member_standing(
    request: HttpRequest,
    member_id: int,
    as_of: datetime.date | None = None,
    rules: str | None = None,
) -> Any:
    member = access_standing(request.user, member_id)
    day = as_of or timezone.localdate()
    try:
        version = find_version(day, rules)
    except NoRulesInForce as error:
        return Status(404, {"detail": str(error)})
    result = determine_member(member, day, version=version).as_dict()
    return {
        **result,
        "member_number": member.member_number,
        "rules": {
            "name": version.name,
            "version": version.version,
            "effective_on": version.effective_on,
            "decision": version.decision,
        },
    }
