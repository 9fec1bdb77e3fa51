"""Tandem settings, read from environment variables.

Nothing set means the embedded default: SQLite in the project folder, Celery tasks run
eagerly in-process, a local-memory cache and email printed to the console. ``DATABASE_URL``,
``REDIS_URL`` and ``EMAIL_HOST`` switch to PostgreSQL, Redis and SMTP. With ``DEBUG`` off
(the default) ``SECRET_KEY`` and ``ALLOWED_HOSTS`` must come from the environment.
The README's configuration table lists every variable.
"""

import re
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. With DEBUG off Tandem refuses to start without a secret key: "
            "export SECRET_KEY (a long random string), or DEBUG=true for local development."
        )
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
if not ALLOWED_HOSTS:
    if not DEBUG:
        raise ImproperlyConfigured(
            "ALLOWED_HOSTS is not set. With DEBUG off Tandem refuses to start without it: "
            "export ALLOWED_HOSTS=tandem.example.com (comma-separated), or DEBUG=true locally."
        )
    ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]", "testserver"]

CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "axes",
    "csp",
    # Tandem's apps, in dependency order: each may import the ones above it, never below.
    "core",
    "accounts",
    "activity",
    "projects",
    "research",
    "datagaps",
    "flags",
    "digests",
    "integrations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.LoginRequiredMiddleware",
    # Below whitenoise, so static files keep their long-lived public caching.
    "core.middleware.PrivateResponsesMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes requires: turns a lockout into core.signin's 429 page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

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
                "core.context_processors.navigation",
                "accounts.context_processors.roles",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

# Database: SQLite in the project folder unless DATABASE_URL names another one.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Fail fast when PostgreSQL is unreachable instead of hanging a worker.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis: the Celery broker and the cache. Without it tasks run eagerly in-process.
REDIS_URL = env.str("REDIS_URL", default="")

# Every cache key and API-throttle bucket starts with this, so that two deployments sharing one
# Redis never read each other's entries or throttle each other's callers.
_db = DATABASES["default"]
CACHE_KEY_PREFIX = env.str(
    "CACHE_KEY_PREFIX",
    default="tandem-"
    + re.sub(
        r"[^A-Za-z0-9_.-]+",
        "-",
        f"{_db.get('HOST') or 'local'}-{_db.get('PORT') or ''}-{Path(str(_db['NAME'])).name}",
    ),
)

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # A hung Redis must not hang requests: the cache is only a cache.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
            "KEY_PREFIX": CACHE_KEY_PREFIX,
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "KEY_PREFIX": CACHE_KEY_PREFIX,
        }
    }

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=300)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=240)
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="tandem")
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_RESULT_EXPIRES = 3600
CELERY_TIMEZONE = "UTC"

# Email: the console unless EMAIL_HOST names an SMTP server.
EMAIL_HOST = env.str("EMAIL_HOST", default="")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env.int("EMAIL_PORT", default=25)
    EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
    EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
    EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
    EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Tandem <tandem@localhost>")
# Absolute links in emails (unsubscribe, digest) need to know where Tandem is served.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# django-axes watches every password sign-in (the login page and the admin login) first.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Lock an account after SIGNIN_FAILURES_PER_ACCOUNT wrong passwords in a row, and an address
# after SIGNIN_FAILURES_PER_ADDRESS (over any accounts), for SIGNIN_COOLOFF_MINUTES; a
# successful sign-in forgets the account's failures. core.signin holds the two limits and
# the 429 page that says how long the lock lasts.
SIGNIN_FAILURES_PER_ACCOUNT = env.int("SIGNIN_FAILURES_PER_ACCOUNT", default=5)
SIGNIN_FAILURES_PER_ADDRESS = env.int("SIGNIN_FAILURES_PER_ADDRESS", default=20)
SIGNIN_COOLOFF_MINUTES = env.int("SIGNIN_COOLOFF_MINUTES", default=15)
AXES_HANDLER = "core.signin.SigninHandler"
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_FAILURE_LIMIT = SIGNIN_FAILURES_PER_ACCOUNT
AXES_COOLOFF_TIME = SIGNIN_COOLOFF_MINUTES / 60  # hours
AXES_RESET_ON_SUCCESS = True
# A locked-out person who tries again is told the same remaining time, not a fresh lock.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "core.signin.lockout_response"
AXES_CLIENT_IP_CALLABLE = "core.net.client_address"
AXES_VERBOSE = False
# Proxies in front of Tandem that append to X-Forwarded-For (0: use the socket's address).
# Per-address limits (sign-in, API) trust exactly this many hops, so clients cannot forge one.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
# English only: skipping translation machinery saves a lookup per rendered value.
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
# In development (and tests) static files come straight from the app folders.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# The API takes JSON only; a bulk of 10,000 readings with full 500-character notes is about
# 7 MB, so 20 MB leaves room for any documented request. Larger bodies answer 413.
API_MAX_BODY_BYTES = env.int("API_MAX_BODY_MB", default=20) * 1_000_000

REST_FRAMEWORK = {
    "DEFAULT_PARSER_CLASSES": ["core.api.parsers.JSONParser"],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # The token class comes first so that anonymous requests get 401 with a challenge.
        "accounts.api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["core.api.permissions.SignedIn"],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exceptions.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "core.api.throttling.UserRateThrottle",
        "core.api.throttling.AnonRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "user": env.str("API_THROTTLE_USER", default="6000/hour"),
        "anon": env.str("API_THROTTLE_ANON", default="60/hour"),
        # Wrong bearer tokens per address (core.api.throttling.throttle_token_guesses).
        "failed-token": env.str("API_THROTTLE_FAILED_TOKEN", default="20/min"),
    },
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

