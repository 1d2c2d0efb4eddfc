#!/usr/bin/env bash
# Benchmark of hadr's write path against PostgreSQL itself, in one run on one local environment:
#   (a) POST /api/records through the front door -> app -> read-write listener -> primary (wrk),
#   (b) POST /api/records straight to the primary region's app (wrk), to separate the front door,
#   (c) pgbench inserting one row per transaction into the same table of the same primary through
#       the same read-write listener, with as many clients as wrk has connections.
# Every round runs all three; the summary gives medians and the per-round ratios to pgbench, and
# the app's CPU time per write. Loopback only; every process it starts, it stops (hadr down).
#
#   bench/app/writes.sh
#   CONNECTIONS=16 ROUNDS=5 bench/app/writes.sh
#   APP_JVM_OPTIONS="-XX:+UseParallelGC" bench/app/writes.sh   # extra app JVM flags (topology app.jvmOptions)
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
source "$HERE/../lib.sh"
DURATION="${DURATION:-10}"
WARMUP="${WARMUP:-5}"
# The first round's warm-up of each wrk target is longer: the app's JIT, and the front door's, must
# reach their steady state before anything is compared with pgbench, which needs no warming.
FIRST_WARMUP="${FIRST_WARMUP:-20}"
CONNECTIONS="${CONNECTIONS:-8}"
THREADS="${THREADS:-2}"
ROUNDS="${ROUNDS:-3}"
APP_JVM_OPTIONS="${APP_JVM_OPTIONS:-}"
# As root, PostgreSQL runs as nobody; hadr keeps its data elsewhere, but the logs stay here.
bench_out app-writes

need wrk wrk
need pgbench postgresql-client
need curl curl
need python3 python3

hadr_jar
STATE="$OUT/state"
export WRITER=bench-app

# Known, so that wrk can go straight to an app locked to its front door (X-Azure-FDID).
FRONT_DOOR_ID="${FRONT_DOOR_ID:-6c1f3b2a-9d84-4e57-b0a3-2f1e5d7c9a41}"
{
  echo "name: bench-writes"
  echo "frontDoor:"
  echo "  frontDoorId: $FRONT_DOOR_ID"
  if [ -n "$APP_JVM_OPTIONS" ]; then
    echo "app:"
    echo "  jvmOptions:"
    for option in $APP_JVM_OPTIONS; do echo "    - \"$option\""; done
  fi
  local_ports
} > "$OUT/topology.yaml"
echo "starting the environment..." >&2
HADR_STATE="$STATE"
"${HADR[@]}" up --detach -f "$OUT/topology.yaml" --state-dir "$STATE" > "$OUT/up.txt"
"${HADR[@]}" status --json --state-dir "$STATE" > "$OUT/status.json"

field() { python3 -c "import json,sys; d=json.load(open('$OUT/status.json')); print($1)"; }
ENDPOINT=$(field 'd["endpoint"]')
LISTENER=$(field 'd["database"]["readWriteListener"]')
APP_URL=$(field '[a for r in d["regions"] if r["role"] == "primary" for a in r["apps"]][0]["url"]')
APP_PID=$(field '[a for r in d["regions"] if r["role"] == "primary" for a in r["apps"]][0]["pid"]')
PGHOST="${LISTENER%:*}"; PGPORT="${LISTENER##*:}"
export PGHOST PGPORT PGUSER=hadr PGDATABASE=hadr
PGPASSWORD="$(cat "$STATE/db-app-password")"; export PGPASSWORD
echo "front door $ENDPOINT, app $APP_URL (pid $APP_PID), read-write listener $LISTENER" >&2

# One row per transaction into the app's own table, ids unique across clients and rounds.
cat > "$OUT/insert.sql" <<'SQL'
INSERT INTO records (id, writer, seq, region) VALUES (gen_random_uuid()::text, 'pgbench', :client_id, 'pgbench');
SQL

declare -A TPS P99 RATIO CPU
record() { # target round tps p99
  TPS[$1]="${TPS[$1]:-} $3"; P99[$1]="${P99[$1]:-} $4"
  printf '  round %s %-10s %8.0f writes/s  p99 %8.3f ms\n' "$2" "$1" "$3" "$4" >&2
}

