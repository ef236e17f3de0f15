"""Good standing of every member at once, as of a date, in a few set-based SQL statements.

This is the contract of docs/rules.md ("What each criterion means exactly") written as SQL:
the rule set and the as-of date are turned into constant cut-off dates by rankfile.core.cutoffs
(once, in Python) and bound as parameters, so the database only *compares* each member's facts
with them and SQLite's and PostgreSQL's different date arithmetic never matters. The result
equals rankfile.core.standing.determine() member by member (tests/standing/
test_bulk_matches_core.py); the reasons of members out of standing are the same sentences,
built by core/explain.py from the few facts the query returns.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from typing import Any, cast

from django.db import connection

from rankfile.core import cutoffs, lifecycle
from rankfile.core.explain import (
    activity_criterion,
    dues_criterion,
    membership_criteria,
    override_criterion,
)
from rankfile.core.facts import Checkoff, MemberFacts, Override, Waiver
from rankfile.core.rules import NOT_RECORDED_FAIL, RuleSet

# A member with no join date on record: joined on no date (room left for core to add days).
NEVER = datetime.date(9999, 1, 1)
_NEVER_WORDS = (f"(joined {NEVER})", "(no join date on record)")


def in_words(sentence: str) -> str:
    """A sentence as members read it: no placeholder date for a missing join date."""
    return sentence.replace(*_NEVER_WORDS)


EARLIEST = datetime.date(1, 1, 1)

# The status each lifecycle event leads to (a transfer keeps the status, so it is skipped).
_STATUS_AFTER = {
    lifecycle.APPLIED: lifecycle.APPLICANT,
    lifecycle.ADMITTED: lifecycle.MEMBER,
    lifecycle.LAPSED_EVENT: lifecycle.LAPSED,
    lifecycle.REINSTATED: lifecycle.MEMBER,
    lifecycle.RESIGNED_EVENT: lifecycle.RESIGNED,
    lifecycle.EXPELLED_EVENT: lifecycle.EXPELLED,
    lifecycle.DECEASED_EVENT: lifecycle.DECEASED,
}
_TO_MEMBER = tuple(kind for kind, status in _STATUS_AFTER.items() if status == lifecycle.MEMBER)

# One row per member: the facts the rules compare. Events and payments (large tables) are read
# through per-member index lookups; checkoffs, waivers and lifetime plans (small tables) are
# aggregated once per member and joined. %(d)s is the as-of date; the other parameters are the
# cut-offs of core/cutoffs.py.
FACTS_SQL = """
SELECT m.id AS id, m.member_number AS member_number,
  CASE WHEN t.member_id IS NULL THEN m.branch_id ELSE COALESCE(
    (SELECT e.to_branch_id FROM members_memberevent e WHERE e.member_id = m.id
       AND e.kind = 'transferred' AND e."on" <= %(d)s ORDER BY e."on" DESC, e.id DESC LIMIT 1),
    (SELECT e.from_branch_id FROM members_memberevent e WHERE e.member_id = m.id
       AND e.kind = 'transferred' AND e."on" > %(d)s ORDER BY e."on", e.id LIMIT 1),
    m.branch_id) END AS branch_on,
  COALESCE(m.joined_on, (SELECT MIN(e."on") FROM members_memberevent e
     WHERE e.member_id = m.id AND e.kind = 'admitted')) AS joined,
  m.status AS status,
  (SELECT e.kind FROM members_memberevent e WHERE e.member_id = m.id
     AND e.kind <> 'transferred' AND e."on" <= %(d)s
     ORDER BY e."on" DESC, e.id DESC LIMIT 1) AS last_kind,
  (SELECT p.covers_through FROM dues_payment p WHERE p.member_id = m.id
     AND p.reverses_id IS NULL AND p.received_on <= %(d)s{paid_recorded}
     AND p.id NOT IN (SELECT r.reverses_id FROM dues_payment r WHERE r.reverses_id IS NOT NULL{reversal_recorded})
     ORDER BY p.covers_through DESC LIMIT 1) AS paid_through,
  COALESCE(c.checkoff_runs, 0) AS checkoff_runs, c.checkoff_ended AS checkoff_ended,
  COALESCE(w.waiver_counts, 0) AS waiver_counts,
  COALESCE(w.waiver_not_granted, 0) AS waiver_not_granted,
  COALESCE(w.waiver_pending, 0) AS waiver_pending,
  COALESCE(w.waiver_running, 0) AS waiver_running, w.waiver_ended AS waiver_ended,
  lt.lifetime_since AS lifetime_since,
  o.in_good_standing AS override_good, o.starts_on AS override_starts,
  o.ends_on AS override_ends, o.lifted_on AS override_lifted, o.reason AS override_reason
