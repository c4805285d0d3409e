#!/bin/sh
set -eu
root="${CUTOVER_HOST_ROOT:-}"
"$(dirname "$0")/log-event.sh"
rm -f "$root/srv/demo-app.running"
echo "demo-app stopped"
