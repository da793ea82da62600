#!/usr/bin/env bash
# Last resort after the AppHost stopped: ends any server process still using DATA_DIR.
set -u
data=${1:?usage: stop-leftovers.sh DATA_DIR}
pids=$(pgrep -f -- "$data/(postgres|rabbitmq)" || true)
[ -z "$pids" ] && exit 0
# shellcheck disable=SC2086
kill -INT $pids 2>/dev/null
for _ in $(seq 1 10); do
  pgrep -f -- "$data/(postgres|rabbitmq)" >/dev/null || exit 0
  sleep 0.5
done
pkill -KILL -f -- "$data/(postgres|rabbitmq)" 2>/dev/null
exit 0