FROM members_member m
LEFT JOIN (
  SELECT DISTINCT e.member_id FROM members_memberevent e WHERE e.kind = 'transferred'
) t ON t.member_id = m.id
LEFT JOIN (
  SELECT c.member_id,
    MAX(CASE WHEN c.started_on <= %(d)s AND (c.ended_on IS NULL OR c.ended_on >= %(d)s)
        THEN 1 ELSE 0 END) AS checkoff_runs,
    MAX(CASE WHEN c.ended_on < %(d)s THEN c.ended_on END) AS checkoff_ended
  FROM dues_checkoffauthorization c GROUP BY c.member_id
) c ON c.member_id = m.id
LEFT JOIN (
  SELECT w.member_id,
    MAX(CASE WHEN w.status = 'granted' AND w.starts_on <= %(d)s AND w.ends_on >= %(d)s
        AND w.starts_on >= %(waiver_earliest)s THEN 1 ELSE 0 END) AS waiver_counts,
    MAX(CASE WHEN w.status <> 'granted' AND w.starts_on <= %(d)s AND w.ends_on >= %(d)s
        THEN 1 ELSE 0 END) AS waiver_not_granted,
    MAX(CASE WHEN w.status = 'requested' AND w.starts_on <= %(d)s AND w.ends_on >= %(d)s
        THEN 1 ELSE 0 END) AS waiver_pending,
    MAX(CASE WHEN w.status = 'granted' AND w.starts_on <= %(d)s AND w.ends_on >= %(d)s
        THEN 1 ELSE 0 END) AS waiver_running,
    MAX(CASE WHEN w.status = 'granted' AND w.ends_on < %(d)s THEN w.ends_on END) AS waiver_ended
  FROM dues_waiver w GROUP BY w.member_id
) w ON w.member_id = m.id
LEFT JOIN (
  SELECT mp.member_id, MIN(mp.starts_on) AS lifetime_since
  FROM dues_memberplan mp JOIN dues_duesplan dp ON dp.id = mp.plan_id
  WHERE dp.kind = 'lifetime' GROUP BY mp.member_id
) lt ON lt.member_id = m.id
LEFT JOIN (
  SELECT o.member_id, o.in_good_standing, o.starts_on, o.ends_on, o.lifted_on, o.reason
  FROM standing_enforcementaction o
  WHERE {override_in_effect}
    AND NOT EXISTS (SELECT 1 FROM standing_enforcementaction o2
      WHERE o2.member_id = o.member_id AND {override_in_effect_o2}
        AND (o2."on" > o."on" OR (o2."on" = o."on" AND o2.id > o.id)))
) o ON o.member_id = m.id
"""
# An override in effect on the date; of several, the latest granted wins (the NOT EXISTS).
# The few in effect are found once and hash-joined, not looked up member by member.
_IN_EFFECT = (
    "{o}.kind = 'override' AND {o}.starts_on <= %(d)s "
    "AND ({o}.ends_on IS NULL OR {o}.ends_on >= %(d)s) "
    "AND ({o}.lifted_on IS NULL OR {o}.lifted_on > %(d)s)"
)
FACTS_SQL = FACTS_SQL.replace("{override_in_effect}", _IN_EFFECT.format(o="o")).replace(
    "{override_in_effect_o2}", _IN_EFFECT.format(o="o2")
)

COLUMNS = (
    "id member_number branch_on joined status last_kind paid_through checkoff_runs "
    "checkoff_ended waiver_counts waiver_not_granted waiver_pending waiver_running waiver_ended lifetime_since "
    "override_good override_starts override_ends override_lifted override_reason has_events"
).split()
# Whether the member has lifecycle events at all: looked up only when none is dated on or
# before the date (CASE evaluates lazily), which is rare.
HAS_EVENTS = (
    "CASE WHEN f.last_kind IS NOT NULL THEN 1 ELSE (SELECT COUNT(*) FROM members_memberevent e "
    "WHERE e.member_id = f.id) END"
)


def _on_roll() -> str:
    """SQL over the facts row ``f``: a member on the date (joined by then, and their status
    then is member), whatever the length of membership the rules ask for standing."""
    to_member = ", ".join(f"'{kind}'" for kind in _TO_MEMBER)
    return (
        f"(CASE WHEN {HAS_EVENTS} > 0 THEN f.last_kind IN ({to_member}) "
        f"ELSE f.status = '{lifecycle.MEMBER}' END) AND f.joined <= %(d)s"
    )


def _conditions(rules: RuleSet, as_of: datetime.date) -> tuple[str, str, str, dict[str, Any]]:
    """(membership, dues and activity conditions, parameters) as SQL over the facts row ``f``."""
    params: dict[str, Any] = {
        "d": as_of,
        "waiver_earliest": cutoffs.waiver_earliest_start(rules, as_of) or EARLIEST,
        "joined_cutoff": cutoffs.joined_cutoff_date(rules, as_of),
    }
    membership = _on_roll()
    if rules.min_days_before_cutoff:
        membership += " AND f.joined <= %(joined_cutoff)s"
    activity = "1 = 1"
    if rules.has_activity_rule and rules.attendance_when_not_recorded == NOT_RECORDED_FAIL:
        # Attendance is not recorded for anyone yet (see facts.attendance_for): all fail.
        activity = "1 = 0"
    if not rules.has_dues_rule:
        return membership, "1 = 1", activity, params
    params["standing_cutoff"] = cutoffs.standing_cutoff_date(rules, as_of)
    paid = ["f.paid_through >= %(standing_cutoff)s"]
    if rules.lifetime_counts_as_paid:
        paid.append("f.lifetime_since <= %(d)s")
    if rules.checkoff_counts_as_paid:
        paid.append("f.checkoff_runs = 1")
    if rules.waivers_count_as_paid:
        paid.append("f.waiver_counts = 1")
    return membership, " OR ".join(f"({p})" for p in paid), activity, params


@dataclass(frozen=True)
class MemberStanding:
    """One member's standing on the date, from the set-based evaluation."""

    member_id: int
    member_number: str
    branch_id: int
    in_good_standing: bool
    is_member: bool  # the membership criteria pass (status on the date, length of membership)
    on_roll: bool  # a member on the date (status then), whatever the length of membership
    dues_counted_as_paid: bool
    paid_through: datetime.date | None
    suspended: bool
    reasons: str


