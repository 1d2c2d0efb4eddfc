#!/usr/bin/env bash
# Benchmark of hadr's app against the original design's app (a few lines of Flask on Debian's
# gunicorn, -w 2): requests/s and p50/p99 of GET / measured with wrk, every target in every round,
# so that the ratios compare numbers taken under the same load on a shared machine. The hadr app
# runs under several JVM flag sets (App Service's plain `java -jar`, the local environment's quick
# start flags, the start command this README recommends). Loopback only; every process it starts,
# it stops.
#
#   bench/app/run.sh                                  # defaults below
#   ROUNDS=5 DURATION=20s bench/app/run.sh
#   APP_JAR=/tmp/old/hadr-app.jar bench/app/run.sh    # measure another build of the app
#   VARIANTS="old=@/tmp/old.jar;new=" bench/app/run.sh  # name=JVM flags[@jar];... (default: see below)
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
source "$HERE/../lib.sh"
ROOT="$BENCH_ROOT"
DURATION="${DURATION:-10s}"
WARMUP="${WARMUP:-5s}"
FIRST_WARMUP="${FIRST_WARMUP:-20s}"
CONNECTIONS="${CONNECTIONS:-32}"
THREADS="${THREADS:-2}"
ROUNDS="${ROUNDS:-3}"
BASE_PORT="${BASE_PORT:-28190}"
APP_JAR="${APP_JAR:-$ROOT/app/target/hadr-app.jar}"
bench_out app

# name=JVM options; the names are the rows of the table. app-local is what the local environment
# starts app JVMs with today (LocalEnvironment.APP_JVM_OPTIONS); app-serial is the same without
# the C1-only JIT; app-default is App Service's plain `java -jar` (G1 on this machine).
LOCAL_FLAGS="-Xms64m -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto"
if [ -z "${VARIANTS:-}" ]; then
  VARIANTS=("app-default=" "app-local=$LOCAL_FLAGS" "app-serial=-Xms64m -Xmx256m -XX:+UseSerialGC -Xshare:auto"
            "app-parallel=-XX:+UseParallelGC")
else
  IFS=';' read -r -a VARIANTS <<< "$VARIANTS"
fi

need wrk wrk
need gunicorn gunicorn
need curl curl
/usr/bin/python3 -c 'import flask' 2>/dev/null || need /usr/share/doc/python3-flask python3-flask

if [ -z "${APP_JAR_PREBUILT:-}" ] && [ "$APP_JAR" = "$ROOT/app/target/hadr-app.jar" ]; then
  echo "building the app..." >&2
  (cd "$ROOT" && mvn -B -q -pl app -am package -DskipTests >/dev/null)
fi

declare -A URL PID
TARGETS=(flask)
# The original app: Debian's gunicorn with two sync workers, as a small App Service plan would run it.
(cd "$HERE" && exec env REGION_NAME="Central India" gunicorn -w 2 -b "127.0.0.1:$BASE_PORT" app:app) >"$OUT/flask.log" 2>&1 &
bench_track $!
PID[flask]=$!
URL[flask]="http://127.0.0.1:$BASE_PORT/"
port=$BASE_PORT
for variant in "${VARIANTS[@]}"; do
  name="${variant%%=*}"; flags="${variant#*=}"; jar="$APP_JAR"
  if [[ "$flags" == *@* ]]; then jar="${flags#*@}"; flags="${flags%%@*}"; fi
  port=$((port + 1))
  # shellcheck disable=SC2086
  env PORT="$port" REGION_NAME="Central India" WEBSITE_SITE_NAME=hadr-bench WEBSITE_INSTANCE_ID="$name" \
    java $flags -jar "$jar" >"$OUT/$name.log" 2>&1 &
  bench_track $!
  PID[$name]=$!
  URL[$name]="http://127.0.0.1:$port/"
  TARGETS+=("$name")
  # One at a time, so that each start-up time is its own.
  wait_for "${URL[$name]}" "$name" 120
  echo "$name: java $flags -jar $jar" >> "$OUT/variants.txt"
done
wait_for "${URL[flask]}" flask 120
declare -A STARTUP
for target in "${TARGETS[@]}"; do
  # "hadr-app ... ready: ... started in N ms (JVM up M ms)": the time to the first answer.
  STARTUP[$target]=$(sed -n 's/.*(JVM up \([0-9]*\) ms).*/\1/p' "$OUT/$target.log" | head -1)
