#!/usr/bin/env bash
# The drill load generator's throughput and the resolution of the RTO it reports, on this machine.
# Usage: bench/drill/run.sh [seconds-per-step]   (default 5; the whole run takes about 3 minutes)
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
cd "$BENCH_ROOT"
step="${1:-5}"
bench_out drill
out="$OUT"
mvn -B -q -pl drill -am package -DskipTests dependency:build-classpath -Dmdep.outputFile="$out/classpath.txt" >"$out/build.log"
cp="drill/target/classes:core/target/classes:$(cat "$out/classpath.txt")"
{
  echo "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
  # The same origin alone under wrk, to tell the origin's limit from the generator's.
  need wrk wrk
  java -cp "$cp" bench/drill/LoadGeneratorBench.java 1 serve $((step + 8)) >"$out/origin-port.txt" &
  origin=$!
  for _ in $(seq 100); do [ -s "$out/origin-port.txt" ] && break; sleep 0.1; done
  sleep 2
  echo "origin alone, wrk -t1 -c8 -d${step}s: $(wrk -t1 -c8 -d"${step}s" "http://127.0.0.1:$(cat "$out/origin-port.txt")/" | grep Requests/sec)"
  wait "$origin" || true
  java -cp "$cp" bench/drill/LoadGeneratorBench.java "$step"
  echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$out/results.md"
echo "raw output: $out/results.md"
