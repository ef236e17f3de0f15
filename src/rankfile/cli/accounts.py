"""`rankfile two-factor-reset`: an operator ends someone's two-factor authentication."""

from __future__ import annotations

import argparse
from typing import Any

from rankfile.cli import CommandError, setup_django


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "two-factor-reset",
        help="end an account's two-factor authentication (lost phone and recovery codes)",
        description="End the two-factor authentication of the account with that email, on "
        "the record with the reason given; its owner logs in with the password and sets it "
        "up again.",
    )
    parser.add_argument("email")
    parser.add_argument("--reason", required=True, help="why (goes on the record)")
    parser.set_defaults(handler=two_factor_reset)


def two_factor_reset(args: argparse.Namespace) -> int:
    setup_django()
    from django.core.exceptions import ValidationError

    from rankfile.accounts.actions import do_reset_two_factor
    from rankfile.accounts.models import User

    user = User.objects.filter(email__iexact=args.email.strip()).first()
    if user is None:
        raise CommandError(f"no account uses {args.email}")
    try:
        do_reset_two_factor(None, user, reason=args.reason)
    except ValidationError as error:
        raise CommandError("; ".join(error.messages)) from None
    print(f"Two-factor authentication of {user.email} is off; it is on the record.")
    return 0
