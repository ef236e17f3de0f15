"""A demo of any size loads for any seed: small ones too, where a branch may have no one
eligible to stand for delegate (seeds 1, 3 and 4 at 50 members failed with "At least one
delegate must be elected")."""

from __future__ import annotations

import pytest

from rankfile.conventions.models import Convention
from rankfile.demo import load_demo
from rankfile.members.models import Member


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [1, 3, 4])
def test_a_small_demo_loads_whatever_the_seed(seed):
    load_demo(members=50, seed=seed)
    assert Member.objects.count() >= 50
    assert Convention.objects.filter(slug="fifth-national").exists()
