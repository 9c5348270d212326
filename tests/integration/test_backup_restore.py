"""Backup and restore (docs/deploy.md): dump, drop, restore, the same page served.

On a scratch PostgreSQL database of its own (a copy of the test database, so
already migrated), with the production settings in subprocesses as an
operator runs them: a partner is onboarded with its images, its page served;
``scripts/backup.sh`` writes a backup; the database and the media folder are
dropped; ``scripts/restore.sh`` brings them back; the page is served again
from the restored database with an emptied cache, and must be the same, its
image files included.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.cluster import database_url
from tests.deployment.stack import collected_static

ROOT = Path(__file__).resolve().parents[2]

#: Onboards a partner through the real onboarding, with a logo, a banner and
#: an image in its presentation, all files written to MEDIA_ROOT; prints its page.
CREATE_PARTNER = """
import django
django.setup()
from home.bootstrap import ensure_site
from tests.benchmarks.content import full_partner
ensure_site()
print(full_partner("Sauvegarde et Fils", images=1).page.pk)
"""

#: Serves that page as a visitor's request would be, and lists the image
#: files (originals and renditions) with a checksum of each.
SERVE_PAGE = """
import hashlib, json, os, re
import django
django.setup()
from django.core.files.storage import default_storage
from django.test import Client
from wagtail.images.models import Image, Rendition
from alumni_partner.models import PartnerPage

page = PartnerPage.objects.get(pk=int(os.environ["PAGE_ID"]))
response = Client().get(page.url, secure=True, headers={"host": "alumni.example.org"})
files = {}
for name in [*Image.objects.values_list("file", flat=True),
             *Rendition.objects.values_list("file", flat=True)]:
    with default_storage.open(name) as handle:
        files[name] = hashlib.sha256(handle.read()).hexdigest()
print(json.dumps({
    "status": response.status_code,
    "html": response.content.decode(),
    "files": files,
}))
"""


def with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def psql(url: str, *commands: str) -> None:
    arguments = ["psql", url, "--no-psqlrc", "-q", "-v", "ON_ERROR_STOP=1"]
    for command in commands:
        arguments += ["-c", command]
    subprocess.run(arguments, check=True, capture_output=True, text=True)


def comparable(html: str) -> str:
    """The page without what differs between two requests (CSRF tokens)."""
    return re.sub(r'(csrfmiddlewaretoken" value=")[^"]+', r"\1-", html)


@pytest.fixture
def scratch_database(db):
    """A copy of the test database (migrated, with the site tree), dropped after.

    Copied with pg_dump and pg_restore: ``CREATE DATABASE ... TEMPLATE``
    would need every connection to the test database closed, which this
    test's own transaction keeps open.
    """
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("backup.sh and restore.sh use pg_dump and pg_restore: PostgreSQL")
    if not shutil.which("pg_dump") or not shutil.which("pg_restore"):
        pytest.skip("pg_dump and pg_restore are not installed")
    test_url = database_url()
    name = f"alumni_backup_{os.getpid()}"
    url = with_database(test_url, name)
    server = with_database(test_url, "postgres")
    psql(
        server,
        f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)',
        f'CREATE DATABASE "{name}"',
    )
    try:
        dump = subprocess.Popen(
            ["pg_dump", "--format=custom", test_url], stdout=subprocess.PIPE
        )
        subprocess.run(
            ["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={url}"],
            stdin=dump.stdout,
            check=True,
            capture_output=True,
        )
        assert dump.wait() == 0
        yield url
    finally:
        psql(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def redis_database():
    """A Redis database of this test's own (the site's cache), emptied after."""
    from tests.deployment.stack import RedisDatabase, redis_reachable  # noqa: I001

    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    if not redis_reachable(url):
        pytest.skip(f"no Redis at {url}: the production settings need one")
    with RedisDatabase.reserve(url) as database:
        yield database


def test_backup_drop_restore_serves_the_same_partner_page(
    scratch_database, redis_database, tmp_path
):
    media, private, backups = tmp_path / "media", tmp_path / "private", tmp_path / "b"
    environment = {
        **{
            name: value
            for name, value in os.environ.items()
            if not name.startswith(("DJANGO_", "ALUMNI_", "PYTEST"))
        },
        "DJANGO_SETTINGS_MODULE": "alumni_site.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": scratch_database,
        "REDIS_URL": redis_database.url,
        "WAGTAILADMIN_BASE_URL": "https://alumni.example.org",
        "MEDIA_ROOT": str(media),
        "PRIVATE_ROOT": str(private),
        "PYTHON": sys.executable,
        "LOG_LEVEL": "WARNING",
    }

    def run(*arguments: str, **extra: str) -> str:
        result = subprocess.run(
            arguments,
            cwd=ROOT,
            env={**environment, **extra},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, f"{arguments}:\n{result.stdout}\n{result.stderr}"
        return result.stdout

    def serve(page_id: str) -> dict:
        return json.loads(
            run(sys.executable, "-c", SERVE_PAGE, PAGE_ID=page_id).splitlines()[-1]
        )

    # The manifest of the production static files storage (collected once per
    # set of sources, shared with the deployment test).
    environment["STATIC_ROOT"] = str(collected_static(environment))
    page_id = run(sys.executable, "-c", CREATE_PARTNER).splitlines()[-1]
    before = serve(page_id)
    assert before["status"] == 200
    assert "Sauvegarde et Fils" in before["html"]
    # Logo, banner, the presentation's image, and renditions made by serving.
    assert len(before["files"]) >= 4
    folders = {name.split("/")[0] for name in before["files"]}
    assert folders == {"original_images", "images"}

    backup = Path(run("scripts/backup.sh", str(backups)).splitlines()[-1])
    assert sorted(p.name for p in backup.iterdir()) == [
        "MANIFEST",
        "SHA256SUMS",
        "database.dump",
        "media.tar.gz",
        "private.tar.gz",
    ]
    password = urlsplit(scratch_database).password
    assert not password or password not in (backup / "MANIFEST").read_text()

    # Disaster: the database and the uploaded files are gone.
    psql(
        with_database(scratch_database, "postgres"),
        f'DROP DATABASE "{urlsplit(scratch_database).path[1:]}" WITH (FORCE)',
    )
    shutil.rmtree(media)
    redis_database.client.flushdb()

    run("scripts/restore.sh", "--yes", str(backup))
    after = serve(page_id)
    assert after["status"] == 200
    assert comparable(after["html"]) == comparable(before["html"])
    assert after["files"] == before["files"]


def test_restore_refuses_a_damaged_backup(tmp_path):
    backup = tmp_path / "alumni-20260101T000000Z"
    backup.mkdir()
    (backup / "database.dump").write_bytes(b"not the dump that was checksummed")
    (backup / "SHA256SUMS").write_text(f"{'0' * 64}  database.dump\n")
    result = subprocess.run(
        ["scripts/restore.sh", "--yes", str(backup)],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "FAILED" in result.stderr + result.stdout
    assert "Restoring the database" not in result.stderr
