"""Peyvand settings: everything comes from the environment, with safe defaults for the embedded trial."""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent
DATA_DIR = Path(os.environ.get("PEYVAND_DATA_DIR", PROJECT_DIR / "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    """A key from the environment, or one generated once and kept in the data directory."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = _env_bool("DEBUG")
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "peyvand.core",
    "peyvand.accounts",
    "peyvand.contacts",
    "peyvand.leads",
    "peyvand.sales",
    "peyvand.activities",
    "peyvand.imports",
    "peyvand.notifications",
    "peyvand.messaging",
    "peyvand.automation",
    "peyvand.targets",
    "peyvand.analytics",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "peyvand.core.middleware.DefaultLanguageMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "peyvand.core.middleware.SingleQueryValuesMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "peyvand.urls"
WSGI_APPLICATION = "peyvand.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "peyvand.notifications.context_processors.notifications",
            ],
            "builtins": ["peyvand.core.templatetags.peyvand"],
        },
    }
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{DATA_DIR / 'peyvand.sqlite3'}", conn_max_age=60, conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while a writer commits; IMMEDIATE avoids "database is locked" on upgrade.
    DATABASES["default"]["OPTIONS"] = {
        # a 64 MB page cache (a limit, not an allocation) keeps index pages of large imports in memory
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000; PRAGMA cache_size=-65536;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "fa"
LANGUAGES = [("fa", _("Persian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = os.environ.get("PEYVAND_TIME_ZONE", "Asia/Tehran")

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
_NODE_MODULES = PROJECT_DIR / "node_modules"
if (_NODE_MODULES / "vazirmatn").is_dir():
    STATICFILES_DIRS.append(("vendor/vazirmatn", _NODE_MODULES / "vazirmatn"))
# The TrueType files PDFs embed (Vazirmatn, from npm); without them PDFs use the system's fonts.
PEYVAND_PDF_FONT_DIR = _NODE_MODULES / "vazirmatn" / "fonts" / "ttf"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = _env_bool("PEYVAND_SECURE_COOKIES")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_FAILURE_VIEW = "peyvand.core.rest.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("PEYVAND_LOG_LEVEL", "WARNING")},
}

# Background jobs (imports, re-scoring, scans): Django's Tasks API with the database backend; `peyvand worker`
# runs them. PEYVAND_TASKS=immediate runs them in the request instead (tests, tiny installs).
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend"
        if os.environ.get("PEYVAND_TASKS") == "immediate"
        else "django_tasks_db.DatabaseBackend"
    }
}

# Peyvand's own settings.
# True: a sales rep sees every record of their team; False: only what they own.
PEYVAND_REP_SEES_TEAM = _env_bool("PEYVAND_REP_SEES_TEAM", False)
PEYVAND_DEFAULT_CURRENCY = "IRR"
PEYVAND_CALENDAR = os.environ.get("PEYVAND_CALENDAR", "jalali")  # business periods: "jalali" or "gregorian"
PEYVAND_PHONE_REGION = os.environ.get("PEYVAND_PHONE_REGION", "IR")
# "rial" or "toman": how IRR amounts are shown; stored values are always Rial.
PEYVAND_MONEY_DISPLAY = os.environ.get("PEYVAND_MONEY_DISPLAY", "toman")
PEYVAND_PAGE_SIZE = 25
PEYVAND_MAX_PAGE_SIZE = 200
# A customer with no purchase (deal won) for this many months counts as lost in the churn report.
PEYVAND_CHURN_MONTHS = int(os.environ.get("PEYVAND_CHURN_MONTHS", "12"))

# E-mail (notifications, reminders, automation): SMTP when PEYVAND_EMAIL_HOST is set; otherwise each message is
# written as a file under the data directory, so a trial install never tries to reach a mail server.
DEFAULT_FROM_EMAIL = os.environ.get("PEYVAND_EMAIL_FROM", "Peyvand <peyvand@localhost>")
if os.environ.get("PEYVAND_EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["PEYVAND_EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("PEYVAND_EMAIL_PORT", "25"))
    EMAIL_HOST_USER = os.environ.get("PEYVAND_EMAIL_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("PEYVAND_EMAIL_PASSWORD", "")
    EMAIL_USE_TLS = _env_bool("PEYVAND_EMAIL_TLS")
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = DATA_DIR / "mail"
# The address people reach Peyvand at, for links in e-mails and calendar feeds.
PEYVAND_SITE_URL = os.environ.get("PEYVAND_SITE_URL", "http://127.0.0.1:8000")
# Days an uploaded import file is kept after its import was last used (its report stays).
PEYVAND_IMPORT_KEEP_DAYS = int(os.environ.get("PEYVAND_IMPORT_KEEP_DAYS", "14"))
# Automation: how long a chain of rules may grow, how often a failing action is tried, webhook time limit.
PEYVAND_AUTOMATION_MAX_DEPTH = 5
PEYVAND_AUTOMATION_MAX_ATTEMPTS = 4
PEYVAND_WEBHOOK_TIMEOUT = 10.0
# Hosts a webhook may call although they resolve to private addresses (an intranet service), comma-separated.
# Behind a reverse proxy the client's address is the last entry of X-Forwarded-For (1, true, yes or on).
PEYVAND_BEHIND_PROXY = _env_bool("PEYVAND_BEHIND_PROXY")
PEYVAND_WEBHOOK_ALLOW_HOSTS = [h for h in os.environ.get("PEYVAND_WEBHOOK_ALLOW_HOSTS", "").split(",") if h]

# Backups (`peyvand backup` / `peyvand restore`, docs/backups.md). Uploaded files are kept under the data
# directory so that one folder holds everything a backup must carry. PostgreSQL's client programs (pg_dump,
# pg_restore) are taken from PEYVAND_PG_BIN_DIR when it is set, else those of the server's version, else PATH.
MEDIA_ROOT = DATA_DIR / "media"
PEYVAND_PG_BIN_DIR = os.environ.get("PEYVAND_PG_BIN_DIR", "")
