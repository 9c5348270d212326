#!/usr/bin/env bash
# `make demo`: install, migrate SQLite (or DATABASE_URL), load the demo content,
# then serve the site with a django-q2 worker beside it. Ctrl-C stops both.
#
# Environment: DEMO_ADDR (default 0.0.0.0:8000), DATABASE_URL, REDIS_URL.
set -euo pipefail
cd "$(dirname "$0")/.."

export DJANGO_SETTINGS_MODULE=alumni_site.settings.dev
ADDR=${DEMO_ADDR:-0.0.0.0:8000}
PY=${VENV:-.venv}/bin/python

scripts/install.sh
echo "==> Migrating the database"
"$PY" manage.py migrate --noinput -v 0
echo "==> Loading the demo content"
"$PY" manage.py seed_demo

# The worker gets its own process group, so that stopping the demo stops it
# and all the worker processes it forked, and Ctrl-C reaches it only through us.
echo "==> Starting the django-q2 worker (manage.py qcluster)"
setsid "$PY" manage.py qcluster &
worker=$!
stop_worker() {
  if kill -0 "$worker" 2>/dev/null; then
    echo "==> Stopping the django-q2 worker"
    # The cluster's main process stops its workers itself; signalling them all
    # at once leaves it waiting for children it no longer has.
    kill -TERM "$worker" 2>/dev/null || true
    for _ in $(seq 1 40); do
      kill -0 "$worker" 2>/dev/null || break
      sleep 0.5
    done
  fi
  # Whatever is left of its process group after 20 seconds.
  kill -KILL -- "-$worker" 2>/dev/null || true
}
trap stop_worker EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

port=${ADDR##*:}
echo "==> Serving http://localhost:$port/ (admin: http://localhost:$port/admin/)"
"$PY" manage.py runserver "$ADDR"