done
for target in "${TARGETS[@]}"; do
  echo "$target: $(curl -fsS "${URL[$target]}")" >> "$OUT/answers.txt"
done

declare -A RPS P50 P99 RATIO CPU CPU_RATIO
echo "first warm-up: $FIRST_WARMUP per target (the JIT compiles the request path)" >&2
for target in "${TARGETS[@]}"; do
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$FIRST_WARMUP" "${URL[$target]}" >/dev/null
done
echo "wrk -t$THREADS -c$CONNECTIONS, $DURATION per run after $WARMUP warm-up, $ROUNDS rounds, $(nproc) cores" >&2
for round in $(seq 1 "$ROUNDS"); do
  for target in "${TARGETS[@]}"; do
    file="$OUT/wrk-$target-$round.txt"
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" "${URL[$target]}" >/dev/null
    before=$(cpu_ticks "${PID[$target]}")
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "${URL[$target]}" >"$file"
    after=$(cpu_ticks "${PID[$target]}")
    requests=$(awk '/requests in/ {print $1}' "$file")
    cpu=$(awk -v t=$((after - before)) -v us="$TICK_US" -v n="$requests" 'BEGIN {printf "%.1f", t * us / n}')
    echo "$cpu" > "$OUT/cpu-$target-$round.txt"
    CPU[$target]="${CPU[$target]:-} $cpu"
    rps=$(awk '/^Requests\/sec:/ {print $2}' "$file")
    p50=$(to_ms "$(awk '$1 == "50%" {print $2}' "$file")")
    p99=$(to_ms "$(awk '$1 == "99%" {print $2}' "$file")")
    errors=$(grep -E "Non-2xx|Socket errors" "$file" || true)
    [ -n "$errors" ] && echo "  $target round $round: $errors" >&2
    RPS[$target]="${RPS[$target]:-} $rps"; P50[$target]="${P50[$target]:-} $p50"; P99[$target]="${P99[$target]:-} $p99"
    printf '  round %s %-16s %9.0f req/s  p50 %7.3f ms  p99 %7.3f ms  %7.1f us CPU/request\n' \
      "$round" "$target" "$rps" "$p50" "$p99" "$cpu" >&2
  done
  # The ratio of each round, taken minutes apart at most: the machine's load moves both sides.
  flask_rps=$(awk '/^Requests\/sec:/ {print $2}' "$OUT/wrk-flask-$round.txt")
  for target in "${TARGETS[@]}"; do
    r=$(awk -v a="$(awk '/^Requests\/sec:/ {print $2}' "$OUT/wrk-$target-$round.txt")" -v b="$flask_rps" 'BEGIN {printf "%.2f", a / b}')
    RATIO[$target]="${RATIO[$target]:-} $r"
    r=$(awk -v a="$(cat "$OUT/cpu-flask-$round.txt")" -v b="$(cat "$OUT/cpu-$target-$round.txt")" 'BEGIN {printf "%.2f", a / b}')
    CPU_RATIO[$target]="${CPU_RATIO[$target]:-} $r"
  done
done

{
  echo "GET / : wrk -t$THREADS -c$CONNECTIONS -d$DURATION, median of $ROUNDS rounds, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  printf '%-16s %11s %8s %9s %8s %12s %10s %9s\n' "" "requests/s" "p50 ms" "p99 ms" "x Flask" "CPU us/req" "x Flask" "start ms"
  for target in "${TARGETS[@]}"; do
    # shellcheck disable=SC2086
    printf '%-16s %11.0f %8.3f %9.3f %8s %12s %10s %9s\n' "$target" "$(median ${RPS[$target]})" "$(median ${P50[$target]})" \
      "$(median ${P99[$target]})" "$(median ${RATIO[$target]})" "$(median ${CPU[$target]})" \
      "$(median ${CPU_RATIO[$target]})" "${STARTUP[$target]:--}"
  done
  echo "x Flask: median of the per-round ratios (throughput, and Flask's CPU per request over this one's); aim >= 5"
  echo "start ms: JVM start to ready, one at a time"
  sed 's/^/  /' "$OUT/variants.txt"
} | tee "$OUT/summary.txt"
echo "raw wrk output and logs: $OUT" >&2
