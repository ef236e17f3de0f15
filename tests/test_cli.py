"""The `rankfile` command on a database that was never set up says what to do, not a traceback."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


@pytest.mark.parametrize("command", [["audit", "verify"], ["demo", "--members", "10"]])
def test_a_command_on_a_database_never_migrated_says_to_migrate(tmp_path, command):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["RANKFILE_HOME"] = str(tmp_path)  # a fresh SQLite file under tmp_path/var
    done = subprocess.run(
        [sys.executable, "-m", "rankfile", *command],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "not set up or not up to date" in done.stderr
    assert "Run `rankfile migrate` first." in done.stderr
