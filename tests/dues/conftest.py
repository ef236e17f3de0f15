"""Dues fixtures: a flat plan and a sliding scale, and the treasurer's client."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).parent


@pytest.fixture(autouse=True)
def base_template(settings: Any) -> None:
    """Pages extend web/base.html, which the web app provides; until it does, a stand-in."""
    from django.template import TemplateDoesNotExist
    from django.template.loader import get_template

    try:
        get_template("web/base.html")
    except TemplateDoesNotExist:
        settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [HERE / "templates"]}]


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
