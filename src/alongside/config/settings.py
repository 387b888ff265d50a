"""Settings for every environment, driven by environment variables (see docs/deployment.md)."""

from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path

import dj_database_url
from cryptography.fernet import Fernet
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from alongside.config.env import env_bool, env_int, env_list, env_str

PACKAGE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env_str("ALONGSIDE_DATA_DIR", str(Path.cwd() / "var")))

# The data folder holds the SQLite database, uploads and collected static files.
DATA_DIR.mkdir(parents=True, exist_ok=True)
(DATA_DIR / "static").mkdir(exist_ok=True)

DEMO_MODE = env_bool("ALONGSIDE_DEMO_MODE", False)
DEBUG = env_bool("ALONGSIDE_DEBUG", False)
# Only a run plainly not for production (demo mode, ALONGSIDE_DEBUG, or the test
# suite, which pytest marks with PYTEST_VERSION) may use a throwaway key, which
# `check --deploy` flags (W009 knows the "django-insecure-" prefix). Anything
# else without a key stops here rather than sign sessions with a public one.
SECRET_KEY = env_str("ALONGSIDE_SECRET_KEY")
if not SECRET_KEY:
    if not (DEMO_MODE or DEBUG or "PYTEST_VERSION" in os.environ):
        raise ImproperlyConfigured(
            "ALONGSIDE_SECRET_KEY (or ALONGSIDE_SECRET_KEY_FILE) is not set; set it to a long "
            "random value (see docs/deployment.md), or set ALONGSIDE_DEMO_MODE=1 for a demo"
        )
    SECRET_KEY = "django-insecure-" + "development-key-only-for-local-demo-runs-0123456789abcdef"
ALLOWED_HOSTS = env_list("ALONGSIDE_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("ALONGSIDE_CSRF_TRUSTED_ORIGINS")

# --- Audit chain key (THREAT_MODEL.md): kept out of the database, so a database writer
# cannot recompute the chain. The same runs that may use a throwaway SECRET_KEY (demo,
# debug, tests) get a development audit key derived from it, which anyone can derive.
ALONGSIDE_AUDIT_KEY = env_str("ALONGSIDE_AUDIT_KEY")
ALONGSIDE_AUDIT_RETIRED_KEYS = env_list("ALONGSIDE_AUDIT_RETIRED_KEYS")
ALONGSIDE_AUDIT_DEVELOPMENT_KEY = not ALONGSIDE_AUDIT_KEY
if ALONGSIDE_AUDIT_DEVELOPMENT_KEY and not (DEMO_MODE or DEBUG or "PYTEST_VERSION" in os.environ):
    raise ImproperlyConfigured(
        "ALONGSIDE_AUDIT_KEY (or ALONGSIDE_AUDIT_KEY_FILE) is not set; the audit chain "
        "needs its own secret, kept out of the database (see docs/deployment.md)"
    )
if ALONGSIDE_AUDIT_DEVELOPMENT_KEY:
    ALONGSIDE_AUDIT_KEY = "development-audit-key:" + SECRET_KEY
elif len(ALONGSIDE_AUDIT_KEY) < 32:
    raise ImproperlyConfigured("ALONGSIDE_AUDIT_KEY must be at least 32 random characters")
ALONGSIDE_AUDIT_CHECKPOINT_FILE = Path(
    env_str("ALONGSIDE_AUDIT_CHECKPOINT_FILE", str(DATA_DIR / "audit-checkpoints.jsonl"))
)

# --- Field-level encryption keys (alongside.field_encryption): Fernet keys, newest first;
# the newest encrypts, all decrypt. The same runs that may use a throwaway SECRET_KEY get a
# development key derived from it; anything else without keys stops here, in one line.
ALONGSIDE_FIELD_KEYS = env_list("ALONGSIDE_FIELD_KEYS")
ALONGSIDE_FIELD_DEVELOPMENT_KEY = not ALONGSIDE_FIELD_KEYS
if ALONGSIDE_FIELD_DEVELOPMENT_KEY and not (DEMO_MODE or DEBUG or "PYTEST_VERSION" in os.environ):
    raise ImproperlyConfigured(
        "ALONGSIDE_FIELD_KEYS (or ALONGSIDE_FIELD_KEYS_FILE) is not set; clinical notes, "
        "reflections and transcripts are encrypted with it (see docs/deployment.md)"
    )
if ALONGSIDE_FIELD_DEVELOPMENT_KEY:
    ALONGSIDE_FIELD_KEYS = [
        base64.urlsafe_b64encode(
            hashlib.sha256(("development-field-key:" + SECRET_KEY).encode()).digest()
        ).decode("ascii")
    ]
for _number, _key in enumerate(ALONGSIDE_FIELD_KEYS, start=1):
    try:
        Fernet(_key)
    except (ValueError, TypeError):
        raise ImproperlyConfigured(
            f"ALONGSIDE_FIELD_KEYS: key {_number} is not a Fernet key (44 characters of "
            "url-safe base64; see docs/deployment.md)"
        ) from None

INSTALLED_APPS = [
    "django.forms",  # its widget templates, found by the project's engine (FORM_RENDERER)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    # Listed so /api/v1/docs serves django-ninja's own Swagger UI files (no CDN).
    "ninja",
    "alongside.accounts",
    "alongside.organisations",
    "alongside.audit",
    "alongside.mentors",
    "alongside.patients",
    "alongside.matches",
    "alongside.contacts",
    "alongside.notifications",
    "alongside.outcomes",
    "alongside.reports",
    "alongside.evaluation",
    "alongside.demo",
    "alongside.privacy",
    "alongside.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Header middleware sits before WhiteNoise, so the static files it answers
    # itself carry the same headers as pages.
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "alongside.audit.middleware.RequestContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "alongside.config.middleware.IdleSessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "alongside.config.middleware.ServiceTimeZoneMiddleware",
    "alongside.config.middleware.PostOnlyGetRedirectMiddleware",
    "alongside.config.middleware.NotFoundMiddleware",
    "alongside.accounts.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "alongside.config.urls"
WSGI_APPLICATION = "alongside.config.wsgi.application"

# Forms and widgets render with the project's template engine: ``{{ form }}`` draws
# templates/_form.html, and templates/django/forms/ can say the empty choice in words
# ("Choose…", not "---------").
FORM_RENDERER = "alongside.forms.FormRenderer"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "alongside.accounts.context_processors.navigation",
                "alongside.notifications.context_processors.unread_notifications",
            ],
        },
    }
]

