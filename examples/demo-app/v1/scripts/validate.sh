#!/bin/sh
set -eu
root="${CUTOVER_HOST_ROOT:-}"
"$(dirname "$0")/log-event.sh"
test -f "$root/srv/demo-app/index.html"
echo "health check passed: version $(cat "$root/srv/demo-app.running") is serving"
