"""`rankfile serve` and `rankfile demo`."""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys
from typing import Any

from rankfile.cli import CommandError, setup_django


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "serve",
        help="serve the web application and its task worker (development server)",
        description="Serve Rank and File with Django's development server, and start the "
        "task worker (`rankfile db_worker`) that runs big imports. In production run an app "
        "server such as gunicorn and the worker as a service (docs/deployment.md).",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument(
        "--no-worker",
        action="store_true",
        help="do not start the task worker (run `rankfile db_worker` yourself)",
    )
    parser.set_defaults(handler=serve)

    demo = subparsers.add_parser(
        "demo",
        help="load the fictional demo organization",
        description="Load the demo organization (fictional, seeded, reproducible) into the "
        "database and print its logins. Refuses a database that already has members.",
    )
    demo.add_argument(
        "--if-empty", action="store_true", help="do nothing (and succeed) if the database has data"
    )
    demo.add_argument("--seed", type=int, default=1917, help="random seed (default 1917)")
    demo.add_argument("--members", type=int, default=2500, help="number of members (default 2500)")
    demo.set_defaults(handler=demo_command)


def serve(args: argparse.Namespace) -> int:
    setup_django()
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import call_command

    from rankfile import deployment

    # On this machine's loopback address the development server is development (the
    # development key and printed emails are fine); on any other address it is production.
    deployment.development_server = args.host in deployment.LOOPBACK_HOSTS
    try:
        deployment.prepare_to_serve()
    except ImproperlyConfigured as error:
        raise CommandError(str(error)) from None
    # Big imports run in the task worker, a process of its own (docs/deployment.md).
    worker = None
    previous = signal.getsignal(signal.SIGTERM)
    if not args.no_worker:
        worker = subprocess.Popen(
            [sys.executable, "-m", "rankfile", "db_worker", "--no-reload", "--interval", "0.5"]
        )
        print(f"Task worker started (process {worker.pid}).")
        # Stopped with SIGTERM (not only Ctrl-C), the server still stops its worker.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(f"Rank and File on http://{args.host}:{args.port}/ (Ctrl-C stops it)")
    try:
        call_command("runserver", f"{args.host}:{args.port}", use_reloader=False)
    finally:
        signal.signal(signal.SIGTERM, previous)
        if worker is not None:
            worker.terminate()
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
    return 0


def demo_command(args: argparse.Namespace) -> int:
    setup_django()
    from rankfile.demo import DEMO_PASSWORD, database_is_empty, load_demo

    if not database_is_empty():
        if args.if_empty:
            print("The database has data already: the demo is not loaded again.")
            _print_logins(DEMO_PASSWORD)
            return 0
        raise CommandError(
            "the database already has branches or members; the demo needs an empty one"
        )
    if args.members < 50:
        raise CommandError("--members must be at least 50")
    context = load_demo(seed=args.seed, members=args.members)
    print(f"Demo organization loaded: {args.members} members.")
    _print_logins(DEMO_PASSWORD, [role_email for role_email in context.logins])
    return 0


def _print_logins(password: str, logins: list[tuple[str, str]] | None = None) -> None:
    from rankfile.demo.members import LOGINS

    rows = logins or [(role, email) for role, _f, _l, _b, email in LOGINS]
    print(f"Demo logins (password for all: {password}):")
    for role, email in rows:
        print(f"  {email:32} {role}")
