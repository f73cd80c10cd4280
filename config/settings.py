"""Django settings. Every machine-dependent value comes from config.env."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import dj_database_url

from config.env import BASE_DIR, load

ENV = load()

SECRET_KEY = ENV.secret_key
DEBUG = ENV.debug
ALLOWED_HOSTS = ENV.allowed_hosts
CSRF_TRUSTED_ORIGINS = ENV.csrf_trusted_origins
DATA_DIR = ENV.data_dir

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "huey.contrib.djhuey",
    "rapport.core",
    "rapport.accounts",
    "rapport.people",
    "rapport.dataio",
    "rapport.dedupe",
    "rapport.sales",
    "rapport.insights",
    "rapport.activities",
    "rapport.campaigns",
    "rapport.playbooks",
    "rapport.assessments",
    "rapport.objectives",
    "rapport.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "rapport.core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "rapport.core.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "rapport.core.middleware.StripNulMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "rapport.core.middleware.SessionTimeoutMiddleware",
    "rapport.core.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "rapport.core.middleware.GcFreezeMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "rapport.core.context_processors.extensions",
            ],
        },
    }
]


def _database() -> dict[str, object]:
    if ENV.database_url:
        config: dict[str, object] = dict(
            dj_database_url.parse(ENV.database_url, conn_max_age=60, conn_health_checks=True)
        )
        return config
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": ENV.data_dir / "rapport.sqlite3",
        "OPTIONS": {
            # WAL lets readers proceed during a write; synchronous=FULL makes every
            # commit durable across a power cut (see docs/adr/0002-sqlite-wal-full.md).
            "init_command": (
                "PRAGMA journal_mode=WAL;"
                "PRAGMA synchronous=FULL;"
                "PRAGMA cache_size=-65536;"
                "PRAGMA mmap_size=268435456;"
                "PRAGMA temp_store=MEMORY;"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
    }


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

if ENV.redis_url:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": ENV.redis_url,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # "Summer2026!", "P@ssw0rd1", the company's name and a year: rapport/accounts/passwords.py
    {
        "NAME": "rapport.accounts.passwords.GuessablePasswordValidator",
        "OPTIONS": {"words": ENV.password_banned_words},
    },
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "people:person_list"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # a reset link works for a day
LOGOUT_REDIRECT_URL = "accounts:login"

# Lock a client address out after this many failed sign-ins (any accounts), for 15 minutes.
# The address is REMOTE_ADDR, or X-Forwarded-For past RAPPORT_TRUSTED_PROXIES only.
# One account tried from many addresses is slowed down instead (rapport/accounts/login.py).
AXES_FAILURE_LIMIT = ENV.login_failures_per_address
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["ip_address"]
AXES_CLIENT_IP_CALLABLE = "rapport.core.client_ip.client_ip"
# A success does not wipe the address's failures: else signing in to one's own account
# between guesses would let one address try other accounts without end.
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# A session ends after RAPPORT_SESSION_IDLE_MINUTES without a request (default 8 hours),
# and RAPPORT_SESSION_MAX_HOURS after signing in (default 14 days): SessionTimeoutMiddleware.
SESSION_COOKIE_AGE = ENV.session_idle_minutes * 60
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if ENV.https:
    # Behind TLS (directly or via a proxy that sets X-Forwarded-Proto).
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

LANGUAGE_CODE = "en"
TIME_ZONE = ENV.time_zone
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = ENV.data_dir / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise warns about a missing folder
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        # Uploads (import files) hold personal data: readable by the owner only.
        "OPTIONS": {
            "location": ENV.data_dir / "media",
            "file_permissions_mode": 0o600,
            "directory_permissions_mode": 0o700,
        },
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

EMAIL_HOST = ENV.email_host
EMAIL_PORT = ENV.email_port
EMAIL_HOST_USER = ENV.email_host_user
EMAIL_HOST_PASSWORD = ENV.email_host_password
EMAIL_USE_TLS = ENV.email_use_tls
# Seconds an SMTP server may stay silent before a send gives up (never hang a worker).
EMAIL_TIMEOUT = ENV.email_timeout
DEFAULT_FROM_EMAIL = ENV.default_from_email

if ENV.redis_url:
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": "rapport",
        "url": ENV.redis_url,
        "immediate": False,
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "rapport",
        "filename": str(ENV.data_dir / "huey.sqlite3"),
        "immediate": False,
    }

RAPPORT: dict[str, Any] = {
    "DEFAULT_PHONE_REGION": ENV.default_phone_region,
    "API_RATE_LIMIT_PER_MINUTE": ENV.api_rate_limit_per_minute,
    # Rate-limit counters live here when set (else the database): see rapport/core/ratelimit.py.
    "REDIS_URL": ENV.redis_url,
    # Proxies whose X-Forwarded-For is believed (addresses or networks; none by default).
    "TRUSTED_PROXIES": ENV.trusted_proxies,
    # One account tried from anywhere: after this many failures in 15 minutes, one try
    # per LOGIN_SLOWDOWN_SECONDS (browsers that signed in to it before are exempt).
    "LOGIN_FAILURES_PER_ACCOUNT": ENV.login_failures_per_account,
    "LOGIN_SLOWDOWN_SECONDS": ENV.login_slowdown_seconds,
    # The API docs and OpenAPI document need a login or a token unless this is true.
    "API_DOCS_PUBLIC": ENV.api_docs_public,
    "SESSION_IDLE_SECONDS": ENV.session_idle_minutes * 60,
    "SESSION_MAX_SECONDS": ENV.session_max_hours * 3600,
    "LIST_PAGE_SIZE": 50,
    "COUNT_CAP": 10_000,
    "IMPORT_MAX_BYTES": ENV.import_max_bytes,
    "IMPORT_MAX_ROWS": ENV.import_max_rows,
    "IMPORT_MAX_FIELD_CHARS": ENV.import_max_field_chars,
    "IMPORT_FILE_RETENTION_DAYS": ENV.import_file_retention_days,
    # Per record: tags, e-mails, phones, affiliations (organizations).
    "RECORD_LIMITS": ENV.record_limits,
    # Lifecycle stages: orders for repeat and loyal, days and factors for loyal, at risk and
    # lapsed (the P(alive) threshold is the workspace's "at risk" setting, InsightsSettings).
    "LIFECYCLE": ENV.lifecycle,
    # Links in e-mails (unsubscribe) point here; campaign messages per minute (0 = no limit).
    "BASE_URL": ENV.base_url,
    "EMAIL_RATE_PER_MINUTE": ENV.email_rate_per_minute,
    "IMAP": {
        "HOST": ENV.imap_host,
        "PORT": ENV.imap_port,
        "USER": ENV.imap_user,
        "PASSWORD": ENV.imap_password,
        "FOLDER": ENV.imap_folder,
        "SSL": ENV.imap_ssl,
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": ENV.log_level},
    "loggers": {"axes": {"level": "WARNING"}},
}