wrk_writes() { # target url round; FDID in the environment for an app locked to its front door
  local file="$OUT/wrk-$1-$3.txt" before after requests errors warmup="$WARMUP"
  [ "$3" = 1 ] && warmup="$FIRST_WARMUP"
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"${warmup}s" -s "$BENCH_ROOT/bench/writes.lua" "$2" >/dev/null
  before=$(cpu_ticks "$APP_PID")
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$BENCH_ROOT/bench/writes.lua" "$2" >"$file"
  after=$(cpu_ticks "$APP_PID")
  errors=$(grep -E "Non-2xx|Socket errors" "$file" || true)
  [ -n "$errors" ] && echo "  $1 round $3: $errors" >&2
  requests=$(awk '/requests in/ {print $1}' "$file")
  CPU[$1]="${CPU[$1]:-} $(awk -v t=$((after - before)) -v us="$TICK_US" -v n="$requests" 'BEGIN {printf "%.1f", t * us / n}')"
  record "$1" "$3" "$(awk '/^Requests\/sec:/ {print $2}' "$file")" "$(to_ms "$(awk '$1 == "99%" {print $2}' "$file")")"
}

pgbench_writes() { # round
  local file="$OUT/pgbench-$1.txt"
  pgbench -n -M prepared -c "$CONNECTIONS" -j "$THREADS" -T "$WARMUP" -f "$OUT/insert.sql" >/dev/null 2>&1
  pgbench -n -M prepared -c "$CONNECTIONS" -j "$THREADS" -T "$DURATION" -r -f "$OUT/insert.sql" \
    --log --log-prefix="$OUT/pgbench-$1-log" >"$file" 2>&1
  local tps p99
  tps=$(awk '/^tps = / {print $3}' "$file")
  # Per-transaction latencies (microseconds, 3rd column) from pgbench's log, all clients.
  p99=$(cat "$OUT"/pgbench-"$1"-log.* | awk '{print $3}' | sort -n | awk '{v[NR] = $1} END {printf "%.3f", v[int(NR * 0.99)] / 1000}')
  rm -f "$OUT"/pgbench-"$1"-log.*
  record pgbench "$1" "$tps" "$p99"
}

echo "$CONNECTIONS clients each, ${DURATION}s per run after ${WARMUP}s warm-up (${FIRST_WARMUP}s in round 1), $ROUNDS rounds, $(nproc) cores" >&2
for round in $(seq 1 "$ROUNDS"); do
  wrk_writes frontdoor "$ENDPOINT" "$round"
  FDID="$FRONT_DOOR_ID" wrk_writes app "$APP_URL" "$round"
  pgbench_writes "$round"
  pg=$(echo "${TPS[pgbench]}" | awk '{print $NF}')
  for target in frontdoor app; do
    RATIO[$target]="${RATIO[$target]:-} $(awk -v a="$(echo "${TPS[$target]}" | awk '{print $NF}')" -v b="$pg" 'BEGIN {printf "%.2f", a / b}')"
  done
done
RATIO[pgbench]="1.00"

{
  echo "writes, one row per transaction, $CONNECTIONS clients, ${DURATION}s x $ROUNDS rounds, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  printf '%-34s %10s %10s %12s %14s\n' "" "writes/s" "p99 ms" "x pgbench" "app CPU us/w"
  for target in frontdoor app pgbench; do
    case $target in
      frontdoor) label="(a) front door -> app -> listener" ;; app) label="(b) app directly -> listener" ;;
      pgbench) label="(c) pgbench -> listener" ;;
    esac
    # shellcheck disable=SC2086
    printf '%-34s %10.0f %10.3f %12s %14s\n' "$label" "$(median ${TPS[$target]})" "$(median ${P99[$target]})" \
      "$(median ${RATIO[$target]})" "$([ -n "${CPU[$target]:-}" ] && median ${CPU[$target]} || echo -)"
  done
  echo "x pgbench: median of the per-round ratios (aim for (a): >= 0.5); app JVM options: ${APP_JVM_OPTIONS:-local defaults}"
} | tee "$OUT/summary.txt"
echo "raw output: $OUT" >&2
