"""Settings, read from the environment (django-environ); every variable is listed in the README."""

import os
from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

from planner.test_processes import take_own_services

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)
take_own_services(os.environ, BASE_DIR / "var")

# Runtime files of the embedded default (SQLite database, broker folders, uploads) live here.
DATA_DIR = Path(env.str("PLANNER_DATA_DIR", default=str(BASE_DIR / "var"))).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env.str("SECRET_KEY", default="dev-only-insecure-key-change-me-in-production-0123456789")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Keys that encrypt platform credentials at rest (Fernet, comma-separated, newest first so a
# rotation can re-encrypt with the first and still read with the others). Without one, a key is
# derived from SECRET_KEY: acceptable for the demo only.
CREDENTIALS_KEYS = env.list("PLANNER_CREDENTIALS_KEYS", default=[])

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
    "simple_history",
    "csp",
    "campaigns",
    "publishing",
    "publishing.sandbox",
    "analytics",
    "api",
    "audit",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "security",
    "people",
]

MIDDLEWARE = [
    "publishing.sandbox.middleware.arrival_middleware",  # first: when a request reached the sandbox platform
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "people.middleware.PreferencesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Sign-in protection (security/): the second factor, session expiry, then lockout pages.
    "django_otp.middleware.OTPMiddleware",
    "security.middleware.SessionExpiryMiddleware",
    "security.middleware.TwoFactorMiddleware",
    "axes.middleware.AxesMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
]

# The content security policy, the same in development, tests and production so that the browser tests see
# what users get: scripts and styles from this site's files only, no inline <script>, no style="" attribute
# (templates put computed styles in data-style-* attributes, applied by static/planner.js). The API's docs
# pages loosen it for themselves (api/urls.py). No form-action: connecting an account posts to a view that
# redirects to the platform's own sign-in, which a form-action of 'self' would stop.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "media-src": ["'self'"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

ROOT_URLCONF = "planner.urls"

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
                "campaigns.context_processors.notifications",
                "publishing.context_processors.freezes",
            ],
        },
    },
]

WSGI_APPLICATION = "planner.wsgi.application"
ASGI_APPLICATION = "planner.asgi.application"

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'planner.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web process and the worker share the file: wait for locks instead of failing, take the
    # write lock at BEGIN (no upgrade deadlocks), and let readers run beside a writer (WAL).
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # A file, not memory, so that a Celery worker started by the tests sees the test database.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test-planner.sqlite3")}
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Sign-in protection (security/, README "Sign-in"). Failed sign-ins are counted per username: past the
# limit, that username is refused for the lockout's minutes (from the failure that locked it), whatever
# the password; a success resets the count. API tokens are not sign-ins and are not counted.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PLANNER_SIGNIN_FAILURE_LIMIT = env.int("PLANNER_SIGNIN_FAILURE_LIMIT", default=5)
PLANNER_SIGNIN_LOCKOUT_MINUTES = env.int("PLANNER_SIGNIN_LOCKOUT_MINUTES", default=15)
AXES_FAILURE_LIMIT = PLANNER_SIGNIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=PLANNER_SIGNIN_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["username"]
# axes warns when addresses are not counted. Counting per username already stops guessing one account
# from many addresses; counting per address as well would lock a whole office behind one NAT address.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "security.views.locked_out"
# A session ends after this long without a request, and this long after its sign-in whatever happens.
PLANNER_SESSION_IDLE_MINUTES = env.int("PLANNER_SESSION_IDLE_MINUTES", default=60)
PLANNER_SESSION_MAX_HOURS = env.int("PLANNER_SESSION_MAX_HOURS", default=12)
SESSION_COOKIE_AGE = PLANNER_SESSION_MAX_HOURS * 3600
# The name authenticator apps show beside the account.
OTP_TOTP_ISSUER = "Campaign planner"
# The admin never shows an authenticator's secret, its QR code or backup codes.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
PLANNER_PASSWORD_MIN_LENGTH = env.int("PLANNER_PASSWORD_MIN_LENGTH", default=12)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": PLANNER_PASSWORD_MIN_LENGTH},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("fr", "Français"), ("ar", "العربية")]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
# The French and Arabic catalogues (.po, in the repository); their .mo files are built by `compilemessages`,
# which scripts/run, scripts/test and scripts/smoke run.
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.str("STATIC_ROOT", default=str(DATA_DIR / "static"))
MEDIA_URL = "media/"
MEDIA_ROOT = env.str("MEDIA_ROOT", default=str(DATA_DIR / "media"))

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="planner@localhost")

