#!/usr/bin/env bash
# A three-node RabbitMQ cluster of local processes (no Docker engine), for the quorum-queue test and
# for trying fail-over by hand. The nodes rabbit1..3@localhost share one Erlang cookie and one private
# epmd, listen on 127.0.0.1 only, and run in the background until `stop`.
#
#   eng/rabbitmq-cluster.sh start DIR   # creates DIR (a folder of its own), starts and clusters the nodes
#   eng/rabbitmq-cluster.sh stop DIR    # stops whatever of it still runs (also after a kill -9); idempotent
#   eng/rabbitmq-cluster.sh ctl DIR N ARGS...   # rabbitmqctl ARGS against node N (1-3), e.g.
#       eng/rabbitmq-cluster.sh ctl DIR 1 list_queues name type leader members
#
# start needs GROWTHKIT_RABBITMQ_USER and GROWTHKIT_RABBITMQ_PASSWORD (the user is created with all
# permissions on GROWTHKIT_RABBITMQ_VHOST, default "/", instead of "guest"). Ports are picked free.
# When ready it writes DIR/cluster.env (sourceable: NODES, AMQP_PORTS, PID_FILES, EPMD_PORT, ...) and
# prints "rabbitmq-cluster: ready on 127.0.0.1:P1,127.0.0.1:P2,127.0.0.1:P3". A failed start stops
# what it started. Run eng/provision.sh first on a fresh machine (Debian package rabbitmq-server).
set -euo pipefail

readonly me=rabbitmq-cluster
readonly size=3
log() { printf '%s: %s\n' "$me" "$*"; }
fail() { printf '%s: error: %s\n' "$me" "$*" >&2; exit 1; }

