"""Reactions to changes Django makes itself (its password views, admin and commands)."""

from __future__ import annotations

from typing import Any

from rankfile.accounts import throttling
from rankfile.accounts.actions import do_end_api_tokens


def after_password_change(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    """A new password ends the account's API tokens (whoever knew the old password may have
    made them) and its log-in lock (a reset link proves the address: the way back in for
    someone locked out by another's guesses)."""
    # AbstractBaseUser.save() keeps the new raw password in _password until after post_save:
    # set only when set_password() ran, whoever called it (a change, a reset, an invitation,
    # the admin, `rankfile changepassword`).
    if not created and getattr(instance, "_password", None) is not None:
        do_end_api_tokens(instance, reason="The password was changed")
        throttling.clear(
            throttling.login_account_limit(), throttling.normalize_account(instance.email)
        )
