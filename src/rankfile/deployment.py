"""What a server checks before it serves, and `rankfile check --deploy`.

The rule: the built-in development key and the console email backend are for development,
that is DEBUG=1, or the development server bound to this machine's loopback address
(`rankfile serve`, which `make run` uses). Every other server — gunicorn or any WSGI server
importing rankfile.wsgi, `rankfile serve --host 0.0.0.0` — is production: it refuses to
start without SECRET_KEY, and with the console email backend it says at start-up that no
email will be sent and prints none (the emails hold live log-in links). Commands that do not
serve (migrate, the demo, imports, the tests) never need a key.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.core.mail.backends.base import BaseEmailBackend

CONSOLE_BACKEND = "django.core.mail.backends.console.EmailBackend"
UNSENT_BACKEND = "rankfile.deployment.UnsentEmailBackend"
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}

logger = logging.getLogger("rankfile.deployment")

# Set by `rankfile serve` when it binds a loopback address (the development server runs in
# the same process, and imports rankfile.wsgi).
development_server = False


def uses_development_key() -> bool:
    return settings.SECRET_KEY == settings.DEVELOPMENT_SECRET_KEY


def is_development() -> bool:
    return bool(settings.DEBUG) or development_server


def prepare_to_serve() -> None:
    """Called by rankfile.wsgi before the first request: refuse to serve production with the
    development key; with the console email backend, say that no email will be sent."""
    if is_development():
        return
    if uses_development_key():
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Rank and File will not serve with its development key "
            "outside development: set SECRET_KEY to a long random string (for example the "
            "output of `python3 -c 'import secrets; print(secrets.token_urlsafe(50))'`), the "
            "same on every app server. For development, run `rankfile serve` (on 127.0.0.1) "
            "or set DEBUG=1. See docs/deployment.md."
        )
    if settings.EMAIL_BACKEND == CONSOLE_BACKEND:
        settings.EMAIL_BACKEND = UNSENT_BACKEND
        sys.stderr.write(
            "rankfile: no email server is configured (EMAIL_BACKEND is the console): "
            "invitations, password resets and notices will NOT be sent, and their links are "
            "not written to the log. Set EMAIL_BACKEND=django.core.mail.backends.smtp."
            "EmailBackend and EMAIL_HOST (see docs/deployment.md).\n"
        )
        sys.stderr.flush()


class UnsentEmailBackend(BaseEmailBackend):
    """A production server's stand-in for the console backend: it logs that an email was not
    sent, never its body (which may hold a log-in link)."""

    def send_messages(self, email_messages: Any) -> int:
        for message in email_messages:
            logger.warning(
                "email not sent (no email server configured): %r to %d recipient(s)",
                message.subject,
                len(message.recipients()),
            )
        return 0


@checks.register(checks.Tags.security, deploy=True)
def check_production_settings(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    found: list[checks.CheckMessage] = []
    if uses_development_key():
        found.append(
            checks.Error(
                "SECRET_KEY is not set: the development key is in use.",
                hint="Set SECRET_KEY to a long random string; servers refuse to start without it.",
                id="rankfile.E001",
            )
        )
    if settings.EMAIL_BACKEND == CONSOLE_BACKEND:
        found.append(
            checks.Warning(
                "EMAIL_BACKEND is the console: no email (invitations, password resets) is sent.",
                hint="Set EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend and EMAIL_HOST.",
                id="rankfile.W001",
            )
        )
    if "testserver" in settings.ALLOWED_HOSTS or "*" in settings.ALLOWED_HOSTS:
        found.append(
            checks.Warning(
                "ALLOWED_HOSTS accepts any Host or the test client's 'testserver'.",
                hint="List only the site's own host names: password-reset links are built "
                "with the Host the request names.",
                id="rankfile.W002",
            )
        )
    if not settings.BEHIND_TLS_PROXY:
        found.append(
            checks.Warning(
                "BEHIND_TLS_PROXY is off: no HTTPS redirect, HSTS or secure cookies.",
                hint="Serve behind a TLS proxy that sets X-Forwarded-Proto and set BEHIND_TLS_PROXY=1.",
                id="rankfile.W003",
            )
        )
    return found
