"""Settings for sendpath, read from the environment.

SENDPATH_DATABASE_URL (or DATABASE_URL) chooses the database: by default an embedded SQLite file
in SENDPATH_DATA_DIR (./data), in WAL mode with a busy timeout. SENDPATH_SECRET_KEY is required
when DEBUG is off unless a key file exists in the data folder (the demo writes one).
"""

import os
import secrets
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("SENDPATH_DATA_DIR", BASE_DIR / "data")).resolve()


def _env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    key = os.environ.get("SENDPATH_SECRET_KEY")
    if key:
        return key
    # A self-hosted single-box install keeps a generated key beside its database.
    key_file = DATA_DIR / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


DEBUG = _env_bool("SENDPATH_DEBUG", False)
SECRET_KEY = _secret_key()
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("SENDPATH_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("SENDPATH_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",
    "crispy_forms",
    "crispy_forms_gds",
    "sendpath",
    "ui",
    "accounts",
    "pupils",
    "attainment",
    "support",
    "provision",
    "statutory",
    "records",
    "perf",
    "audit",
    "api",
    "interop",
    "people",
    "family",
    "duties",
]

MIDDLEWARE = [
    "sendpath.middleware.PrivacyHeadersMiddleware",  # Permissions-Policy; no-store when signed in
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "audit.middleware.PupilReadMiddleware",  # a READ row for the pupil records a page showed
]

ROOT_URLCONF = "sendpath.urls"
WSGI_APPLICATION = "sendpath.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "sendpath" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "accounts.context_processors.school",
            ],
        },
    },
]

