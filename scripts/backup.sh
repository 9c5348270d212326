#!/usr/bin/env bash
# Back up the site: the PostgreSQL database and the uploaded files.
#
#   scripts/backup.sh DEST_DIR
#
# Writes DEST_DIR/alumni-<UTC time>/ holding
#   database.dump    pg_dump of DATABASE_URL, custom format (pg_restore reads it)
#   media.tar.gz     MEDIA_ROOT: images, documents, renditions (skipped when the
#                    media are on S3-compatible storage: back up the bucket)
#   private.tar.gz   ALUMNI_PARTNER_PRIVATE_ROOT: alumni photos, imports
#   SHA256SUMS       checksums of the above; restore.sh checks them first
#   MANIFEST         when, from which database and code version
# and prints that folder's path as its last line. The folder appears only when
# everything is written (it is built under a .partial name, then renamed).
#
# Reads the same environment as the site (DJANGO_SETTINGS_MODULE, DATABASE_URL
# and the rest: docs/deploy.md); the folders come from the Django settings
# themselves (DJANGO_SETTINGS_MODULE defaults to the production settings), so
# they are the ones the site uses. PYTHON (default: this checkout's
# .venv/bin/python) reads them. The backup holds personal data: it is
# written readable by its owner only.
#
# The database dump is one consistent snapshot; the files are archived after
# it, so every file the dump names is in the archive (a file deleted in
# between excepted; files added in between are harmless extras).
set -euo pipefail

usage() {
  echo "usage: $0 DEST_DIR" >&2
  exit 2
}
[ $# -eq 1 ] || usage
dest=$1

here=$(cd "$(dirname "$0")/.." && pwd)
PYTHON=${PYTHON:-$here/.venv/bin/python}
: "${DATABASE_URL:?set DATABASE_URL (postgres://...) as for the site}"
case "$DATABASE_URL" in
  postgres://* | postgresql://*) ;;
  *)
    echo "error: DATABASE_URL must be a postgres:// URL (pg_dump backs up PostgreSQL only)." >&2
    exit 2
    ;;
esac
# libpq reads postgres:// and postgresql:// URLs itself.

umask 077
mkdir -p "$dest"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
final="$dest/alumni-$stamp"
work="$final.partial"
if [ -e "$final" ] || [ -e "$work" ]; then
  echo "error: $final already exists." >&2
  exit 1
fi
mkdir "$work"
trap 'rm -rf "$work"' EXIT

say() { printf '==> %s\n' "$*" >&2; }

# The folders and the media storage, as the site's settings have them.
export DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE:-alumni_site.settings.production}
site_paths=$(cd "$here" && "$PYTHON" -c '
from django.conf import settings
print(settings.MEDIA_ROOT)
print(settings.ALUMNI_PARTNER_PRIVATE_ROOT)
print(settings.STORAGES["default"]["BACKEND"])
')
readarray -t paths <<<"$site_paths"
media_root=${paths[0]}
private_root=${paths[1]}
media_backend=${paths[2]}

say "Dumping the database"
pg_dump --format=custom --compress=6 --file="$work/database.dump" "$DATABASE_URL"

# archive NAME FOLDER: FOLDER's contents as NAME.tar.gz (an empty archive when
# the folder does not exist yet: nothing was uploaded).
archive() {
  local name=$1 folder=$2 status=0
  say "Archiving $folder"
  if [ -d "$folder" ]; then
    # GNU tar exits 1 when a file changed while it was read (an upload during
    # the backup): the archive is still complete for everything before it.
    tar --create --gzip --file="$work/$name.tar.gz" --directory="$folder" . || status=$?
    if [ "$status" -gt 1 ]; then
      echo "error: tar of $folder failed ($status)." >&2
      exit 1
    fi
  else
    tar --create --gzip --file="$work/$name.tar.gz" --files-from=/dev/null
  fi
}

files=(database.dump)
if [ "$media_backend" = "django.core.files.storage.FileSystemStorage" ]; then
  archive media "$media_root"
  files+=(media.tar.gz)
else
  say "Media are on $media_backend: back up that bucket with its provider's tools"
fi
archive private "$private_root"
files+=(private.tar.gz)

(cd "$work" && sha256sum "${files[@]}" >SHA256SUMS)
revision=$(git -C "$here" rev-parse --short HEAD 2>/dev/null || echo unknown)
{
  echo "created: $stamp"
  # The URL without its password.
  echo "database: $(printf '%s' "$DATABASE_URL" | sed -E 's#(://[^:/@]*):[^@]*@#\1@#')"
  echo "code: $revision"
  echo "media: $media_backend"
  echo "files: ${files[*]}"
} >"$work/MANIFEST"

mv "$work" "$final"
trap - EXIT
say "Backup written"
echo "$final"
