#!/usr/bin/env bash
# Provisions what the tests need (PostgreSQL, RabbitMQ), builds, runs every test project and ends
# with one line: "N passed, N failed" (", N skipped" when any were).
set -euo pipefail
cd "$(dirname "$0")"
root=$PWD

bash eng/provision.sh

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export ASPIRE_VERSION_CHECK_DISABLED=true ASPIRE_ALLOW_UNSECURED_TRANSPORT=true
# Test data (Postgres clusters, RabbitMQ nodes) lives where the postgres user can reach it.
export GROWTHKIT_TEST_DATA_ROOT=${GROWTHKIT_TEST_DATA_ROOT:-/tmp/growthkit-tests}
mkdir -p "$GROWTHKIT_TEST_DATA_ROOT" && chmod 0755 "$GROWTHKIT_TEST_DATA_ROOT"

results="$root/TestResults"
rm -rf "$results"

dotnet build GrowthKit.sln -c Debug -nologo -v quiet

status=0
# One test project at a time: the end-to-end suite starts the whole system and wants both cores.
# Only *.Tests projects: tests/GrowthKit.Testing is the harness they share, not a suite.
for project in tests/*/*.Tests.csproj; do
  name=$(basename "$project" .csproj)
  echo "== $name"
  timeout 1500 dotnet test "$project" --no-build -c Debug -nologo \
    --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=normal" \
    --results-directory "$results" || status=1
done

# Sum the counters of every TRX file: dotnet test's own summary is per project.
counter() { # counter NAME FILE -> the attribute's value on the file's <Counters> element
  grep -o "<Counters [^>]*" "$2" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*' || echo 0
}
passed=0 failed=0 skipped=0 total=0
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  passed=$((passed + $(counter passed "$trx")))
  failed=$((failed + $(counter failed "$trx") + $(counter error "$trx") + $(counter timeout "$trx") + $(counter aborted "$trx")))
  total=$((total + $(counter total "$trx")))
  skipped=$((skipped + $(counter total "$trx") - $(counter executed "$trx")))
done

if [ "$total" -eq 0 ] || [ "$passed" -eq 0 ]; then status=1; fi
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  echo "A test run aborted before it could report (see above); counting it as a failure."
  failed=1
fi
if [ "$failed" -gt 0 ]; then status=1; fi
if [ "$skipped" -gt 0 ]; then
  echo "$passed passed, $failed failed, $skipped skipped"
else
  echo "$passed passed, $failed failed"
fi
exit $status
