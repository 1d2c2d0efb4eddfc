#!/usr/bin/env bash
# Benchmark of the geo-replicated database under writes through the whole stack (front door ->
# app -> read-write listener -> PostgreSQL primary -> streaming to the secondary), for asynchronous
# and synchronous replication in one run:
#   - write throughput and p50/p99 commit latency of POST /api/records (wrk),
#   - replication lag under that load (sampled from `hadr db status --json`),
#   - time of a planned and of a forced failover under load, and the writes that failed meanwhile.
# Loopback only; every process it starts, it stops (hadr down).
#
#   bench/geodb/run.sh
#   DURATION=30s CONNECTIONS=16 bench/geodb/run.sh
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
DURATION="${DURATION:-20s}"
CONNECTIONS="${CONNECTIONS:-8}"
THREADS="${THREADS:-2}"
OUT="${OUT:-$ROOT/bench/results/geodb-$(date -u +%Y%m%dT%H%M%SZ)}"
mkdir -p "$OUT"
chmod o+x "$OUT" "$ROOT/bench/results" 2>/dev/null || true

need() {
  if ! command -v "$1" >/dev/null 2>&1; then
    echo "installing $2 (Debian package)..." >&2
    if [ "$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq "$2" >/dev/null
    else sudo apt-get update -qq && sudo apt-get install -y -qq "$2" >/dev/null; fi
  fi
}
need wrk wrk
need curl curl
need python3 python3

echo "building hadr.jar..." >&2
"$ROOT/hadr" version >/dev/null
HADR=(java -jar "$ROOT/cli/target/hadr.jar")

STATE=""
cleanup() {
  if [ -n "$STATE" ]; then "${HADR[@]}" down --state-dir "$STATE" >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT

json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

# wrk output -> "rps p50 p99 non2xx"
parse_wrk() {
  python3 - "$1" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
def ms(v):
    m = re.match(r"([\d.]+)(us|ms|s)", v)
    n = float(m.group(1)); return n / 1000 if m.group(2) == "us" else n * 1000 if m.group(2) == "s" else n
rps = re.search(r"Requests/sec:\s+([\d.]+)", text).group(1)
p50 = ms(re.search(r"\s50%\s+(\S+)", text).group(1))
p99 = ms(re.search(r"\s99%\s+(\S+)", text).group(1))
non = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
errs = re.search(r"Socket errors: (.*)", text)
print(f"{float(rps):.0f} {p50:.2f} {p99:.2f} {non.group(1) if non else 0} {'socket errors: ' + errs.group(1) if errs else ''}")
PY
}

run_mode() {
  local mode=$1
  STATE="$OUT/state-$mode"
  mkdir -p "$STATE"
  cat > "$OUT/topology-$mode.yaml" <<YAML
name: bench-$mode
database:
  replication: $mode
local:
  endpointPort: 0
  appBasePort: 0
  databaseBasePort: 0
  controlPort: 0
YAML
  echo "[$mode] starting the environment..." >&2
  "${HADR[@]}" up --detach -f "$OUT/topology-$mode.yaml" --state-dir "$STATE" > "$OUT/up-$mode.txt"
  local endpoint
  endpoint=$("${HADR[@]}" status --json --state-dir "$STATE" | json 'd["endpoint"]')

  echo "[$mode] warm-up 5s..." >&2
  wrk -t"$THREADS" -c"$CONNECTIONS" -d5s -s "$HERE/writes.lua" "$endpoint" > "$OUT/warmup-$mode.txt"

  echo "[$mode] writes for $DURATION, sampling replication lag..." >&2
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s "$HERE/writes.lua" "$endpoint" > "$OUT/wrk-$mode.txt" &
  local wrk_pid=$!
  : > "$OUT/lag-$mode.txt"
  # Sample through the control API (a JVM per sample would be too slow to see short lags).
  local control_url control_token
  control_url=$(json 'd["url"]' < "$STATE/control.json")
  control_token=$(json 'd["token"]' < "$STATE/control.json")
  while kill -0 $wrk_pid 2>/dev/null; do
    curl -s -H "Authorization: Bearer $control_token" "$control_url/v1/db/status" \
      | json '"%s %s" % (d["replicationLagBytes"], d["replicationLagMs"])' >> "$OUT/lag-$mode.txt" 2>/dev/null || true
    sleep 0.05
  done
  wait $wrk_pid
  read -r rps p50 p99 non2xx _ <<< "$(parse_wrk "$OUT/wrk-$mode.txt")"
  local lag
  lag=$(python3 - "$OUT/lag-$mode.txt" <<'PY'
import sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
b = [int(r[0]) for r in rows if r[0] != "None"]
m = [int(r[1]) for r in rows if r[1] != "None"]
mean = lambda xs: sum(xs) / len(xs) if xs else float("nan")
print(f"{mean(b):.0f} {max(b) if b else 'n/a'} {mean(m):.1f} {max(m) if m else 'n/a'} {len(rows)}")
PY
)
  read -r lag_b_mean lag_b_max lag_ms_mean lag_ms_max lag_samples <<< "$lag"

  for kind in planned forced; do
    echo "[$mode] $kind failover under load..." >&2
    wrk -t"$THREADS" -c"$CONNECTIONS" -d10s --latency -s "$HERE/writes.lua" "$endpoint" > "$OUT/wrk-$mode-$kind.txt" &
    local pid=$!
    sleep 3
    if [ $kind = planned ]; then
      "${HADR[@]}" db failover --state-dir "$STATE" > "$OUT/failover-$mode-$kind.txt"
    else
      "${HADR[@]}" db failover --forced --state-dir "$STATE" > "$OUT/failover-$mode-$kind.txt"
    fi
    wait $pid
    local moved failed
    moved=$(grep -o 'listeners moved [0-9.]* s' "$OUT/failover-$mode-$kind.txt" | grep -o '[0-9.]*' | head -1)
    read -r _ _ _ failed _ <<< "$(parse_wrk "$OUT/wrk-$mode-$kind.txt")"
    eval "${kind}_moved=\$moved; ${kind}_failed=\$failed"
  done

  echo "| $mode | $rps | $p50 | $p99 | $non2xx | $lag_b_mean / $lag_b_max | $lag_ms_mean / $lag_ms_max ($lag_samples samples) | $planned_moved s ($planned_failed failed) | $forced_moved s ($forced_failed failed) |" >> "$OUT/summary.md"
  "${HADR[@]}" down --state-dir "$STATE" >/dev/null
  STATE=""
}

{
  echo "geodb benchmark, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, wrk -t$THREADS -c$CONNECTIONS -d$DURATION, POST /api/records through the front door"
  echo
  echo "| replication | writes/s | p50 ms | p99 ms | non-2xx | lag bytes mean / max | lag ms mean / max | planned failover: listeners moved (writes failed during 10 s) | forced failover: listeners moved (writes failed) |"
  echo "|---|---|---|---|---|---|---|---|---|"
} > "$OUT/summary.md"
run_mode async
run_mode sync
cat "$OUT/summary.md"
echo
echo "raw output in $OUT" >&2
