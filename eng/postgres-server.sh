#!/usr/bin/env bash
# Runs a private PostgreSQL 15 cluster in the foreground, for the Aspire AppHost
# (there is no Docker engine, so Postgres runs as a local process).
#
# Environment (all required unless marked optional):
#   PGPORT                 TCP port to listen on, on 127.0.0.1 only.
#   GROWTHKIT_PG_DATA      Folder for the cluster (created, a folder of its own).
#                          The cluster lives in ./cluster, the Unix socket in
#                          ./run (mode 0700; a private /tmp folder if that path
#                          is too long for a socket).
#   GROWTHKIT_PG_PASSWORD  Password of superuser "postgres", set on EVERY start,
#                          so it need not be stored anywhere.
#   GROWTHKIT_PG_DURABLE   Optional. "false" (or 0/no/off, any case) = test
#                          cluster: fsync, synchronous_commit and
#                          full_page_writes off. Anything else: durable.
#   GROWTHKIT_PG_BIN       Optional. Default /usr/lib/postgresql/15/bin.
#
# Prints "postgres-server: ready on 127.0.0.1:PORT" once the password is set.
# SIGTERM/SIGINT/SIGHUP: fast shutdown of Postgres (its SIGINT); exits with its
# code (0). If Postgres stops by itself, exits non-zero.
set -euo pipefail

readonly me=postgres-server
log() { printf '%s: %s\n' "$me" "$*"; }
fail() { printf '%s: error: %s\n' "$me" "$*" >&2; exit 1; }

started_at=$EPOCHREALTIME

pg_bin=${GROWTHKIT_PG_BIN:-/usr/lib/postgresql/15/bin}
for tool in postgres initdb psql pg_isready; do
  [[ -x $pg_bin/$tool ]] || fail "$pg_bin/$tool not found; run eng/provision.sh (Debian package postgresql-15)"
done

