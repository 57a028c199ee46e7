#!/usr/bin/env bash
# The web UI's page weight and slow-3G load time, each entry page in Chromium
# against the real fupin serve on a demo database (web/bench/page-weight.mjs).
# Prints a Markdown table for docs/BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
[ -x "$BUILD_DIR/fupin" ] || { echo "bench/web.sh: $BUILD_DIR/fupin not found: run make build first" >&2; exit 1; }
[ -f web/dist/index.html ] || { echo "bench/web.sh: web/dist is not built: run make build first" >&2; exit 1; }
cd web
FUPIN_BIN="$PWD/../$BUILD_DIR/fupin" E2E_OUT="$PWD/../$BUILD_DIR/e2e" node bench/page-weight.mjs
