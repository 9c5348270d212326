#!/usr/bin/env bash
# Restore a backup written by scripts/backup.sh: the database, then the files.
#
#   scripts/restore.sh [--yes] BACKUP_DIR
#
# 1. checks BACKUP_DIR/SHA256SUMS (a damaged backup is refused before anything
#    is touched);
# 2. creates the database of DATABASE_URL when it does not exist (the role
#    needs CREATEDB for that; otherwise create it first), then loads the dump
#    with pg_restore --clean --if-exists in one transaction: every table of
#    the dump is replaced, and a failure leaves the database as it was;
# 3. unpacks media.tar.gz into MEDIA_ROOT and private.tar.gz into the private
#    root (files of the backup are written over; files that are not in the
#    backup are left alone).
#
# It replaces the site's data: stop the web and worker processes first, and
# start them again after (docs/deploy.md). Asks for confirmation unless --yes.
# The environment is the site's, as for backup.sh. Redis is left alone: after
# going back to an older state, empty it (redis-cli -u "$REDIS_URL" flushdb)
# so that no cached fragment or queued task of the newer state remains.
set -euo pipefail

usage() {
  echo "usage: $0 [--yes] BACKUP_DIR" >&2
  exit 2
}
yes=0
if [ "${1:-}" = "--yes" ]; then
  yes=1
  shift
fi
[ $# -eq 1 ] || usage
backup=$(cd "$1" && pwd)

here=$(cd "$(dirname "$0")/.." && pwd)
PYTHON=${PYTHON:-$here/.venv/bin/python}
export DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE:-alumni_site.settings.production}
: "${DATABASE_URL:?set DATABASE_URL (postgres://...) as for the site}"
case "$DATABASE_URL" in
  postgres://* | postgresql://*) ;;
  *)
    echo "error: DATABASE_URL must be a postgres:// URL." >&2
    exit 2
    ;;
esac

say() { printf '==> %s\n' "$*" >&2; }

say "Checking $backup"
[ -f "$backup/SHA256SUMS" ] || {
  echo "error: $backup/SHA256SUMS is missing: not a backup of scripts/backup.sh?" >&2
  exit 1
}
(cd "$backup" && sha256sum --check --quiet SHA256SUMS)

# The database's name, and a URL of the same server's maintenance database
# "postgres" (from which a missing database is created).
site_paths=$(cd "$here" && "$PYTHON" -c '
import os
from urllib.parse import unquote, urlsplit
from django.conf import settings
url = urlsplit(os.environ["DATABASE_URL"])
print(unquote(url.path.lstrip("/")))
print(url._replace(path="/postgres").geturl())
print(settings.MEDIA_ROOT)
print(settings.ALUMNI_PARTNER_PRIVATE_ROOT)
')
readarray -t paths <<<"$site_paths"
database=${paths[0]}
maintenance_url=${paths[1]}
media_root=${paths[2]}
private_root=${paths[3]}

if [ "$yes" = 0 ]; then
  if [ ! -t 0 ]; then
    echo "error: not a terminal: pass --yes to restore without being asked." >&2
    exit 2
  fi
  printf 'Replace database "%s" and the files in %s and %s with %s? [y/N] ' \
    "$database" "$media_root" "$private_root" "$backup" >&2
  read -r answer
  case "$answer" in
    y | Y | yes) ;;
    *)
      echo "Nothing restored." >&2
      exit 1
      ;;
  esac
fi

exists=$(psql "$maintenance_url" --no-psqlrc --tuples-only --no-align \
  -v name="$database" <<<"SELECT 1 FROM pg_database WHERE datname = :'name';")
if [ "$exists" != "1" ]; then
  say "Creating database $database"
  psql "$maintenance_url" --no-psqlrc --quiet -v ON_ERROR_STOP=1 \
    -v name="$database" <<<'CREATE DATABASE :"name";' || {
    echo "error: could not create database $database; create it as PostgreSQL's" \
      "superuser, owned by the site's role (sudo -u postgres createdb --owner" \
      "ROLE $database), then run this again." >&2
    exit 1
  }
fi

say "Restoring the database"
# --no-owner/--no-privileges: the tables belong to the role of DATABASE_URL,
# whichever role owned them on the machine that made the dump.
pg_restore --clean --if-exists --no-owner --no-privileges --single-transaction \
  --exit-on-error --dbname="$DATABASE_URL" "$backup/database.dump"

# unpack NAME FOLDER
unpack() {
  local name=$1 folder=$2
  if [ -f "$backup/$name.tar.gz" ]; then
    say "Restoring $folder"
    mkdir -p "$folder"
    tar --extract --gzip --file="$backup/$name.tar.gz" --directory="$folder" \
      --no-same-owner
  fi
}
unpack media "$media_root"
unpack private "$private_root"

say "Restored $backup"
