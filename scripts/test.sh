#!/usr/bin/env bash
# `make test`: install, then run the whole pytest suite; arguments go to pytest.
#
# SQLite by default; set DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/alumni)
# to run on PostgreSQL (pytest-django creates and drops test_<name> itself).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install.sh --test
export DJANGO_SETTINGS_MODULE=alumni_site.settings.test
echo "==> pytest $* (database: ${DATABASE_URL:-SQLite})"
exec "${VENV:-.venv}/bin/python" -m pytest "$@"
