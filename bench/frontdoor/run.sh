#!/usr/bin/env bash
# Benchmark of hadr's front door: requests/s and p50/p99 latency of GET / measured with wrk
#   (a) straight to one origin, (b) through hadr's front door, (c) through HAProxy with equivalent
# health checks; prints the front-door/HAProxy ratios. Loopback only; every process it starts, it stops.
#
#   bench/frontdoor/run.sh                      # defaults below
#   DURATION=30s CONNECTIONS=64 bench/frontdoor/run.sh
#   BASELINE=main bench/frontdoor/run.sh        # also (d): the front door as of that git revision, same run
# Targets run one after the other within each round (front door, HAProxy, baseline, front door, ...), so
# that each is measured under the same machine load; CPU time per request comes from /proc/PID/stat.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
source "$HERE/../lib.sh"
ROOT="$BENCH_ROOT"
DURATION="${DURATION:-15s}"
WARMUP="${WARMUP:-10s}"
CONNECTIONS="${CONNECTIONS:-32}"
THREADS="${THREADS:-2}"
# A second, light load: one connection, so latency shows each hop's own cost without CPU queueing.
LIGHT_CONNECTIONS="${LIGHT_CONNECTIONS:-1}"
ROUNDS="${ROUNDS:-3}"
PRIMARY_PORT="${PRIMARY_PORT:-18081}"
BACKUP_PORT="${BACKUP_PORT:-18082}"
FRONTDOOR_PORT="${FRONTDOOR_PORT:-18080}"
HAPROXY_PORT="${HAPROXY_PORT:-18090}"
BASELINE_PORT="${BASELINE_PORT:-18070}"
# A git revision whose front door is measured beside this one (built from `git archive` in $OUT, never installed).
BASELINE="${BASELINE:-}"
bench_out frontdoor

need wrk wrk
need haproxy haproxy
need curl curl

echo "building frontdoor..." >&2
# One reactor run: the modules frontdoor depends on are not installed, so only the reactor finds
# them (each module writes the file in turn; frontdoor, built last, writes it last).
(cd "$ROOT" && mvn -B -q -pl frontdoor -am -DskipTests test-compile dependency:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile="$OUT/classpath.txt" >/dev/null)
CP="$ROOT/frontdoor/target/classes:$ROOT/frontdoor/target/test-classes:$(cat "$OUT/classpath.txt")"
JAVA_OPTS="${JAVA_OPTS:--Xms256m -Xmx256m -XX:+UseParallelGC}"
TARGETS="direct frontdoor haproxy"
if [ -n "$BASELINE" ]; then
  echo "building the front door of $BASELINE..." >&2
  mkdir -p "$OUT/baseline"
  (cd "$ROOT" && git archive "$BASELINE") | tar -x -C "$OUT/baseline"
  (cd "$OUT/baseline" && mvn -B -q -pl frontdoor -am -DskipTests test-compile dependency:build-classpath \
      -Dmdep.includeScope=test -Dmdep.outputFile="$OUT/baseline-classpath.txt" >/dev/null)
  BASELINE_CP="$OUT/baseline/frontdoor/target/classes:$OUT/baseline/frontdoor/target/test-classes:$(cat "$OUT/baseline-classpath.txt")"
  TARGETS="direct frontdoor haproxy baseline"
fi

java $JAVA_OPTS -cp "$CP" io.hadr.frontdoor.testing.TestOriginMain primary "$PRIMARY_PORT" >"$OUT/primary.log" 2>&1 &
bench_track $!
PRIMARY_PID=$!
java $JAVA_OPTS -cp "$CP" io.hadr.frontdoor.testing.TestOriginMain backup "$BACKUP_PORT" >"$OUT/backup.log" 2>&1 &
bench_track $!
wait_for "http://127.0.0.1:$PRIMARY_PORT/" primary
wait_for "http://127.0.0.1:$BACKUP_PORT/" backup

# Same health rules on both proxies: HEAD /health every second on a new connection, only 200 counts;
# out after 2 failures, back after 3 successes (Azure: sampleSize 4, successfulSamplesRequired 3).
java $JAVA_OPTS -cp "$CP" io.hadr.frontdoor.testing.FrontDoorMain --port "$FRONTDOOR_PORT" \
    --probe-path /health --probe-interval-ms 1000 --sample-size 4 --successful-samples 3 \
    --origin "primary=http://127.0.0.1:$PRIMARY_PORT,priority=1,weight=1000" \
    --origin "backup=http://127.0.0.1:$BACKUP_PORT,priority=2,weight=1000" >"$OUT/frontdoor.log" 2>&1 &
bench_track $!
FRONTDOOR_PID=$!
if [ -n "$BASELINE" ]; then
  java $JAVA_OPTS -cp "$BASELINE_CP" io.hadr.frontdoor.testing.FrontDoorMain --port "$BASELINE_PORT" \
      --probe-path /health --probe-interval-ms 1000 --sample-size 4 --successful-samples 3 \
      --origin "primary=http://127.0.0.1:$PRIMARY_PORT,priority=1,weight=1000" \
      --origin "backup=http://127.0.0.1:$BACKUP_PORT,priority=2,weight=1000" >"$OUT/baseline.log" 2>&1 &
  bench_track $!
  BASELINE_PID=$!
fi

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
bench_track $!
HAPROXY_PID=$!