# The sandbox platform (publishing/sandbox/): a fake of the platforms' APIs, served at /sandbox/.
PLANNER_SANDBOX_ENABLED = env.bool("PLANNER_SANDBOX_ENABLED", default=True)
# Where the demo's accounts find the sandbox: the web process that `scripts/run` starts.
PLANNER_PORT = env.int("PLANNER_PORT", default=8000)
PLANNER_SANDBOX_URL = env.str("PLANNER_SANDBOX_URL", default=f"http://127.0.0.1:{PLANNER_PORT}/sandbox/")
# The planner's address as the internet sees it: Instagram, Threads and Facebook fetch media from signed
# addresses under it (publishing/media_urls.py). Empty: http://127.0.0.1:$PLANNER_PORT, which only the sandbox reaches.
PLANNER_PUBLIC_BASE_URL = env.str("PLANNER_PUBLIC_BASE_URL", default="")
# The apps registered with each OAuth 2 platform, for "Connect an account" (publishing/connect/): a JSON
# object per platform with client_id and client_secret, and optionally authorize_url, token_url,
# api_base_url and scopes. Mastodon registers itself on each server and Bluesky uses app passwords.
PLANNER_OAUTH_CLIENTS: dict[str, dict[str, str]] = env.json("PLANNER_OAUTH_CLIENTS", default={})
# The LinkedIn API version the adapter asks for (a version is served for at least a year).
PLANNER_LINKEDIN_VERSION = env.str("PLANNER_LINKEDIN_VERSION", default="202510")
# How long its `timeout` and `drop_reply` faults hold a request: longer than any client's timeout.
SANDBOX_TIMEOUT_SLEEP_S = 35

# The publishing engine's timings (seconds). A send holds a lease longer than the platform call can
# last (connect + read timeouts); past it, its worker is presumed dead and the outcome unknown. A
# publication still queued this long after it was handed to the broker was lost and is handed over again.
PLANNER_PLATFORM_CONNECT_TIMEOUT_S = env.float("PLANNER_PLATFORM_CONNECT_TIMEOUT_S", default=5.0)
PLANNER_PLATFORM_READ_TIMEOUT_S = env.float("PLANNER_PLATFORM_READ_TIMEOUT_S", default=20.0)
PLANNER_BLUESKY_APPVIEW_URL = env.str("PLANNER_BLUESKY_APPVIEW_URL", default="https://public.api.bsky.app")
# The media library refuses larger uploads; the pixel limit also guards against decompression bombs.
PLANNER_MAX_IMAGE_BYTES = env.int("PLANNER_MAX_IMAGE_BYTES", default=50 * 1024 * 1024)
PLANNER_MAX_VIDEO_BYTES = env.int("PLANNER_MAX_VIDEO_BYTES", default=2 * 1024 * 1024 * 1024)
PLANNER_MAX_IMAGE_PIXELS = env.int("PLANNER_MAX_IMAGE_PIXELS", default=40_000_000)
PLANNER_SEND_LEASE_S = env.float("PLANNER_SEND_LEASE_S", default=60.0)
PLANNER_QUEUED_STALE_AFTER_S = env.float("PLANNER_QUEUED_STALE_AFTER_S", default=90.0)
PLANNER_DISPATCH_INTERVAL_S = env.float("PLANNER_DISPATCH_INTERVAL_S", default=0.2)
# Engagement readings asked of one account a minute at most (publishing/metrics.py); more wait their turn.
PLANNER_METRIC_CALLS_PER_MINUTE = env.int("PLANNER_METRIC_CALLS_PER_MINUTE", default=20)
if PLANNER_SEND_LEASE_S <= PLANNER_PLATFORM_CONNECT_TIMEOUT_S + PLANNER_PLATFORM_READ_TIMEOUT_S:
    raise ImproperlyConfigured(
        "PLANNER_SEND_LEASE_S must be longer than the platform connect and read timeouts together, "
        "or a live send would be taken for a dead one."
    )

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.TokenAuthentication",
        # For the browsable API, with the session of the web UI (and its CSRF check).
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.StableCursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "api.filters.FilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.handle_exception",
    # No OPTIONS metadata: it answers 200 for any id, whoever's object it is; the schema describes the API.
    "DEFAULT_METADATA_CLASS": None,
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.TokenRateThrottle"],
}
# Requests per token (or signed-in user) of the API, as DRF writes rates: "600/min" is ten a second, well
# above a script's steady pace and well below what would strain the database; empty means no limit.
PLANNER_API_RATE = env.str("PLANNER_API_RATE", default="600/min")
# The item and publication lists have their rows written by PostgreSQL (api/rows.py), in the serializers'
# very bytes; off, they go through the serializers like every other endpoint (slower, same JSON).
PLANNER_API_FAST_LISTS = env.bool("PLANNER_API_FAST_LISTS", default=True)
# Webhooks go to https URLs on public addresses only (planner/addresses.py); the hosts listed here may also
# be reached over http and on loopback or a private network (a receiver of the tests, an internal service).
PLANNER_WEBHOOK_ALLOWED_HOSTS = env.list("PLANNER_WEBHOOK_ALLOWED_HOSTS", default=[])
# A webhook request ends by this many seconds whatever the receiver does (connection, TLS, sending, answer).
PLANNER_WEBHOOK_DEADLINE_S = env.float("PLANNER_WEBHOOK_DEADLINE_S", default=10.0)
# The platforms' API calls, account connections and URL fetches (link cards) connect only to public addresses
# (planner/outbound.py, against SSRF) when this is on: by default when DEBUG is off, as in production. The hosts
# listed next are exempt: "host" for any port, "host:port" for one (the sandbox: 127.0.0.1:8000).
PLANNER_BLOCK_PRIVATE_ADDRESSES = env.bool("PLANNER_BLOCK_PRIVATE_ADDRESSES", default=not DEBUG)
PLANNER_OUTBOUND_ALLOWED_HOSTS = env.list("PLANNER_OUTBOUND_ALLOWED_HOSTS", default=[])

