#!/bin/sh
set -eu
"$(dirname "$0")/log-event.sh"
echo "preparing to install"
