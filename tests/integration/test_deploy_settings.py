"""The production settings: read from the environment, clean under check --deploy.

Each test runs a fresh Python process with ``alumni_site.settings.production``
and an environment such as an operator writes (docs/deploy.md): settings are
read once, at import, so they cannot be tried from this process. None of these
processes connects to PostgreSQL or Redis: settings and checks need neither.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

#: Variables the production settings read; the suite's own are dropped first.
PRODUCTION_VARIABLES = {
    "SECRET_KEY",
    "DATABASE_URL",
    "REDIS_URL",
    "WAGTAILADMIN_BASE_URL",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "SECURE_SSL_REDIRECT",
    "MEDIA_ROOT",
    "MEDIA_STORAGE",
    "STATIC_ROOT",
    "AWS_STORAGE_BUCKET_NAME",
    "AWS_S3_ENDPOINT_URL",
    "LOG_FORMAT",
    "LOG_LEVEL",
    "CONN_MAX_AGE",
}


def production_environment(**changes: str | None) -> dict[str, str]:
    """A plausible production environment; ``NAME=None`` leaves NAME out."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in PRODUCTION_VARIABLES
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="alumni_site.settings.production",
        SECRET_KEY=secrets.token_urlsafe(50),
        # Nothing listens to these: the settings and the checks never connect.
        DATABASE_URL="postgres://alumni:s3cret@db.internal:5432/alumni",
        REDIS_URL="redis://cache.internal:6379/0",
        WAGTAILADMIN_BASE_URL="https://alumni.example.org",
        MEDIA_ROOT="/srv/alumni/media",
    )
    for name, value in changes.items():
        if value is None:
            environment.pop(name, None)
        else:
            environment[name] = value
    return environment


def run_python(code: str, **changes: str | None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=production_environment(**changes),
        capture_output=True,
        text=True,
        timeout=60,
    )


def settings_of(*names: str, prelude: str = "", **changes: str | None) -> dict:
    """The values of ``names`` in the production settings, as JSON sees them."""
    # Paths as text; a lazy label as None, since translating it would need
    # django.setup() and a second more per process.
    code = f"""{prelude}
import json, pathlib
from django.conf import settings
from django.utils.functional import Promise

def plain(value):
    if isinstance(value, dict):
        return {{k: plain(v) for k, v in value.items()}}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, Promise):
        return None
    return str(value) if isinstance(value, pathlib.PurePath) else value

print(json.dumps({{n: plain(getattr(settings, n)) for n in {list(names)!r}}}))
"""
    result = run_python(code, **changes)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