port=${PGPORT:-}
if [[ ! $port =~ ^[0-9]{1,5}$ ]] || ((10#$port < 1 || 10#$port > 65535)); then
  fail "PGPORT must be a TCP port number (got '$port')"
fi
port=$((10#$port))
[[ -n ${GROWTHKIT_PG_DATA:-} ]] || fail "GROWTHKIT_PG_DATA must name the folder for the cluster"
[[ -n ${GROWTHKIT_PG_PASSWORD:-} ]] || fail "GROWTHKIT_PG_PASSWORD must be set"

# Keep the password in a shell variable only: postgres and psql must not
# inherit it in their environment (readable in /proc).
password=$GROWTHKIT_PG_PASSWORD
unset GROWTHKIT_PG_PASSWORD
# libpq variables from the caller must not redirect our own psql calls.
unset PGHOST PGHOSTADDR PGUSER PGDATABASE PGOPTIONS PGSERVICE PGSERVICEFILE PGPASSWORD PGPASSFILE PGSSLMODE

durable=true
case ${GROWTHKIT_PG_DURABLE:-true} in
  [Ff][Aa][Ll][Ss][Ee] | 0 | [Nn][Oo] | [Oo][Ff][Ff]) durable=false ;;
esac

# Postgres refuses to run as root: as root, run it (and initdb) as "postgres";
# otherwise (a developer laptop) as the current user.
if ((EUID == 0)); then
  id -u postgres >/dev/null 2>&1 || fail "user 'postgres' does not exist; run eng/provision.sh"
  owner=postgres
  as_owner=(setpriv --reuid=postgres --regid=postgres --init-groups --)
else
  owner=$(id -un)
  as_owner=()
fi

data=$(realpath -m -- "$GROWTHKIT_PG_DATA")
cluster=$data/cluster
sock_dir=$data/run
tmp_sock_dir=''
pg_pid=''
stopping=false

# --- stop handling -----------------------------------------------------------

# shellcheck disable=SC2317 # invoked by trap
on_signal() {
  stopping=true
  if [[ -n $pg_pid ]]; then
    kill -INT "$pg_pid" 2>/dev/null || true  # SIGINT = Postgres's fast shutdown
  fi
}
trap on_signal TERM INT HUP

# Waits for Postgres to exit and sets pg_rc. A trapped signal interrupts `wait`
# (status > 128) while Postgres still runs; once stopping, poll instead so a
# hung shutdown can be escalated (immediate shutdown, then kill).
wait_postgres() {
  local ticks=0
  while :; do
    if [[ $stopping == true ]]; then
      while kill -0 "$pg_pid" 2>/dev/null; do
        sleep 0.1
        ticks=$((ticks + 1))
        if ((ticks == 100)); then
          log "fast shutdown takes over 10 s; sending SIGQUIT (immediate shutdown)"
          kill -QUIT "$pg_pid" 2>/dev/null || true
        elif ((ticks == 150)); then
          kill -KILL "$pg_pid" 2>/dev/null || true
        fi
      done
    fi
    pg_rc=0
    wait "$pg_pid" || pg_rc=$?
    if ((pg_rc > 128)) && kill -0 "$pg_pid" 2>/dev/null; then
      continue
    fi
    pg_pid=''
    return 0
  done
}

# Whatever makes this script exit (an error included) must not leave Postgres behind.
# shellcheck disable=SC2317 # invoked by trap
cleanup() {
  local rc=$?
  if [[ -n $pg_pid ]]; then
    on_signal
    wait_postgres
  fi
  if [[ -n $tmp_sock_dir ]]; then
    rm -rf -- "$tmp_sock_dir"
  fi
  exit "$rc"
}
trap cleanup EXIT

# --- data folder ---------------------------------------------------------------

# umask 022: any parent folders we create must stay reachable for $owner.
(umask 022 && mkdir -p -- "$data") || fail "cannot create $data"
# The folder is handed to $owner and made private: refuse one that holds anything else.
shopt -s nullglob dotglob
for entry in "$data"/*; do
  case ${entry##*/} in
    cluster | cluster.new | run) ;;
    *) fail "$data holds '${entry##*/}': GROWTHKIT_PG_DATA must be a folder of its own" ;;
  esac
done
shopt -u nullglob dotglob
if ((EUID == 0)); then
  chown "$owner:" "$data"
  # The owner must be able to reach the folder: name the first parent that blocks it.
  if ! "${as_owner[@]}" test -x "$data"; then
    parent=''
    IFS=/ read -ra parts <<<"${data#/}"
    for part in "${parts[@]}"; do
      parent+=/$part
      if ! "${as_owner[@]}" test -x "$parent"; then
        fail "user '$owner' cannot enter $parent, so it cannot reach $data; choose a data folder elsewhere (not under /root) or allow it: chmod o+x $parent"
      fi
    done
    fail "user '$owner' cannot reach $data"
  fi
fi
chmod 0700 "$data"

# --- cluster -----------------------------------------------------------------

if [[ -e $cluster && ! -f $cluster/PG_VERSION ]]; then
  fail "$cluster exists but is not a PostgreSQL cluster; move it away"
fi
if [[ -f $cluster/PG_VERSION ]]; then
  version=$(<"$cluster/PG_VERSION")
  [[ $version == 15 ]] || fail "$cluster was made by PostgreSQL $version, this is PostgreSQL 15; move it away"
  if [[ $(stat -c %U -- "$cluster") != "$owner" ]]; then
    ((EUID == 0)) || fail "$cluster is not owned by $owner"
    chown -R "$owner:" "$cluster"
  fi
