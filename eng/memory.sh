#!/usr/bin/env bash
# The memory the running system holds: every process ./run.sh started — the AppHost and what it runs
# (DCP, which re-parents itself but names the AppHost in "--monitor <pid>", the services) and the servers
# using the data directory (PostgreSQL, RabbitMQ), with their children.
#   eng/memory.sh DATA_DIR ROOT_PID [--detail]
# Prints "<PSS MB> MB" (proportional set size: shared pages split between the processes sharing them, so
# the sum is what the system really holds) and, with --detail, one line per kind of process. Linux only.
set -euo pipefail
data=${1:?usage: eng/memory.sh DATA_DIR ROOT_PID [--detail]}
root=${2:?usage: eng/memory.sh DATA_DIR ROOT_PID [--detail]}
detail=${3:-}

declare -A parent cmd
for dir in /proc/[0-9]*; do
  pid=${dir#/proc/}
  [ -r "$dir/stat" ] || continue
  stat=$(cat "$dir/stat" 2>/dev/null) || continue
  rest=${stat##*) }
  set -- $rest
  parent[$pid]=$2
  cmd[$pid]=$(tr '\0' ' ' <"$dir/cmdline" 2>/dev/null || true)
done

declare -A mine
mine[$root]=1
for pid in "${!cmd[@]}"; do
  case "${cmd[$pid]}" in *"$data"*) mine[$pid]=1 ;; esac
done
# Descendants and DCP's monitors of anything ours, until nothing more is added.
changed=1
while [ $changed -eq 1 ]; do
  changed=0
  for pid in "${!cmd[@]}"; do
    [ -n "${mine[$pid]:-}" ] && continue
    if [ -n "${mine[${parent[$pid]}]:-}" ]; then mine[$pid]=1; changed=1; continue; fi
    if [[ "${cmd[$pid]}" =~ --monitor[[:space:]]([0-9]+) ]] && [ -n "${mine[${BASH_REMATCH[1]}]:-}" ]; then
      mine[$pid]=1; changed=1
    fi
  done
done

label() {
  local c=$1
  case "$c" in
    *postgres*) echo postgres ;;
    *beam.smp*|*rabbitmq*|*erl_child_setup*|*epmd*|*inet_gethost*) echo rabbitmq ;;
    *dcpproc*|*" monitor-process"*) echo "dcp monitors" ;;
    *"/dcp "*|*"/dcp"|*dcpctrl*) echo dcp ;;
    *" run "*"--project"*|*"dotnet run"*|*"dotnet exec"*"/sdk/"*) echo "dotnet run launchers" ;;
    *GrowthKit.AppHost*) echo apphost ;;
    *GrowthKit.*) echo services ;;
    *Aspire.Dashboard*) echo dashboard ;;
    *) echo other ;;
  esac
}

declare -A by_kind
total=0
for pid in "${!mine[@]}"; do
  kb=$(awk '/^Pss:/ {print $2; exit}' "/proc/$pid/smaps_rollup" 2>/dev/null || true)
  [ -n "$kb" ] || continue
  total=$((total + kb))
  kind=$(label "${cmd[$pid]:-}")
  by_kind[$kind]=$(( ${by_kind[$kind]:-0} + kb ))
done

echo "$((total / 1024)) MB"
if [ "$detail" = "--detail" ]; then
  for kind in "${!by_kind[@]}"; do
    printf '  %-22s %6d MB\n' "$kind" $(( by_kind[$kind] / 1024 ))
  done | sort -k2 -t$'\t'
fi
