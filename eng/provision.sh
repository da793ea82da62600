#!/usr/bin/env bash
# Installs what the AppHost runs as local processes (there is no Docker engine):
# RabbitMQ, the PostgreSQL 15 server and curl, and chromium for the web app's browser
# tests. Idempotent and fast when all is present: apt is touched only when something is missing.
set -euo pipefail

# Debian packages to install.
missing=()

# eng/rabbitmq-server.sh runs this script directly (not the /usr/sbin wrapper).
if [[ ! -x /usr/lib/rabbitmq/bin/rabbitmq-server || ! -x /usr/lib/rabbitmq/bin/rabbitmqctl ]]; then
  missing+=(rabbitmq-server)
fi

# eng/postgres-server.sh needs initdb, postgres and psql of major version 15.
pg_bin=/usr/lib/postgresql/15/bin
if [[ ! -x $pg_bin/postgres || ! -x $pg_bin/initdb || ! -x $pg_bin/psql ]] || ! id postgres >/dev/null 2>&1; then
  missing+=(postgresql-15)
fi

# The web app's browser tests drive Debian's chromium (Playwright, no downloaded browser).
if ! command -v chromium >/dev/null 2>&1; then
  missing+=(chromium)
fi

# run.sh waits on the gateway with curl; docs/walkthrough.md uses curl and jq.
for tool in curl jq; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done

if ((${#missing[@]} == 0)); then
  exit 0
fi

if ((EUID != 0)); then
  echo "provision: missing ${missing[*]}; run as root (for example: sudo $0), or install these Debian packages yourself." >&2
  exit 1
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "provision: missing ${missing[*]} and apt-get is not available; install them by hand." >&2
  exit 1
fi

# Without an init system the packages' postinst would try to start system-wide
# services (a PostgreSQL on 5432 and so on) that we never use: forbid service
# starts for the duration of the install unless a policy already exists.
policy=/usr/sbin/policy-rc.d
if [[ ! -e $policy ]]; then
  printf '#!/bin/sh\n# Temporary, from eng/provision.sh: do not start services.\nexit 101\n' >"$policy"
  chmod 0755 "$policy"
  trap 'rm -f "$policy"' EXIT
fi

# Wait for the dpkg lock instead of failing when another apt run is going on.
apt_opts=(-o DPkg::Lock::Timeout=300 -q)
export DEBIAN_FRONTEND=noninteractive

apt-get "${apt_opts[@]}" update >/dev/null
apt-get "${apt_opts[@]}" install -y --no-install-recommends "${missing[@]}" >/dev/null

for package in "${missing[@]}"; do
  echo "provision: installed $package"
done
