"""Settings for the eldercare platform, driven entirely by environment variables.

Defaults are safe for production (DEBUG off, no hosts allowed, secrets required); `make demo`, the
test suite and `.env` files switch on the development conveniences explicitly.
"""

from __future__ import annotations

import os
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()
env_file = os.environ.get("ELDERCARE_ENV_FILE", str(BASE_DIR / ".env"))
if Path(env_file).is_file():
    env.read_env(env_file)

DEBUG = env.bool("DEBUG", default=False)
TESTING = env.bool("TESTING", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not (DEBUG or TESTING):
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG or TESTING else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Field-level encryption of resident ID numbers and phones (Fernet). Several comma-separated keys allow
# rotation: the first encrypts, all decrypt. The keyed lookup hash uses LOOKUP_HASH_KEY.
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEY", default=[])
LOOKUP_HASH_KEY = env.str("LOOKUP_HASH_KEY", default="")
if not FIELD_ENCRYPTION_KEYS or not LOOKUP_HASH_KEY:
    if not (DEBUG or TESTING):
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEY and LOOKUP_HASH_KEY must be set when DEBUG is off.")
    FIELD_ENCRYPTION_KEYS = FIELD_ENCRYPTION_KEYS or ["ZWxkZXJjYXJlLWRldmVsb3BtZW50LWtleS0zMmJ5dGU="]
    LOOKUP_HASH_KEY = LOOKUP_HASH_KEY or "development-lookup-key"

# The city this installation serves: a profile under eldercare/core/data/profiles/.
CITY_PROFILE = env.str("CITY_PROFILE", default="jiangmen")

INSTALLED_APPS = [
    "daphne",  # must precede staticfiles: runserver serves ASGI (websockets for the emergency console)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "django_htmx",
    "template_partials",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "eldercare.core",
    "eldercare.accounts",
    "eldercare.registry",
    "eldercare.demo",
    "channels",
    "eldercare.emergency",
    "eldercare.assessment",
    "eldercare.timebank",
    "eldercare.facilities",
    "eldercare.homecare",
    "eldercare.workforce",
    "eldercare.supervision",
    "eldercare.visits",
    "eldercare.benefits",
    "eldercare.planning",
    "eldercare.portal",
    "eldercare.onboarding",
    "eldercare.spatial",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "eldercare.core.middleware.RequestContextMiddleware",
    "eldercare.core.operations.MetricsMiddleware",
    "eldercare.core.db_router.ReplicaForDashboardsMiddleware",
    "eldercare.accounts.middleware.TwoFactorRequiredMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "eldercare.urls"
WSGI_APPLICATION = "eldercare.wsgi.application"
ASGI_APPLICATION = "eldercare.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "eldercare" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "eldercare.core.context_processors.platform",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
    )
elif env.int("DATABASE_POOL", default=0):
    # psycopg's connection pool, one per process: several ASGI workers each keep DATABASE_POOL connections
    # open instead of opening one per request (the pool replaces persistent connections).
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1,
        "max_size": env.int("DATABASE_POOL"),
        "timeout": env.float("DATABASE_POOL_TIMEOUT", default=10.0),
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# A read replica for dashboards (GET requests to the namespaces below); writes always go to `default`.
if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db("DATABASE_REPLICA_URL") | {
        "CONN_MAX_AGE": env.int("CONN_MAX_AGE", default=60),
        "TEST": {"MIRROR": "default"},
    }
    DATABASE_ROUTERS = ["eldercare.core.db_router.DashboardReplicaRouter"]
REPLICA_NAMESPACES = env.list("REPLICA_NAMESPACES", default=["planning", "supervision"])

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    # sessions read from Redis, written through to the database: several web processes share them
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Channels (emergency console): one process uses the in-memory layer; several processes share Redis.
if REDIS_URL:
    # channels_redis waits for a message with BZPOPMIN for 5 s; redis-py 8 times reads out at 5 s by default,
    # which killed every idle console consumer, so the socket timeout must be longer than that wait.
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            # capacity: a console's channel holds a burst of 1,000 pushes (the default 100 drops the rest
            # silently when a city-wide event, e.g. a power cut, sets off hundreds of devices at once)
            "CONFIG": {
                "hosts": [{"address": REDIS_URL, "socket_timeout": 30}],
                "capacity": 1000,
                "expiry": 60,
            },
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
# The MQTT broker that `manage.py alarm_ingest` subscribes to (devices and gateways publish alarms there).
MQTT_URL = env.str("MQTT_URL", default="mqtt://127.0.0.1:1883")
MQTT_TOPIC = env.str("MQTT_TOPIC", default="eldercare/alarms/#")
# Pushes to consoles go out from a background thread, so a device's acknowledgement never waits for the
# channel layer; tests send them inline.
EMERGENCY_PUSH_INLINE = env.bool("EMERGENCY_PUSH_INLINE", default=TESTING)

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "eldercare.accounts.validators.CharacterClassValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Lockout after repeated failures (django-axes): per user name and address.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Eldercare")

# Sessions: sliding idle expiry, and gone when the browser closes.
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_COOKIES = env.bool("SECURE_COOKIES", default=not (DEBUG or TESTING))
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_PROXY", default=False) else None
)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not (DEBUG or TESTING))
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG or TESTING else 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "eldercare" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "eldercare" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")

# LOG_FORMAT=json: one JSON object per line (time, level, logger, message, request id) for log shippers.
LOG_FORMAT = env.str("LOG_FORMAT", default="text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "eldercare.core.jsonlog.JsonFormatter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler"}
        | ({"formatter": "json"} if LOG_FORMAT == "json" else {})
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

PLATFORM_NAME = _("Elderly care service platform")

# Operations: /metrics may require a bearer token; probes are answered over plain HTTP behind the proxy.
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
# The built manuals (`make manuals`), served under /docs/.
MANUALS_ROOT = env.path("MANUALS_ROOT", default=BASE_DIR / "build" / "manuals")


# Development and tests serve static files straight from the app folders.
WHITENOISE_AUTOREFRESH = DEBUG or TESTING
WHITENOISE_USE_FINDERS = DEBUG or TESTING

# Content-Security-Policy: scripts only from our own static files (no inline script anywhere); styles may be
# inline because htmx and ECharts set element styles. Websockets for the emergency console.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF, "ws:", "wss:"],
        "media-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
