"""The demo's due process: an appeal that overturned a lapse, and a pending one."""

from __future__ import annotations

import pytest
from django.utils import timezone

from rankfile.appeals.models import Appeal
from rankfile.demo import load_demo
from rankfile.members.models import Member
from rankfile.standing.facts import determine_member

pytestmark = pytest.mark.django_db


def test_the_demo_has_an_overturned_lapse_with_the_member_back_in_good_standing_and_a_pending_appeal():
    load_demo(members=300)
    overturned = Appeal.objects.get(outcome="overturned")
    member = Member.objects.get(pk=overturned.member_id)
    assert overturned.subject == "lifecycle" and member.status == "member"
    assert determine_member(member, timezone.localdate()).in_good_standing
    pending = Appeal.objects.get(status="open")
    assert pending.response and pending.member.email == "member@demo.rankfile.org"
