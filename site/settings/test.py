"""Test settings: fast hashing, in-memory media, synchronous Wagtail jobs."""

import json
import os
import tempfile

from .base import *

DEBUG = False
ALLOWED_HOSTS = ["*"]
SECRET_KEY = "test-only-secret-key"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="alumni-test-media-"))
ALUMNI_PARTNER_PRIVATE_ROOT = Path(tempfile.mkdtemp(prefix="alumni-test-private-"))
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Wagtail's own jobs run inline; the queue itself is tested with a real qcluster.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# The browser tests restore the built site tree after each test (see
# tests/conftest.py); wagtail-localize's rows are rebuilt by ensure_site instead,
# because its handlers cannot run on raw, half-restored rows.
TEST_NON_SERIALIZED_APPS = ["wagtail_localize"]
Q_CLUSTER = {**Q_CLUSTER, "sync": True}
Q_CLUSTER.pop("redis", None)
Q_CLUSTER["orm"] = "default"
AXES_ENABLED = True
if "postgresql" in DATABASES["default"]["ENGINE"]:
    # A test database need not survive a crash: commits (flushes of the
    # transactional tests, the cluster tests' marks) stop waiting for the disk.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        "-c synchronous_commit=off"
    )
STORAGES["staticfiles"] = {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}

# A real cluster (tests/cluster.py starts `manage.py qcluster` with this flag):
# tasks go through the ORM broker on the test database named by DATABASE_URL,
# mail through Django's SMTP backend to EMAIL_HOST/EMAIL_PORT, files to the
# test process's folders; ALUMNI_TEST_SETTINGS (JSON) overrides more settings.
if os.environ.get("ALUMNI_TEST_QCLUSTER") == "1":
    Q_CLUSTER["sync"] = False
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    MEDIA_ROOT = Path(os.environ.get("ALUMNI_TEST_MEDIA_ROOT", MEDIA_ROOT))
    ALUMNI_PARTNER_PRIVATE_ROOT = Path(
        os.environ.get("ALUMNI_TEST_PRIVATE_ROOT", ALUMNI_PARTNER_PRIVATE_ROOT)
    )
    globals().update(json.loads(os.environ.get("ALUMNI_TEST_SETTINGS", "{}")))