SPECTACULAR_SETTINGS = {
    "TITLE": "Campaign planner API",
    "DESCRIPTION": "Campaigns, content items, variants, media, accounts, publications, comments, "
    "notifications, metrics and reports of the organisations the token's user belongs to.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/",
    # Swagger UI and Redoc from the sidecar package, served by us: the docs page loads nothing from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ItemKindEnum": "campaigns.models.ContentItem.Kind",
        "MediaKindEnum": "campaigns.models.MediaAsset.Kind",
        "NotificationKindEnum": "campaigns.models.Notification.Kind",
        "PlatformEnum": "publishing.platforms.Platform",
        "WebhookEventEnum": "api.models.WebhookEvent",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.add_error_responses",
    ],
}

# Celery. The default broker needs no server: kombu's filesystem transport, in DATA_DIR.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
CELERY_RESULT_BACKEND = env.str(
    "CELERY_RESULT_BACKEND",
    default=(
        f"file://{DATA_DIR / 'celery-results'}" if CELERY_BROKER_URL.startswith("filesystem") else CELERY_BROKER_URL
    ),
)
if CELERY_RESULT_BACKEND.startswith("file://"):
    Path(CELERY_RESULT_BACKEND.removeprefix("file://")).mkdir(parents=True, exist_ok=True)
if CELERY_BROKER_URL.startswith("filesystem"):
    _broker_dir = DATA_DIR / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "out"),
        "data_folder_out": str(_broker_dir / "out"),
        "control_folder": str(_broker_dir / "control"),
        "processed_folder": str(_broker_dir / "processed"),
        "store_processed": False,
        # The folder is read by polling: a short interval keeps the demo's posts on time.
        "polling_interval": 0.1,
    }
    for _folder in CELERY_BROKER_TRANSPORT_OPTIONS.values():
        if isinstance(_folder, str):
            Path(_folder).mkdir(parents=True, exist_ok=True)
