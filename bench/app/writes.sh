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
ROOT="$(cd "$HERE/../.." && pwd)"
DURATION="${DURATION:-10}"
WARMUP="${WARMUP:-5}"
CONNECTIONS="${CONNECTIONS:-8}"
THREADS="${THREADS:-2}"
ROUNDS="${ROUNDS:-3}"
APP_JVM_OPTIONS="${APP_JVM_OPTIONS:-}"
OUT="${OUT:-$ROOT/bench/results/app-writes-$(date -u +%Y%m%dT%H%M%SZ)}"
mkdir -p "$OUT"
# As root, PostgreSQL runs as nobody; hadr keeps its data elsewhere, but the logs stay here.
chmod o+x "$OUT" "$ROOT/bench/results" 2>/dev/null || true

need() {
  if ! command -v "$1" >/dev/null 2>&1; then
    echo "installing $2 (Debian package)..." >&2
    if [ "$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq "$2" >/dev/null
    else sudo apt-get update -qq && sudo apt-get install -y -qq "$2" >/dev/null; fi
  fi
}
need wrk wrk
need pgbench postgresql-client
need curl curl
need python3 python3

echo "building hadr.jar..." >&2
"$ROOT/hadr" version >/dev/null
HADR=(java -jar "$ROOT/cli/target/hadr.jar")

STATE="$OUT/state"
UP=""
cleanup() {
  if [ -n "$UP" ]; then "${HADR[@]}" down --state-dir "$STATE" >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT

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
  cat <<YAML
local:
  endpointPort: 0
  appBasePort: 0
  databaseBasePort: 0
  controlPort: 0
YAML
} > "$OUT/topology.yaml"
echo "starting the environment..." >&2
UP=1
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

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
TICK_US=$((1000000 / $(getconf CLK_TCK)))

median() {
  printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1} END {if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}

to_ms() {
  awk -v v="$1" 'BEGIN {
    if (v ~ /us$/) { sub(/us$/, "", v); printf "%.3f", v / 1000 }
    else if (v ~ /ms$/) { sub(/ms$/, "", v); printf "%.3f", v }
    else if (v ~ /s$/) { sub(/s$/, "", v); printf "%.3f", v * 1000 }
    else { printf "%s", v } }'
}

declare -A TPS P99 RATIO CPU
record() { # target round tps p99
  TPS[$1]="${TPS[$1]:-} $3"; P99[$1]="${P99[$1]:-} $4"
  printf '  round %s %-10s %8.0f writes/s  p99 %8.3f ms\n' "$2" "$1" "$3" "$4" >&2
}

wrk_writes() { # target url round; FDID in the environment for an app locked to its front door
  local file="$OUT/wrk-$1-$3.txt" before after requests errors
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" -s "$HERE/writes.lua" "$2" >/dev/null
  before=$(cpu_ticks "$APP_PID")
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$HERE/writes.lua" "$2" >"$file"
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

echo "$CONNECTIONS clients each, ${DURATION}s per run after ${WARMUP}s warm-up, $ROUNDS rounds, $(nproc) cores" >&2
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