def _date(value: Any) -> datetime.date | None:
    if value is None or isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value)[:10])


def _ids(values: Collection[int]) -> str:
    return ", ".join(str(v) for v in sorted(int(v) for v in values) or [0])


def evaluate(
    rules: RuleSet,
    as_of: datetime.date,
    *,
    branch_ids: Collection[int] | None = None,
    member_ids: Collection[int] | None = None,
    recorded_by: datetime.datetime | None = None,
    apply_overrides: bool = True,
) -> Iterator[MemberStanding]:
    """Every member's standing on ``as_of`` under ``rules``, in member-number order
    (only those whose branch on that date is in ``branch_ids``, and only ``member_ids``, when
    given). With ``recorded_by``, the standing an officer could have known then: payments and
    reversals recorded after that moment do not count. Overrides in effect decide standing,
    unless ``apply_overrides`` is False (what the rules alone say, for the equal-treatment
    report)."""
    membership, dues, activity, params = _conditions(rules, as_of)
    filters = []
    if branch_ids is not None:
        filters.append(f"f.branch_on IN ({_ids(branch_ids)})")
    if member_ids is not None:
        filters.append(f"f.id IN ({_ids(member_ids)})")
    where = f"WHERE {' AND '.join(filters)}" if filters else ""
    facts_sql = FACTS_SQL.replace("{paid_recorded}", "").replace("{reversal_recorded}", "")
    if recorded_by is not None:
        params["recorded_by"] = connection.ops.adapt_datetimefield_value(recorded_by)
        facts_sql = FACTS_SQL.replace(
            "{paid_recorded}", " AND p.recorded_at <= %(recorded_by)s"
        ).replace("{reversal_recorded}", " AND r.recorded_at <= %(recorded_by)s")
    # Only constants of our own and integer ids are formatted in; dates are bound parameters.
    outer = "SELECT f.*, {} AS has_events, CASE WHEN {} THEN 1 ELSE 0 END AS on_roll, CASE WHEN {} THEN 1 ELSE 0 END AS member_ok, CASE WHEN {} THEN 1 ELSE 0 END AS dues_ok, CASE WHEN {} THEN 1 ELSE 0 END AS activity_ok FROM ({}) f {} ORDER BY f.member_number"
    sql = outer.format(HAS_EVENTS, _on_roll(), membership, dues, activity, facts_sql, where)
    suspension = cutoffs.suspension_cutoff_date(rules, as_of)
    with connection.cursor() as cursor:
        postgres = connection.vendor == "postgresql"
        if postgres:
            # The planner's cost estimate triggers JIT compilation, which costs more (over a
            # second) than it saves on per-member index lookups.
            cursor.execute("SET jit = off")
        try:
            cursor.execute(sql, params)
            while rows := cursor.fetchmany(5000):
                for row in rows:
                    yield _standing(row, rules, as_of, suspension, apply_overrides)
        finally:
            if postgres:
                cursor.execute("RESET jit")


