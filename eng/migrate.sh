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
#   GROWTHKIT_MIGRATE_IF_CHANGED optional: true skips a service whose build already migrated this
#                            database (./run.sh's AppHost sets it; by hand and in the Kubernetes Job
#                            every service is applied). Each successful run stamps the service's schema
#                            comment with a hash of its build (every .dll and .json of its output); a
#                            restored older database, any rebuilt assembly or changed setting differs.
#                            Needs psql; without it every service is applied.
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

# The build's hash: every assembly and settings file of the service's output, by name and content.
build_stamp() {
  (cd "$1" && find . -maxdepth 1 -type f \( -name '*.dll' -o -name '*.json' \) -print0 | sort -z |
    xargs -0 sha256sum) | sha256sum | cut -c1-64
}

# psql as the service's login, from its ADO.NET connection string ($1); the password travels in the
# environment (PGPASSWORD), never on a command line. Remaining arguments go to psql.
service_psql() {
  local part key value
  local -a env=(PGCONNECT_TIMEOUT=10)
  IFS=';' read -ra parts <<<"$1"
  for part in "${parts[@]}"; do
    key=${part%%=*}
    value=${part#*=}
    case ${key,,} in
      host | server) env+=("PGHOST=$value") ;;
      port) env+=("PGPORT=$value") ;;
      username | "user id" | userid | user) env+=("PGUSER=$value") ;;
      password) env+=("PGPASSWORD=$value") ;;
      database) env+=("PGDATABASE=$value") ;;
    esac
  done
  shift
  env "${env[@]}" psql -X -A -t -q -v ON_ERROR_STOP=1 "$@"
}

if_changed=false
if [[ ${GROWTHKIT_MIGRATE_IF_CHANGED:-false} == true ]] && command -v psql >/dev/null 2>&1; then
  if_changed=true
fi

started=$EPOCHREALTIME
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
declare -A pids=() stamps=()
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
  stamps[$service]=$(build_stamp "$(dirname "$dll")")
  if [[ $if_changed == true ]] &&
    [[ $(service_psql "${!var}" -c "select obj_description('$service'::regnamespace, 'pg_namespace')" 2>/dev/null) == "growthkit build ${stamps[$service]}" ]]; then
    echo "[$service] db-apply: skipped, this build already migrated the schema"
    continue
  fi
  # The connection string travels in the environment, never on the command line (which ps shows).
  ConnectionStrings__growthkit=${!var} dotnet "$dll" db-apply >"$logs/$service" 2>&1 &
  pids[$service]=$!
done

failed=0
for service in "${!pids[@]}"; do
  if wait "${pids[$service]}"; then
    grep '^db-apply:' "$logs/$service" | sed "s/^/[$service] /" || true
    # A stamp that cannot be written only costs the next run a migration.
    var="GROWTHKIT_DB_${service^^}"
    ! command -v psql >/dev/null 2>&1 ||
      service_psql "${!var}" -c "comment on schema $service is 'growthkit build ${stamps[$service]}'" >/dev/null 2>&1 ||
        echo "[$service] note: could not stamp the schema with this build" >&2
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
