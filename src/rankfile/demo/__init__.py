"""The demo organization: fictional, seeded and reproducible.

`load_demo()` runs each step in STEPS in order; later parts of the product (dues, standing,
conventions, ...) add a step module with `load(context)`. Every name here is invented.
"""

from __future__ import annotations

import importlib
import random
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

STEPS = [
    "rankfile.demo.members",
    "rankfile.demo.standing",
    "rankfile.demo.conventions",
    "rankfile.demo.voting",
]

DEMO_PASSWORD = "solidarity-forever"


@dataclass
class DemoContext:
    rng: random.Random
    members: int
    logins: list[tuple[str, str]] = field(default_factory=list)  # (role description, email)
    data: dict[str, Any] = field(default_factory=dict)


def load_demo(*, seed: int = 1917, members: int = 2500) -> DemoContext:
    context = DemoContext(rng=random.Random(seed), members=members)
    with transaction.atomic():
        for name in STEPS:
            importlib.import_module(name).load(context)
    return context


def database_is_empty() -> bool:
    from rankfile.members.models import Branch, Member

    return not Member.objects.exists() and not Branch.objects.exists()
