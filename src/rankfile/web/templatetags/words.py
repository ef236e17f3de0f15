"""Template filters that say the organization's terms in plain words."""

from __future__ import annotations

from django import template

from rankfile.core.explain import CRITERION_LABELS
from rankfile.core.rules import PARAMETERS

register = template.Library()

_RULE_LABELS = {p.key: p.label for p in PARAMETERS} | CRITERION_LABELS


@register.filter
def rule_words(key: str) -> str:
    """A rule's key as members read it: ``dues.paid_within_months`` → "Dues paid through
    within (months)"; a cited text that is not a key is shown as written."""
    return _RULE_LABELS.get(str(key).strip(), str(key))
