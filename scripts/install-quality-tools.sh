#!/usr/bin/env bash
# Install the quality checkers `make quality` (bench/quality.py) runs: Lighthouse and the Nu Html
# Checker (vnu.jar), both from the npm registry at the versions pinned in
# bench/quality/package-lock.json, into bench/quality/node_modules. Lighthouse drives the
# Debian chromium; vnu.jar runs on the Debian Java (default-jre-headless).
# --ignore-scripts: vnu-jar's postinstall would download a Java build from outside the package
# registries; the machine's own Java is used instead. Safe to run repeatedly.
set -euo pipefail
cd "$(dirname "$0")/../bench/quality"

command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || {
  echo "Lighthouse needs Node.js 18.16 or later and npm (Debian: nodejs npm)." >&2
  exit 1
}
lock_sum=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ -f node_modules/.kisha-lock ] && [ "$(cat node_modules/.kisha-lock)" = "$lock_sum" ]; then
  exit 0
fi
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
echo "$lock_sum" > node_modules/.kisha-lock
