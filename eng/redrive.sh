#!/usr/bin/env bash
# Re-drives every message that failed past all retries (waiting in the services' _error queues) back
# into the queue it failed in, through the gateway's admin API. Consumers are idempotent, so a
# message handled before is not handled twice.
#   eng/redrive.sh            # asks for the admin key (not echoed)
#   GROWTHKIT_ADMIN_KEY=… eng/redrive.sh --show   # only shows what waits
set -euo pipefail
port=${GROWTHKIT_PORT:-8080}
base=${GROWTHKIT_URL:-http://127.0.0.1:$port}
key=${GROWTHKIT_ADMIN_KEY:-}
if [ -z "$key" ]; then
  read -r -s -p "Admin key: " key
  echo
fi
# The key goes to curl on stdin (a header file), never on its command line, which `ps` shows.
auth() { printf 'Authorization: Bearer %s\n' "$key"; }
if [ "${1:-}" = "--show" ]; then
  auth | curl -fsS -H @- "$base/admin/dead-letters"
else
  echo "Waiting before:"
  auth | curl -fsS -H @- "$base/admin/dead-letters"
  echo
  echo "Re-driving:"
  auth | curl -fsS -X POST -H @- "$base/admin/dead-letters/redrive"
fi
echo
