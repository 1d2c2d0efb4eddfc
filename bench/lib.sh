# Shared setup of the benchmark scripts, sourced by bench/*/run.sh and bench/app/writes.sh (not
# run on its own): where things are, Debian packages, the output directory, the processes a
# script starts and their cleanup on exit, waits with deadlines, hadr.jar and its environments,
# and the arithmetic of the results (wrk latencies, medians, CPU time).
#
#   source "$(dirname "$0")/../lib.sh"
#   bench_out frontdoor          # OUT=bench/results/frontdoor-<time> unless OUT is set
#   need wrk wrk                 # command, Debian package
#   some-server & bench_track $! # stopped on exit
#   wait_for http://127.0.0.1:8080/ "front door" 60

BENCH_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH_PIDS=()
# The state directory of the hadr environment a script runs, taken down on exit while it is set.
HADR_STATE=""

# bench_out NAME [extra chmod]: the run's output directory, $OUT (created; an OUT set by the
# caller wins). As root PostgreSQL runs as nobody, so the directory is made traversable for it.
bench_out() {
  OUT="${OUT:-$BENCH_ROOT/bench/results/$1-$(date -u +%Y%m%dT%H%M%SZ)}"
  mkdir -p "$OUT"
  OUT="$(cd "$OUT" && pwd)"
  chmod o+x "$OUT" "$BENCH_ROOT/bench/results" 2>/dev/null || true
}

# need COMMAND PACKAGE: installs the Debian package when the command is missing.
need() {
  if ! command -v "$1" >/dev/null 2>&1; then
    echo "installing $2 (Debian package)..." >&2
    if [ "$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq "$2" >/dev/null
    else sudo apt-get update -qq && sudo apt-get install -y -qq "$2" >/dev/null; fi
  fi
}

# bench_track PID: a process this script started; it is stopped when the script exits.
bench_track() {
  BENCH_PIDS+=("$1")
}

bench_cleanup() {
  local pid
  for pid in ${BENCH_PIDS[@]+"${BENCH_PIDS[@]}"}; do kill "$pid" 2>/dev/null || true; done
  for pid in ${BENCH_PIDS[@]+"${BENCH_PIDS[@]}"}; do wait "$pid" 2>/dev/null || true; done
  if [ -n "$HADR_STATE" ]; then "${HADR[@]}" down --state-dir "$HADR_STATE" >/dev/null 2>&1 || true; fi
}
trap bench_cleanup EXIT

# wait_for URL NAME [SECONDS]: waits (default at most 60 s) until URL answers 2xx; fails naming
# NAME and, when there is one, its log in $OUT.
wait_for() {
  local deadline=$((SECONDS + ${3:-60}))
  until curl -fs -o /dev/null "$1" 2>/dev/null; do
    if [ $SECONDS -ge $deadline ]; then
      echo "$2 did not come up at $1$([ -f "${OUT:-}/$2.log" ] && echo " (log: $OUT/$2.log)")" >&2
      exit 1
    fi
    sleep 0.2
  done
}

# hadr_jar: builds hadr.jar when needed; HADR is the command that runs it.
hadr_jar() {
  echo "building hadr.jar if needed..." >&2
  "$BENCH_ROOT/hadr" version >/dev/null
  HADR=(java -jar "$BENCH_ROOT/cli/target/hadr.jar")
}

# local_ports [ENDPOINT APP_BASE DATABASE_BASE]: the topology's local: section, any free port by default.
local_ports() {
  cat <<YAML
local:
  endpointPort: ${1:-0}
  appBasePort: ${2:-0}
  databaseBasePort: ${3:-0}
  controlPort: 0
YAML
}

# to_ms LATENCY: a wrk latency like 512.00us, 1.23ms or 2.01s in milliseconds.
to_ms() {
  awk -v v="$1" 'BEGIN {
    if (v ~ /us$/) { sub(/us$/, "", v); printf "%.3f", v / 1000 }
    else if (v ~ /ms$/) { sub(/ms$/, "", v); printf "%.3f", v }
    else if (v ~ /s$/) { sub(/s$/, "", v); printf "%.3f", v * 1000 }
    else { printf "%s", v } }'
}

# median NUMBERS...: their median.
median() {
  printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1} END {if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}

# cpu_ticks PID: CPU time (user + system, clock ticks) of a process and its children (gunicorn's
# workers); a JVM's threads are in its own count. Throughput on a shared machine moves with
# everyone else's load; CPU per request much less so.
cpu_ticks() {
  local total=0 p
  for p in "$1" $(pgrep -P "$1" || true); do
    total=$((total + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0)))
  done
  echo "$total"
}
TICK_US=$((1000000 / $(getconf CLK_TCK)))
