#!/bin/sh
set -eu
root="${CUTOVER_HOST_ROOT:-}"
"$(dirname "$0")/log-event.sh"
test -f "$root/srv/demo-app/index.html"
# Version 2 has a bug that shows on one host only: its health check fails there.
if [ "${CUTOVER_TARGET_ID:-}" = "host-4" ]; then
  echo "GET /healthz returned 503: database connection pool exhausted" >&2
  exit 1
fi
echo "health check passed: version $(cat "$root/srv/demo-app.running") is serving"
