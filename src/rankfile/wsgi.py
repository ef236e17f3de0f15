"""WSGI entry point for app servers such as gunicorn: `gunicorn rankfile.wsgi`.

It refuses to serve without SECRET_KEY outside development (see rankfile.deployment)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rankfile.settings")
application = get_wsgi_application()

from rankfile.deployment import prepare_to_serve  # noqa: E402  (needs the settings above)

prepare_to_serve()
