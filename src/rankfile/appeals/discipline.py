"""Charges and discipline: a charge cites a clause of the constitution or bylaws, is brought
by a named member or officer and served on the accused (by email and in the app) with a
stated time to answer; the appeals body hears it and decides with reasons and a sanction the
rules allow (warning, suspension for a period, expulsion). Members see aggregate figures by
branch; only the people involved and the appeals body see a case.
"""

from __future__ import annotations

import datetime
from collections import Counter
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from rankfile.appeals.models import Charge, ChargeStatus, Clause, Sanction
from rankfile.audit.actions import actor_label, append_event
from rankfile.core.dates import add_months
from rankfile.core.rules import RuleSet
from rankfile.members.access import require, viewer_for
from rankfile.members.actions import do_record_member_event
from rankfile.members.models import Branch, Member
from rankfile.standing.enforcement import do_lift_action, do_record_decided_action
from rankfile.standing.rulesets import NoRulesInForce, find_version, rules_of


def _rules(day: datetime.date) -> RuleSet:
    try:
        return rules_of(find_version(day))
    except NoRulesInForce:
        return RuleSet(name="none adopted")


@transaction.atomic
def do_add_clause(actor: Any, *, reference: str, title: str, text: str) -> Clause:
    """Keep a clause of the constitution or bylaws as text, so that charges can cite it."""
    require(actor, "office.manage")
    errors = {}
    if not reference.strip():
        errors["reference"] = "Give the clause's reference (e.g. Art. X §2)."
    elif Clause.objects.filter(reference=reference.strip()).exists():
        errors["reference"] = f"{reference.strip()} is already kept."
    if not text.strip():
        errors["text"] = "Give the clause's text as adopted."
    if errors:
        raise ValidationError(errors)
    clause = Clause.objects.create(
        reference=reference.strip(), title=title.strip(), text=text.strip()
    )
    append_event(
        actor=actor,
        action="discipline.clause",
        target=clause,
        payload={"reference": clause.reference},
    )
    return clause


def involved(user: Any, charge: Charge) -> bool:
    """The accused and the person who brought the charge."""
    viewer = viewer_for(user)
    return viewer.is_self(charge.accused) or (
        charge.brought_by_id is not None and charge.brought_by_id == user.pk
    )


def access_charge(user: Any, charge_id: int | str) -> Charge:
    """A case, for the people involved and the appeals body; PermissionDenied otherwise."""
    charge = Charge.objects.select_related("accused__branch", "clause").filter(pk=charge_id).first()
    if charge is None:
        raise Http404("No such case.")
    viewer = viewer_for(user)
    if not (involved(user, charge) or viewer.can("appeals.review", charge.accused.branch_id)):
        raise PermissionDenied("Only the people involved and the appeals body see a case.")
    return charge


@transaction.atomic
def do_bring_charges(
    actor: Any, accused: Member, *, clause: Clause, particulars: str, evidence: str
) -> Charge:
    """A named member or officer charges a member under a clause; the charge is served at
    once: the accused is notified by email (and sees it in the app) with the date to answer by
    (`discipline.answer_within_days`)."""
    viewer = viewer_for(actor)
    if viewer.member is None:
        raise PermissionDenied("Charges are brought by a named member or officer.")
    if viewer.is_self(accused):
        raise ValidationError("You cannot bring charges against yourself.")
    errors = {}
    if not particulars.strip():
        errors["particulars"] = "Say what the member is charged with doing."
    if not evidence.strip():
        errors["evidence"] = "Give the evidence the accused will see."
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    rules = _rules(timezone.localdate())
    charge = Charge.objects.create(
        accused=accused,
        branch_id=accused.branch_id,
        clause=clause,
        brought_by=actor,
        brought_by_label=f"{viewer.member.full_name} ({actor_label(actor)})",
        particulars=particulars.strip(),
        evidence=evidence.strip(),
        served_at=now,
        answer_by=timezone.localdate() + datetime.timedelta(days=rules.answer_within_days),
        status=ChargeStatus.SERVED,
    )
    # No particulars in the record: only the people involved and the appeals body see a case.
    append_event(
        actor=actor,
        action="discipline.charge",
        target=charge,
        member=accused,
        branch=accused.branch,
        payload={"clause": clause.reference, "answer_by": charge.answer_by.isoformat()},
    )
    if accused.email:
        body = (
            f"You have been charged under {clause.reference} ({clause.title}) by "
            f"{charge.brought_by_label}.\n\n{charge.particulars}\n\nEvidence:\n{charge.evidence}"
            f"\n\nYou may answer by {charge.answer_by}, in the app under Appeals, My case."
        )
        transaction.on_commit(
            lambda: send_mail("Charges served on you", body, None, [accused.email])
        )
    return charge


@transaction.atomic
def do_answer_charges(actor: Any, charge: Charge, *, answer: str) -> Charge:
    """The accused answers (also after the date: the hearing body sees when)."""
    charge = Charge.objects.select_for_update().select_related("accused__branch").get(pk=charge.pk)
    if not viewer_for(actor).is_self(charge.accused):
        raise PermissionDenied("Only the accused answers the charges.")
    if charge.status != ChargeStatus.SERVED:
        raise ValidationError("The charges are decided.")
    if not answer.strip():
        raise ValidationError({"answer": "Write your answer."})
    charge.answer = answer.strip()
    charge.answered_at = timezone.now()
    charge.save(update_fields=["answer", "answered_at"])
    append_event(
        actor=actor, action="discipline.answer", target=charge, member=charge.accused,
        branch=charge.accused.branch, payload={"late": timezone.localdate() > charge.answer_by},
    )  # fmt: skip
    return charge


