"""Production settings, read from the environment (docs/deploy.md lists them).

Required: ``SECRET_KEY``, ``DATABASE_URL`` (PostgreSQL), ``REDIS_URL`` (cache
and django-q2 broker) and ``WAGTAILADMIN_BASE_URL`` (the public address).
Every process reads the same environment and keeps nothing of its own:
sessions and files of record are in PostgreSQL, the cache and the task queue
in Redis, media on a shared folder or S3-compatible storage, so adding web or
worker machines adds capacity. ``manage.py check --deploy`` passes with them.
"""

import os
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from .base import *


def _required(name: str, why: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(
            f"Set the {name} environment variable ({why}); see docs/deploy.md."
        )
    return value


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    return value in {"1", "true", "yes", "on"}


def _list(name: str) -> list[str]:
    return [
        item.strip() for item in os.environ.get(name, "").split(",") if item.strip()
    ]


DEBUG = False

SECRET_KEY = _required(
    "SECRET_KEY", "50 or more random characters, the same on every machine"
)
WAGTAILADMIN_BASE_URL = _required(
    "WAGTAILADMIN_BASE_URL",
    "the site's public address, e.g. https://alumni.example.org, for e-mailed links",
)
# By default the host of the public address; list more (comma-separated) when
# the site answers under several names.
ALLOWED_HOSTS = _list("ALLOWED_HOSTS") or [urlsplit(WAGTAILADMIN_BASE_URL).hostname]
CSRF_TRUSTED_ORIGINS = _list("CSRF_TRUSTED_ORIGINS")

# PostgreSQL only: SQLite locks under several processes (DESIGN.md §10).
DATABASES = {
    "default": dj_database_url.parse(
        _required("DATABASE_URL", "postgres://USER:PASSWORD@HOST:5432/NAME"),
        # Persistent connections: 110 -> 395 requests/s on a bare page (DESIGN.md
        # §10); the health check drops a connection that died in a restart.
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if "postgresql" not in DATABASES["default"]["ENGINE"]:
    raise ImproperlyConfigured(
        "DATABASE_URL must name a PostgreSQL database (postgres://...): the "
        "production settings run several processes on one database."
    )
# A database that is down must fail a request quickly (a 503, see
# alumni_partner.outage), not hold a web worker for libpq's default of forever.
DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
    "connect_timeout", int(os.environ.get("DATABASE_CONNECT_TIMEOUT", "5"))
)

# base.py has already made Redis the cache and the django-q2 broker from
# REDIS_URL; without it each process would keep its own cache (rate limits,
# cached fragments and their invalidation would differ from one to the next).
_required("REDIS_URL", "redis://HOST:6379/0, the shared cache and task broker")
_redis_timeout = float(os.environ.get("REDIS_TIMEOUT", "2"))
for _cache in CACHES.values():
    if _cache["BACKEND"].endswith("RedisCache"):
        # Same reason as connect_timeout: Redis gone means a prompt 503.
        _cache.setdefault("OPTIONS", {}).setdefault(
            "socket_connect_timeout", _redis_timeout
        )
        _cache["OPTIONS"].setdefault("socket_timeout", _redis_timeout)

# HTTPS: the front server terminates TLS and says so in X-Forwarded-Proto (it
# must set that header itself, never pass on the client's).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = _flag("SECURE_SSL_REDIRECT", True)
if not SECURE_SSL_REDIRECT:
    # Only for a front server that redirects HTTP to HTTPS itself: say so to
    # check --deploy rather than let it warn on every run.
    SILENCED_SYSTEM_CHECKS = [
        *globals().get("SILENCED_SYSTEM_CHECKS", []),
        "security.W008",
    ]
# Load balancers check health over plain HTTP, and follow no redirect.
SECURE_REDIRECT_EXEMPT = [r"^health/"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = _flag("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = _flag("SECURE_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True

# Static files: collectstatic writes hashed, compressed copies to STATIC_ROOT;
# WhiteNoise serves them from every web process with far-future caching (the
# front server may serve STATIC_ROOT itself; nothing changes for Django).
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", STATIC_ROOT))
try:
    import whitenoise  # noqa: F401
except ImportError:
    raise ImproperlyConfigured(
        "WhiteNoise is missing: install the production extra, "
        "pip install '.[production]'."
    ) from None
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "whitenoise.middleware.WhiteNoiseMiddleware",
)
STORAGES["staticfiles"] = {
    "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
}

# Media (images, documents): a folder shared by every machine (MEDIA_ROOT,
# from base.py) or S3-compatible storage. PRIVATE_ROOT (alumni photos,
# imports) is always a folder: share it between the web and worker machines.
MEDIA_STORAGE = os.environ.get("MEDIA_STORAGE", "").strip().lower() or (
    "s3" if os.environ.get("AWS_STORAGE_BUCKET_NAME") else "filesystem"
)
if MEDIA_STORAGE == "s3":
    try:
        import storages.backends.s3  # noqa: F401
    except ImportError:
        raise ImproperlyConfigured(
            "MEDIA_STORAGE=s3 needs django-storages with boto3: "
            "pip install '.[production,s3]'."
        ) from None
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": _required(
                "AWS_STORAGE_BUCKET_NAME", "the bucket that holds the media"
            ),
            # Any S3-compatible service (MinIO, Scaleway, OVH...): its URL.
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            "custom_domain": os.environ.get("AWS_S3_CUSTOM_DOMAIN") or None,
            "location": os.environ.get("AWS_LOCATION", ""),
            # Images are public: plain URLs that caches can keep, unless the
            # bucket is private (AWS_QUERYSTRING_AUTH=1: signed, expiring URLs).
            "querystring_auth": _flag("AWS_QUERYSTRING_AUTH", False),
            # Never replace a file that a revision or a rendition still names.
            "file_overwrite": False,
            # The bucket's policy decides who reads; no per-object ACL.
            "default_acl": None,
        },
    }
    # Credentials: boto3 reads AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or
    # an instance role) from the environment itself; no copy is kept here.
elif MEDIA_STORAGE != "filesystem":
    raise ImproperlyConfigured(
        f"MEDIA_STORAGE must be 'filesystem' or 's3', not {MEDIA_STORAGE!r}."
    )

# Logs: one line per record on stdout, where systemd, Docker or the platform
# collects them. LOG_FORMAT=json for a log shipper, plain otherwise.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "plain").strip().lower()
if LOG_FORMAT not in {"plain", "json"}:
    raise ImproperlyConfigured(
        f"LOG_FORMAT must be 'plain' or 'json', not {LOG_FORMAT!r}."
    )
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {
            "()": "alumni_site.log_formats.OneLineFormatter",
            "format": "%(asctime)s %(levelname)s [%(name)s] %(message)s",
        },
        "json": {"()": "alumni_site.log_formats.JsonFormatter"},
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": LOG_FORMAT,
        }
    },
    "root": {"handlers": ["stdout"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
