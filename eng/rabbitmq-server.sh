#!/usr/bin/env bash
# Runs a private RabbitMQ node in the foreground, for the Aspire AppHost (there
# is no Docker engine, so RabbitMQ runs as a local process with its own epmd).
#
# Environment (all required):
#   RABBITMQ_NODE_PORT           AMQP port, on 127.0.0.1 only.
#   GROWTHKIT_RABBITMQ_DATA      Folder for the node (created): Erlang cookie in
#                                ./home, database in ./mnesia/<node name>, logs in ./log.
#   GROWTHKIT_RABBITMQ_USER      User to create, with all permissions on its vhost;
#                                "guest" is deleted.
#   GROWTHKIT_RABBITMQ_PASSWORD  Its password, set on EVERY start (one line).
# Optional:
#   GROWTHKIT_RABBITMQ_VHOST     The user's vhost, created when missing (default "/").
#   GROWTHKIT_RABBITMQ_TAGS      The user's tags (default "administrator"); the AppHost
#                                passes "" so the application user is no administrator.
#
# Prints "rabbitmq-server: ready on 127.0.0.1:PORT" once the user is usable.
# SIGTERM/SIGINT/SIGHUP: rabbitmqctl shutdown, then stop the private epmd; exit 0.
# If RabbitMQ dies by itself: stop epmd and exit non-zero.
set -euo pipefail

readonly me=rabbitmq-server
# Our own messages go to the original stdout/stderr (fds 3 and 4), also when a
# signal arrives while a command's output is redirected to /dev/null.
exec 3>&1 4>&2
log() { printf '%s: %s\n' "$me" "$*" >&3; }
fail() { printf '%s: error: %s\n' "$me" "$*" >&4; exit 1; }

started_at=$EPOCHREALTIME
# Nothing here reads the AppHost's stdin; background jobs get explicit stdin.
exec </dev/null

rmq_bin=/usr/lib/rabbitmq/bin
for tool in rabbitmq-server rabbitmqctl; do
  [[ -x $rmq_bin/$tool ]] || fail "$rmq_bin/$tool not found; run eng/provision.sh (Debian package rabbitmq-server)"
done
epmd=$(command -v epmd || echo /usr/lib/erlang/bin/epmd)
[[ -x $epmd ]] || fail "epmd not found; run eng/provision.sh (Debian package rabbitmq-server)"

