"""Audit the pinned dependencies for known vulnerabilities (pip-audit against the lock file),
for `make check`.

Fails (exit 1) when a pinned package has a known vulnerability. When the advisory database
cannot be reached (offline, or a registry mirror without PyPI's JSON API), it says so plainly
and succeeds: `make check` stays usable, and fast, offline.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

# pip-audit asks PyPI's JSON API, one version at a time; ask it once the same way first.
PROBE_URL = "https://pypi.org/pypi/pip-audit/2.10.1/json"


def say(message: str) -> None:
    sys.stdout.write(f"dependency audit: {message}\n")


def reachable(url: str, timeout: float) -> str | None:
    """None when the advisory database answers, else why not."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            json.load(response)
    except urllib.error.HTTPError as error:
        return f"{url} answered {error.code}"
    except (OSError, ValueError) as error:
        return f"{url}: {getattr(error, 'reason', error)}"
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("lock_file", type=Path)
    parser.add_argument("--pip-audit", default=str(Path(sys.executable).parent / "pip-audit"))
    parser.add_argument("--probe-url", default=PROBE_URL)
    parser.add_argument("--timeout", type=float, default=5.0)
    args = parser.parse_args(argv)

    why = reachable(args.probe_url, args.timeout)
    if why is not None:
        say(f"SKIPPED: the advisory database (PyPI's JSON API) cannot be reached ({why}).")
        return 0
    command = [
        args.pip_audit,
        "--requirement",
        str(args.lock_file),
        "--no-deps",
        "--disable-pip",
        "--progress-spinner",
        "off",
        "--format",
        "json",
        "--timeout",
        str(int(args.timeout)),
    ]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    except subprocess.TimeoutExpired:
        say("SKIPPED: pip-audit did not finish within 5 minutes.")
        return 0
    except OSError as error:
        say(f"SKIPPED: pip-audit could not run ({error}).")
        return 0
    try:
        report = json.loads(result.stdout)
    except ValueError:
        last = (result.stderr.strip().splitlines() or ["no output"])[-1]
        say(f"SKIPPED: pip-audit could not finish ({last}).")
        return 0
    dependencies = report.get("dependencies", [])
    vulnerable = [d for d in dependencies if d.get("vulns")]
    skipped = [d for d in dependencies if d.get("skip_reason")]
    for dependency in vulnerable:
        for vuln in dependency["vulns"]:
            fixed = ", ".join(vuln.get("fix_versions") or []) or "no fixed version yet"
            say(f"{dependency['name']} {dependency['version']}: {vuln['id']} (fixed in {fixed})")
    if vulnerable:
        say(f"FAILED: {len(vulnerable)} pinned package(s) with known vulnerabilities.")
        return 1
    audited = len(dependencies) - len(skipped)
    if audited == 0:
        say(
            f"SKIPPED: none of the {len(dependencies)} pinned packages could be audited "
            f"({skipped[0]['skip_reason'] if skipped else 'the lock file is empty'})."
        )
        return 0
    note = ""
    if skipped:
        note = f"; {len(skipped)} could not be audited: " + ", ".join(d["name"] for d in skipped)
    say(f"{audited} pinned packages, no known vulnerabilities{note}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