# The MLflow tracking endpoint's rate per token: training jobs log in fast bursts.
API_THROTTLE_MLFLOW = env.str("API_THROTTLE_MLFLOW", default="200/s")

# Outgoing webhooks: a send waits at most this long for the receiver. Loopback, private,
# link-local and other non-public addresses are refused at registration and at each send
# (after DNS resolution, so a name cannot be rebound to an inside address) unless allowed;
# allowed by default only with DEBUG on (development and tests).
WEBHOOK_TIMEOUT_SECONDS = env.float("WEBHOOK_TIMEOUT_SECONDS", default=10.0)
WEBHOOK_ALLOW_PRIVATE_URLS = env.bool("WEBHOOK_ALLOW_PRIVATE_URLS", default=DEBUG)

# API limits are token buckets: up to this many requests back-to-back (never more than the
# rate's own count), then the rate's pace; a refused request is told the seconds to wait.
API_THROTTLE_BURST = env.int("API_THROTTLE_BURST", default=100)

# Seconds the idea list (API) may be served from the cache; any research write invalidates
# it at once, so this only bounds how far "value N days ago" may lag the clock. 0: off.
# Off without Redis: a per-process cache could not see other processes' writes.
IDEA_LIST_CACHE_SECONDS = env.int("IDEA_LIST_CACHE_SECONDS", default=30 if REDIS_URL else 0)

# Data-gap requests: days a request may stay unresolved (open, triaged or in progress) before
# it is marked overdue, per urgency, e.g. DATAGAP_SLA_DAYS="blocking=2,high=5,normal=14,low=30";
# an urgency left out keeps its default. Read when a page or list is built, never at import.
DATAGAP_SLA_DAYS = {
    "blocking": 2,
    "high": 5,
    "normal": 14,
    "low": 30,
    **env.dict("DATAGAP_SLA_DAYS", cast={"value": int}, default={}),
}
# Weekly digests: a claim on a delivery older than this was abandoned by a dead worker and is
# taken over (it must exceed CELERY_TASK_TIME_LIMIT); SMTP failures are retried after this
# many seconds, doubling each time, five attempts in all.
DIGEST_CLAIM_TIMEOUT_SECONDS = env.int("DIGEST_CLAIM_TIMEOUT_SECONDS", default=600)
DIGEST_RETRY_SECONDS = env.int("DIGEST_RETRY_SECONDS", default=30)
# People per queue job when the hourly job sends digests.
DIGEST_BATCH_SIZE = env.int("DIGEST_BATCH_SIZE", default=30)

# Staffing: a person is over-allocated in a week whose rotations add up to more than this
# percentage of their time (a warning when planning, a highlight on the staffing grid).
STAFFING_UTILISATION_CEILING = env.int("STAFFING_UTILISATION_CEILING", default=100)

# Dependency flags: an unacknowledged flag older than this many days is overdue, and the
# escalation job notifies its owner and the project's manager once past each step.
FLAG_OVERDUE_DAYS = env.int("FLAG_OVERDUE_DAYS", default=3)
FLAG_ESCALATION_DAYS = sorted(
    {int(days) for days in env.list("FLAG_ESCALATION_DAYS", default=["3", "7"])}
)

SPECTACULAR_SETTINGS = {
    "TITLE": "Tandem API",
    "DESCRIPTION": (
        "Project tracking for mixed teams of data scientists and engineers. "
        "Authenticate with a session or a personal token: `Authorization: Bearer <token>`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Swagger UI from the sidecar package: every asset is served locally.
    "SWAGGER_UI_DIST": "SIDECAR",
    # One schema name per choice set, whichever field uses it.
    "ENUM_NAME_OVERRIDES": {
        "PhaseEnum": "projects.models.Phase",
        "MetricDirectionEnum": "research.models.Direction",
        "EventTypeEnum": "activity.models.EventType",
        "StatusEnum": "research.models.Status",
        "DataGapStatusEnum": "datagaps.models.Status",
        "UrgencyEnum": "datagaps.models.Urgency",
        "FlagStatusEnum": "flags.models.FlagStatus",
        "FlagKindEnum": "flags.models.Kind",
        "FlagSeverityEnum": "flags.models.Severity",
        "KindEnum": "projects.models.TargetKind",
        "TaskStateEnum": "research.models.TaskState",
    },
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Transport security: on by default in production (DEBUG off), each with an opt-out.
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
# Off only behind a TLS-terminating proxy that already redirects http to https itself.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# Load balancers probe the health check over plain http.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if TRUSTED_PROXY_COUNT:
    # Only a proxy we trust may say the request came over https; without one a client could
    # send the header itself and skip the redirect.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Every script and stylesheet comes from our own static files: no inline scripts, no eval.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # Pico draws its checkboxes and chevrons with data: SVGs.
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# Browser features Tandem never uses, refused to every page (core.middleware).
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), "
    "magnetometer=(), microphone=(), midi=(), payment=(), usb=()"
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # 4xx answers are the API and forms doing their job, not incidents: log 5xx only.
        "django.request": {"level": "ERROR"},
        # Sign-in failures and lockouts are warnings; axes' per-success chatter is not.
        "axes": {"level": "WARNING"},
    },
}