# --- Database: SQLite in ./var by default, PostgreSQL when DATABASE_URL is set.
# A SQLite file named by DATABASE_URL gets the same options as the default one.
SQLITE_OPTIONS = {
    # IMMEDIATE takes the write lock at BEGIN, so two writers queue
    # instead of failing with "database is locked" half-way.
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "alongside.sqlite3",  # type: ignore[typeddict-item]  # a Path works
        }
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {**SQLITE_OPTIONS, **DATABASES["default"].get("OPTIONS", {})}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts, passwords, lockout, sessions.
AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "accounts:login"

AXES_FAILURE_LIMIT = env_int("ALONGSIDE_LOCKOUT_FAILURES", 5)
AXES_COOLOFF_TIME = env_int("ALONGSIDE_LOCKOUT_MINUTES", 30) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"  # the sign-in form field, which holds the e-mail
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_VERBOSE = False
# One client-IP function for lockout and audit; it trusts exactly this many
# reverse proxies' X-Forwarded-For entries (0: the socket address).
ALONGSIDE_PROXY_COUNT = env_int("ALONGSIDE_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "alongside.config.client_ip.client_ip"
# Lockout counts one spelling per account: the e-mail stripped and lower-cased.
AXES_USERNAME_CALLABLE = "alongside.accounts.identity.lockout_username"
# Password-reset requests allowed per hour for one e-mail address, and from one client.
ALONGSIDE_RESET_LIMIT_PER_ADDRESS = env_int("ALONGSIDE_RESET_LIMIT_PER_ADDRESS", 3)
ALONGSIDE_RESET_LIMIT_PER_CLIENT = env_int("ALONGSIDE_RESET_LIMIT_PER_CLIENT", 20)
# API requests allowed per token in each window of this many seconds (429 past it).
ALONGSIDE_API_RATE_LIMIT = env_int("ALONGSIDE_API_RATE_LIMIT", 600)
ALONGSIDE_API_RATE_WINDOW = env_int("ALONGSIDE_API_RATE_WINDOW", 60)
# A list export longer than this many rows is made by the task worker (docs/reports.md).
ALONGSIDE_EXPORT_BACKGROUND_ROWS = env_int("ALONGSIDE_EXPORT_BACKGROUND_ROWS", 2000)
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    # Rate limits must hold across every web worker and machine, so they are
    # counted in the database (table created by accounts migration 0002).
    "rate_limits": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "alongside_rate_limits",
        # Culling past MAX_ENTRIES drops live counts too, so a flood of new keys
        # must not be able to push out the counts that hold an attacker back.
        "OPTIONS": {"MAX_ENTRIES": 1_000_000},
    },
}

