#!/usr/bin/env bash
# The throughput benchmark of issue 4 — a benchmark, not a test (./test.sh never runs it).
# Provisions PostgreSQL and RabbitMQ when missing, builds in Release, starts the whole system through
# the AppHost (durable storage, like ./run.sh), pushes synthetic leads through the gateway, prints
# the figures beside same-run baselines and writes them as JSON to bench/results/. Stops everything.
#   bench/run.sh                  # 50,000 leads (a few minutes)
#   bench/run.sh --leads 2000     # smoke run (under 2 minutes)
#   bench/run.sh --help           # every option
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

bash eng/provision.sh

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export ASPIRE_VERSION_CHECK_DISABLED=true ASPIRE_ALLOW_UNSECURED_TRANSPORT=true

# Postgres and RabbitMQ data for this run, where the postgres user can reach it; removed afterwards.
data_root=${GROWTHKIT_BENCH_DATA_ROOT:-/tmp/growthkit-bench}
mkdir -p "$data_root" && chmod 0755 "$data_root"
data="$data_root/run-$(date -u +%Y%m%d-%H%M%S)-$$"

cleanup() {
  # Last resort, should the benchmark have died without stopping what it started.
  bash eng/stop-leftovers.sh "$data" >/dev/null 2>&1 || true
  rm -rf "$data"
}
trap cleanup EXIT

echo "Building (Release)…"
dotnet build bench/GrowthKit.Bench -c Release -nologo -v quiet

dotnet bench/GrowthKit.Bench/bin/Release/net10.0/GrowthKit.Bench.dll \
  --results "$root/bench/results" --data-dir "$data" "$@"
