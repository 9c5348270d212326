#!/usr/bin/env bash
# Install what the demo (default) or the test suite (--test) needs, into .venv.
#
# Idempotent and quick when nothing changed: the pip step is skipped while
# .venv/.alumni-installed is newer than setup.cfg and pyproject.toml.
# Environment: PYTHON (default python3.11), VENV (default .venv).
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3.11}
VENV=${VENV:-.venv}
FOR_TESTS=0
if [ "${1:-}" = "--test" ]; then
  FOR_TESTS=1
fi

say() { printf '==> %s\n' "$*"; }
is_root() { [ "$(id -u)" = "0" ]; }
apt_updated=0
apt_install() {
  if ! is_root || ! command -v apt-get >/dev/null 2>&1; then
    return 1
  fi
  if [ "$apt_updated" = 0 ]; then
    apt-get update -qq
    apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"
}

# 1. Python packages.
if [ ! -x "$VENV/bin/python" ]; then
  if ! command -v "$PYTHON" >/dev/null 2>&1; then
    echo "error: $PYTHON not found; install Python 3.11 (with venv) first." >&2
    exit 1
  fi
  say "Creating $VENV with $PYTHON"
  "$PYTHON" -m venv "$VENV"
fi
stamp="$VENV/.alumni-installed"
if [ ! -f "$stamp" ] || [ setup.cfg -nt "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  say "Installing the project and its test tools into $VENV"
  "$VENV/bin/python" -m pip install --quiet -e '.[test]'
  touch "$stamp"
fi

# 2. Message catalogues (.po -> .mo): compilemessages needs GNU gettext.
if ! command -v msgfmt >/dev/null 2>&1; then
  say "Installing gettext (msgfmt)"
  apt_install gettext || {
    echo "error: msgfmt not found; install GNU gettext." >&2
    exit 1
  }
fi
say "Compiling message catalogues"
DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE:-alumni_site.settings.dev} \
  "$VENV/bin/python" manage.py compilemessages -v 0 -i .venv -i "$VENV" -i node_modules

if [ "$FOR_TESTS" = 0 ]; then
  exit 0
fi

# 3. Browser tests drive Debian's Chromium, never a browser downloaded by Playwright.
if [ ! -x /usr/bin/chromium ]; then
  say "Installing Debian's Chromium for the browser tests"
  apt_install chromium ||
    echo "warning: /usr/bin/chromium is missing; the browser tests (-m e2e) cannot run." >&2
fi

# 4. JavaScript helpers of the browser tests (axe-core), when the project has any.
if [ -f package.json ] && [ ! -d node_modules ]; then
  if ! command -v npm >/dev/null 2>&1; then
    say "Installing npm"
    apt_install npm || {
      echo "error: npm not found; it is needed for package.json." >&2
      exit 1
    }
  fi
  say "Installing JavaScript test helpers"
  if [ -f package-lock.json ]; then
    npm ci --no-audit --no-fund
  else
    npm install --no-audit --no-fund
  fi
fi
