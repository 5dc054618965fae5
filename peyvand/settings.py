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
    "peyvand.core.apps.StaticFilesConfig",  # Django's, leaving out source maps
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
    "peyvand.billing",
    "peyvand.service",
    "peyvand.imports",
    "peyvand.portal",
    "peyvand.notifications",
    "peyvand.messaging",
    "peyvand.automation",
    "peyvand.targets",
    "peyvand.analytics",
    # Demo data (`peyvand demo`): an app only for its command, at the top of the layers with the project assembly.
    "peyvand.demo",
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
                # what the user may do (each app's permissions.py), to show or hide links and buttons
                "peyvand.rights.rights",
                "peyvand.core.context_processors.worker_status",
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
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000; PRAGMA cache_size=-65536;"
        ),
        # a writer waits up to 20 s for the lock (writes are short; an import commits in small batches)
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"


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
# Only the files of npm packages the pages load (core/staticfinders.py): Vazirmatn's variable web font, the date
# pickers (Jalali on Persian pages, Gregorian on English ones) and the board's dragging by mouse and touch.
PEYVAND_STATIC_PACKAGES = {
    "vendor/vazirmatn": (
        _NODE_MODULES / "vazirmatn",
        ["Vazirmatn-Variable-font-face.css", "fonts/webfonts/Vazirmatn[wght].woff2", "OFL.txt"],
    ),
    "vendor/jalalidatepicker": (
        _NODE_MODULES / "@majidh1" / "jalalidatepicker" / "dist",
        ["jalalidatepicker.min.css", "jalalidatepicker.min.js"],
    ),
    "vendor/flatpickr": (_NODE_MODULES / "flatpickr" / "dist", ["flatpickr.min.css", "flatpickr.min.js"]),
    "vendor/sortablejs": (_NODE_MODULES / "sortablejs", ["Sortable.min.js"]),
}
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "peyvand.core.staticfinders.PackageFilesFinder",
]
# The TrueType files PDFs embed (Vazirmatn, from npm); without them PDFs use the system's fonts.
PEYVAND_PDF_FONT_DIR = _NODE_MODULES / "vazirmatn" / "fonts" / "ttf"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "peyvand.core.staticstorage.FastCompressedStaticFilesStorage"},
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
# An SMS gateway from the environment (kavenegar, smsir, melipayamak); a gateway saved on the settings page wins.
PEYVAND_SMS_PROVIDER = os.environ.get("PEYVAND_SMS_PROVIDER", "")
PEYVAND_SMS_API_KEY = os.environ.get("PEYVAND_SMS_API_KEY", "")
PEYVAND_SMS_SENDER = os.environ.get("PEYVAND_SMS_SENDER", "")
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
# Import limits, enforced while a file is read (a small XLSX can unpack to gigabytes): the upload's size, what
# a workbook may unpack to, data rows and columns. The file is read by the background job, never the request.
PEYVAND_IMPORT_MAX_UPLOAD_MB = int(os.environ.get("PEYVAND_IMPORT_MAX_UPLOAD_MB", "50"))
PEYVAND_IMPORT_MAX_UNPACKED_MB = int(os.environ.get("PEYVAND_IMPORT_MAX_UNPACKED_MB", "250"))
PEYVAND_IMPORT_MAX_ROWS = int(os.environ.get("PEYVAND_IMPORT_MAX_ROWS", "200000"))
PEYVAND_IMPORT_MAX_COLUMNS = int(os.environ.get("PEYVAND_IMPORT_MAX_COLUMNS", "300"))
# Automation: how long a chain of rules may grow, how often a failing action is tried, webhook time limit.
PEYVAND_AUTOMATION_MAX_DEPTH = 5
PEYVAND_AUTOMATION_MAX_ATTEMPTS = 4
PEYVAND_WEBHOOK_TIMEOUT = 10.0
# Behind a reverse proxy the client's address is the last entry of X-Forwarded-For (1, true, yes or on).
PEYVAND_BEHIND_PROXY = _env_bool("PEYVAND_BEHIND_PROXY")
# Hosts a webhook may call although they resolve to private addresses (an intranet service), comma-separated.
PEYVAND_WEBHOOK_ALLOW_HOSTS = [h for h in os.environ.get("PEYVAND_WEBHOOK_ALLOW_HOSTS", "").split(",") if h]
# Hosts that outside calls (mailbox servers, an HTTP SMS gateway) may reach although they resolve to private
# addresses: an intranet's own mail server (core/outbound.py).
PEYVAND_OUTBOUND_ALLOW_HOSTS = [h for h in os.environ.get("PEYVAND_OUTBOUND_ALLOW_HOSTS", "").split(",") if h]
# The outbox's tries: the first wait, the longest, and how many tries in all before a message fails for good.
PEYVAND_OUTBOX_RETRY_BASE_SECONDS = int(os.environ.get("PEYVAND_OUTBOX_RETRY_BASE_SECONDS", "60"))
PEYVAND_OUTBOX_RETRY_MAX_SECONDS = int(os.environ.get("PEYVAND_OUTBOX_RETRY_MAX_SECONDS", str(6 * 3600)))
PEYVAND_OUTBOX_MAX_ATTEMPTS = int(os.environ.get("PEYVAND_OUTBOX_MAX_ATTEMPTS", "6"))

