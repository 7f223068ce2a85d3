# Sourced by deploy/kafka/start and deploy/kafka/stop: settings and the helpers both need.
# shellcheck shell=bash

data=${NFE_KAFKA_DATA:-/var/tmp/nfe-kafka}
port=${NFE_KAFKA_PORT:-9092}
controller_port=${NFE_KAFKA_CONTROLLER_PORT:-9093}

for p in "$port" "$controller_port"; do
  case $p in
    '' | *[!0-9]*) echo "nfe-kafka: port '$p' is not a number" >&2; exit 2 ;;
  esac
done
if [ "$port" = "$controller_port" ]; then
  echo "nfe-kafka: NFE_KAFKA_PORT and NFE_KAFKA_CONTROLLER_PORT are both $port" >&2
  exit 2
fi

# Absolute, so that the broker's command line names its config unambiguously (that is how a
# running broker is recognised) and nothing depends on the caller's directory. Only start
# creates the directory (it sets create_data=yes): stop on a missing one has nothing to stop.
if [ "${create_data:-}" = yes ]; then
  mkdir -p "$data"
fi
if [ -d "$data" ]; then
  data=$(cd "$data" && pwd -P)
fi
props=$data/server.properties
pidfile=$data/kafka.pid
server_log=$data/server.log

# Start and stop hold this lock for their whole run, so two of them on one data directory never
# interleave (two brokers on one log directory corrupt each other's view of the metadata log).
lock_data_dir() {
  exec 9>"$data/.control.lock"
  if ! flock -w 120 9; then
    echo "nfe-kafka: another start/stop on $data has held its lock for 120 s" >&2
    exit 1
  fi
}

# A pid counts as alive when it exists and is not a zombie: the broker is start's child, and a
# child that died stays in /proc (and answers kill -0) until it is reaped.
alive() {
  local stat
  read -r stat 2>/dev/null < "/proc/$1/stat" || return 1
  stat=${stat##*) }
  [ "${stat%% *}" != Z ]
}

# True when pid $1 is a broker running this data directory's config (not a recycled pid).
# Builtins only: broker_pid runs this for every process on the machine.
is_our_broker() {
  local args n
  mapfile -d '' args 2>/dev/null < "/proc/$1/cmdline" || return 1
  n=${#args[@]}
  [ "$n" -ge 2 ] && [ "${args[n-2]}" = kafka.Kafka ] && [ "${args[n-1]}" = "$props" ] && alive "$1"
}

# Prints the pid of the broker running from this data directory, if any: the pid file's, or,
# when that is missing or stale, one found among the running processes.
broker_pid() {
  local pid
  pid=$(cat "$pidfile" 2>/dev/null || true)
  if [ -n "$pid" ] && is_our_broker "$pid"; then
    echo "$pid"
    return 0
  fi
  for d in /proc/[0-9]*; do
    pid=${d#/proc/}
    if is_our_broker "$pid"; then
      echo "$pid" > "$pidfile"
      echo "$pid"
      return 0
    fi
  done
  return 1
}

# True when something accepts TCP connections on 127.0.0.1:$1.
listening() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# The last $1 lines of the broker's logs, for error messages; with $2, a byte offset into
# server.log, only what this start's broker wrote after it (the rest is from earlier runs).
log_tail() {
  local n=${1:-25} from=${2:-0} size
  if [ -s "$data/kafka.out" ]; then
    echo "---- last lines of $data/kafka.out ----" >&2
    tail -n "$n" "$data/kafka.out" >&2
  fi
  size=$(stat -c %s "$server_log" 2>/dev/null || echo 0)
  [ "$size" -ge "$from" ] || from=0
  if [ "$size" -gt "$from" ]; then
    echo "---- last lines of $server_log ----" >&2
    tail -c +"$((from + 1))" "$server_log" | tail -n "$n" >&2
  fi
}
