"""Cellpath settings, read from the environment (see the configuration table in README.md).

One file for every environment, as healthchecks.io does: production differs only through
environment variables (`CELLPATH_ENV=production`, `DATABASE_URL`, `SECRET_KEY`, e-mail settings).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent  # src/cellpath
VAR_DIR = Path(os.environ.get("CELLPATH_VAR_DIR", Path.cwd() / "var")).resolve()


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def envint(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    try:
        return int(value) if value else default
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def envlist(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    return [v.strip() for v in value.split(",") if v.strip()] if value else default


CELLPATH_ENV = os.environ.get("CELLPATH_ENV", "development")
if CELLPATH_ENV not in {"development", "production"}:
    raise ImproperlyConfigured("CELLPATH_ENV must be 'development' or 'production'")
PRODUCTION = CELLPATH_ENV == "production"


def _secret_key() -> str:
    """The key comes from SECRET_KEY; outside production one is generated into var/."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set when CELLPATH_ENV=production")
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = envbool("DEBUG", False)
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])
CELLPATH_BASE_URL = os.environ.get("CELLPATH_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
"""Where people reach Cellpath: links in e-mails sent without a request (alerts, reminders)."""

INSTALLED_APPS = [
    "cellpath.site.apps.SiteConfig",
    "cellpath.accounts",
    "cellpath.evidence",
    "cellpath.programmes",
    "cellpath.intake",
    "cellpath.care",
    "cellpath.trials",
    "cellpath.reports",
    "cellpath.exchange",
    "cellpath.site.apps.CellpathAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "csp",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "cellpath.site.middleware.RequestOriginMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "cellpath.accounts.middleware.SessionTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "cellpath.site.middleware.PermissionsPolicyMiddleware",
]

ROOT_URLCONF = "cellpath.site.urls"
WSGI_APPLICATION = "cellpath.site.wsgi.application"

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
                "cellpath.site.context_processors.navigation",
            ],
        },
    },
]

# --- Database: SQLite under var/ by default, anything dj-database-url reads otherwise.
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'cellpath.sqlite3'}"
if DATABASE_URL.startswith("sqlite"):
    VAR_DIR.mkdir(parents=True, exist_ok=True)
# Each server thread keeps its connection between requests (opening one costs more than most
# requests); a connection that broke is replaced before the next request uses it.
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=envint("CELLPATH_DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Take the write lock when a transaction starts: concurrent writers wait their turn instead
    # of failing with "database is locked", and the audit hash chain stays in order.
    DATABASES["default"].setdefault("OPTIONS", {})["transaction_mode"] = "IMMEDIATE"
DATABASES["default"]["TEST"] = {"NAME": os.environ.get("CELLPATH_TEST_DATABASE") or None}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["TEST"]["NAME"] = DATABASES["default"]["TEST"]["NAME"] or "test_cellpath"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:sign-in"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
# OWASP ASVS 5.0 V6.2: length over composition rules; reject common passwords.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 60 * 60  # one hour
CELLPATH_INVITATION_SECONDS = 7 * 24 * 60 * 60  # a staff invitation's set-password link: a week

# Sign-in lockout (ASVS V6.3.1) and session timeouts (HIPAA §164.312(a)(2)(iii), ASVS V7.3).
CELLPATH_SIGNIN_MAX_FAILURES = envint("CELLPATH_SIGNIN_MAX_FAILURES", 5)
CELLPATH_SIGNIN_LOCKOUT_SECONDS = envint("CELLPATH_SIGNIN_LOCKOUT_SECONDS", 15 * 60)
CELLPATH_IDLE_TIMEOUT_SECONDS = envint("CELLPATH_IDLE_TIMEOUT_SECONDS", 15 * 60)
CELLPATH_ABSOLUTE_TIMEOUT_SECONDS = envint("CELLPATH_ABSOLUTE_TIMEOUT_SECONDS", 12 * 60 * 60)
CELLPATH_PASSWORD_RESET_LIMIT = envint("CELLPATH_PASSWORD_RESET_LIMIT", 5)  # per hour and address
CELLPATH_DEMO = envbool("CELLPATH_DEMO", False)
# Editorial second review: a change to the public library goes live only once an editor other
# than its author approves it. Off by default (a one-editor installation could publish nothing);
# on in the demo.
CELLPATH_EDITORIAL_SECOND_REVIEW = envbool("CELLPATH_EDITORIAL_SECOND_REVIEW", CELLPATH_DEMO)

# Who runs this copy of Cellpath, as the About page and the privacy notice name them (the
# controller of GDPR Art. 4(7)). Left empty, the pages say plainly that they were not set.
CELLPATH_OPERATOR = os.environ.get("CELLPATH_OPERATOR", "")
CELLPATH_OPERATOR_CONTACT = os.environ.get("CELLPATH_OPERATOR_CONTACT", "")
CELLPATH_FUNDING = os.environ.get("CELLPATH_FUNDING", "")
CELLPATH_MEDICAL_REVIEWER = os.environ.get("CELLPATH_MEDICAL_REVIEWER", "")

SESSION_COOKIE_AGE = CELLPATH_IDLE_TIMEOUT_SECONDS
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "cellpath.site.views.csrf_failure"

# --- Internationalisation
LANGUAGE_CODE = "en"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# --- Static files: served by WhiteNoise, never from a CDN.
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns when it is missing
WHITENOISE_USE_FINDERS = not PRODUCTION
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = VAR_DIR / "uploads"  # outside the web root: files are served only by views

# --- E-mail: printed to the console unless an SMTP server is configured.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND") or (
    "django.core.mail.backends.smtp.EmailBackend"
    if os.environ.get("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 587)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Cellpath <cellpath@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Background tasks: in process by default, a database queue + `cellpath worker` in production.
CELLPATH_TASKS = os.environ.get("CELLPATH_TASKS", "immediate")
if CELLPATH_TASKS not in {"immediate", "database"}:
    raise ImproperlyConfigured("CELLPATH_TASKS must be 'immediate' or 'database'")
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks_db.DatabaseBackend"
            if CELLPATH_TASKS == "database"
            else "django_tasks.backends.immediate.ImmediateBackend"
        )
    }
}

# --- Security headers (OWASP ASVS 5.0 V3.4).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

if PRODUCTION:
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = 365 * 24 * 60 * 60
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