else
  # initdb into a side folder and rename it when complete, so an interrupted
  # initdb never leaves a half-made cluster that looks real.
  log "creating a new cluster in $cluster"
  rm -rf -- "$cluster.new"
  initdb_opts=(-D "$cluster.new" -U postgres --auth-local=trust --auth-host=scram-sha-256 --encoding=UTF8 --locale=C)
  [[ $durable == true ]] || initdb_opts+=(--no-sync)
  (cd "$data" && "${as_owner[@]}" "$pg_bin/initdb" "${initdb_opts[@]}" >/dev/null)
  mv -- "$cluster.new" "$cluster"
fi
[[ $stopping == false ]] || exit 0

# Unix socket path must fit in sun_path (107 bytes) and be a plain list item;
# otherwise use a private temporary folder.
if ((${#sock_dir} > 90)) || [[ $sock_dir == *[,\"\\\ ]* ]]; then
  tmp_sock_dir=$(mktemp -d /tmp/growthkit-pg.XXXXXX)
  sock_dir=$tmp_sock_dir
fi
mkdir -p -- "$sock_dir"
((EUID != 0)) || chown "$owner:" "$sock_dir"
chmod 0700 "$sock_dir"

# --- start -------------------------------------------------------------------

settings=(
  -c listen_addresses=127.0.0.1
  -c port="$port"
  -c unix_socket_directories="$sock_dir"
  -c unix_socket_permissions=0700
  -c max_connections=200
  -c shared_buffers=256MB
  -c log_statement=none
  -c cluster_name="growthkit-$port"
)
if [[ $durable == false ]]; then
  settings+=(-c fsync=off -c synchronous_commit=off -c full_page_writes=off)
fi

# setpriv --pdeathsig: Postgres gets SIGINT if this script is killed outright
# (SIGKILL), so it never outlives its supervisor.
launch=()
if command -v setpriv >/dev/null 2>&1; then
  if ((EUID == 0)); then
    launch=(setpriv --reuid=postgres --regid=postgres --init-groups --pdeathsig INT --)
  else
    launch=(setpriv --pdeathsig INT --)
  fi
elif ((EUID == 0)); then
  fail "setpriv (util-linux) is required to run Postgres as user postgres"
fi

cd "$data"
log "starting PostgreSQL 15 on 127.0.0.1:$port (durable=$durable, data $cluster)"
# Postgres logs to stderr, where the AppHost would show every routine line as an error: send its log
# to stdout; this script's own failures stay on stderr.
"${launch[@]}" "$pg_bin/postgres" -D "$cluster" "${settings[@]}" 2>&1 &
pg_pid=$!

deadline=$((SECONDS + 120))
until "$pg_bin/pg_isready" -q -h "$sock_dir" -p "$port" -U postgres -d postgres; do
  if ! kill -0 "$pg_pid" 2>/dev/null; then
    wait_postgres
    fail "postgres exited with code $pg_rc during start-up"
  fi
  [[ $stopping == false ]] || exit 0
  ((SECONDS < deadline)) || fail "postgres did not accept connections within 120 s"
  sleep 0.1
done

# Set the password over the private socket (trust). The statement goes on
# stdin (printf is a builtin: not visible in ps); the session neither logs the
# statement on error nor echoes it in psql's error context.
quoted=${password//\'/\'\'}
printf "SET log_statement = 'none';\nSET log_min_error_statement = panic;\nALTER USER postgres PASSWORD '%s';\n" "$quoted" |
  "$pg_bin/psql" -X -q -w -v ON_ERROR_STOP=1 -v VERBOSITY=terse \
    -h "$sock_dir" -p "$port" -U postgres -d postgres >/dev/null ||
  fail "could not set the password of user postgres"
unset password quoted

elapsed=$(((${EPOCHREALTIME/[.,]/} - ${started_at/[.,]/}) / 1000))
log "ready on 127.0.0.1:$port (pid $pg_pid, started in ${elapsed} ms)"

wait_postgres
rc=$pg_rc
if [[ $stopping == true ]]; then
  log "stopped (exit code $rc)"
else
  log "postgres exited by itself with code $rc"
  ((rc != 0)) || rc=1
fi
exit "$rc"
