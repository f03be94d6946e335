"""Production settings: the base settings made safe to face the internet (DJANGO_SETTINGS_MODULE=planner.settings_production).

Everything still comes from the environment (README, "Production deployment"); what differs is that nothing
insecure is a default: no DEBUG, no built-in SECRET_KEY, HTTPS only, and hosts named explicitly.
`python manage.py check --deploy` with these settings reports nothing (tests/planner/test_production_settings.py).
"""

from django.core.exceptions import ImproperlyConfigured

from planner.settings import *  # noqa: F403
from planner.settings import MIDDLEWARE, env

DEBUG = env.bool("DEBUG", default=False)
if DEBUG:
    raise ImproperlyConfigured("DEBUG must be off in production (unset it, or use planner.settings).")

SECRET_KEY = env.str("SECRET_KEY", default="")
if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("dev-only-"):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set in the environment to a random value of at least 50 characters, e.g. "
        "`python -c 'import secrets; print(secrets.token_urlsafe(64))'`."
    )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must name the planner's host names, comma-separated.")
# Forms posted from these origins pass the CSRF check; by default the allowed hosts over https.
CSRF_TRUSTED_ORIGINS = env.list(
    "CSRF_TRUSTED_ORIGINS", default=[f"https://{host.lstrip('.')}" for host in ALLOWED_HOSTS if host != "*"]
)

# HTTPS only. Behind a proxy that terminates TLS (nginx, a load balancer), set PLANNER_BEHIND_TLS_PROXY=true so
# that X-Forwarded-Proto says whether the visitor's request was https; the proxy must set that header itself,
# overwriting any the visitor sent (deploy/nginx.conf does).
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
if env.bool("PLANNER_BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = env.bool("USE_X_FORWARDED_HOST", default=False)
# The health and readiness probes come from the load balancer over plain http on the private network.
SECURE_REDIRECT_EXEMPT = [r"^health/$", r"^ready/$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
# Only says the site may be put on browsers' preload list; being listed takes a separate request by its owner.
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = True
# The calendar's script reads the token from the page (base.html's hx-headers) when the cookie is hidden.
CSRF_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SECURE = True

# Static files are served by the web processes themselves (whitenoise), compressed and with hashed names that
# browsers may cache for ever; run `python manage.py collectstatic --noinput` at each release.
# Right after SecurityMiddleware, whose redirect to https comes before anything is served.
_after_security = MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1
MIDDLEWARE = [
    *MIDDLEWARE[:_after_security],
    "whitenoise.middleware.WhiteNoiseMiddleware",
    *MIDDLEWARE[_after_security:],
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Mail goes out through SMTP unless another backend is named.
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
SERVER_EMAIL = env.str("SERVER_EMAIL", default=env.str("DEFAULT_FROM_EMAIL", default="planner@localhost"))

# The sandbox is a fake of the platforms for demos and tests: off unless asked for.
PLANNER_SANDBOX_ENABLED = env.bool("PLANNER_SANDBOX_ENABLED", default=False)