# Django's cache holds the API's per-token request counts, the sandbox's Meta containers and OAuth codes, and
# platform limits read back. Each process has its own until this points at a shared one, as it must with
# several web processes (`redis://host:6379/1`: a Redis database of its own, since clearing the cache empties it).
PLANNER_CACHE_URL = env.str("PLANNER_CACHE_URL", default="")
CACHES = {
    "default": (
        {**env.cache_url_config(PLANNER_CACHE_URL), "KEY_PREFIX": "planner"}
        if PLANNER_CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
# Per-account posting limits are shared through Redis (none on the embedded default).
RATE_LIMIT_REDIS_URL = env.str(
    "PLANNER_RATE_LIMIT_REDIS_URL", default=CELERY_BROKER_URL if CELERY_BROKER_URL.startswith("redis") else ""
)
PLANNER_RATE_LIMITS: dict[str, dict[str, float]] = env.json("PLANNER_RATE_LIMITS", default={})
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    "publishing.tasks.publish": {"queue": "publish"},
    "publishing.tasks.publish_together": {"queue": "publish"},
    "publishing.tasks.reconcile": {"queue": "publish"},
    # Never on `publish`: reading engagement back must not wait in line with, or hold up, what goes out.
    "publishing.tasks.collect_due_metrics": {"queue": "default"},
    "publishing.tasks.collect_metrics": {"queue": "default"},
    "api.tasks.deliver_webhook": {"queue": "default"},
    "api.tasks.resend_lost_webhook_retries": {"queue": "default"},
}
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Celery's Django fixup closes every database connection around each task unless this is set; it
# counts tasks per process, so this is "never": planner/celery.py applies CONN_MAX_AGE instead.
CELERY_DB_REUSE_MAX = 2**31
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_EXPIRES = 3600
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")
# Each queue leaves a heartbeat through the worker that consumes it: a queue with no worker shows on
# /status/ and fails /health/. The dispatcher is its own process (`manage.py run_dispatcher`).
QUEUE_HEARTBEAT_S = 30.0
CELERY_BEAT_SCHEDULE = {
    **{
        f"heartbeat-{queue}-queue": {
            "task": "publishing.tasks.record_heartbeat",
            "schedule": QUEUE_HEARTBEAT_S,
            "args": (f"queue:{queue}",),
            "options": {"queue": queue, "expires": QUEUE_HEARTBEAT_S},
        }
        for queue in ("default", "publish")
    },
    "expire-unapproved-items": {"task": "campaigns.tasks.expire_unapproved_items", "schedule": 60.0},
    # Authors and managers hear a day ahead about posts on accounts that need reconnecting.
    # Published posts' engagement, read back on their schedule (publishing/metrics.py).
    "collect-due-metrics": {
        "task": "publishing.tasks.collect_due_metrics",
        "schedule": 60.0,
        "options": {"queue": "default", "expires": 60.0},
    },
    # A webhook retry whose message the broker lost is sent again (api/webhooks.py).
    "resend-lost-webhook-retries": {
        "task": "api.tasks.resend_lost_webhook_retries",
        "schedule": 60.0,
        "options": {"queue": "default", "expires": 60.0},
    },
    "warn-accounts-needing-reconnecting": {
        "task": "publishing.account_tasks.warn_about_accounts_needing_reconnecting",
        "schedule": 3600.0,
    },
}

# Logs go to standard error, as text or (PLANNER_LOG_FORMAT=json) one JSON object a line (planner/logs.py); a line
# written while a publication is handled carries its id either way (a record's `publication_id`).
PLANNER_LOG_FORMAT = env.str("PLANNER_LOG_FORMAT", default="text")
if PLANNER_LOG_FORMAT not in ("text", "json"):
    raise ImproperlyConfigured(f"PLANNER_LOG_FORMAT must be text or json, not {PLANNER_LOG_FORMAT!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Tokens and secrets are blanked in whatever a handler writes (planner/redaction.py).
    "filters": {
        "context": {"()": "planner.logs.ContextFilter"},
        "redact_secrets": {"()": "planner.redaction.RedactSecrets"},
    },
    "formatters": {"json": {"()": "planner.logs.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["context", "redact_secrets"],
            **({"formatter": "json"} if PLANNER_LOG_FORMAT == "json" else {}),
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # httpx logs every request's URL at INFO, and some platforms take the access token in the URL.
    "loggers": {"httpx": {"level": "WARNING"}, "httpcore": {"level": "WARNING"}},
}
# Celery's workers replace the root logger's handlers with their own unless told not to: in JSON, Celery's
# lines (task received, succeeded, failed) go through the handler above like every other line.
CELERY_WORKER_HIJACK_ROOT_LOGGER = PLANNER_LOG_FORMAT != "json"
