#!/usr/bin/env bash
# Benchmark of hadr's front door: requests/s and p50/p99 latency of GET / measured with wrk
#   (a) straight to one origin, (b) through hadr's front door, (c) through HAProxy with equivalent
# health checks; prints the front-door/HAProxy ratios. Loopback only; every process it starts, it stops.
#
#   bench/frontdoor/run.sh                      # defaults below
#   DURATION=30s CONNECTIONS=64 bench/frontdoor/run.sh
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
DURATION="${DURATION:-15s}"
WARMUP="${WARMUP:-10s}"
CONNECTIONS="${CONNECTIONS:-32}"
THREADS="${THREADS:-2}"
ROUNDS="${ROUNDS:-2}"
PRIMARY_PORT="${PRIMARY_PORT:-18081}"
BACKUP_PORT="${BACKUP_PORT:-18082}"
FRONTDOOR_PORT="${FRONTDOOR_PORT:-18080}"
HAPROXY_PORT="${HAPROXY_PORT:-18090}"
OUT="${OUT:-$ROOT/bench/results/frontdoor-$(date -u +%Y%m%dT%H%M%SZ)}"
mkdir -p "$OUT"

need() {
  if ! command -v "$1" >/dev/null 2>&1; then
    echo "installing $2 (Debian package)..." >&2
    if [ "$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq "$2" >/dev/null
    else sudo apt-get update -qq && sudo apt-get install -y -qq "$2" >/dev/null; fi
  fi
}
need wrk wrk
need haproxy haproxy
need curl curl

echo "building frontdoor..." >&2
(cd "$ROOT" && mvn -B -q -pl frontdoor -am -DskipTests test-compile >/dev/null)
(cd "$ROOT" && mvn -B -q -pl frontdoor dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile="$OUT/classpath.txt" >/dev/null)
CP="$ROOT/frontdoor/target/classes:$ROOT/frontdoor/target/test-classes:$(cat "$OUT/classpath.txt")"
JAVA_OPTS="${JAVA_OPTS:--Xms256m -Xmx256m -XX:+UseParallelGC}"

PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT

wait_for() { # url, name: wait at most 60 s for a 200
  local deadline=$((SECONDS + 60))
  until curl -fs -o /dev/null "$1" 2>/dev/null; do
    if [ $SECONDS -ge $deadline ]; then echo "$2 did not come up at $1" >&2; exit 1; fi
    sleep 0.2
  done
}

java $JAVA_OPTS -cp "$CP" io.hadr.frontdoor.testing.TestOriginMain primary "$PRIMARY_PORT" >"$OUT/primary.log" 2>&1 &
PIDS+=($!)
java $JAVA_OPTS -cp "$CP" io.hadr.frontdoor.testing.TestOriginMain backup "$BACKUP_PORT" >"$OUT/backup.log" 2>&1 &
PIDS+=($!)
wait_for "http://127.0.0.1:$PRIMARY_PORT/" primary
wait_for "http://127.0.0.1:$BACKUP_PORT/" backup

# Same health rules on both proxies: HEAD /health every second on a new connection, only 200 counts;
# out after 2 failures, back after 3 successes (Azure: sampleSize 4, successfulSamplesRequired 3).
java $JAVA_OPTS -cp "$CP" io.hadr.frontdoor.FrontDoorMain --port "$FRONTDOOR_PORT" \
    --probe-path /health --probe-interval 1s --sample-size 4 --successful-samples 3 \
    --origin "primary=http://127.0.0.1:$PRIMARY_PORT,priority=1,weight=1000" \
    --origin "backup=http://127.0.0.1:$BACKUP_PORT,priority=2,weight=1000" >"$OUT/frontdoor.log" 2>&1 &
PIDS+=($!)

cat >"$OUT/haproxy.cfg" <<CFG
global
    maxconn 4096
defaults
    mode http
    timeout connect 10s
    timeout client 60s
    timeout server 30s
    option http-keep-alive
frontend frontdoor
    bind 127.0.0.1:$HAPROXY_PORT
    option forwardfor
    http-request set-header X-Forwarded-Proto http
    default_backend origins
backend origins
    option httpchk
    http-check send meth HEAD uri /health ver HTTP/1.1 hdr Host 127.0.0.1 hdr User-Agent "Edge\ Health\ Probe" hdr X-FD-HealthProbe 1
    http-check expect status 200
    default-server inter 1s fall 2 rise 3
    server primary 127.0.0.1:$PRIMARY_PORT check
    server backup 127.0.0.1:$BACKUP_PORT check backup
CFG
haproxy -f "$OUT/haproxy.cfg" -db >"$OUT/haproxy.log" 2>&1 &
PIDS+=($!)

wait_for "http://127.0.0.1:$FRONTDOOR_PORT/" "front door"
wait_for "http://127.0.0.1:$HAPROXY_PORT/" haproxy
[ "$(curl -fsS "http://127.0.0.1:$FRONTDOOR_PORT/")" = primary ] || { echo "front door does not route to primary" >&2; exit 1; }
[ "$(curl -fsS "http://127.0.0.1:$HAPROXY_PORT/")" = primary ] || { echo "haproxy does not route to primary" >&2; exit 1; }

to_ms() { # wrk latency like 512.00us, 1.23ms, 2.01s -> milliseconds
  awk -v v="$1" 'BEGIN {
    if (v ~ /us$/) { sub(/us$/, "", v); printf "%.3f", v / 1000 }
    else if (v ~ /ms$/) { sub(/ms$/, "", v); printf "%.3f", v }
    else if (v ~ /s$/) { sub(/s$/, "", v); printf "%.3f", v * 1000 }
    else { printf "%s", v } }'
}

declare -A RPS P50 P99
run() { # name url
  local name="$1" url="$2" round="$3"
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" "$url" >/dev/null
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$url" >"$OUT/wrk-$name-$round.txt"
  local rps p50 p99 errors
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$OUT/wrk-$name-$round.txt")
  p50=$(to_ms "$(awk '$1 == "50%" {print $2}' "$OUT/wrk-$name-$round.txt")")
  p99=$(to_ms "$(awk '$1 == "99%" {print $2}' "$OUT/wrk-$name-$round.txt")")
  errors=$(grep -E "Non-2xx|Socket errors" "$OUT/wrk-$name-$round.txt" || true)
  [ -n "$errors" ] && echo "  $name round $round: $errors" >&2
  # keep the best round of each (least disturbed by other work on the machine)
  if [ -z "${RPS[$name]:-}" ] || awk -v a="$rps" -v b="${RPS[$name]}" 'BEGIN {exit !(a > b)}'; then
    RPS[$name]=$rps; P50[$name]=$p50; P99[$name]=$p99
  fi
  printf '  round %s %-10s %10.0f req/s  p50 %7.3f ms  p99 %7.3f ms\n' "$round" "$name" "$rps" "$p50" "$p99" >&2
}

echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION (after $WARMUP warm-up), $ROUNDS rounds, on $(nproc) cores" >&2
for round in $(seq 1 "$ROUNDS"); do
  run direct    "http://127.0.0.1:$PRIMARY_PORT/" "$round"
  run frontdoor "http://127.0.0.1:$FRONTDOOR_PORT/" "$round"
  run haproxy   "http://127.0.0.1:$HAPROXY_PORT/" "$round"
done

{
  echo
  echo "GET / — wrk -t$THREADS -c$CONNECTIONS -d$DURATION, best of $ROUNDS rounds, $(nproc) cores"
  printf '%-24s %12s %10s %10s\n' "" "requests/s" "p50 ms" "p99 ms"
  printf '%-24s %12.0f %10.3f %10.3f\n' "(a) origin directly" "${RPS[direct]}" "${P50[direct]}" "${P99[direct]}"
  printf '%-24s %12.0f %10.3f %10.3f\n' "(b) hadr front door" "${RPS[frontdoor]}" "${P50[frontdoor]}" "${P99[frontdoor]}"
  printf '%-24s %12.0f %10.3f %10.3f\n' "(c) HAProxy $(haproxy -v | awk 'NR==1 {print $3}')" "${RPS[haproxy]}" "${P50[haproxy]}" "${P99[haproxy]}"
  awk -v f="${RPS[frontdoor]}" -v h="${RPS[haproxy]}" -v fp="${P99[frontdoor]}" -v hp="${P99[haproxy]}" 'BEGIN {
    printf "front door / HAProxy: throughput %.2f (aim >= 0.50), p99 %.2f (aim <= 2.00)\n", f / h, fp / hp }'
} | tee "$OUT/summary.txt"
echo "raw wrk output and logs: $OUT" >&2
