"""The demo's standing history has something for every page to show."""

from __future__ import annotations

import pytest
from django.utils import timezone

from rankfile.demo import load_demo
from rankfile.standing.enforcement import equal_treatment
from rankfile.standing.models import RuleSetVersion, Snapshot

pytestmark = pytest.mark.django_db


def test_the_demo_has_rule_versions_a_published_roll_and_a_flagged_disparity():
    load_demo(members=600)
    assert RuleSetVersion.objects.count() == 2
    snapshot = Snapshot.objects.get()
    assert snapshot.published_at is not None
    assert 0 < snapshot.in_good_standing < snapshot.members_counted
    today = timezone.localdate()
    reports = {r.kind: r for r in equal_treatment(today.replace(year=today.year - 1), today)}
    inquiries = reports["inquiry"]
    flagged = {f.group for f in inquiries.report.flagged}
    assert flagged == {"Harbour City"}
