#!/usr/bin/env bash
# Starts the whole GrowthKit system: provisions PostgreSQL and RabbitMQ when missing, builds, runs the
# Aspire AppHost, waits until the gateway is healthy and prints where everything is.
# Ctrl-C (or SIGTERM) stops everything.
set -euo pipefail
cd "$(dirname "$0")"
root=$PWD

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export ASPIRE_VERSION_CHECK_DISABLED=true
port=${GROWTHKIT_PORT:-8080}
admin_key=${GROWTHKIT_ADMIN_KEY:-$(head -c 64 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 40)}
# The admin key opens every tenant: a short one can be guessed. Refuse it before anything starts.
if [ "${#admin_key}" -lt 32 ]; then
  echo "GROWTHKIT_ADMIN_KEY is ${#admin_key} characters long; it must be at least 32 (for example: head -c 48 /dev/urandom | base64)." >&2
  exit 2
fi
# The dashboard shows every resource's settings, secrets included: it asks for this token (printed below).
dashboard_token=$(head -c 64 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 40)

bash eng/provision.sh

# Data must be reachable by the postgres user, which a folder under /root is not.
default_data="$root/.data"
if [ "$(id -u)" -eq 0 ] && ! runuser -u postgres -- test -x "$root" 2>/dev/null; then
  default_data=/var/lib/growthkit
fi
data=${GROWTHKIT_DATA_DIR:-$default_data}
mkdir -p "$data"

# The platform's audit signing key outlives restarts (older checkpoints must stay checkable): generated
# once, kept readable by its owner only, never printed.
audit_key_file="$data/audit-signing-key"
if [ ! -s "$audit_key_file" ]; then
  (umask 077; head -c 96 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 48 >"$audit_key_file")
fi
audit_key=$(cat "$audit_key_file")
# Likewise the secret that encrypts the web app's Data Protection keys: a new one would sign everyone out.
web_dp_key_file="$data/web-data-protection-key"
if [ ! -s "$web_dp_key_file" ]; then
  (umask 077; head -c 96 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 48 >"$web_dp_key_file")
fi
web_dp_key=$(cat "$web_dp_key_file")
# And the one that encrypts the integrations service's ring (CRM tokens, webhook secrets): a new one would lose them.
integrations_dp_key_file="$data/integrations-data-protection-key"
if [ ! -s "$integrations_dp_key_file" ]; then
  (umask 077; head -c 96 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 48 >"$integrations_dp_key_file")
fi
integrations_dp_key=$(cat "$integrations_dp_key_file")

echo "Building…"
dotnet build GrowthKit.AppHost -c Release -nologo -v quiet

log="$data/apphost.log"
dashboard_url=${GROWTHKIT_DASHBOARD_URL:-http://127.0.0.1:18888}
# Secrets travel in the environment (not the command line, which `ps` shows). The AppHost runs from its
# build (just made above), not under `dotnet run`: one launcher process less, held for the whole run.
env "Parameters__admin-key=$admin_key" "Parameters__audit-signing-key=$audit_key" \
  AppHost__BrowserToken="$dashboard_token" \
  "Parameters__web-data-protection-key=$web_dp_key" \
  "Parameters__integrations-data-protection-key=$integrations_dp_key" \
  GrowthKit__AllowPrivateNetworks="${GROWTHKIT_ALLOW_PRIVATE_NETWORKS:-false}" \
  GrowthKit__Replicas="${GROWTHKIT_REPLICAS:-1}" \
  GrowthKit__Port="$port" GrowthKit__DataDir="$data" GrowthKit__DurableStorage=true \
  DcpPublisher__WaitForResourceCleanup=true \
  ASPIRE_ALLOW_UNSECURED_TRANSPORT=true \
  ASPNETCORE_URLS="$dashboard_url" ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL=http://127.0.0.1:18890 \
  ASPNETCORE_ENVIRONMENT=Production DOTNET_ENVIRONMENT=Production \
  setsid GrowthKit.AppHost/bin/Release/net10.0/GrowthKit.AppHost >"$log" 2>&1 &
apphost=$!

stop() {
  trap - INT TERM EXIT
  echo
  echo "Stopping GrowthKit…"
  kill -TERM "$apphost" 2>/dev/null || true
  for _ in $(seq 1 25); do kill -0 "$apphost" 2>/dev/null || break; sleep 1; done
  # Whatever is left of the process group (DCP, services, servers) goes now.
  kill -KILL -- "-$apphost" 2>/dev/null || true
  bash eng/stop-leftovers.sh "$data" || true
  echo "Stopped."
}
trap stop INT TERM EXIT

echo "Starting (log: $log)…"
started=$(date +%s)
# The web app waits for the gateway, so it is up a moment later: wait for both.
until curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1 && curl -fsS "http://127.0.0.1:$port/app/health" >/dev/null 2>&1; do
  if ! kill -0 "$apphost" 2>/dev/null; then
    echo "The AppHost exited; the end of its log:" >&2
    tail -n 40 "$log" >&2
    exit 1
  fi
  if [ $(( $(date +%s) - started )) -gt 300 ]; then
    echo "Not healthy after 300 s; the end of the log:" >&2
    tail -n 40 "$log" >&2
    exit 1
  fi
  sleep 1
done

up_after=$(( $(date +%s) - started ))
# What the whole system holds (every process this script started, PSS): issue 13's aim is 1.5 GB.
memory=$(bash eng/memory.sh "$data" "$apphost" 2>/dev/null || echo "unknown")
cat <<INFO

GrowthKit is up ($up_after s, $memory of memory).
  Web app:    http://localhost:$port/app/
  Gateway:    http://localhost:$port
  API docs:   http://localhost:$port/docs
  Admin key:  $admin_key
  Dashboard:  $dashboard_url/login?t=$dashboard_token
  Data:       $data
Press Ctrl-C to stop.
INFO
wait "$apphost"