port=${RABBITMQ_NODE_PORT:-}
if [[ ! $port =~ ^[0-9]{1,5}$ ]] || ((10#$port < 1 || 10#$port > 65535)); then
  fail "RABBITMQ_NODE_PORT must be a TCP port number (got '$port')"
fi
port=$((10#$port))
[[ -n ${GROWTHKIT_RABBITMQ_DATA:-} ]] || fail "GROWTHKIT_RABBITMQ_DATA must name the folder for the node"
user=${GROWTHKIT_RABBITMQ_USER:-}
[[ -n $user ]] || fail "GROWTHKIT_RABBITMQ_USER must be set"
[[ -n ${GROWTHKIT_RABBITMQ_PASSWORD:-} ]] || fail "GROWTHKIT_RABBITMQ_PASSWORD must be set"
vhost=${GROWTHKIT_RABBITMQ_VHOST:-/}
[[ -n $vhost ]] || vhost=/
tags=${GROWTHKIT_RABBITMQ_TAGS-administrator}
# Keep the password in a shell variable only: no child inherits it, and only its salted hash is written.
password=$GROWTHKIT_RABBITMQ_PASSWORD
unset GROWTHKIT_RABBITMQ_PASSWORD

data=$(realpath -m -- "$GROWTHKIT_RABBITMQ_DATA")
# A constant node name keeps the node's data (durable queues, users) across runs even though the
# AppHost picks a new AMQP port each time; instances never clash, as each runs its own epmd.
node_short=growthkit
node=$node_short@localhost

epmd_pid=''
server_pid=''
cli_pid=''
bg_pids=()

# --- stop handling -----------------------------------------------------------

# A stop request ends the script; the EXIT trap does the orderly shutdown.
# shellcheck disable=SC2317 # invoked by trap
on_signal() {
  log "stop requested"
  exit 0
}
trap on_signal TERM INT HUP

# Polls until $1 is gone (at most $2 tenths of a second); 1 if still there.
# shellcheck disable=SC2317 # called from the EXIT trap
wait_gone() {
  local pid=$1 ticks=$2
  while kill -0 "$pid" 2>/dev/null; do
    ((ticks-- > 0)) || return 1
    sleep 0.1
  done
}

# Orderly shutdown of whatever is running: node, then epmd. Runs on every exit.
# shellcheck disable=SC2317 # invoked by trap
cleanup() {
  local rc=$?
  trap '' TERM INT HUP  # a second signal must not cut the shutdown short
  exec 1>&3 2>&4        # undo any redirection active when the signal came
  local pid
  for pid in $cli_pid "${bg_pids[@]}"; do  # CLI calls still running
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  [[ -n $epmd_pid ]] || exit "$rc"  # nothing was started
  if [[ -n $server_pid ]] && kill -0 "$server_pid" 2>/dev/null; then
    log "stopping RabbitMQ"
    if ! timeout 30 "$rmq_bin/rabbitmqctl" -q shutdown --timeout 25 >/dev/null; then
      log "rabbitmqctl shutdown failed; sending SIGTERM"
      kill -TERM "$server_pid" 2>/dev/null || true
    fi
    if ! wait_gone "$server_pid" 150; then
      log "RabbitMQ did not stop within 15 s; killing it"
      if [[ -s $RABBITMQ_PID_FILE ]]; then
        kill -KILL "$(<"$RABBITMQ_PID_FILE")" 2>/dev/null || true
      fi
      kill -KILL "$server_pid" 2>/dev/null || true
    fi
    wait "$server_pid" 2>/dev/null || true
  fi
  if [[ -n $epmd_pid ]]; then
    # epmd -kill is refused while a node is registered; our own child is
    # killed directly in that case, so no epmd stays behind.
    "$epmd" -port "$epmd_port" -kill >/dev/null 2>&1 || true
    wait_gone "$epmd_pid" 20 || kill -TERM "$epmd_pid" 2>/dev/null || true
    wait "$epmd_pid" 2>/dev/null || true
  fi
  log "stopped"
  exit "$rc"
}
trap cleanup EXIT

# Runs a command in the background and waits for it, so that a stop signal is
# handled at once instead of after the command (CLI calls take about 1 s each).
run() {
  "$@" <&0 &
  cli_pid=$!
  local rc=0
  wait "$cli_pid" || rc=$?
  cli_pid=''
  return "$rc"
}

# --- files -------------------------------------------------------------------

(umask 022 && mkdir -p -- "$data") || fail "cannot create $data"
# The folder is made private (chmod 0700): refuse one that holds anything else.
shopt -s nullglob dotglob
for entry in "$data"/*; do
  case ${entry##*/} in
    home | mnesia | log | rabbitmq.conf | rabbitmq-env.conf | enabled_plugins | definitions.json) ;;
    *) fail "$data holds '${entry##*/}': GROWTHKIT_RABBITMQ_DATA must be a folder of its own" ;;
  esac
done
shopt -u nullglob dotglob
chmod 0700 "$data"
home=$data/home
mkdir -p -- "$home" "$data/mnesia" "$data/log"

# The Erlang cookie: server and CLI tools read it from $HOME; Erlang insists
# on owner-only permissions. Written once, kept across restarts.
cookie=$home/.erlang.cookie
if [[ ! -s $cookie ]]; then
  (umask 077 && head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$cookie.new")
  mv -f -- "$cookie.new" "$cookie"
fi
chmod 0400 "$cookie"

: >"$data/rabbitmq-env.conf"  # empty: /etc/rabbitmq/rabbitmq-env.conf is not read
printf '[].\n' >"$data/enabled_plugins"  # no plugins (no management UI)
# Rewritten on every start so that edits here take effect.
cat >"$data/rabbitmq.conf" <<'EOF'
# Written by eng/rabbitmq-server.sh on every start: edit the script instead.
# Stated explicitly: a nearly full disk in CI must not block publishers.
disk_free_limit.absolute = 50MB
vm_memory_high_watermark.relative = 0.4
# Full log in RABBITMQ_LOG_BASE; only warnings and errors on the console.
log.file.level = info
log.console = true
log.console.level = warning
log.console.use_colors = off
EOF

# --- ports -------------------------------------------------------------------

# 0 if something listens on port $1. ss sees listeners on any address without
# connecting (a connection makes another node's epmd log a warning).
if command -v ss >/dev/null 2>&1; then
  port_in_use() { [[ -n $(ss -Hltn "sport = :$1") ]]; }
else
  port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
fi

# Sets $picked to a free port in [$1, $1+$2), starting at a random offset so
# that instances starting at the same moment rarely probe the same ports.
# Stays below 32768 (the kernel's ephemeral range) and avoids $3..
pick_port() {
  local lo=$1 span=$2 start=$((RANDOM % $2)) i p
  shift 2
  for ((i = 0; i < span; i++)); do
    p=$((lo + (start + i) % span))
    [[ " $* " != *" $p "* ]] || continue
    if ! port_in_use "$p"; then
      picked=$p
      return 0
    fi
  done
  return 1
}

# A private epmd per node, started by us (not by Erlang): it never clashes
# with another node's, and we know exactly which process to stop.
launch=()
if command -v setpriv >/dev/null 2>&1; then
  launch=(setpriv --pdeathsig TERM --)  # dies with this script even on SIGKILL
fi
for attempt in 1 2 3 4 5; do
  pick_port 21000 1000 "$port" || fail "no free port for epmd in 21000-21999"
  epmd_port=$picked
  "${launch[@]}" "$epmd" -port "$epmd_port" -address 127.0.0.1 &
  epmd_pid=$!
  # epmd exits at once when the port was taken in the meantime.
  for _ in {1..50}; do
    kill -0 "$epmd_pid" 2>/dev/null || break
    "$epmd" -port "$epmd_port" -names >/dev/null 2>&1 && break
    sleep 0.1
  done
  sleep 0.05
  if kill -0 "$epmd_pid" 2>/dev/null && "$epmd" -port "$epmd_port" -names >/dev/null 2>&1; then
    break
  fi
  kill -TERM "$epmd_pid" 2>/dev/null || true
  wait "$epmd_pid" 2>/dev/null || true
  epmd_pid=''
  ((attempt < 5)) || fail "could not start epmd"
done

pick_port 22000 8000 "$port" "$epmd_port" || fail "no free port for Erlang distribution in 22000-29999"
dist_port=$picked

# --- environment shared by the server and every CLI call ---------------------

export HOME=$home
export RABBITMQ_CONF_ENV_FILE=$data/rabbitmq-env.conf
export RABBITMQ_CONFIG_FILE=$data/rabbitmq.conf
export RABBITMQ_CONFIG_FILES=$data/conf.d                  # not /etc/rabbitmq/conf.d
export RABBITMQ_ADVANCED_CONFIG_FILE=$data/advanced.config # not /etc/rabbitmq/advanced.config
export RABBITMQ_ENABLED_PLUGINS_FILE=$data/enabled_plugins
export RABBITMQ_NODENAME=$node
export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
export RABBITMQ_NODE_PORT=$port
export RABBITMQ_DIST_PORT=$dist_port
# The database lives in $RABBITMQ_MNESIA_BASE/<node name>: a node of another
# port (another name) simply gets its own folder there.
export RABBITMQ_MNESIA_BASE=$data/mnesia
export RABBITMQ_LOG_BASE=$data/log
export RABBITMQ_PID_FILE=$data/mnesia/$node.pid
export ERL_EPMD_PORT=$epmd_port
export ERL_EPMD_ADDRESS=127.0.0.1
# Erlang must not start an epmd of its own (ours runs); distribution on loopback only.
export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-start_epmd false -kernel inet_dist_use_interface {127,0,0,1}"
export RABBITMQ_CTL_ERL_ARGS="-start_epmd false -kernel inet_dist_use_interface {127,0,0,1}"
# CLI nodes listen on a kernel-chosen port (the default 35672-35682 is shared by all).
export RABBITMQ_CTL_DIST_PORT_MIN=0
export RABBITMQ_CTL_DIST_PORT_MAX=0

# --- user, vhost and permissions: imported at boot ----------------------------

# RabbitMQ imports a definitions file while it boots and opens its listeners only after that, so no
# client ever reaches the node before the user may use its vhost, and no CLI call is needed (each
# starts an Erlang VM of its own: seconds apiece on a busy machine). A node with definitions to import
# creates no "guest". The password is stored as RabbitMQ itself stores it
# (rabbit_password_hashing_sha256: base64 of a 4-byte salt followed by SHA-256 of salt and password)
# in a file only this user can read, removed once the node is up. The import also changes the
# password of a user the node already has.
hex_bytes() { printf "$(sed 's/../\\x&/g' <<<"$1")"; }  # hex string → raw bytes on stdout
salt=$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')
digest=$( { hex_bytes "$salt"; printf '%s' "$password"; } | sha256sum | cut -c1-64)
password_hash=$( { hex_bytes "$salt"; hex_bytes "$digest"; } | base64 -w0)
unset password digest
json_string() {  # $1 as a JSON string
  local v=${1//\\/\\\\}
  v=${v//\"/\\\"}
  printf '"%s"' "$v"
}
tags_json=''
# shellcheck disable=SC2086 # tags are words
for tag in $tags; do tags_json+=${tags_json:+,}$(json_string "$tag"); done
definitions=$data/definitions.json
(
  umask 077
  cat >"$definitions" <<EOF
{
  "users": [{"name": $(json_string "$user"), "password_hash": "$password_hash",
             "hashing_algorithm": "rabbit_password_hashing_sha256", "tags": [$tags_json], "limits": {}}],
  "vhosts": [{"name": $(json_string "$vhost")}],
  "permissions": [{"user": $(json_string "$user"), "vhost": $(json_string "$vhost"),
                   "configure": ".*", "write": ".*", "read": ".*"}]
}
EOF
)
unset password_hash
cat >>"$data/rabbitmq.conf" <<EOF
# The application user, its vhost and permissions (written and imported on every start).
definitions.import_backend = local_filesystem
definitions.local.path = $definitions
EOF

# --- start -------------------------------------------------------------------

cd "$data"
log "starting RabbitMQ node $node on 127.0.0.1:$port (epmd $epmd_port, distribution $dist_port, data $data)"
"${launch[@]}" "$rmq_bin/rabbitmq-server" </dev/null &
server_pid=$!

server_died() {
  local rc=0
  wait "$server_pid" || rc=$?
  server_pid=''
  fail "RabbitMQ exited with code $rc during start-up; see $RABBITMQ_LOG_BASE/$node.log"
}

# The AMQP listener opens last in the boot, after the import: once it accepts, the node is ready.
deadline=$((SECONDS + 180))
until (exec 5<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
  kill -0 "$server_pid" 2>/dev/null || server_died
  ((SECONDS < deadline)) || fail "RabbitMQ did not open 127.0.0.1:$port within 180 s"
  sleep 0.1
done
rm -f -- "$definitions"

elapsed=$(((${EPOCHREALTIME/[.,]/} - ${started_at/[.,]/}) / 1000))
log "ready on 127.0.0.1:$port (node $node, started in ${elapsed} ms)"

# --- run ---------------------------------------------------------------------

# A trapped signal interrupts `wait` and exits through on_signal; otherwise
# wait returns only when the server is gone.
rc=0
wait "$server_pid" || rc=$?
server_pid=''
log "RabbitMQ exited by itself with code $rc"
((rc != 0)) || rc=1
exit "$rc"
