#!/bin/sh
# Appends "<event> <deployment>" to the app's event log; on a local Cutover host the filesystem root is
# $CUTOVER_HOST_ROOT, on a real host it is /.
root="${CUTOVER_HOST_ROOT:-}"
mkdir -p "$root/var/log/demo-app"
echo "$LIFECYCLE_EVENT $DEPLOYMENT_ID" >> "$root/var/log/demo-app/events.log"
