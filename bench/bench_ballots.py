"""Ballot burst: 5,000 voters cast a secret ballot within about 10 s, against the production
set-up (gunicorn sync workers, PostgreSQL) on loopback, driven from other processes.

Two polls, one after the other: a motion, then a 20-candidate Scottish STV election. Each
ballot is a `POST /api/v1/polls/{id}/ballot` with the voter's bearer token, sent on a fixed
schedule (open loop: RATE requests a second), so a slow server shows as latency, not as a
lower offered rate. Then the ballots are counted in the database (exactly VOTERS) and the
poll is closed in this process (decrypt, shuffle, publish, count, audit, VACUUM FULL).
Offered at 550/s by default; targets: >= 500 ballots/s, p99 <= 1 s, 0 errors; closing the 5,000-ballot STV poll <= 2 s.

Run: make bench-ballots  (needs PostgreSQL on 127.0.0.1:5432; uses the database
polls_bench, dropped and made anew). Options: VOTERS=, RATE=, WORKERS=, PG= in the environment.
"""

from __future__ import annotations

import http.client
import json
import multiprocessing
import os
import random
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

VOTERS = int(os.environ.get("VOTERS", "5000"))
RATE = float(os.environ.get("RATE", "550"))
WORKERS = int(os.environ.get("WORKERS", "4"))
PG = os.environ.get("PG", "postgres://postgres@127.0.0.1:5432")
DATABASE = "polls_bench"
PORT = 18_555
CLIENT_PROCESSES = 2
THREADS_PER_PROCESS = 32
CANDIDATES = 20


def fresh_database() -> str:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DATABASE}")
    return f"{PG}/{DATABASE}"


def set_up(voters: int) -> tuple[list[str], int, list[int], int]:
    """Members with API tokens, open rules; a motion and an STV poll, both open."""
    import datetime

    from django.contrib.auth.hashers import make_password

    from rankfile.accounts.actions import token_hash
    from rankfile.accounts.models import ApiToken, User
    from rankfile.members.actions import do_create_branch
    from rankfile.members.models import Member
    from rankfile.standing.rulesets import do_adopt_rules
    from rankfile.voting.actions import do_create_poll, do_open_poll

    do_adopt_rules(
        None,
        text='[rule_set]\nname = "Every member"\nversion = "1"\neffective_on = 2020-01-01\n',
        decision="Bench",
    )
    branch = do_create_branch(None, name="Convention floor", slug="floor")
    password = make_password(None)
    users = User.objects.bulk_create(
        User(email=f"voter{i}@bench.example", password=password) for i in range(voters)
    )
    Member.objects.bulk_create(
        Member(
            member_number=f"B{i:06d}",
            first_name="Voter",
            last_name=str(i),
            branch=branch,
            status="member",
            joined_on=datetime.date(2020, 1, 1),
            user=user,
        )
        for i, user in enumerate(users)
    )
    tokens = [f"rf_bench{secrets.token_urlsafe(24)}" for _ in users]
    ApiToken.objects.bulk_create(
        ApiToken(user=user, name="bench", prefix=token[:10], key_hash=token_hash(token))
        for user, token in zip(users, tokens, strict=True)
    )
    motion = do_create_poll(None, title="Bench motion", kind="motion", branch=branch)
    stv = do_create_poll(
        None,
        title="Bench STV",
        kind="election",
        branch=branch,
        method="scottish-stv",
        seats=5,
        candidates=[f"Candidate {c:02d}" for c in range(CANDIDATES)],
    )
    do_open_poll(None, motion)
    do_open_poll(None, stv)
    candidate_ids = list(stv.candidates.order_by("position").values_list("pk", flat=True))
    return tokens, motion.pk, candidate_ids, stv.pk