[[ ($# -eq 2 && ($1 == start || $1 == stop)) || ($# -ge 3 && $1 == ctl) ]] ||
  fail "usage: $0 start|stop DIR, or $0 ctl DIR NODE ARGS..."
command=$1
dir=$(realpath -m -- "$2")
shift 2
rmq_bin=/usr/lib/rabbitmq/bin
epmd=$(command -v epmd || echo /usr/lib/erlang/bin/epmd)
for tool in "$rmq_bin/rabbitmq-server" "$rmq_bin/rabbitmqctl" "$rmq_bin/rabbitmq-diagnostics" "$epmd"; do
  [[ -x $tool ]] || fail "$tool not found; run eng/provision.sh (Debian package rabbitmq-server)"
done

# The environment every server and CLI call of node $1 (1-based) needs; the caller sets $epmd_port
# and, for a server, $amqp_port/$dist_port.
node_env() {
  local i=$1
  export HOME=$dir/home
  export RABBITMQ_CONF_ENV_FILE=$dir/rabbitmq-env.conf
  export RABBITMQ_CONFIG_FILE=$dir/rabbitmq.conf
  export RABBITMQ_CONFIG_FILES=$dir/conf.d
  export RABBITMQ_ADVANCED_CONFIG_FILE=$dir/advanced.config
  export RABBITMQ_ENABLED_PLUGINS_FILE=$dir/enabled_plugins
  export RABBITMQ_NODENAME=rabbit$i@localhost
  export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
  export RABBITMQ_MNESIA_BASE=$dir/mnesia
  export RABBITMQ_LOG_BASE=$dir/log/rabbit$i
  export RABBITMQ_PID_FILE=$dir/mnesia/rabbit$i@localhost.pid
  export ERL_EPMD_PORT=$epmd_port
  export ERL_EPMD_ADDRESS=127.0.0.1
  export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-start_epmd false -kernel inet_dist_use_interface {127,0,0,1}"
  export RABBITMQ_CTL_ERL_ARGS="-start_epmd false -kernel inet_dist_use_interface {127,0,0,1}"
  export RABBITMQ_CTL_DIST_PORT_MIN=0
  export RABBITMQ_CTL_DIST_PORT_MAX=0
}

ctl() {  # ctl NODE ARGS...: rabbitmqctl against node NODE
  local i=$1
  shift
  (node_env "$i" && timeout 120 "$rmq_bin/rabbitmqctl" -q "$@")
}

# --- stop --------------------------------------------------------------------

stop_cluster() {
  [[ -f $dir/cluster.env ]] || { [[ -f $dir/cluster.env.starting ]] || return 0; }
  # shellcheck disable=SC1091
  source "$dir/cluster.env" 2>/dev/null || source "$dir/cluster.env.starting"
  local i pid pids=()
  for ((i = 1; i <= size; i++)); do
    pid=$(cat "$dir/mnesia/rabbit$i@localhost.pid" 2>/dev/null || true)
    [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || continue
    pids+=("$pid")
    # RabbitMQ shuts down in order on SIGTERM (no CLI call, which costs seconds on a busy machine).
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    for _ in {1..150}; do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  if [[ -n ${EPMD_PID:-} ]] && kill -0 "$EPMD_PID" 2>/dev/null; then
    "$epmd" -port "$EPMD_PORT" -kill >/dev/null 2>&1 || true
    sleep 0.2
    kill -TERM "$EPMD_PID" 2>/dev/null || true
  fi
  rm -f "$dir/cluster.env" "$dir/cluster.env.starting"
  log "stopped"
}

if [[ $command == ctl ]]; then
  [[ -f $dir/cluster.env ]] || fail "no running cluster in $dir"
  # shellcheck disable=SC1091
  source "$dir/cluster.env"
  epmd_port=$EPMD_PORT
  [[ $1 =~ ^[1-3]$ ]] || fail "NODE must be 1, 2 or 3"
  node=$1
  shift
  ctl "$node" "$@"
  exit
fi

if [[ $command == stop ]]; then
  stop_cluster
  exit 0
fi

# --- start -------------------------------------------------------------------

[[ -n ${GROWTHKIT_RABBITMQ_USER:-} ]] || fail "GROWTHKIT_RABBITMQ_USER must be set"
[[ -n ${GROWTHKIT_RABBITMQ_PASSWORD:-} ]] || fail "GROWTHKIT_RABBITMQ_PASSWORD must be set"
user=$GROWTHKIT_RABBITMQ_USER
password=$GROWTHKIT_RABBITMQ_PASSWORD
unset GROWTHKIT_RABBITMQ_PASSWORD  # no child inherits it
[[ $password =~ ^[A-Za-z0-9._~+/=-]+$ ]] ||
  fail "GROWTHKIT_RABBITMQ_PASSWORD may hold only letters, digits and ._~+/=- (it goes into rabbitmq.conf)"
vhost=${GROWTHKIT_RABBITMQ_VHOST:-/}
[[ ! -e $dir/cluster.env && ! -e $dir/cluster.env.starting ]] || fail "$dir holds a cluster already; stop it first"

(umask 022 && mkdir -p -- "$dir") || fail "cannot create $dir"
chmod 0700 "$dir"
mkdir -p -- "$dir/home" "$dir/mnesia" "$dir/log"
if [[ ! -s $dir/home/.erlang.cookie ]]; then
  (umask 077 && head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$dir/home/.erlang.cookie")
fi
chmod 0400 "$dir/home/.erlang.cookie"
: >"$dir/rabbitmq-env.conf"
printf '[].\n' >"$dir/enabled_plugins"
# The nodes find each other through the list (no join_cluster: each CLI call costs seconds on a busy
# machine), and the first node creates the user from this file, which therefore holds the password:
# owner-only, in the owner-only DIR.
(umask 077 && cat >"$dir/rabbitmq.conf") <<EOF
# Written by eng/rabbitmq-cluster.sh.
disk_free_limit.absolute = 50MB
vm_memory_high_watermark.relative = 0.2
log.file.level = info
log.console = false
cluster_formation.peer_discovery_backend = classic_config
cluster_formation.classic_config.nodes.1 = rabbit1@localhost
cluster_formation.classic_config.nodes.2 = rabbit2@localhost
cluster_formation.classic_config.nodes.3 = rabbit3@localhost
default_user = $user
default_pass = $password
default_vhost = $vhost
default_permissions.configure = .*
default_permissions.read = .*
default_permissions.write = .*
EOF
unset password

if command -v ss >/dev/null 2>&1; then
  port_in_use() { [[ -n $(ss -Hltn "sport = :$1") ]]; }
else
  port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
fi
taken=()
pick_port() {  # sets $picked to a free port in [$1, $1+$2) not picked before; below the ephemeral range
  local lo=$1 span=$2 start=$((RANDOM % $2)) i p
  for ((i = 0; i < span; i++)); do
    p=$((lo + (start + i) % span))
    [[ " ${taken[*]} " != *" $p "* ]] || continue
    if ! port_in_use "$p"; then
      picked=$p
      taken+=("$p")
      return 0
    fi
  done
  fail "no free port in $lo-$((lo + span - 1))"
}

trap 'rc=$?; if ((rc != 0)); then log "start failed; stopping what started"; stop_cluster || true; fi' EXIT

pick_port 21000 1000
epmd_port=$picked
setsid "$epmd" -port "$epmd_port" -address 127.0.0.1 </dev/null >/dev/null 2>&1 &
epmd_pid=$!
for _ in {1..50}; do
  "$epmd" -port "$epmd_port" -names >/dev/null 2>&1 && break
  kill -0 "$epmd_pid" 2>/dev/null || fail "epmd did not start on port $epmd_port"
  sleep 0.1
done

amqp_ports=() dist_ports=() nodes=() pid_files=()
for ((i = 1; i <= size; i++)); do
  pick_port 22000 8000
  amqp_ports+=("$picked")
  pick_port 22000 8000
  dist_ports+=("$picked")
  nodes+=("rabbit$i@localhost")
  pid_files+=("$dir/mnesia/rabbit$i@localhost.pid")
done
write_env() {  # $1: file name
  {
    printf 'EPMD_PORT=%s\nEPMD_PID=%s\n' "$epmd_port" "$epmd_pid"
    printf 'NODES=(%s)\n' "${nodes[*]}"
    printf 'AMQP_PORTS=(%s)\n' "${amqp_ports[*]}"
    printf 'DIST_PORTS=(%s)\n' "${dist_ports[*]}"
    printf 'PID_FILES=(%s)\n' "${pid_files[*]}"
    printf 'VHOST=%q\n' "$vhost"
  } >"$dir/$1"
}
write_env cluster.env.starting

start_node() {
  local i=$1
  (
    node_env "$i"
    export RABBITMQ_NODE_PORT=${amqp_ports[i - 1]} RABBITMQ_DIST_PORT=${dist_ports[i - 1]}
    mkdir -p "$RABBITMQ_LOG_BASE"
    cd "$dir"
    setsid "$rmq_bin/rabbitmq-server" </dev/null >"$RABBITMQ_LOG_BASE/console.log" 2>&1 &
  )
}
# 0 once node $1 accepts AMQP connections (its listener opens last in its boot).
await_node() {
  local i=$1 deadline=$((SECONDS + 180)) pid
  until port_in_use "${amqp_ports[i - 1]}"; do
    pid=$(cat "$dir/mnesia/rabbit$i@localhost.pid" 2>/dev/null || true)
    if [[ -n $pid ]] && ! kill -0 "$pid" 2>/dev/null; then
      fail "node rabbit$i exited during start-up; see $dir/log/rabbit$i"
    fi
    ((SECONDS < deadline)) || fail "node rabbit$i did not start within 180 s; see $dir/log/rabbit$i"
    sleep 0.3
  done
}

log "starting ${size} nodes (epmd $epmd_port, AMQP ${amqp_ports[*]}, data $dir)"
# The first node forms the cluster; the others, started side by side once it runs, join it.
start_node 1
await_node 1
for ((i = 2; i <= size; i++)); do start_node "$i"; done
for ((i = 2; i <= size; i++)); do await_node "$i"; done
running=$(ctl 1 eval 'length(rabbit_nodes:all_running()).' 2>/dev/null | tr -d '[:space:]')
[[ $running == "$size" ]] || fail "only ${running:-?} of $size nodes run in the cluster"

write_env cluster.env
rm -f "$dir/cluster.env.starting"
endpoints=$(printf '127.0.0.1:%s,' "${amqp_ports[@]}")
log "ready on ${endpoints%,}"