def _require_hearing_body(actor: Any, charge: Charge) -> None:
    if actor is None:
        return
    require(actor, "appeals.decide")  # one body for the whole organization
    if involved(actor, charge):
        raise PermissionDenied("No one decides their own case: you are a party to this one.")


@transaction.atomic
def do_schedule_charge_hearing(actor: Any, charge: Charge, *, hearing_on: datetime.date) -> Charge:
    """The hearing body sets the hearing date (not before the time to answer has run)."""
    _require_hearing_body(actor, charge)
    if hearing_on < charge.answer_by and not charge.answer:
        raise ValidationError(
            {"hearing_on": f"The accused has until {charge.answer_by} to answer; hear it after."}
        )
    charge.hearing_on = hearing_on
    charge.save(update_fields=["hearing_on"])
    append_event(
        actor=actor, action="discipline.schedule_hearing", target=charge, member=charge.accused,
        branch=charge.accused.branch, payload={"hearing_on": hearing_on.isoformat()},
    )  # fmt: skip
    return charge


@transaction.atomic
def do_decide_charges(
    actor: Any,
    charge: Charge,
    *,
    found_guilty: bool,
    sanction: str,
    reasons: str,
    suspended_until: datetime.date | None = None,
) -> Charge:
    """The hearing body's decision with reasons and a sanction the rules allow. A suspension
    is an override out of good standing for its period; an expulsion a lifecycle event."""
    charge = Charge.objects.select_for_update().select_related("accused__branch").get(pk=charge.pk)
    _require_hearing_body(actor, charge)
    if charge.status != ChargeStatus.SERVED:
        raise ValidationError("The charges are already decided.")
    today = timezone.localdate()
    rules = _rules(today)
    errors = {}
    if not reasons.strip():
        errors["reasons"] = "Give the written reasons for the decision."
    if sanction not in Sanction.values:
        errors["sanction"] = f"{sanction!r} is not a sanction."
    elif not found_guilty and sanction != Sanction.NONE:
        errors["sanction"] = "No sanction without a finding that the charge is proved."
    elif found_guilty and sanction == Sanction.NONE:
        errors["sanction"] = "Choose the sanction (at least a warning)."
    elif sanction == Sanction.EXPULSION and not rules.expulsion_allowed:
        errors["sanction"] = (
            "The rules in force do not allow expulsion (discipline.expulsion_allowed)."
        )
    elif sanction == Sanction.SUSPENSION:
        longest = add_months(today, rules.max_suspension_months)
        if suspended_until is None or suspended_until < today:
            errors["suspended_until"] = "Give the last day of the suspension."
        elif suspended_until > longest:
            errors["suspended_until"] = (
                f"The rules allow at most {rules.max_suspension_months} months: until {longest}."
            )
    if today < charge.answer_by and not charge.answer:
        errors["__all__"] = f"The accused has until {charge.answer_by} to answer."
    if errors:
        raise ValidationError(errors)
    charge.found_guilty = found_guilty
    charge.sanction = sanction
    charge.reasons = reasons.strip()
    charge.decided_by = actor
    charge.decided_at = timezone.now()
    charge.status = ChargeStatus.DECIDED
    append_event(
        actor=actor, action="discipline.decide", target=charge, member=charge.accused,
        branch=charge.accused.branch,
        payload={"found_guilty": found_guilty, "sanction": sanction,
                 "suspended_until": str(suspended_until) if suspended_until else None},
    )  # fmt: skip
    reason = f"Charges {charge.pk} under {charge.clause.reference}: {charge.reasons}"
    if sanction == Sanction.SUSPENSION:
        assert suspended_until is not None
        charge.suspended_until = suspended_until
        charge.suspension = do_record_decided_action(
            actor, charge.accused, kind="override",
            rule_cited=charge.clause.reference, reason=reason, starts_on=today,
            ends_on=suspended_until, in_good_standing=False,
            audit_action="standing.enforcement.suspension_by_hearing",
        )  # fmt: skip
    elif sanction == Sanction.EXPULSION:
        do_record_member_event(None, charge.accused, kind="expelled", on=today, reason=reason)
    charge.save()
    return charge


def overturn_charge(charge: Charge, reason: str) -> str:
    """Undo a hearing's sanction after an appeal overturned it; what changed, in words."""
    if charge.sanction == Sanction.SUSPENSION and charge.suspension is not None:
        if charge.suspension.lifted_on is None:
            do_lift_action(None, charge.suspension, lifted_on=charge.suspension.on, reason=reason)
        return "suspension lifted"
    if charge.sanction == Sanction.EXPULSION:
        member = Member.objects.get(pk=charge.accused_id)
        if member.status == "expelled":
            on = (
                timezone.localtime(charge.decided_at).date()
                if charge.decided_at
                else timezone.localdate()
            )
            do_record_member_event(None, member, kind="reinstated", on=on, reason=reason)
            return f"reinstated as of {on}"
    return "the finding is set aside"


def statistics() -> list[dict[str, Any]]:
    """Charges brought and their outcomes by branch: what every member may see."""
    names = dict(Branch.objects.values_list("pk", "name"))
    counts: Counter[tuple[int, str]] = Counter()
    for branch_id, status, sanction in Charge.objects.values_list(
        "branch_id", "status", "sanction"
    ):
        counts[(branch_id, sanction if status == ChargeStatus.DECIDED else "pending")] += 1
    rows = []
    for branch_id in sorted({b for b, _ in counts}, key=lambda b: names.get(b, "")):
        row: dict[str, Any] = {"branch": names.get(branch_id, "?")}
        for key in ("pending", *Sanction.values):
            row[key] = counts[(branch_id, key)]
        row["total"] = sum(v for (b, _), v in counts.items() if b == branch_id)
        rows.append(row)
    return rows
