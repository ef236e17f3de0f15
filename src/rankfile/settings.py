"""Settings, all from the environment; SQLite under var/ when DATABASE_URL is not set.

The tests use these same settings.
"""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = Path(os.environ.get("RANKFILE_HOME", Path.cwd()))


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


DEBUG = env_bool("DEBUG", False)
# Without SECRET_KEY the development key is used. It is fine where nothing is served to others
# (tests, the CLI, the demo, `rankfile serve` on this machine's loopback address); every other
# server refuses to start with it (rankfile.deployment, called by rankfile.wsgi), and
# `rankfile check --deploy` reports it. Its "django-insecure-" prefix also trips Django's own
# deployment check.
DEVELOPMENT_SECRET_KEY = "django-insecure-development-key-set-SECRET_KEY-in-production"
SECRET_KEY = env_str("SECRET_KEY", "") or DEVELOPMENT_SECRET_KEY
# The test client's "testserver" is added by the test set-up itself, never here.
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",
    "django_tasks_db",
    "rankfile.web",
    "rankfile.accounts",
    "rankfile.audit",
    "rankfile.members",
    "rankfile.standing",
    "rankfile.conventions",
    "rankfile.dues",
    "rankfile.voting",
    "rankfile.appeals",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "rankfile.web.middleware.RefuseControlCharacters",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "rankfile.accounts.middleware.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "rankfile.web.middleware.ContentSecurityPolicyMiddleware",
]

# Background work (big imports) runs in a task worker: `rankfile db_worker`, started by
# `rankfile serve` (docs/deployment.md). Tasks are rows in the database, so any app server
# may enqueue them and any worker run them.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# Lock and progress files of import jobs on SQLite (one machine); PostgreSQL uses the database.
RANKFILE_IMPORTS_DIR = env_str("RANKFILE_IMPORTS_DIR", str(PROJECT_DIR / "var" / "imports"))

ROOT_URLCONF = "rankfile.urls"
WSGI_APPLICATION = "rankfile.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "rankfile.web.context.organization",
            ],
        },
    },
]

_sqlite_path = PROJECT_DIR / "var" / "rankfile.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{_sqlite_path}"), conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    _sqlite_path.parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE: a writing transaction takes the write lock at its start, so two writers
        # queue instead of failing half-way (the audit chain relies on this).
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["TEST"] = {"NAME": str(PROJECT_DIR / "var" / "test.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# The throttled backend refuses a log-in that is over its limit before argon2 runs (see
# rankfile.accounts.throttling and docs/security.md).
AUTHENTICATION_BACKENDS = ["rankfile.accounts.backends.ThrottledModelBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24 * 7  # invitation and reset links: one week

# Log-in throttling: failed passwords per account and per client address within the window,
# after which further attempts are refused until the window has passed (longer each time an
# account is locked again); reset-link requests per address asked for and per client address.
LOGIN_FAILURES_PER_ACCOUNT = env_int("LOGIN_FAILURES_PER_ACCOUNT", 5)
LOGIN_FAILURES_PER_ADDRESS = env_int("LOGIN_FAILURES_PER_ADDRESS", 50)
LOGIN_FAILURE_WINDOW_MINUTES = env_int("LOGIN_FAILURE_WINDOW_MINUTES", 15)
RESET_REQUESTS_PER_ACCOUNT = env_int("RESET_REQUESTS_PER_ACCOUNT", 3)
RESET_REQUESTS_PER_ADDRESS = env_int("RESET_REQUESTS_PER_ADDRESS", 20)
RESET_REQUEST_WINDOW_MINUTES = env_int("RESET_REQUEST_WINDOW_MINUTES", 60)
# How many proxies in front of the app append to X-Forwarded-For: the client address is the
# one that many entries from the right. 0 (the default without BEHIND_TLS_PROXY) uses the
# socket's address; never trust the header when no proxy of yours sets it.
TRUSTED_PROXY_HOPS = env_int("TRUSTED_PROXY_HOPS", 1 if env_bool("BEHIND_TLS_PROXY", False) else 0)

# Two-factor authentication (django-otp): the name authenticator apps show.
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "Rank and File")

LANGUAGE_CODE = "en"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = PROJECT_DIR / "var" / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# Email: console in development; set the SMTP parts in production. A production server
# started with the console backend says so and prints no email (rankfile.deployment).
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Rank and File <noreply@localhost>")

BEHIND_TLS_PROXY = env_bool("BEHIND_TLS_PROXY", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_TLS_PROXY else None
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", BEHIND_TLS_PROXY)
CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", BEHIND_TLS_PROXY)
# Behind TLS: plain-HTTP requests are redirected to HTTPS and browsers are told (HSTS) to use
# HTTPS only for a year. HSTS_SECONDS=0 turns HSTS off (e.g. while trying TLS out).
SECURE_SSL_REDIRECT = env_bool("SSL_REDIRECT", BEHIND_TLS_PROXY)
SECURE_HSTS_SECONDS = env_int("HSTS_SECONDS", 60 * 60 * 24 * 365 if BEHIND_TLS_PROXY else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_REFERRER_POLICY = "same-origin"
# Every page: scripts, styles, fonts and images from this site only, no inline script or
# style, no plug-ins, not framed (rankfile.web.middleware sends it).
CONTENT_SECURITY_POLICY = env_str(
    "CONTENT_SECURITY_POLICY",
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
)

DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

# Dues: the currency amounts are in when a plan or payment does not name one.
DUES_CURRENCY = env_str("DUES_CURRENCY", "USD")

# Secret ballots are sealed until the poll closes with a key derived per poll from this master
# key (64 hex digits). Not set: a key file beside the SQLite database, made on first use.
# Several app servers must share one key: set BALLOT_KEY on each (docs/voting.md).
BALLOT_KEY = env_str("BALLOT_KEY", "")
BALLOT_KEY_FILE = Path(env_str("BALLOT_KEY_FILE", str(PROJECT_DIR / "var" / "ballot.key")))
# After a secret poll closes, rewrite the ballot tables on PostgreSQL (VACUUM FULL) so that the
# deleted sealed rows leave no dead tuples behind (docs/voting.md, "What remains").
BALLOT_VACUUM_FULL = env_bool("BALLOT_VACUUM_FULL", True)
