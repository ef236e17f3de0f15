"""Production defaults: servers refuse the development key outside development, the deploy
check says so, the test client's host is not accepted, TLS settings, the Content Security
Policy, and no log-in links in the server log. Servers run in their own processes, with the
environment a newcomer or an operator would have."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.urls import reverse

SRC = Path(__file__).resolve().parents[2] / "src" / "rankfile"
BIN = Path(sys.executable).parent
PRODUCTION_KEY = "k8D2-production-key-for-the-tests-only-Qz7mW4pX9vL1nR6tY3hB5sJ0"


def environment(tmp_path: Path, **values: str) -> dict[str, str]:
    """The environment with nothing of ours set: SQLite under tmp_path."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SECRET_KEY", "DEBUG", "DATABASE_URL", "ALLOWED_HOSTS", "EMAIL_BACKEND"}
        and not key.startswith(("DJANGO_", "PYTEST_"))
    }
    env["RANKFILE_HOME"] = str(tmp_path)
    env.update(values)
    return env


def run_python(code: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(url: str, host: str | None = None) -> tuple[int, dict[str, str], str]:
    request = urllib.request.Request(url, headers={"Host": host} if host else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def test_the_wsgi_application_refuses_to_load_without_a_secret_key(tmp_path):
    result = run_python("import rankfile.wsgi", environment(tmp_path))
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr
    assert "rankfile serve" in result.stderr


def test_the_wsgi_application_loads_with_a_key_or_in_debug(tmp_path):
    assert run_python("import rankfile.wsgi", environment(tmp_path, DEBUG="1")).returncode == 0
    result = run_python("import rankfile.wsgi", environment(tmp_path, SECRET_KEY=PRODUCTION_KEY))
    assert result.returncode == 0, result.stderr


def test_gunicorn_stops_at_start_without_a_secret_key(tmp_path):
    process = subprocess.run(
        [str(BIN / "gunicorn"), "rankfile.wsgi", "--bind", f"127.0.0.1:{free_port()}"],
        env=environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert process.returncode != 0
    assert "SECRET_KEY is not set" in process.stderr


def test_rankfile_serve_on_another_address_refuses_without_a_secret_key(tmp_path):
    result = subprocess.run(
        [str(BIN / "rankfile"), "serve", "--host", "0.0.0.0", "--port", str(free_port())],
        env=environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert result.stderr.startswith("rankfile: SECRET_KEY is not set")


def test_make_run_serves_on_loopback_with_nothing_set_and_refuses_the_test_host(tmp_path):
    env = environment(tmp_path)
    migrate = subprocess.run(
        [str(BIN / "rankfile"), "migrate", "-v", "0"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert migrate.returncode == 0, migrate.stderr
    port = free_port()
    server = subprocess.Popen(
        [str(BIN / "rankfile"), "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        status = 0
        for _ in range(100):
            try:
                status, headers, body = get(f"http://127.0.0.1:{port}/login/")
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.2)
        assert status == 200
        assert "script-src 'self'" in headers["Content-Security-Policy"]
        status, _headers, _body = get(f"http://127.0.0.1:{port}/login/", host="testserver")
        assert status == 400
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_check_deploy_complains_without_a_secret_key(tmp_path):
    result = subprocess.run(
        [str(BIN / "rankfile"), "check", "--deploy"],
        env=environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "rankfile.E001" in result.stderr
    assert "SECRET_KEY is not set" in result.stderr


def test_check_deploy_passes_a_production_environment(tmp_path):
    env = environment(
        tmp_path,
        SECRET_KEY=PRODUCTION_KEY,
        ALLOWED_HOSTS="members.example.org",
        BEHIND_TLS_PROXY="1",
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="smtp.example.org",
    )
    result = subprocess.run(
        [str(BIN / "rankfile"), "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = result.stdout + result.stderr
    assert "rankfile." not in output
    assert result.returncode in (0, 1)
    # Django's own advice on HSTS for subdomains and preloading is the operator's choice.
    assert set(re.findall(r"\((security\.\w+)\)", output)) <= {"security.W005", "security.W021"}


def test_the_test_clients_host_is_not_accepted_by_default(tmp_path):
    result = run_python(
        "import os; os.environ['DJANGO_SETTINGS_MODULE'] = 'rankfile.settings'\n"
        "from django.conf import settings; print(settings.ALLOWED_HOSTS)",
        environment(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    assert "testserver" not in result.stdout
    assert "localhost" in result.stdout


def test_behind_tls_it_redirects_to_https_and_sends_hsts(tmp_path):
    code = (
        "import os; os.environ['DJANGO_SETTINGS_MODULE'] = 'rankfile.settings'\n"
        "import django; django.setup()\n"
        "from django.test import Client\n"
        "client = Client(HTTP_HOST='members.example.org')\n"
        "plain = client.get('/static/web/rankfile.css')\n"
        "secure = client.get('/static/web/rankfile.css', HTTP_X_FORWARDED_PROTO='https')\n"
        "print(plain.status_code, plain['Location'])\n"
        "print(secure.status_code, secure['Strict-Transport-Security'])\n"
        "from django.conf import settings\n"
        "print(settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE)\n"
    )
    env = environment(
        tmp_path,
        SECRET_KEY=PRODUCTION_KEY,
        ALLOWED_HOSTS="members.example.org",
        BEHIND_TLS_PROXY="1",
    )
    result = run_python(code, env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "301 https://members.example.org/static/web/rankfile.css",
        "200 max-age=31536000",
        "True True",
    ]


def test_a_production_server_without_smtp_says_so_and_prints_no_link(tmp_path):
    code = (
        "import rankfile.wsgi\n"
        "from django.core.mail import send_mail\n"
        "send_mail('Reset your password', 'https://members.example.org/password/reset/"
        "MQ/secret-token/', None, ['ada@example.org'])\n"
    )
    result = run_python(code, environment(tmp_path, SECRET_KEY=PRODUCTION_KEY))
    assert result.returncode == 0, result.stderr
    assert "no email server is configured" in result.stderr
    assert "secret-token" not in result.stdout + result.stderr
    assert "email not sent" in result.stderr


def test_every_page_has_a_content_security_policy_without_inline_script(client, db):
    response = client.get(reverse("login"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy


INLINE = re.compile(r"<script(?![^>]*\bsrc=)|<style|\sstyle=|\son[a-z]+=|javascript:", re.I)


@pytest.mark.parametrize("template", sorted(SRC.glob("*/templates/**/*.html")), ids=str)
def test_no_template_has_inline_script_style_or_event_handlers(template):
    assert not INLINE.findall(template.read_text()), f"{template} has inline script or style"
