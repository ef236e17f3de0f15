"""The demo organization: fictional, seeded and reproducible.

`load_demo()` runs each step in STEPS in order; later parts of the product (dues, standing,
conventions, ...) add a step module with `load(context)`. Every name here is invented.
"""

from __future__ import annotations

import importlib
import random
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import transaction

from rankfile.members.table_statistics import analyze

STEPS = [
    "rankfile.demo.members",
    "rankfile.demo.standing",
    "rankfile.demo.conventions",
    "rankfile.demo.voting",
    "rankfile.demo.appeals",
]

DEMO_PASSWORD = "solidarity-forever"


@dataclass
class DemoContext:
    rng: random.Random
    members: int
    logins: list[tuple[str, str]] = field(default_factory=list)  # (role description, email)
    data: dict[str, Any] = field(default_factory=dict)


# The apps whose tables the demo fills.
LOADED_APPS = ("accounts", "audit", "members", "dues", "standing", "conventions", "appeals")


def load_demo(*, seed: int = 1917, members: int = 2500) -> DemoContext:
    context = DemoContext(rng=random.Random(seed), members=members)
    with transaction.atomic():
        for name in STEPS:
            importlib.import_module(name).load(context)
        # The pages right after the demo must not wait for autovacuum to learn the tables.
        tables = [
            model._meta.db_table
            for label in LOADED_APPS
            for model in apps.get_app_config(label).get_models()
        ]
        transaction.on_commit(lambda: analyze(tables))
    return context


def database_is_empty() -> bool:
    from rankfile.members.models import Branch, Member

    return not Member.objects.exists() and not Branch.objects.exists()
