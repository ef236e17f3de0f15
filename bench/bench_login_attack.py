"""Password guessing against gunicorn: does it slow everyone else's pages down?

Issue 8 measured, on main, 8 clients posting wrong passwords: everyone's pages went from 37 ms
to 2.4 s, because each guess costs an argon2 hash. With the log-in throttles a guess over the
limit is refused before hashing. This starts gunicorn (2 workers) on a fresh SQLite database
on the loopback address, times a page alone, then times it again while 8 clients post wrong
passwords for a bounded time, once at one account and once at a different account each time
(then the per-address limit stops them). Prints how many guesses were hashed and refused.

    .venv/bin/python bench/bench_login_attack.py [--seconds 10] [--clients 8]
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

BIN = Path(sys.executable).parent
KEY = "bench-only-key-5b1f0e6c7d2a4f9e8b3c1d0a7f6e5d4c3b2a1f0e9d8c7b6a"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Browser:
    """One client: a connection and its cookies."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, str]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.port}/login/"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";")[0]
        text = response.read().decode()
        connection.close()
        return response.status, text

    def guess(self, email: str) -> str:
        _status, page = self.request("GET", "/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        body = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": token, "username": email, "password": "wrong guess"}
        )
        _status, page = self.request("POST", "/login/", body)
        return "refused" if "Too many failed log-ins" in page else "hashed"


def page_times(port: int, seconds: float) -> list[float]:
    browser, times = Browser(port), []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        started = time.perf_counter()
        browser.request("GET", "/login/")
        times.append((time.perf_counter() - started) * 1000)
        time.sleep(0.05)
    return times


def attack(port: int, clients: int, seconds: float, many_accounts: bool) -> tuple[dict, list]:
    counts = {"hashed": 0, "refused": 0}
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client(number: int) -> None:
        browser, n = Browser(port), 0
        while time.monotonic() < deadline:
            email = f"guess{number}-{n}@example.org" if many_accounts else "victim@example.org"
            outcome = browser.guess(email)
            n += 1
            with lock:
                counts[outcome] += 1

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    times = page_times(port, seconds)
    for thread in threads:
        thread.join()
    return counts, times


def summary(times: list[float]) -> str:
    times = sorted(times)
    p95 = times[int(len(times) * 0.95) - 1] if len(times) >= 20 else times[-1]
    return f"median {statistics.median(times):7.1f} ms, p95 {p95:7.1f} ms ({len(times)} pages)"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--clients", type=int, default=8)
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="rankfile-bench-login-"))
    env = {**os.environ, "RANKFILE_HOME": str(home), "SECRET_KEY": KEY}
    for name in ("DATABASE_URL", "DEBUG", "DJANGO_SETTINGS_MODULE"):
        env.pop(name, None)
    server = None
    try:
        subprocess.run([BIN / "rankfile", "migrate", "-v", "0"], env=env, check=True)
        subprocess.run(
            [BIN / "rankfile", "shell", "--no-imports", "-c",
             "from rankfile.accounts.models import User; "
             "User.objects.create_user('victim@example.org', 'the right one 42')"],
            env=env, check=True,
        )  # fmt: skip
        port = free_port()
        server = subprocess.Popen(
            [BIN / "gunicorn", "rankfile.wsgi", "-w", "2", "--bind", f"127.0.0.1:{port}"],
            env=env,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(100):
            try:
                Browser(port).request("GET", "/login/")
                break
            except OSError:
                time.sleep(0.2)
        print(f"gunicorn, 2 workers, SQLite; {args.clients} clients guessing for {args.seconds} s")
        print(f"  the log-in page alone:                {summary(page_times(port, 5))}")
        for label, many in (("one account", False), ("a new account each time", True)):
            counts, times = attack(port, args.clients, args.seconds, many)
            print(f"  while guessing at {label + ':':<22}{summary(times)}")
            print(
                f"    guesses hashed {counts['hashed']}, refused before hashing {counts['refused']}"
            )
            subprocess.run(
                [BIN / "rankfile", "shell", "--no-imports", "-c",
                 "from rankfile.accounts.models import Throttle; Throttle.objects.all().delete()"],
                env=env, check=False, stderr=subprocess.DEVNULL,
            )  # fmt: skip
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        shutil.rmtree(home, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
