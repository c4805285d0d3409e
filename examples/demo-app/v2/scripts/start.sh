#!/bin/sh
set -eu
root="${CUTOVER_HOST_ROOT:-}"
"$(dirname "$0")/log-event.sh"
cp "$root/srv/demo-app/VERSION" "$root/srv/demo-app.running"
echo "demo-app version $(cat "$root/srv/demo-app.running") started"
