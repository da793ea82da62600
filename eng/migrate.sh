#!/usr/bin/env bash
# Applies every schema change of GrowthKit, each service with its OWN database login, and exits:
# 0 when every schema is up to date, 1 otherwise (each failure is printed with its service).
# Outside development the services never change their schema at start-up (Marten AutoCreate.None;
# they refuse to start while a change is missing), so this runs before them: ./run.sh (the AppHost's
# db-migrate resource, after db-setup), the Kubernetes Job deploy/base/db-migrate.yaml, or by hand.
# Running it again changes nothing. Roles and schemas come first, from GrowthKit.DbSetup.
#
# Each service applies its own schema: `dotnet GrowthKit.<Service>.dll db-apply` (Marten's migration
# of its documents, events and the hand-written tables registered with its store; for the web app,
# its Data Protection keys table). The services' schemas are independent, so they run side by side.
#
# Environment:
#   GROWTHKIT_DB_<SERVICE>   the service's connection string (its own login), for every service
#                            below: GROWTHKIT_DB_GATEWAY, _ICP, _LEADS, _SCORING, _REFINEMENT,
#                            _INTEGRATIONS, _WEB. Passed to the service as ConnectionStrings__growthkit.
#   GROWTHKIT_BIN            optional: folder with every service's published files
#                            (GrowthKit.<Service>.dll). Default: each project's build output under
#                            src/GrowthKit.<Service>/bin/$GROWTHKIT_CONFIGURATION/net10.0.
#   GROWTHKIT_CONFIGURATION  optional: Release (default) or Debug.
#   GROWTHKIT_MIGRATE_SERVICES optional: the services to migrate (default: all, space-separated).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

services=${GROWTHKIT_MIGRATE_SERVICES:-"gateway icp leads scoring refinement integrations web"}
configuration=${GROWTHKIT_CONFIGURATION:-Release}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# Only the migration's outcome on the console: the service's own start-up logging stays quiet.
export Logging__LogLevel__Default=Warning OTEL_SDK_DISABLED=true

project_of() {
  case $1 in
    gateway) echo Gateway ;; icp) echo Icp ;; leads) echo Leads ;; scoring) echo Scoring ;;
    refinement) echo Refinement ;; integrations) echo Integrations ;; web) echo Web ;;
    *) echo "migrate: unknown service '$1'" >&2; return 1 ;;
  esac
}

started=$EPOCHREALTIME
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
declare -A pids=()
for service in $services; do
  project=$(project_of "$service")
  var="GROWTHKIT_DB_${service^^}"
  if [[ -z ${!var:-} ]]; then
    echo "migrate: $var is not set (the $service service's connection string)" >&2
    exit 1
  fi
  if [[ -n ${GROWTHKIT_BIN:-} ]]; then
    dll="$GROWTHKIT_BIN/GrowthKit.$project.dll"
  else
    dll="$root/src/GrowthKit.$project/bin/$configuration/net10.0/GrowthKit.$project.dll"
  fi
  [[ -f $dll ]] || { echo "migrate: $dll not found (build first, or set GROWTHKIT_BIN)" >&2; exit 1; }
  # The connection string travels in the environment, never on the command line (which ps shows).
  ConnectionStrings__growthkit=${!var} dotnet "$dll" db-apply >"$logs/$service" 2>&1 &
  pids[$service]=$!
done

failed=0
for service in "${!pids[@]}"; do
  if wait "${pids[$service]}"; then
    grep '^db-apply:' "$logs/$service" | sed "s/^/[$service] /" || true
  else
    failed=1
    echo "migrate: $service failed:" >&2
    tail -n 20 "$logs/$service" | sed "s/^/[$service] /" >&2
  fi
done
elapsed=$(awk -v a="$started" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
if ((failed)); then
  echo "migrate: FAILED after ${elapsed} s" >&2
  exit 1
fi
echo "migrate: every schema is up to date (${elapsed} s)"