def _override(f: dict[str, Any]) -> Override | None:
    """The override in effect on the date, from the facts row (None: none, or not applied)."""
    if f["override_good"] is None:
        return None
    starts, ends, lifted = (
        _date(f[k]) for k in ("override_starts", "override_ends", "override_lifted")
    )
    if lifted is not None:
        last = lifted - datetime.timedelta(days=1)
        ends = last if ends is None else min(ends, last)
    return Override(
        cast(datetime.date, starts), ends, bool(f["override_good"]), f["override_reason"]
    )


def _standing(
    row: tuple[Any, ...],
    rules: RuleSet,
    as_of: datetime.date,
    suspension: datetime.date | None,
    apply_overrides: bool = True,
) -> MemberStanding:
    member_ok, dues_ok, activity_ok = bool(row[-3]), bool(row[-2]), bool(row[-1])
    through = _date(row[6])
    suspended = suspension is not None and not dues_ok and (through is None or through < suspension)
    good = member_ok and dues_ok and activity_ok
    f = dict(zip(COLUMNS, row, strict=False))
    override = _override(f) if apply_overrides else None
    if override is not None:
        good = override.in_good_standing
        suspended = suspended and not good
    return MemberStanding(
        member_id=row[0],
        member_number=row[1],
        branch_id=row[2],
        in_good_standing=good,
        is_member=member_ok,
        on_roll=bool(row[-4]),
        dues_counted_as_paid=dues_ok,
        paid_through=through,
        suspended=suspended,
        reasons="" if good else reasons(f, rules, as_of, dues_ok=dues_ok, override=override),
    )


def reasons(
    f: dict[str, Any],
    rules: RuleSet,
    as_of: datetime.date,
    *,
    dues_ok: bool,
    override: Override | None = None,
) -> str:
    """The failed criteria's sentences, from the facts row: core/explain.py is given facts
    that carry exactly what its sentences mention (the latest ended checkoff and waiver, a
    waiver running on the date), so the words are the per-member ones."""
    joined = _date(f["joined"]) or NEVER
    if f["has_events"]:
        status = _STATUS_AFTER.get(f["last_kind"]) if f["last_kind"] else None
    else:
        status = f["status"]
    through = _date(f["paid_through"])
    checkoff_ended = _date(f["checkoff_ended"])
    waiver_ended = _date(f["waiver_ended"])
    waivers = []
    if f["waiver_pending"]:
        waivers.append(Waiver(as_of, as_of, granted=False, pending=True))
    elif f["waiver_not_granted"]:
        waivers.append(Waiver(as_of, as_of, granted=False))
    elif f["waiver_running"]:
        waivers.append(Waiver(as_of, as_of, granted=True))
    if waiver_ended is not None:
        waivers.append(Waiver(waiver_ended, waiver_ended, granted=True))
    facts = MemberFacts(
        joined_on=joined,
        status=cast(str, status),  # None: no status on that date ("not yet a member")
        checkoffs=(Checkoff(checkoff_ended, checkoff_ended),) if checkoff_ended else (),
        waivers=tuple(waivers),
        attendance=None,
    )
    failed = [c for c in membership_criteria(facts, rules, as_of) if not c.passed]
    if rules.has_dues_rule and not dues_ok:
        failed.append(dues_criterion(facts, rules, as_of, through, None))
    if rules.has_activity_rule:
        activity = activity_criterion(facts, rules, as_of)
        if not activity.passed:
            failed.append(activity)
    if override is not None:
        failed.append(override_criterion(override))
    return in_words("; ".join(c.sentence for c in failed))
