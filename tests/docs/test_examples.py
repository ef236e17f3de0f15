"""Every command shown in README.md and docs/ is run, and says what the page says it says.

A fenced block is either:
- ``console``: an example. Each ``$ COMMAND`` line runs in a shell (the project's virtualenv
  first on PATH) in a scratch folder with its own new SQLite database, migrated; one folder per
  page, so a page's examples run in order and build on each other. The lines under a command,
  up to the next one, are what it prints (stdout and stderr), in order; ``...`` stands for
  anything. A command that shows ``(exit status N)`` must end with N, any other with 0.
  ``make`` commands are checked with ``make -n`` in the project (they set up, serve and test:
  they cannot run inside the tests).
- a block with ``file=NAME`` in its info string (```` ```csv file=members.csv ````): written to
  the page's scratch folder before the page's examples run, so they can use it.
- ``text`` (or another language): a synopsis or an illustration, never run. A block that shows
  a ``rankfile`` or ``make`` command line must be one of the two above.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^```([^\n`]*)\n(.*?)^```", re.M | re.S)
EXIT = re.compile(r"\s*\(exit status (\d+)\)\s*$")
COMMAND_LINE = re.compile(r"^\s*(\$ )?(rankfile|make|\.venv/bin/rankfile) ", re.M)


@dataclass(frozen=True)
class Example:
    page: str
    line: int
    command: str
    expected: list[str]
    status: int


def _blocks(page: Path) -> list[tuple[int, str, str]]:
    text = page.read_text(encoding="utf-8")
    return [
        (text.count("\n", 0, m.start()) + 1, m.group(1).strip(), m.group(2))
        for m in FENCE.finditer(text)
    ]


def _examples(page: Path) -> list[Example]:
    found = []
    for line, info, body in _blocks(page):
        if info.split()[:1] != ["console"]:
            continue
        current: Example | None = None
        for offset, text in enumerate(body.splitlines()):
            if text.startswith("$ "):
                command = re.sub(r"\s{2,}#.*$", "", text[2:]).strip()
                current = Example(page.name, line + 1 + offset, command, [], 0)
                found.append(current)
            elif current is not None and text.strip():
                status = EXIT.search(text)
                if status:
                    found[-1] = current = Example(
                        current.page, current.line, current.command,
                        current.expected, int(status.group(1)),
                    )  # fmt: skip
                    text = EXIT.sub("", text)
                current.expected.append(text.rstrip())
    return found


def _files(page: Path) -> dict[str, str]:
    files = {}
    for _line, info, body in _blocks(page):
        for word in info.split():
            if word.startswith("file="):
                files[word[5:]] = body
    return files


def _matches(expected: list[str], output: str) -> bool:
    """Each expected line in order, ``...`` matching anything (within and across lines)."""
    pattern = ".*?".join(
        r"[ \t]*".join(re.escape(part) for part in line.strip().split()) if line.strip() != "..."
        else "" for line in expected
    ) if expected else ""  # fmt: skip
    pattern = pattern.replace(re.escape("..."), ".*?")
    return re.search(pattern, output, re.S) is not None


def _scratch(page: Path, base: Path) -> Path:
    """The page's folder: its files and a new, migrated SQLite database."""
    folder = base / page.stem
    folder.mkdir(parents=True)
    for name, body in _files(page).items():
        (folder / name).write_text(body, encoding="utf-8")
    done = _run("rankfile migrate -v0", folder)
    assert done.returncode == 0, done.stdout + done.stderr
    return folder


def _environment(folder: Path) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    }
    env["RANKFILE_HOME"] = str(folder)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["COLUMNS"] = "100"
    return env


def _run(command: str, folder: Path) -> subprocess.CompletedProcess[str]:
    if command.startswith("make "):
        return subprocess.run(
            ["make", "-n", *command.split()[1:]], cwd=ROOT, capture_output=True, text=True,
            timeout=60, env={**os.environ, "PATH": os.environ.get("PATH", "")},
        )  # fmt: skip
    return subprocess.run(
        command, shell=True, cwd=folder, env=_environment(folder), capture_output=True,
        text=True, timeout=300, stdin=subprocess.DEVNULL,
    )  # fmt: skip


RUN_PAGES = [page for page in PAGES if _examples(page)]


@pytest.mark.parametrize("page", RUN_PAGES, ids=[page.name for page in RUN_PAGES])
def test_each_command_shown_runs_and_says_what_the_page_says(page, tmp_path):
    """A page's examples run in order in one folder (later ones use what earlier ones made)."""
    folder = _scratch(page, tmp_path)
    failures = []
    for example in _examples(page):
        done = _run(example.command, folder)
        output = done.stdout + done.stderr
        if done.returncode != example.status or not _matches(example.expected, output):
            failures.append(
                f"{example.page}:{example.line}: $ {example.command}\n"
                f"expected (exit status {example.status}):\n" + "\n".join(example.expected)
                + f"\ngot (exit status {done.returncode}):\n{output}"
            )  # fmt: skip
    assert not failures, "\n\n".join(failures)


def test_every_command_block_is_an_example_or_a_synopsis():
    loose = [
        f"{page.name}:{line}"
        for page in PAGES
        for line, info, body in _blocks(page)
        if COMMAND_LINE.search(body) and info.split()[:1] not in (["console"], ["text"])
        and not any(word.startswith("file=") for word in info.split())
    ]  # fmt: skip
    assert not loose, f"blocks with commands that are neither console examples nor text: {loose}"


def test_the_matcher_is_strict_about_order_and_text():
    assert _matches(["a b", "...", "c"], "x a  b y\nz\nc")
    assert not _matches(["c", "a"], "a\nc")
    assert not _matches(["exactly this"], "exactly that")
