"""`make check`'s dependency audit: fails on a known vulnerability, says plainly (and
succeeds, quickly) when the advisory database cannot be reached."""

import json
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TOOL = ROOT / "tools" / "audit_dependencies.py"


class Answers(BaseHTTPRequestHandler):
    def do_GET(self):
        body = json.dumps({"info": {"name": "pip-audit"}, "vulnerabilities": []}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def advisory_database():
    server = HTTPServer(("127.0.0.1", 0), Answers)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/pypi/pip-audit/2.10.1/json"
    server.shutdown()


def fake_pip_audit(tmp_path, report, status):
    """A stand-in for pip-audit printing the JSON report the real one prints."""
    script = tmp_path / "pip-audit"
    script.write_text(
        f"#!{sys.executable}\nimport sys\nprint({json.dumps(json.dumps(report))})\nsys.exit({status})\n"
    )
    script.chmod(0o755)
    return str(script)


def audit(*args):
    return subprocess.run(
        [sys.executable, str(TOOL), str(ROOT / "requirements.lock"), *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_it_fails_on_a_pinned_package_with_a_known_vulnerability(tmp_path, advisory_database):
    report = {
        "dependencies": [
            {"name": "django", "version": "5.2.19", "vulns": []},
            {
                "name": "gunicorn",
                "version": "27.0.1",
                "vulns": [{"id": "GHSA-xxxx-yyyy-zzzz", "fix_versions": ["27.0.2"]}],
            },
        ]
    }
    result = audit(
        "--pip-audit", fake_pip_audit(tmp_path, report, 1), "--probe-url", advisory_database
    )
    assert result.returncode == 1
    assert "gunicorn 27.0.1: GHSA-xxxx-yyyy-zzzz (fixed in 27.0.2)" in result.stdout
    assert "FAILED" in result.stdout


def test_it_passes_when_nothing_is_known(tmp_path, advisory_database):
    report = {"dependencies": [{"name": "django", "version": "5.2.19", "vulns": []}]}
    result = audit(
        "--pip-audit", fake_pip_audit(tmp_path, report, 0), "--probe-url", advisory_database
    )
    assert result.returncode == 0
    assert "1 pinned packages, no known vulnerabilities." in result.stdout


def test_it_says_so_when_no_package_could_be_audited(tmp_path, advisory_database):
    report = {
        "dependencies": [
            {"name": "django", "version": "5.2.19", "skip_reason": "Dependency not found on PyPI"}
        ]
    }
    result = audit(
        "--pip-audit", fake_pip_audit(tmp_path, report, 0), "--probe-url", advisory_database
    )
    assert result.returncode == 0
    assert "SKIPPED: none of the 1 pinned packages could be audited" in result.stdout


def test_offline_it_says_so_plainly_and_quickly(tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    started = time.monotonic()
    result = audit(
        "--pip-audit",
        str(tmp_path / "never-run"),
        "--probe-url",
        f"http://127.0.0.1:{closed}/pypi/pip-audit/2.10.1/json",
        "--timeout",
        "2",
    )
    assert result.returncode == 0
    assert "SKIPPED: the advisory database (PyPI's JSON API) cannot be reached" in result.stdout
    assert time.monotonic() - started < 10