# Sign-in: throttling and lock-out (django-axes), the password policy, two-factor sign-in (django-otp, TOTP and
# backup codes) and the list of each user's sessions. See docs/sign-in.md.
INSTALLED_APPS += ["axes", "django_otp", "django_otp.plugins.otp_totp", "django_otp.plugins.otp_static"]
# Axes' backend refuses a locked-out account or address before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "peyvand.accounts.signin.ThrottledBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# After authentication: keep each session's row (last seen, address) and hold an administrator without a second
# factor on the enrolment page when it is required; AxesMiddleware last, turning a lock into the sign-in page.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "peyvand.accounts.middleware.SignedInSessionMiddleware",
)
MIDDLEWARE.append("axes.middleware.AxesMiddleware")
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Wrong passwords (or second-factor codes) before an account, or an address, is locked; and for how long.
PEYVAND_SIGNIN_FAILURE_LIMIT = int(os.environ.get("PEYVAND_SIGNIN_FAILURE_LIMIT", "10"))
PEYVAND_SIGNIN_LOCKOUT_MINUTES = int(os.environ.get("PEYVAND_SIGNIN_LOCKOUT_MINUTES", "15"))
# Administrators must sign in with a second factor (they are sent to enrolment until they have one).
PEYVAND_2FA_REQUIRED_FOR_ADMINS = _env_bool("PEYVAND_2FA_REQUIRED_FOR_ADMINS")
AXES_FAILURE_LIMIT = PEYVAND_SIGNIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = PEYVAND_SIGNIN_LOCKOUT_MINUTES / 60  # hours
# A lock on the username after N failures from anywhere, and on the address after N failures across accounts.
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "peyvand.core.clientip.client_address"
AXES_LOCKOUT_CALLABLE = "peyvand.accounts.signin.lockout_response"
# Attempts while locked do not extend the lock, so the page can say when it ends.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False
OTP_TOTP_ISSUER = "Peyvand"
# Wrong codes are counted by axes like wrong passwords (one throttle, one message), not by django-otp's own delay.
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0

# --- Security headers, content security policy, the production switch and API errors ----------------------------
# Outermost, so that every error under /api/ (Django's own too) leaves in the API's JSON shape.
MIDDLEWARE.insert(0, "peyvand.core.middleware.ApiErrorMiddleware")
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1, "csp.middleware.CSPMiddleware"
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("csp.middleware.CSPMiddleware") + 1,
    "peyvand.core.middleware.PermissionsPolicyMiddleware",
)
# The policy is on everywhere, in development and tests too, so a page that breaks it fails its browser test.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],  # no inline script, no eval (htmx runs with allowEval off)
        "style-src": ["'self'"],
        "style-src-elem": ["'self'"],
        # Chart bars take their length from a style attribute (style="inline-size: 40%"): attributes only, which
        # can set how something looks but never load or run anything; style elements stay 'self'.
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
SECURE_REFERRER_POLICY = "same-origin"
# The API's documentation (/api/v1/docs, /api/v1/openapi.json) needs sign-in unless this opens it to everyone.
PEYVAND_API_DOCS_PUBLIC = _env_bool("PEYVAND_API_DOCS_PUBLIC")
# One switch for a deployment served over HTTPS: HSTS for a year (subdomains too), every request redirected to
# HTTPS, cookies sent over HTTPS only. Behind a proxy (PEYVAND_BEHIND_PROXY) the proxy says the request came
# over HTTPS with X-Forwarded-Proto, which it must set (and strip from clients).
PEYVAND_PRODUCTION = _env_bool("PEYVAND_PRODUCTION")
if PEYVAND_PRODUCTION:
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 365 * 24 * 3600
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    if PEYVAND_BEHIND_PROXY:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # Asking browsers to preload HTTPS for the whole domain is the domain owner's choice (PEYVAND_HSTS_PRELOAD),
    # hard to undo, so it is not a default and its reminder is not a warning here.
    SECURE_HSTS_PRELOAD = _env_bool("PEYVAND_HSTS_PRELOAD")
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS = [*globals().get("SILENCED_SYSTEM_CHECKS", []), "security.W021"]

# Backups (`peyvand backup` / `peyvand restore`, docs/backups.md). Uploaded files are kept under the data
# directory so that one folder holds everything a backup must carry. PostgreSQL's client programs (pg_dump,
# pg_restore) are taken from PEYVAND_PG_BIN_DIR when it is set, else those of the server's version, else PATH.
MEDIA_ROOT = DATA_DIR / "media"
PEYVAND_PG_BIN_DIR = os.environ.get("PEYVAND_PG_BIN_DIR", "")

# --- Files and comments on any record (docs/files-and-comments.md) ----------------------------------------------
INSTALLED_APPS += ["peyvand.files", "peyvand.comments"]
# The largest file a record may carry, in MB; larger ones are refused before anything is stored.
PEYVAND_FILE_MAX_MB = int(os.environ.get("PEYVAND_FILE_MAX_MB", "10"))
# Files go to MEDIA_ROOT (under the data directory) unless a bucket of an S3-compatible store is named; its keys
# come only from the environment and are never logged.
PEYVAND_FILES_S3_BUCKET = os.environ.get("PEYVAND_FILES_S3_BUCKET", "")
if PEYVAND_FILES_S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": PEYVAND_FILES_S3_BUCKET,
            "endpoint_url": os.environ.get("PEYVAND_FILES_S3_ENDPOINT") or None,
            "access_key": os.environ.get("PEYVAND_FILES_S3_ACCESS_KEY") or None,
            "secret_key": os.environ.get("PEYVAND_FILES_S3_SECRET_KEY") or None,
            "region_name": os.environ.get("PEYVAND_FILES_S3_REGION") or None,
            "location": os.environ.get("PEYVAND_FILES_S3_PREFIX", ""),
            "default_acl": None,  # the bucket's own policy (private); files are only served through Peyvand
            "file_overwrite": False,
            "querystring_auth": True,
        },
    }
