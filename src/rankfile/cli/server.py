"""`rankfile serve`: the development server (use gunicorn in production)."""

from __future__ import annotations

import argparse
from typing import Any

from rankfile.cli import setup_django


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "serve",
        help="serve the web application (development server)",
        description="Serve Rank and File with Django's development server. In production "
        "run an app server such as gunicorn (see README).",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.set_defaults(handler=serve)


def serve(args: argparse.Namespace) -> int:
    setup_django()
    from django.core.management import call_command

    call_command("runserver", f"{args.host}:{args.port}", use_reloader=False)
    return 0
