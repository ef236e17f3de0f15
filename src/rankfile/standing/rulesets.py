"""Adopted rule sets: adopting a version, and finding the one in force on a date.

The rule file is stored exactly as adopted (with its SHA-256), so the rules page shows the
text members voted on, and any evaluation can name the version it used.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from rankfile.audit.actions import append_event
from rankfile.core.rules import RulesError, RuleSet, parse_rules
from rankfile.members.access import require_everywhere
from rankfile.standing.models import RuleSetVersion


class NoRulesInForce(Exception):
    """No adopted rule set is in force on the date asked about."""


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@functools.lru_cache(maxsize=64)
def _parsed(text: str, effective_on: datetime.date) -> RuleSet:
    rules = parse_rules(text)
    # The adopted effective date rules, even when the file left it out.
    return rules if rules.effective_on == effective_on else _with_date(rules, effective_on)


def _with_date(rules: RuleSet, effective_on: datetime.date) -> RuleSet:
    import dataclasses

    return dataclasses.replace(rules, effective_on=effective_on)


def rules_of(version: RuleSetVersion) -> RuleSet:
    """The parsed rules of an adopted version (cached by its text)."""
    return _parsed(version.source_text, version.effective_on)


@transaction.atomic
def do_adopt_rules(
    actor: Any,
    *,
    text: str,
    decision: str,
    effective_on: datetime.date | None = None,
    source_name: str = "rules",
) -> RuleSetVersion:
    """Adopt a rule file as a new version: validated first (the error names the field), stored
    as written with its hash, effective from the file's date or ``effective_on``."""
    require_everywhere(actor, "office.manage")
    if not decision.strip():
        raise ValidationError({"decision": "Name the decision that adopted these rules."})
    try:
        rules = parse_rules(text, source_name=source_name)
    except RulesError as error:
        raise ValidationError({"rules": str(error)}) from None
    effective = effective_on or rules.effective_on
    if effective is None:
        raise ValidationError(
            {"effective_on": "Give rule_set.effective_on in the file or an effective date."}
        )
    version_label = rules.version or effective.isoformat()
    if RuleSetVersion.objects.filter(name=rules.name, version=version_label).exists():
        raise ValidationError(
            {"version": f"{rules.name!r} version {version_label!r} is already adopted."}
        )
    version = RuleSetVersion.objects.create(
        name=rules.name,
        version=version_label,
        effective_on=effective,
        decision=decision.strip(),
        source_text=text,
        content_hash=text_hash(text),
        adopted_by=actor,
        adopted_at=timezone.now(),
    )
    append_event(
        actor=actor,
        action="rules.adopt",
        target=version,
        reason=decision.strip(),
        payload={
            "name": rules.name,
            "version": version_label,
            "effective_on": effective.isoformat(),
            "sha256": version.content_hash,
        },
    )
    return version


def version_in_force(on: datetime.date) -> RuleSetVersion:
    """The adopted version in force on ``on``: the latest effective on or before it (the
    latest adopted wins a tie)."""
    version = (
        RuleSetVersion.objects.filter(effective_on__lte=on).order_by("-effective_on", "-pk").first()
    )
    if version is None:
        raise NoRulesInForce(f"No adopted rule set is in force on {on}.")
    return version


def find_version(on: datetime.date, named: str | int | None = None) -> RuleSetVersion:
    """The version in force on ``on``, or the one named (its version label, else its id)."""
    if named is None or named == "":
        return version_in_force(on)
    # A version label first ("2024-2"), then an id.
    found = RuleSetVersion.objects.filter(version=str(named)).order_by("-pk").first()
    if found is None and str(named).isdigit():
        found = RuleSetVersion.objects.filter(pk=int(named)).first()
    if found is None:
        raise NoRulesInForce(f"No adopted rule set version {named!r}.")
    return found


def previous_version(version: RuleSetVersion) -> RuleSetVersion | None:
    """The version in force just before this one (for the differences page)."""
    return (
        RuleSetVersion.objects.filter(effective_on__lte=version.effective_on)
        .exclude(pk=version.pk)
        .filter(adopted_at__lte=version.adopted_at)
        .order_by("-effective_on", "-pk")
        .first()
    )
