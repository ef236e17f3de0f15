"""Example rule files shipped with the package (the demo adopts them; docs/rules.md shows them).

Read through importlib.resources, so they are there after any install, not only in a source
checkout.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

RULES_DIR = Path(str(files(__name__) / "rules"))


def example_rules(name: str) -> str:
    """The text of ``rules/<name>.toml``."""
    return (RULES_DIR / f"{name}.toml").read_text(encoding="utf-8")
