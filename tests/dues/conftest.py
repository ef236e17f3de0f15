"""Dues fixtures: a flat plan and a sliding scale, and the treasurer's client."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def flat(people: Any) -> Any:
    from rankfile.dues.actions import do_create_plan

    return do_create_plan(None, name="Standard", slug="standard", kind="flat", amount="20.00")


@pytest.fixture
def sliding(people: Any) -> Any:
    from rankfile.dues.actions import do_create_plan

    return do_create_plan(
        None,
        name="Sliding scale",
        slug="sliding",
        kind="sliding",
        period="year",
        brackets=[("0", "20000", "24"), ("20000", "50000", "120"), ("50000", None, "240")],
    )