SESSION_COOKIE_AGE = env_int("ALONGSIDE_IDLE_TIMEOUT_MINUTES", 30) * 60
# Idle timeout: a request pushes the expiry on, saving the session at most once in this
# many seconds (config.middleware.IdleSessionMiddleware), not on every request.
SESSION_SAVE_EVERY_REQUEST = False
ALONGSIDE_SESSION_REFRESH_SECONDS = env_int("ALONGSIDE_SESSION_REFRESH_SECONDS", 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "alongside.accounts.views.csrf_failure"

REQUIRE_2FA = env_bool("ALONGSIDE_REQUIRE_2FA", not DEMO_MODE)
OTP_TOTP_ISSUER = "Alongside"

# --- Transport security: on unless explicitly running plain HTTP locally.
SECURE = env_bool("ALONGSIDE_SECURE", not (DEBUG or DEMO_MODE))
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SECURE_SSL_REDIRECT = SECURE and env_bool("ALONGSIDE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = 31536000 if SECURE else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
SECURE_HSTS_PRELOAD = SECURE
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if SECURE else None
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Browser features no page of Alongside uses are switched off for every response.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}

# --- Content Security Policy: nothing inline, nothing from another host.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}

# --- Background tasks (django-tasks backport, database backend).
TASKS = {
    "default": {
        "BACKEND": env_str("ALONGSIDE_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}
# /healthz says "degraded" when a task has been ready this long without a worker taking it.
ALONGSIDE_QUEUE_STALL_MINUTES = env_int("ALONGSIDE_QUEUE_STALL_MINUTES", 10)

# --- E-mail: console by default; SMTP when ALONGSIDE_EMAIL_HOST is set.
EMAIL_HOST = env_str("ALONGSIDE_EMAIL_HOST")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else env_str("ALONGSIDE_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
)
EMAIL_PORT = env_int("ALONGSIDE_EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("ALONGSIDE_EMAIL_USER")
EMAIL_HOST_PASSWORD = env_str("ALONGSIDE_EMAIL_PASSWORD")
EMAIL_USE_TLS = env_bool("ALONGSIDE_EMAIL_TLS", True)
DEFAULT_FROM_EMAIL = env_str("ALONGSIDE_FROM_EMAIL", "Alongside <no-reply@alongside.invalid>")
# Text messages (notifications app): a class with send(to, body); console by default.
ALONGSIDE_SMS_BACKEND = env_str(
    "ALONGSIDE_SMS_BACKEND", "alongside.notifications.sms.ConsoleSmsBackend"
)
# For alongside.notifications.sms.FileSmsBackend: where texts are appended (demo sites).
ALONGSIDE_SMS_FILE = env_str("ALONGSIDE_SMS_FILE", str(DATA_DIR / "sms-outbox.jsonl"))
# Where people reach this site, for links in e-mails and texts (e.g. https://alongside.example).
ALONGSIDE_SITE_URL = env_str("ALONGSIDE_SITE_URL").rstrip("/")

# --- Static files.
STATIC_URL = "/static/"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATIC_ROOT = Path(env_str("ALONGSIDE_STATIC_ROOT", str(DATA_DIR / "static")))
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(DATA_DIR / "media")},
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = True  # `make run` works without collectstatic

LANGUAGE_CODE = "en-gb"
FORMAT_MODULE_PATH = ["alongside.formats"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("ALONGSIDE_LOG_LEVEL", "WARNING")},
}