def drive(args: tuple[list[tuple[float, str, str, bytes]], int]) -> list[tuple[float, int]]:
    """Send the scheduled requests (at, path, token, body); (latency, status) for each."""
    schedule, threads = args
    results: list[tuple[float, int]] = []
    lock = threading.Lock()
    queues = [schedule[i::threads] for i in range(threads)]

    def worker(items: list[tuple[float, str, str, bytes]]) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        mine = []
        for at, path, token, body in items:
            delay = at - time.time()
            if delay > 0:
                time.sleep(delay)
            started = time.time()
            try:
                conn.request(
                    "POST",
                    path,
                    body,
                    {"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
                )
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
                status = 0
            mine.append((time.time() - started, status))
        with lock:
            results.extend(mine)

    pool = [threading.Thread(target=worker, args=(q,)) for q in queues]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return results


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of a process and its children now running (gunicorn's
    workers), from /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    for each in pids:
        try:
            fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def burst(label: str, requests: list[tuple[str, str, bytes]], server_pid: int) -> bool:
    cpu_before = cpu_seconds(server_pid)
    start = time.time() + 1.0
    schedule = [(start + i / RATE, *request) for i, request in enumerate(requests)]
    parts = [(schedule[i::CLIENT_PROCESSES], THREADS_PER_PROCESS) for i in range(CLIENT_PROCESSES)]
    with multiprocessing.get_context("spawn").Pool(CLIENT_PROCESSES) as pool:
        results = [r for part in pool.map(drive, parts) for r in part]
    finished = time.time()
    app_cpu = cpu_seconds(server_pid) - cpu_before
    latencies = sorted(latency for latency, _ in results)
    errors = sum(1 for _, status in results if status != 201)
    elapsed = finished - start
    p50 = latencies[len(latencies) // 2]
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    rate = len(results) / elapsed
    print(
        f"  {label}: {len(results):,} ballots in {elapsed:.2f} s = {rate:.0f}/s "
        f"(offered {RATE:.0f}/s); p50 {p50 * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms, "
        f"max {latencies[-1] * 1000:.0f} ms; errors {errors}; app server CPU "
        f"{app_cpu:.1f} s = {app_cpu / len(results) * 1000:.2f} ms a ballot; "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    statuses: dict[int, int] = {}
    for _, status in results:
        statuses[status] = statuses.get(status, 0) + 1
    if errors:
        print(f"    statuses: {statuses}")
    return rate >= 500 and p99 <= 1.0 and errors == 0


def wait_for_port(port: int, seconds: float = 30) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), 0.5).close()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"the app server did not answer on port {port}")


def main() -> int:
    home = Path(tempfile.mkdtemp(prefix="rankfile-bench-"))
    url = fresh_database()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "RANKFILE_HOME": str(home),
        "BALLOT_KEY": secrets.token_hex(32),
        "ALLOWED_HOSTS": "127.0.0.1",
        "LOG_LEVEL": "ERROR",
    }
    os.environ.update(env)
    bin_dir = Path(sys.executable).parent
    subprocess.run([bin_dir / "rankfile", "migrate", "-v0"], env=env, check=True)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rankfile.settings")
    import django

    django.setup()
    from django.db import connection

    from rankfile.voting.actions import do_close_poll
    from rankfile.voting.models import Ballot, Poll, SealedBallot

    started = time.perf_counter()
    tokens, motion_id, candidate_ids, stv_id = set_up(VOTERS)
    print(f"{VOTERS:,} voters with tokens, two open polls: {time.perf_counter() - started:.1f} s")
    connection.close()
    server = subprocess.Popen(
        [bin_dir / "gunicorn", "rankfile.wsgi", "--bind", f"127.0.0.1:{PORT}",
         "--workers", str(WORKERS), "--timeout", "120", "--log-level", "warning"],
        env=env,
    )  # fmt: skip
    ok = True
    try:
        wait_for_port(PORT)
        rng = random.Random(7)
        print(f"gunicorn, {WORKERS} sync workers; {CLIENT_PROCESSES} client processes")
        order = list(range(VOTERS))
        rng.shuffle(order)
        motion = [
            (f"/api/v1/polls/{motion_id}/ballot", tokens[i],
             json.dumps({"vote": rng.choice(["yes", "yes", "no", "abstain"])}).encode())
            for i in order
        ]  # fmt: skip
        ok &= burst("motion", motion, server.pid)
        rng.shuffle(order)
        ranked = []
        for i in order:
            length = rng.randint(1, CANDIDATES)
            ranking = rng.sample(candidate_ids, length)
            ranked.append(
                (
                    f"/api/v1/polls/{stv_id}/ballot",
                    tokens[i],
                    json.dumps({"ranking": ranking}).encode(),
                )
            )
        ok &= burst(f"STV, {CANDIDATES} candidates", ranked, server.pid)
    finally:
        server.terminate()
        server.wait(10)
    for poll_id in (motion_id, stv_id):
        sealed = SealedBallot.objects.filter(poll_id=poll_id).count()
        ok &= sealed == VOTERS
        poll = Poll.objects.get(pk=poll_id)
        started = time.perf_counter()
        poll = do_close_poll(None, poll)
        elapsed = time.perf_counter() - started
        published = Ballot.objects.filter(poll_id=poll_id).count()
        ok &= published == VOTERS and (elapsed <= 2.0 or poll.is_motion)
        outcome = poll.result.get("outcome") or f"elected {len(poll.result['elected'])}"
        print(
            f"  close {poll.title}: {sealed:,} sealed -> {published:,} published, {outcome}, "
            f"in {elapsed:.2f} s (target 2 s for STV)"
        )
    print("within targets" if ok else "OUTSIDE the targets")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
