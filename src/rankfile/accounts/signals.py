"""Reactions to changes Django makes itself (its password views, admin and commands)."""

from __future__ import annotations

from typing import Any

from rankfile.accounts.actions import do_end_api_tokens


def end_tokens_when_password_changes(sender: Any, instance: Any, created: bool, **kwargs: Any):
    # AbstractBaseUser.save() keeps the new raw password in _password until after post_save:
    # set only when set_password() ran, whoever called it (a change, a reset, an invitation,
    # the admin, `rankfile changepassword`).
    if not created and getattr(instance, "_password", None) is not None:
        do_end_api_tokens(instance, reason="The password was changed")
