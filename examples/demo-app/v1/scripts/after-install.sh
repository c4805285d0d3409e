#!/bin/sh
set -eu
root="${CUTOVER_HOST_ROOT:-}"
"$(dirname "$0")/log-event.sh"
echo "installed version $(cat "$root/srv/demo-app/VERSION")"
