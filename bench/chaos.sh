#!/usr/bin/env bash
# The long form of issue 10's chaos suite — not a test run by ./test.sh. It runs the same code as
# tests/GrowthKit.Chaos.Tests, but kills every service in turn ROUNDS times (default 50) while leads
# stream in, then prints the counts: leads sent, accepted, scored, duplicates, time to recover, and
# each service's SIGKILL-to-healthy times.
#   bench/chaos.sh                         # 50 rounds of kills (5 kills each, 10 s apart: about 45 minutes)
#   bench/chaos.sh --rounds 3              # a smoke run
#   bench/chaos.sh --rounds 50 --leads 50000 --spacing 8 --all
# Options: --rounds N, --leads N (streamed across the kills; default 20000), --spacing SECONDS
# between kills (default 10), --all (also the Postgres, broker-restart and broker-pause faults, once each),
# --report FILE (default bench/results/chaos-<time>.txt).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

rounds=50 leads=20000 spacing=10 all=false
report="$root/bench/results/chaos-$(date -u +%Y%m%d-%H%M%S).txt"
while [ $# -gt 0 ]; do
  case $1 in
    --rounds) rounds=$2; shift 2 ;;
    --leads) leads=$2; shift 2 ;;
    --spacing) spacing=$2; shift 2 ;;
    --all) all=true; shift ;;
    --report) report=$2; shift 2 ;;
    -h | --help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "chaos.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

bash eng/provision.sh

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export ASPIRE_VERSION_CHECK_DISABLED=true ASPIRE_ALLOW_UNSECURED_TRANSPORT=true
export GROWTHKIT_TEST_DATA_ROOT=${GROWTHKIT_TEST_DATA_ROOT:-/tmp/growthkit-tests}
mkdir -p "$GROWTHKIT_TEST_DATA_ROOT" && chmod 0755 "$GROWTHKIT_TEST_DATA_ROOT"
mkdir -p "$(dirname "$report")"

export GROWTHKIT_CHAOS_ROUNDS=$rounds GROWTHKIT_CHAOS_LEADS=$leads GROWTHKIT_CHAOS_KILL_SPACING_SECONDS=$spacing
export GROWTHKIT_CHAOS_REPORT=$report
# Recovery is waited for by polling; a long run may leave a long backlog.
export GROWTHKIT_CHAOS_RECOVERY_TIMEOUT_SECONDS=${GROWTHKIT_CHAOS_RECOVERY_TIMEOUT_SECONDS:-900}

filter="FullyQualifiedName~ChaosTests.Every_service_killed_in_turn"
[ "$all" = true ] && filter="FullyQualifiedName~ChaosTests"

echo "Building…"
dotnet build tests/GrowthKit.Chaos.Tests -c Debug -nologo -v quiet
echo "Killing every service in turn, $rounds round(s), $spacing s apart, while $leads leads stream in…"
status=0
dotnet test tests/GrowthKit.Chaos.Tests --no-build -c Debug -nologo --filter "$filter" \
  --logger "console;verbosity=normal" || status=$?

echo
if [ -s "$report" ]; then cat "$report"; else echo "No report was written ($report)."; fi
exit $status
