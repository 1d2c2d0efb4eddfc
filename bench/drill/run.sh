#!/usr/bin/env bash
# The drill load generator's throughput and the resolution of the RTO it reports, on this machine.
# Usage: bench/drill/run.sh [seconds-per-step]   (default 5; the whole run takes about 2 minutes)
set -euo pipefail
cd "$(dirname "$0")/../.."
out="bench/results/drill-$(date -u +%Y%m%d-%H%M%S)"
mkdir -p "$out"
mvn -B -q -pl drill -am package -DskipTests dependency:build-classpath -Dmdep.outputFile="$PWD/$out/classpath.txt" >"$out/build.log"
cp="drill/target/classes:core/target/classes:$(cat "$out/classpath.txt")"
java -cp "$cp" bench/drill/LoadGeneratorBench.java "${1:-5}" | tee "$out/results.md"
echo "raw output: $out/results.md"