wait_for "http://127.0.0.1:$FRONTDOOR_PORT/" "front door"
wait_for "http://127.0.0.1:$HAPROXY_PORT/" haproxy
routes_to_primary() { # url, name: wait at most 60 s until it answers with the primary (health settles after start)
  local deadline=$((SECONDS + 60))
  until [ "$(curl -fsS "$1" 2>/dev/null)" = primary ]; do
    if [ $SECONDS -ge $deadline ]; then echo "$2 does not route to primary" >&2; exit 1; fi
    sleep 0.2
  done
}
routes_to_primary "http://127.0.0.1:$FRONTDOOR_PORT/" "front door"
routes_to_primary "http://127.0.0.1:$HAPROXY_PORT/" haproxy
if [ -n "$BASELINE" ]; then
  wait_for "http://127.0.0.1:$BASELINE_PORT/" "baseline front door"
  routes_to_primary "http://127.0.0.1:$BASELINE_PORT/" "baseline front door"
fi

declare -A RPS P50 P99 CPU
run() { # load name url round connections threads pid
  local load="$1" name="$2" url="$3" round="$4" connections="$5" threads="$6" pid="$7" file
  file="$OUT/wrk-$load-$name-$round.txt"
  wrk -t"$threads" -c"$connections" -d"$WARMUP" "$url" >/dev/null
  local ticks_before ticks_after
  ticks_before=$(cpu_ticks "$pid")
  wrk -t"$threads" -c"$connections" -d"$DURATION" --latency "$url" >"$file"
  ticks_after=$(cpu_ticks "$pid")
  local rps p50 p99 errors cpu key="$load/$name"
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$file")
  # CPU time of the serving process per request, in microseconds: steadier than throughput on a shared machine.
  cpu=$(awk -v t=$((ticks_after - ticks_before)) -v hz="$(getconf CLK_TCK)" -v n="$(awk '/requests in/ {print $1}' "$file")" \
      'BEGIN {printf "%.1f", t * 1000000 / hz / n}')
  p50=$(to_ms "$(awk '$1 == "50%" {print $2}' "$file")")
  p99=$(to_ms "$(awk '$1 == "99%" {print $2}' "$file")")
  errors=$(grep -E "Non-2xx|Socket errors" "$file" || true)
  [ -n "$errors" ] && echo "  $key round $round: $errors" >&2
  RPS[$key]="${RPS[$key]:-} $rps"; P50[$key]="${P50[$key]:-} $p50"; P99[$key]="${P99[$key]:-} $p99"; CPU[$key]="${CPU[$key]:-} $cpu"
  printf '  round %s %-6s %-10s %10.0f req/s  p50 %7.3f ms  p99 %7.3f ms  cpu %6.1f us/req  load %s\n' \
      "$round" "$load" "$name" "$rps" "$p50" "$p99" "$cpu" "$(cut -d' ' -f1 /proc/loadavg)" >&2
}

echo "wrk, $DURATION per run after $WARMUP warm-up, $ROUNDS rounds, on $(nproc) cores; load at start:$(cut -d' ' -f1-3 /proc/loadavg)" >&2
for round in $(seq 1 "$ROUNDS"); do
  for target in $TARGETS; do
    case $target in
      direct) port=$PRIMARY_PORT pid=$PRIMARY_PID ;;
      frontdoor) port=$FRONTDOOR_PORT pid=$FRONTDOOR_PID ;;
      haproxy) port=$HAPROXY_PORT pid=$HAPROXY_PID ;;
      baseline) port=$BASELINE_PORT pid=$BASELINE_PID ;;
    esac
    run full  "$target" "http://127.0.0.1:$port/" "$round" "$CONNECTIONS" "$THREADS" "$pid"
    run light "$target" "http://127.0.0.1:$port/" "$round" "$LIGHT_CONNECTIONS" 1 "$pid"
  done
done

table() { # load title full-aims light-aims
  local load="$1" target rps p50 p99 cpu label
  echo
  echo "$2"
  printf '%-28s %12s %10s %10s %12s\n' "" "requests/s" "p50 ms" "p99 ms" "cpu us/req"
  for target in $TARGETS; do
    # shellcheck disable=SC2086
    rps=$(median ${RPS[$load/$target]}); p50=$(median ${P50[$load/$target]}); p99=$(median ${P99[$load/$target]})
    cpu=$(median ${CPU[$load/$target]})
    eval "${target}_rps=$rps ${target}_p99=$p99 ${target}_cpu=$cpu"
    case $target in
      direct) label="(a) origin directly" ;;
      frontdoor) label="(b) hadr front door" ;;
      haproxy) label="(c) HAProxy $(haproxy -v | awk 'NR==1 {print $3}' | cut -d- -f1)" ;;
      baseline) label="(d) front door @ $BASELINE" ;;
    esac
    printf '%-28s %12.0f %10.3f %10.3f %12.1f\n' "$label" "$rps" "$p50" "$p99" "$cpu"
  done
  # shellcheck disable=SC2154
  awk -v f="$frontdoor_rps" -v h="$haproxy_rps" -v fp="$frontdoor_p99" -v hp="$haproxy_p99" -v at="$3" -v ap="$4" \
      -v fc="$frontdoor_cpu" -v hc="$haproxy_cpu" 'BEGIN {
    printf "front door / HAProxy: throughput %.2f (aim >= %s), p99 %.2f (aim <= %s), cpu per request %.2f\n",
        f / h, at, fp / hp, ap, fc / hc }'
}

{
  table full "GET / at full load: wrk -t$THREADS -c$CONNECTIONS -d$DURATION, median of $ROUNDS rounds, $(nproc) cores" 0.80 1.50
  table light "GET / at light load: wrk -t1 -c$LIGHT_CONNECTIONS -d$DURATION, median of $ROUNDS rounds" 1.00 1.20
  echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$OUT/summary.txt"
echo "raw wrk output and logs: $OUT" >&2
