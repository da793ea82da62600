#!/usr/bin/env bash
# Restores a backup of eng/backup.sh into an EMPTY database: eng/restore.sh <file>
# First the growthkit_* roles of <file>.roles.sql (created when missing, without passwords), then
# pg_restore of <file> with its owners and grants, in one transaction: all or nothing.
# Then start GrowthKit (./run.sh, or the Kubernetes Jobs db-setup and db-migrate before the
# services): db-setup sets the roles' passwords and privileges again, eng/migrate.sh finds the schema
# up to date (or applies what a newer release adds), and the relays go on from the checkpoints of
# the dump. Read eng/backup.sh on draining the broker before a backup.
#
# Connection: the libpq environment (PGHOST, PGPORT, PGUSER, PGPASSWORD or PGPASSFILE, PGDATABASE)
# of the new cluster's administrator; PGDATABASE names the empty target database (create it first:
# `createdb`, or the `postgres` database of a fresh cluster). It refuses a database that holds a
# GrowthKit schema already.
# Binaries: GROWTHKIT_PG_BIN (default /usr/lib/postgresql/15/bin), as eng/postgres-server.sh.
set -euo pipefail

file=${1:-}
[[ -n $file && -f $file ]] || { echo "usage: eng/restore.sh <file> (a backup of eng/backup.sh)" >&2; exit 2; }
[[ -f $file.roles.sql ]] || { echo "restore: $file.roles.sql not found (eng/backup.sh writes it beside the dump)" >&2; exit 2; }
pg_bin=${GROWTHKIT_PG_BIN:-/usr/lib/postgresql/15/bin}
export PGDATABASE=${PGDATABASE:-postgres}
for tool in pg_restore psql; do
  [[ -x $pg_bin/$tool ]] || { echo "restore: $pg_bin/$tool not found (run eng/provision.sh)" >&2; exit 1; }
done
psql=("$pg_bin/psql" --no-psqlrc --no-password -v ON_ERROR_STOP=1 -qAt)

started=$EPOCHREALTIME
# Only into an empty database: restoring over data would mix two histories.
existing=$("${psql[@]}" -c "select string_agg(nspname, ', ') from pg_namespace
  where nspname in ('gateway', 'icp', 'leads', 'scoring', 'refinement', 'integrations', 'web', 'audit')")
if [[ -n $existing ]]; then
  echo "restore: the target database already has GrowthKit schemas ($existing); restore into an empty one" >&2
  exit 1
fi
"${psql[@]}" -f "$file.roles.sql"
"$pg_bin/pg_restore" --no-password --exit-on-error --single-transaction --dbname="$PGDATABASE" "$file"
elapsed=$(awk -v a="$started" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
echo "restore: $file restored into $PGDATABASE in ${elapsed} s"