def test_check_deploy_passes_with_a_plausible_environment():
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "check",
            "--deploy",
            "--fail-level",
            "WARNING",
        ],
        cwd=ROOT,
        env=production_environment(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_database_cache_and_broker_come_from_the_environment():
    values = settings_of("DEBUG", "ALLOWED_HOSTS", "DATABASES", "CACHES", "Q_CLUSTER")
    assert values["DEBUG"] is False
    # The public address's host, when ALLOWED_HOSTS is not set.
    assert values["ALLOWED_HOSTS"] == ["alumni.example.org"]
    database = values["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["HOST"], database["PORT"], database["NAME"]) == (
        "db.internal",
        5432,
        "alumni",
    )
    assert database["CONN_MAX_AGE"] == 60
    assert database["CONN_HEALTH_CHECKS"] is True
    assert database["OPTIONS"]["connect_timeout"] == 5
    cache = values["CACHES"]["default"]
    assert cache["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert cache["LOCATION"] == "redis://cache.internal:6379/0"
    assert cache["OPTIONS"] == {"socket_connect_timeout": 2.0, "socket_timeout": 2.0}
    assert values["Q_CLUSTER"]["redis"] == "redis://cache.internal:6379/0"
    assert "orm" not in values["Q_CLUSTER"]


def test_https_cookies_and_static_files():
    values = settings_of(
        "SECURE_SSL_REDIRECT",
        "SECURE_REDIRECT_EXEMPT",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_HSTS_SECONDS",
        "SECURE_PROXY_SSL_HEADER",
        "MIDDLEWARE",
        "STORAGES",
        "MEDIA_ROOT",
    )
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_REDIRECT_EXEMPT"] == [r"^health/"]
    assert values["SESSION_COOKIE_SECURE"] is values["CSRF_COOKIE_SECURE"] is True
    assert values["SECURE_HSTS_SECONDS"] == 31536000
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    middleware = values["MIDDLEWARE"]
    # WhiteNoise right after SecurityMiddleware, as its documentation asks;
    # the outage page above the session middleware.
    assert middleware[:3] == [
        "django.middleware.security.SecurityMiddleware",
        "whitenoise.middleware.WhiteNoiseMiddleware",
        "alumni_partner.outage.OutageMiddleware",
    ]
    assert values["STORAGES"]["staticfiles"]["BACKEND"] == (
        "whitenoise.storage.CompressedManifestStaticFilesStorage"
    )
    assert values["STORAGES"]["default"]["BACKEND"] == (
        "django.core.files.storage.FileSystemStorage"
    )
    assert values["MEDIA_ROOT"] == "/srv/alumni/media"


def test_a_front_server_that_redirects_itself_turns_the_redirect_off():
    values = settings_of(
        "SECURE_SSL_REDIRECT", "SILENCED_SYSTEM_CHECKS", SECURE_SSL_REDIRECT="0"
    )
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SILENCED_SYSTEM_CHECKS"] == ["security.W008"]


@pytest.mark.parametrize(
    "name", ["SECRET_KEY", "DATABASE_URL", "REDIS_URL", "WAGTAILADMIN_BASE_URL"]
)
def test_a_missing_required_variable_is_named(name):
    result = run_python("import alumni_site.settings.production", **{name: None})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert f"Set the {name} environment variable" in result.stderr


def test_sqlite_is_refused():
    result = run_python(
        "import alumni_site.settings.production", DATABASE_URL="sqlite:///db.sqlite3"
    )
    assert result.returncode != 0
    assert "DATABASE_URL must name a PostgreSQL database" in result.stderr


def test_media_on_s3_compatible_storage():
    pytest.importorskip("storages", reason="the s3 extra is not installed")
    values = settings_of(
        "STORAGES",
        MEDIA_STORAGE="s3",
        AWS_STORAGE_BUCKET_NAME="alumni-media",
        AWS_S3_ENDPOINT_URL="https://s3.fr-par.example.net",
    )
    storage = values["STORAGES"]["default"]
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    assert storage["OPTIONS"]["bucket_name"] == "alumni-media"
    assert storage["OPTIONS"]["endpoint_url"] == "https://s3.fr-par.example.net"
    assert storage["OPTIONS"]["file_overwrite"] is False


def test_s3_without_the_extra_says_what_to_install():
    # A real failed import: the module is made unimportable in that process.
    result = run_python(
        "import sys\nsys.modules['storages'] = None\n"
        "import alumni_site.settings.production",
        AWS_STORAGE_BUCKET_NAME="alumni-media",
    )
    assert result.returncode != 0
    assert "MEDIA_STORAGE=s3 needs django-storages" in result.stderr
    assert "pip install '.[production,s3]'" in result.stderr


LOG_A_TRACEBACK = """
import logging.config
from django.conf import settings
logging.config.dictConfig(settings.LOGGING)
try:
    1 / 0
except ZeroDivisionError:
    logging.getLogger("django.request").exception("Internal Server Error: /fr/")
"""


@pytest.mark.parametrize("log_format", ["plain", "json"])
def test_a_traceback_is_logged_on_one_line_of_stdout(log_format):
    result = run_python(LOG_A_TRACEBACK, LOG_FORMAT=log_format)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    if log_format == "json":
        record = json.loads(lines[0])
        assert record["level"] == "ERROR"
        assert record["logger"] == "django.request"
        assert record["message"] == "Internal Server Error: /fr/"
        assert "ZeroDivisionError" in record["exception"]
    else:
        assert "ERROR [django.request] Internal Server Error: /fr/" in lines[0]
        assert "\\nZeroDivisionError" in lines[0]
