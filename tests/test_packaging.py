"""What an installed (not editable) copy has: the templates, static files and example rule
files the program reads at run time are in the wheel."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from rankfile import demo
from rankfile.examples import RULES_DIR

ROOT = Path(__file__).resolve().parents[1]


def test_the_wheel_ships_what_the_program_reads_at_run_time(tmp_path):
    tree = tmp_path / "tree"
    shutil.copytree(
        ROOT / "src", tree / "src", ignore=shutil.ignore_patterns("*.egg-info", "__pycache__")
    )
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, tree / name)
    out = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(out), str(tree)],
        check=True,
    )  # fmt: skip
    (wheel,) = out.glob("rankfile-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for rules in RULES_DIR.glob("*.toml"):
        assert f"rankfile/examples/rules/{rules.name}" in names
    assert "rankfile/web/templates/web/base.html" in names
    assert "rankfile/web/static/web/rankfile.css" in names


def test_the_demo_reads_its_rules_from_the_package_not_the_source_tree():
    package = Path(demo.__file__).resolve().parents[1]
    assert RULES_DIR.resolve().is_relative_to(package)
    assert (RULES_DIR / "national-socialist-organization.toml").is_file()