_default_sqlite = f"sqlite:///{DATA_DIR / 'sendpath.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("SENDPATH_DATABASE_URL")
        or os.environ.get("DATABASE_URL")
        or _default_sqlite,
        conn_max_age=int(os.environ.get("SENDPATH_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    # A worker keeps its SQLite connection between requests like a PostgreSQL one (opening it
    # and running the PRAGMAs is a cost on every request otherwise); Django gives each
    # thread its own connection, and SQLite's are never stale.
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers run beside a writer; IMMEDIATE avoids "database is locked" on upgrade.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

if (
    DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    and os.environ.get("SENDPATH_PG_PREPARE", "1") == "1"
):
    # Prepared statements: psycopg prepares a query the second time a connection runs it, and
    # PostgreSQL then skips planning it (measured in docs/benchmarks.md). Django leaves them off by default for connection poolers:
    # behind a pooler in transaction mode without prepared-statement support, set
    # SENDPATH_PG_PREPARE=0 (docs/deployment.md).
    DATABASES["default"]["OPTIONS"] = {"server_side_binding": True, "prepare_threshold": 2}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Sign-in: throttling, two-factor authentication, API tokens (docs/decisions.md, issue 12) ---
# django-axes counts failed sign-ins in the database, per account and per address: after
# SENDPATH_SIGNIN_FAILURE_LIMIT failures either one is refused (even with the right password) for
# SENDPATH_SIGNIN_COOLOFF_MINUTES, or until the school administrator (or `sendpath
# axes_reset_username NAME`) unlocks it.
from datetime import timedelta  # noqa: E402

INSTALLED_APPS += [
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
]
AUTHENTICATION_BACKENDS.insert(0, "accounts.throttle.SignInThrottleBackend")
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "accounts.middleware.two_factor_gate",
)
MIDDLEWARE.append("axes.middleware.AxesMiddleware")
AXES_FAILURE_LIMIT = int(os.environ.get("SENDPATH_SIGNIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("SENDPATH_SIGNIN_COOLOFF_MINUTES", "30")))
# Either lock counts on its own: one account from many addresses, or one address trying many.
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "accounts.throttle.client_ip"
AXES_VERBOSE = False
# Behind a reverse proxy the client's address is the proxy's last X-Forwarded-For entry.
SENDPATH_PROXY_COUNT = int(
    os.environ.get("SENDPATH_PROXY_COUNT", "1" if _env_bool("SENDPATH_BEHIND_TLS_PROXY") else "0")
)
# Password reset requests: at most this many an hour per address and per email address.
SENDPATH_RESET_LIMIT_PER_ADDRESS = int(os.environ.get("SENDPATH_RESET_LIMIT_PER_ADDRESS", "10"))
SENDPATH_RESET_LIMIT_PER_EMAIL = int(os.environ.get("SENDPATH_RESET_LIMIT_PER_EMAIL", "3"))
# The reset mail is sent by a task after the answer, so a known address answers as fast as an
# unknown one (accounts/tasks.py). The thread backend runs tasks beside the worker.
TASKS = {"default": {"BACKEND": "sendpath.tasks_backend.ThreadBackend"}}
# Two-factor authentication (django-otp: TOTP and one-time recovery codes) is required for the
# roles that reach many pupils. On by default; `sendpath demo` turns it off for its logins.
SENDPATH_REQUIRE_2FA = _env_bool("SENDPATH_REQUIRE_2FA", True)
OTP_TOTP_ISSUER = "sendpath"
# API tokens: the default lifetime offered when one is made, and how often last-used is written.
SENDPATH_API_TOKEN_DAYS = 90
SENDPATH_API_TOKEN_TOUCH_SECONDS = 60
AUTH_PASSWORD_VALIDATORS.append({"NAME": "accounts.tokens.RevokeApiTokensOnPasswordChange"})

LANGUAGE_CODE = "en-gb"
# The family area's languages (issue 17): English and two community languages spoken by many
# families in England. Staff pages stay in English; family pages follow the parent's choice.
LANGUAGES = [("en-gb", "English"), ("pl", "Polski"), ("ur", "اردو")]
LOCALE_PATHS = [BASE_DIR / "sendpath" / "locale"]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j M Y"

# Uploaded documents: outside the web root, served only through an access check.
SENDPATH_UPLOADS_DIR = Path(os.environ.get("SENDPATH_UPLOADS_DIR", DATA_DIR / "uploads")).resolve()
SENDPATH_MAX_UPLOAD_BYTES = int(os.environ.get("SENDPATH_MAX_UPLOAD_MB", "10")) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Without collectstatic (the demo and development), whitenoise serves straight from the apps.
WHITENOISE_USE_FINDERS = DEBUG
if DEBUG:
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 8  # a school day: special-category data should not stay signed in
SESSION_COOKIE_SECURE = _env_bool("SENDPATH_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
# Behind a reverse proxy that terminates TLS (docs/deployment.md): trust its X-Forwarded-Proto.
if _env_bool("SENDPATH_BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

from django.utils.csp import CSP  # noqa: E402

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

# Mail (password reset links). Without SENDPATH_SMTP_HOST, messages are written to data/outbox.
if os.environ.get("SENDPATH_SMTP_HOST"):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ["SENDPATH_SMTP_HOST"],
                "port": int(os.environ.get("SENDPATH_SMTP_PORT", "587")),
                "username": os.environ.get("SENDPATH_SMTP_USER", ""),
                "password": os.environ.get("SENDPATH_SMTP_PASSWORD", ""),
                "use_tls": _env_bool("SENDPATH_SMTP_TLS", True),
            },
        }
    }
else:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(DATA_DIR / "outbox")},
        }
    }
DEFAULT_FROM_EMAIL = os.environ.get("SENDPATH_FROM_EMAIL", "sendpath@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("SENDPATH_LOG_LEVEL", "WARNING")},
}
# Figure-only readers (the SEN governor, LA and trust officers) see a count of pupils below this
# as "fewer than N" (accounts/disclosure.py, issue 12).
SENDPATH_SMALL_NUMBER_THRESHOLD = int(os.environ.get("SENDPATH_SMALL_NUMBER_THRESHOLD", "3"))
# Links in mail sent without a request (the daily reminders): the address people open sendpath
# at, e.g. https://sendpath.example.sch.uk.
SENDPATH_BASE_URL = os.environ.get("SENDPATH_BASE_URL", "http://127.0.0.1:8000")
