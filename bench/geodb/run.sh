#!/usr/bin/env bash
# Benchmark of the geo-replicated database under writes through the whole stack (front door ->
# app -> read-write listener -> PostgreSQL primary -> streaming to the secondary), for asynchronous
# and synchronous replication in one run:
#   - write throughput and p50/p99 commit latency of POST /api/records (wrk),
#   - replication lag under that load (sampled from `hadr db status --json`),
#   - a planned and a forced failover under full write load (WriteLoad.java, every write recorded):
#     when the listeners moved, the writes that failed, and p99 / max latency of the writes that
#     overlapped the switch.
# Loopback only; every process it starts, it stops (hadr down).
#
#   bench/geodb/run.sh
#   DURATION=30s CONNECTIONS=16 bench/geodb/run.sh
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
source "$HERE/../lib.sh"
DURATION="${DURATION:-20s}"
CONNECTIONS="${CONNECTIONS:-8}"
THREADS="${THREADS:-2}"
bench_out geodb

need wrk wrk
need curl curl
need python3 python3

hadr_jar
mkdir -p "$OUT/classes"
javac -d "$OUT/classes" "$HERE/WriteLoad.java"

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
  HADR_STATE="$OUT/state-$mode"
  mkdir -p "$HADR_STATE"
  cat > "$OUT/topology-$mode.yaml" <<YAML
name: bench-$mode
database:
  replication: $mode
$(local_ports)
YAML
  echo "[$mode] starting the environment..." >&2
  "${HADR[@]}" up --detach -f "$OUT/topology-$mode.yaml" --state-dir "$HADR_STATE" > "$OUT/up-$mode.txt"
  local endpoint
  endpoint=$("${HADR[@]}" status --json --state-dir "$HADR_STATE" | json 'd["endpoint"]')

  echo "[$mode] warm-up 5s..." >&2
  wrk -t"$THREADS" -c"$CONNECTIONS" -d5s -s "$BENCH_ROOT/bench/writes.lua" "$endpoint" > "$OUT/warmup-$mode.txt"

  echo "[$mode] writes for $DURATION, sampling replication lag..." >&2
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s "$BENCH_ROOT/bench/writes.lua" "$endpoint" > "$OUT/wrk-$mode.txt" &
  local wrk_pid=$!
  : > "$OUT/lag-$mode.txt"
  # Sample through the control API (a JVM per sample would be too slow to see short lags).
  local control_url control_token
  control_url=$(json 'd["url"]' < "$HADR_STATE/control.json")
  control_token=$(json 'd["token"]' < "$HADR_STATE/control.json")
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
    echo "[$mode] $kind failover under full write load..." >&2
    java -cp "$OUT/classes" WriteLoad "$endpoint" "$CONNECTIONS" 10 "$OUT/writes-$mode-$kind.csv" &
    local pid=$!
    # The failover comes 3 s into the measured load, whatever the JVM's start took.
    local waited=0
    while [ ! -f "$OUT/writes-$mode-$kind.csv.ready" ]; do
      sleep 0.1; waited=$((waited + 1))
      if [ $waited -gt 1200 ]; then echo "no write acknowledged within 120 s; giving up" >&2; exit 1; fi
    done
    sleep 3
    local t0
    t0=$(date +%s%3N)
    curl -s -X POST -H "Authorization: Bearer $control_token" -H "Content-Type: application/json" \
      -d "{\"mode\":\"${kind^^}\"}" "$control_url/v1/db/failover" \
      > "$OUT/failover-$mode-$kind.json"
    wait $pid
    local moved
    moved=$(json 'next(p["atMs"] for p in d["phases"] if p["name"] == "listeners moved")' < "$OUT/failover-$mode-$kind.json")
    local result
    result=$(python3 - "$OUT/writes-$mode-$kind.csv" "$t0" "$moved" <<'PY'
import sys
rows = []
for line in open(sys.argv[1]):
    start, latency, status = line.strip().split(",")
    rows.append((int(start), float(latency), int(status)))
t0, moved = int(sys.argv[2]), float(sys.argv[3])
failed = [r for r in rows if not 200 <= r[2] < 300]
# Writes that overlapped the switch: from the request to fail over until the listener moved.
during = sorted(r[1] for r in rows if r[0] <= t0 + moved and r[0] + r[1] >= t0)
p99 = during[min(len(during) - 1, int(round(0.99 * (len(during) - 1))))] if during else float("nan")
statuses = sorted({r[2] for r in failed})
print(f"{moved / 1000:.2f} {len(failed)} {p99:.0f} {max(during) if during else float('nan'):.0f} {len(during)} {len(rows)} {'/'.join(map(str, statuses)) or '-'}")
PY
)
    local moved_s failed sw_p99 sw_max during total statuses
    read -r moved_s failed sw_p99 sw_max during total statuses <<< "$result"
    eval "${kind}_moved=$moved_s ${kind}_failed=$failed ${kind}_p99=$sw_p99 ${kind}_max=$sw_max ${kind}_during=$during"
    echo "[$mode] $kind: listeners moved after ${moved} ms; $failed of $total writes failed ($statuses); $during writes overlapped the switch, p99 $sw_p99 ms, max $sw_max ms" >&2
  done

  echo "| $mode | $rps | $p50 | $p99 | $non2xx | $lag_b_mean / $lag_b_max | $lag_ms_mean / $lag_ms_max ($lag_samples samples) | $planned_moved s | $planned_failed | $planned_p99 / $planned_max ($planned_during) | $forced_moved s | $forced_failed | $forced_p99 / $forced_max ($forced_during) |" >> "$OUT/summary.md"
  "${HADR[@]}" down --state-dir "$HADR_STATE" >/dev/null
  HADR_STATE=""
}

{
  echo "geodb benchmark, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, wrk -t$THREADS -c$CONNECTIONS -d$DURATION, POST /api/records through the front door"
  echo
  echo "| replication | writes/s | p50 ms | p99 ms | non-2xx | lag bytes mean / max | lag ms mean / max | planned: listeners moved | planned: failed writes | planned: p99 / max ms of writes during the switch (count) | forced: listeners moved | forced: failed writes | forced: p99 / max ms during the switch (count) |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
} > "$OUT/summary.md"
run_mode async
run_mode sync
cat "$OUT/summary.md"
echo
echo "raw output in $OUT" >&2
