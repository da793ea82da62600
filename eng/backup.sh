#!/usr/bin/env bash
# Backs up GrowthKit's whole database: eng/backup.sh <file>
#   <file>            pg_dump custom format (-Fc) of the database: every schema (the services', the
#                     audit chain), their data, owners, grants and default privileges.
#   <file>.roles.sql  the growthkit_* roles it names (roles live in the cluster, not the database),
#                     without passwords: GrowthKit.DbSetup sets every password at each start.
# Restore with eng/restore.sh <file> into an EMPTY database.
#
# Connection: the libpq environment (PGHOST, PGPORT, PGUSER, PGPASSWORD or PGPASSFILE, PGDATABASE)
# of a login that reads every schema — the database's administrator (the one db-setup uses).
# Binaries: PostgreSQL 15's, from GROWTHKIT_PG_BIN (default /usr/lib/postgresql/15/bin, as in
# eng/postgres-server.sh); pg_dump must not be older than the server.
#
# The broker: drain it first, and nothing is lost. Every message GrowthKit puts on RabbitMQ is
# published by a relay (src/GrowthKit.Platform.Messaging/IntegrationRelay.cs: a Marten subscription in the
# leads, ICP, scoring and refinement services) from events already committed in this database, and
# no code publishes any other way. What the broker alone holds is therefore the *effect* a message
# has not yet had on its consumer's tables (a score not yet recorded, a lead not yet known to
# refinement), not data: but the relays' checkpoints in the dump are already past those messages, so
# a restore would NOT publish them again. Hence, before a backup you mean to restore from:
#   1. stop writes (scale the gateway to 0, or stop ./run.sh's gateway);
#   2. wait until every GrowthKit queue is empty, and redrive or inspect every *_error queue
#      (eng/redrive.sh; `rabbitmqctl -p growthkit list_queues name messages`) — a message left in an
#      error queue is not in the backup;
#   3. run this script. The dump is one consistent snapshot (a single repeatable-read transaction).
# A backup taken while messages were in flight is still a consistent database, without the effects
# of those messages on their consumers.
set -euo pipefail

file=${1:-}
[[ -n $file ]] || { echo "usage: eng/backup.sh <file>" >&2; exit 2; }
pg_bin=${GROWTHKIT_PG_BIN:-/usr/lib/postgresql/15/bin}
export PGDATABASE=${PGDATABASE:-postgres}
for tool in pg_dump psql; do
  [[ -x $pg_bin/$tool ]] || { echo "backup: $pg_bin/$tool not found (run eng/provision.sh)" >&2; exit 1; }
done

started=$EPOCHREALTIME
# Written beside the target first, so a failed backup never leaves a truncated file under its name.
"$pg_bin/pg_dump" --format=custom --compress=6 --no-password --file="$file.partial"
"$pg_bin/psql" --no-psqlrc --no-password -v ON_ERROR_STOP=1 -qAt -c "
  select format('do \$\$ begin if not exists (select from pg_roles where rolname = %L) then create role %I login; end if; end \$\$;', rolname, rolname)
  from pg_roles where rolname like 'growthkit\_%' order by rolname" >"$file.roles.sql.partial"
mv "$file.partial" "$file"
mv "$file.roles.sql.partial" "$file.roles.sql"
elapsed=$(awk -v a="$started" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
echo "backup: $file ($(stat -c %s "$file") bytes) and $file.roles.sql in ${elapsed} s"
