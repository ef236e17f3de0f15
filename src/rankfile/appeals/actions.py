"""Appeals: filed by the member concerned, answered by the officer who acted, decided by the
appeals body with reasons, and taking effect through the normal actions.

Each ``do_*`` is atomic, checks who may act over the member's branch (members/access.py) and
appends its audit event in the same transaction. No one decides their own case: an
appeals-body member who is the appellant or the officer who acted is excluded from the
decision and from the vote.

The consequences of a decision (a reinstatement, a granted waiver, a lifted action, a seat
given back, an override) are recorded by the actions that own them, with the appeal decision
as their authority: they are called with ``actor=None`` (the system acting on a decision of
the body) and a reason that names the appeal, after the decision itself was audited with the
deciding member as actor.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from rankfile.appeals.discipline import overturn_charge
from rankfile.appeals.models import Appeal, AppealStatus, AppealVote, Charge, Outcome, Subject
from rankfile.audit.actions import actor_label, append_event
from rankfile.conventions.elections import do_return_to_seat
from rankfile.conventions.models import Credential, SeatStatus
from rankfile.core.rules import RuleSet
from rankfile.dues.models import Waiver, WaiverStatus
from rankfile.dues.waivers import do_request_waiver
from rankfile.members.access import require, viewer_for
from rankfile.members.actions import do_record_member_event
from rankfile.members.models import Member, MemberEvent, Office
from rankfile.standing.enforcement import do_lift_action, do_record_decided_action
from rankfile.standing.models import EnforcementAction, EnforcementKind, RuleSetVersion
from rankfile.standing.rulesets import NoRulesInForce, find_version, rules_of
from rankfile.standing.waivers import do_decide_waiver

APPEALABLE_EVENTS = frozenset({"lapsed", "expelled"})
DAY = datetime.timedelta(days=1)


class CaseConflict(PermissionDenied):
    """Someone asked to decide a case they are a party to."""


def rules_on(day: datetime.date) -> tuple[RuleSet, RuleSetVersion | None]:
    """The rules in force on ``day`` (the defaults of an unadopted rule set if none)."""
    try:
        version = find_version(day)
    except NoRulesInForce:
        return RuleSet(name="none adopted"), None
    return rules_of(version), version


def describe(subject: Any) -> tuple[Any, Member, datetime.date, Any, str]:
    """(subject kind, member, date of the decision, officer who took it, words) for a decision
    a member may appeal; ValidationError when it is not appealable."""
    if isinstance(subject, EnforcementAction):
        label = f"{subject.get_kind_display()} on {subject.on}: {subject.reason}"
        if subject.lifted_on is not None:
            raise ValidationError(f"This action was lifted on {subject.lifted_on}.")
        return Subject.ENFORCEMENT, subject.member, subject.on, subject.actor, label
    if isinstance(subject, MemberEvent):
        if subject.kind not in APPEALABLE_EVENTS:
            raise ValidationError("Only a lapse or an expulsion can be appealed.")
        label = f"{subject.get_kind_display()} on {subject.on}: {subject.reason}"
        return Subject.LIFECYCLE, subject.member, subject.on, subject.recorded_by, label
    if isinstance(subject, Waiver):
        if subject.status != WaiverStatus.REFUSED or subject.decided_at is None:
            raise ValidationError("Only a refused waiver can be appealed.")
        label = (
            f"Hardship waiver for {subject.starts_on} to {subject.ends_on} refused: "
            f"{subject.decision_reason}"
        )
        on = timezone.localtime(subject.decided_at).date()
        return Subject.WAIVER, subject.member, on, subject.decided_by, label
    if isinstance(subject, Credential):
        if subject.status != SeatStatus.ABSENT:
            raise ValidationError("Only a seat given to an alternate can be appealed.")
        substitute = Credential.objects.filter(replaces=subject).first()
        seated_at = substitute.seated_at if substitute is not None else None
        on = timezone.localtime(seated_at).date() if seated_at else timezone.localdate()
        officer = substitute.seated_by if substitute is not None else None
        reason = substitute.seated_reason if substitute is not None else ""
        return (
            Subject.CREDENTIALS,
            subject.member,
            on,
            officer,
            f"Seat given to an alternate: {reason}",
        )
    if isinstance(subject, Charge):
        if subject.decided_at is None:
            raise ValidationError("A charge can be appealed once it is decided.")
        on = timezone.localtime(subject.decided_at).date()
        label = f"Charges under {subject.clause.reference}: {subject.get_sanction_display()}"
        return Subject.CHARGE, subject.accused, on, subject.decided_by, label
    raise ValidationError("That decision cannot be appealed.")


def _subject_field(kind: str) -> str:
    return {
        Subject.ENFORCEMENT: "enforcement",
        Subject.LIFECYCLE: "member_event",
        Subject.WAIVER: "waiver",
        Subject.CREDENTIALS: "credential",
        Subject.CHARGE: "charge",
    }[Subject(kind)]


def subject_of(appeal: Appeal) -> Any:
    """The decision the appeal is about."""
    return getattr(appeal, _subject_field(appeal.subject))


@transaction.atomic
def do_file_appeal(actor: Any, subject: Any, *, statement: str) -> Appeal:
    """The member concerned appeals a decision about them. After the deadline of the rules in
    force on the decision's date (`appeals.appeal_within_days`) the appeal is recorded as
    refused as late, with the deadline named; the appeals body may still accept it."""
    kind, member, decided_on, officer, label = describe(subject)
    if not viewer_for(actor).is_self(member):
        raise PermissionDenied("Only the member concerned can appeal a decision about them.")
    if not statement.strip():
        raise ValidationError({"statement": "Say why the decision is wrong."})
    field = _subject_field(kind)
    if Appeal.objects.filter(**{field: subject}).exclude(status=AppealStatus.DECIDED).exists():
        raise ValidationError("This decision is already under appeal.")
    rules, version = rules_on(decided_on)
    today = timezone.localdate()
    appeal_by = decided_on + datetime.timedelta(days=rules.appeal_within_days)
    late = today > appeal_by
    appeal = Appeal.objects.create(
        member=member,
        subject=kind,
        **{field: subject},
        decision_label=label[:300],
        decision_on=decided_on,
        officer=officer,
        officer_label=actor_label(officer) if officer is not None else "",
        rule_version=version,
        statement=statement.strip(),
        appeal_by=appeal_by,
        decide_by=today + datetime.timedelta(days=rules.decide_within_days),
        status=AppealStatus.LATE if late else AppealStatus.OPEN,
    )
    append_event(
        actor=actor,
        action="appeals.file",
        target=appeal,
        member=member,
        branch=member.branch,
        payload={
            "subject": kind,
            "decision_on": decided_on.isoformat(),
            "appeal_by": appeal_by.isoformat(),
            "late": late,
        },
    )
    return appeal


def late_message(appeal: Appeal) -> str:
    """What a member who appealed too late is told (the deadline named)."""
    return (
        f"The deadline to appeal this decision was {appeal.appeal_by} "
        f"({(appeal.appeal_by - appeal.decision_on).days} days from {appeal.decision_on}). "
        "Your appeal is recorded as refused as late; the appeals body may accept it with a reason."
    )


def excluded(user: Any, appeal: Appeal) -> bool:
    """Whether ``user`` is a party to the case: the appellant or the officer who acted."""
    viewer = viewer_for(user)
    return viewer.is_self(appeal.member) or (
        appeal.officer_id is not None and appeal.officer_id == user.pk
    )


def require_body(actor: Any, appeal: Appeal) -> None:
    """The actor sits on the appeals body and is not a party to the case."""
    if actor is None:
        return
    require(actor, "appeals.decide")  # one body for the whole organization
    if excluded(actor, appeal):
        raise CaseConflict("No one decides their own case: you are a party to this one.")


def _locked(appeal: Appeal, *statuses: Any) -> Appeal:
    appeal = Appeal.objects.select_for_update().select_related("member__branch").get(pk=appeal.pk)
    if appeal.status not in statuses:
        raise ValidationError(f"This appeal is {appeal.get_status_display().lower()}.")
    return appeal


@transaction.atomic
def do_accept_late_appeal(actor: Any, appeal: Appeal, *, reason: str) -> Appeal:
    """The appeals body accepts an appeal filed after its deadline, with a reason."""
    appeal = _locked(appeal, AppealStatus.LATE)
    require_body(actor, appeal)
    if not reason.strip():
        raise ValidationError({"reason": "Give the reason for accepting it late."})
    rules, _version = rules_on(appeal.decision_on)
    appeal.status = AppealStatus.OPEN
    appeal.late_reason = reason.strip()
    appeal.decide_by = timezone.localdate() + datetime.timedelta(days=rules.decide_within_days)
    appeal.save(update_fields=["status", "late_reason", "decide_by"])
    append_event(
        actor=actor,
        action="appeals.accept_late",
        target=appeal,
        member=appeal.member,
        branch=appeal.member.branch,
        reason=appeal.late_reason,
        payload={"decide_by": appeal.decide_by.isoformat()},
    )
    return appeal


@transaction.atomic
def do_respond_to_appeal(actor: Any, appeal: Appeal, *, response: str) -> Appeal:
    """The officer who acted (or an officer with `standing.enforce` over the member's branch)
    answers the member's statement."""
    appeal = _locked(appeal, AppealStatus.OPEN, AppealStatus.LATE)
    if actor is not None and not (appeal.officer_id is not None and appeal.officer_id == actor.pk):
        require(actor, "standing.enforce", appeal.member.branch_id)
    if not response.strip():
        raise ValidationError({"response": "Write the response."})
    appeal.response = response.strip()
    appeal.responded_at = timezone.now()
    appeal.save(update_fields=["response", "responded_at"])
    append_event(
        actor=actor,
        action="appeals.respond",
        target=appeal,
        member=appeal.member,
        branch=appeal.member.branch,
        payload={},
    )
    return appeal


@transaction.atomic
def do_schedule_hearing(actor: Any, appeal: Appeal, *, hearing_on: datetime.date) -> Appeal:
    """The appeals body sets the hearing date."""
    appeal = _locked(appeal, AppealStatus.OPEN)
    require_body(actor, appeal)
    appeal.hearing_on = hearing_on
    appeal.save(update_fields=["hearing_on"])
    append_event(
        actor=actor,
        action="appeals.schedule_hearing",
        target=appeal,
        member=appeal.member,
        branch=appeal.member.branch,
        payload={"hearing_on": hearing_on.isoformat()},
    )
    return appeal


def _check_votes(appeal: Appeal, outcome: str, votes: Mapping[Any, str]) -> list[tuple[Any, str]]:
    """The votes, each by an eligible member of the body; the outcome the majority gave."""
    cast = []
    for voter, vote in votes.items():
        if vote not in Outcome.values:
            raise ValidationError({"votes": f"{vote!r} is not an outcome."})
        if not viewer_for(voter).can("appeals.decide"):
            raise ValidationError(
                {"votes": f"{actor_label(voter)} does not sit on the appeals body."}
            )
        if excluded(voter, appeal):
            raise CaseConflict(
                f"No one decides their own case: {actor_label(voter)} is a party to this one."
            )
        cast.append((voter, vote))
    if not cast:
        raise ValidationError({"votes": "Record the votes of the body's members."})
    tally = Counter(vote for _, vote in cast)
    if tally[outcome] * 2 <= len(cast):
        counts = ", ".join(f"{Outcome(k).label.lower()} {n}" for k, n in tally.most_common())
        raise ValidationError(
            {"outcome": f"The recorded vote ({counts}) does not give a majority for {outcome}."}
        )
    return cast


@transaction.atomic
def do_decide_appeal(
    actor: Any,
    appeal: Appeal,
    *,
    outcome: str,
    reasons: str,
    votes: Mapping[Any, str] | None = None,
    override_from: datetime.date | None = None,
    override_to: datetime.date | None = None,
    override_good: bool | None = None,
) -> Appeal:
    """The appeals body's decision, with written reasons: by a recorded vote of its members
    (``votes``: user -> outcome, a majority for ``outcome``), or by the actor alone where the
    rules allow (`appeals.single_member_may_decide`). An overturned or modified decision takes
    effect through the normal actions; ``override_*`` sets the member's standing for a period
    (a modification, or an overturned decision that should also restore standing)."""
    appeal = _locked(appeal, AppealStatus.OPEN)
    require_body(actor, appeal)
    errors: dict[str, str] = {}
    if outcome not in Outcome.values:
        errors["outcome"] = f"{outcome!r} is not an outcome (upheld, overturned, modified)."
    if not reasons.strip():
        errors["reasons"] = "Give the written reasons for the decision."
    if outcome == Outcome.MODIFIED and override_from is None:
        errors["override_from"] = "A modified decision sets the member's standing from a date."
    if override_from is not None and override_good is None:
        errors["override_good"] = "Say whether the member is in good standing for that period."
    if outcome == Outcome.UPHELD and override_from is not None:
        errors["override_from"] = "An upheld decision changes nothing."
    if errors:
        raise ValidationError(errors)
    rules, _version = rules_on(timezone.localdate())
    if votes is None:
        if actor is not None and not rules.single_member_may_decide:
            raise ValidationError(
                {"votes": "The rules in force ask for a recorded vote of the body "
                 "(appeals.single_member_may_decide is false)."}
            )  # fmt: skip
        cast: list[tuple[Any, str]] = []
    else:
        cast = _check_votes(appeal, outcome, votes)
    appeal.outcome = outcome
    appeal.reasons = reasons.strip()
    appeal.decided_by = actor
    appeal.decided_by_vote = votes is not None
    appeal.decided_at = timezone.now()
    appeal.status = AppealStatus.DECIDED
    AppealVote.objects.bulk_create(
        AppealVote(appeal=appeal, voter=voter, voter_label=actor_label(voter), vote=vote)
        for voter, vote in cast
    )
    append_event(
        actor=actor,
        action="appeals.decide",
        target=appeal,
        member=appeal.member,
        branch=appeal.member.branch,
        reason=appeal.reasons,
        payload={
            "outcome": outcome,
            "by_vote": votes is not None,
            "votes": dict(sorted(Counter(v for _, v in cast).items())),
            "decide_by": appeal.decide_by.isoformat(),
            "late": appeal.decided_at.date() > appeal.decide_by,
        },
    )
    effects = []
    if outcome == Outcome.OVERTURNED:
        effects.append(_overturn(appeal))
    if override_from is not None:
        action = do_record_decided_action(
            actor, appeal.member, kind="override",
            rule_cited=f"appeal {appeal.pk}", reason=f"Appeal {appeal.pk}: {appeal.reasons}",
            starts_on=override_from, ends_on=override_to, in_good_standing=override_good,
            audit_action="standing.enforcement.override_by_appeal",
        )  # fmt: skip
        effects.append(
            f"standing set to {'in' if override_good else 'not in'} good standing from "
            f"{action.starts_on}" + (f" to {action.ends_on}" if action.ends_on else " until lifted")
        )
    appeal.effect = "; ".join(e for e in effects if e) or "none (the decision stands)"
    appeal.save()
    return appeal


def _overturn(appeal: Appeal) -> str:
    """Undo the decision appealed through the action that owns it; what changed, in words."""
    reason = f"Appeal {appeal.pk} overturned the decision: {appeal.reasons}"
    today = timezone.localdate()
    if appeal.subject == Subject.ENFORCEMENT:
        action = appeal.enforcement
        assert action is not None
        lifted_on = (
            action.starts_on or action.on if action.kind == EnforcementKind.OVERRIDE else today
        )
        do_lift_action(None, action, lifted_on=min(lifted_on, today), reason=reason)
        return f"{action.get_kind_display().lower()} of {action.on} lifted"
    if appeal.subject == Subject.LIFECYCLE:
        event = appeal.member_event
        assert event is not None
        member = Member.objects.get(pk=appeal.member_id)
        if member.status not in ("lapsed", "expelled"):
            return f"no reinstatement needed (status is {member.status})"
        do_record_member_event(None, member, kind="reinstated", on=event.on, reason=reason)
        return f"reinstated as of {event.on}"
    if appeal.subject == Subject.WAIVER:
        refused = appeal.waiver
        assert refused is not None
        request = do_request_waiver(
            None, appeal.member, starts_on=refused.starts_on, ends_on=refused.ends_on,
            reason=refused.reason or reason,
        )  # fmt: skip
        do_decide_waiver(None, request, grant=True, decision_reason=reason)
        return f"waiver granted for {refused.starts_on} to {refused.ends_on}"
    if appeal.subject == Subject.CREDENTIALS:
        credential = appeal.credential
        assert credential is not None
        do_return_to_seat(None, credential, reason=reason)
        return "seat given back"
    if appeal.subject == Subject.CHARGE:
        assert appeal.charge is not None
        return overturn_charge(appeal.charge, reason)
    return ""


def access_appeal(user: Any, appeal_id: int | str) -> Appeal:
    """An appeal, for the member, the officer who acted and the appeals body; Http404 when it
    does not exist, PermissionDenied for anyone else."""
    appeal = (
        Appeal.objects.select_related("member__branch", "rule_version", "enforcement")
        .filter(pk=appeal_id)
        .first()
    )
    if appeal is None:
        raise Http404("No such appeal.")
    viewer = viewer_for(user)
    officer = appeal.officer_id is not None and appeal.officer_id == user.pk
    if not (
        viewer.is_self(appeal.member)
        or officer
        or viewer.can("appeals.review", appeal.member.branch_id)
    ):
        raise PermissionDenied(
            "Only the member, the officer who acted and the appeals body see it."
        )
    return appeal


def body_members(appeal: Appeal | None = None) -> list[Any]:
    """The users who sit on the appeals body today (those not party to ``appeal``)."""
    offices = Office.objects.held_on(timezone.localdate()).filter(role="appeals")
    users = [o.member.user for o in offices.select_related("member__user") if o.member.user]
    unique = list({u.pk: u for u in users}.values())
    if appeal is not None:
        unique = [u for u in unique if not excluded(u, appeal)]
    return sorted(unique, key=actor_label)


def appealable(member: Member) -> list[tuple[str, Any, str, datetime.date]]:
    """The decisions about ``member`` they may still appeal (none under appeal already):
    (subject, object, words, date)."""
    found: list[tuple[str, Any, str, datetime.date]] = []
    candidates: list[Any] = [
        *EnforcementAction.objects.filter(member=member, lifted_on__isnull=True),
        *MemberEvent.objects.filter(member=member, kind__in=APPEALABLE_EVENTS),
        *Waiver.objects.filter(member=member, status=WaiverStatus.REFUSED),
        *Credential.objects.filter(member=member, status=SeatStatus.ABSENT),
        *Charge.objects.filter(accused=member, decided_at__isnull=False),
    ]
    for item in candidates:
        try:
            kind, _member, on, _officer, label = describe(item)
        except ValidationError:
            continue
        if Appeal.objects.filter(**{_subject_field(kind): item}).exists():
            continue
        found.append((kind, item, label, on))
    return found


SUBJECT_MODELS: dict[Any, Any] = {
    Subject.ENFORCEMENT: EnforcementAction,
    Subject.LIFECYCLE: MemberEvent,
    Subject.WAIVER: Waiver,
    Subject.CREDENTIALS: Credential,
    Subject.CHARGE: Charge,
}
