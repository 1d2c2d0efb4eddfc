#!/usr/bin/env bash
# Backup and restore benchmark over the geodb library as hadr runs it (two PostgreSQL servers
# streaming to each other, WAL archived into each region's store, geo-copies, restores into new
# servers): restore time by WAL to replay and by base backup size, archive, geo-copy and
# base-backup throughput. See README.md. Every process it starts, it stops; the data it wrote
# (several GB) is deleted at the end unless KEEP_DATA=1.
#
#   bench/backup/run.sh                 # 100 MB, 500 MB and 1 GB of WAL
#   bench/backup/run.sh 100             # only 100 MB
#   COMPRESS_AFTER=PT0S bench/backup/run.sh 1024   # restore from compressed (gzip) WAL
#   LINK_LATENCY=PT0S bench/backup/run.sh          # no latency between the regions (default 10 ms one way, as hadr up)
#   SETTINGS="shared_buffers=256MB" bench/backup/run.sh 1024    # PostgreSQL settings of every server
#   VARIANTS="default:;buffers:shared_buffers=256MB" ROUNDS=2 bench/backup/run.sh 1024
#       # then restores the last mark again with each variant's settings, in turn, ROUNDS times
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT="$PWD"
out="${OUT:-$ROOT/bench/results/backup-$(date -u +%Y%m%dT%H%M%SZ)}"
mkdir -p "$out"
# As root, PostgreSQL runs as nobody and must reach the data below $out.
chmod o+x "$ROOT/bench/results" "$out" 2>/dev/null || true
echo "building geodb..." >&2
mvn -B -q -pl geodb -am package -DskipTests dependency:build-classpath -Dmdep.outputFile="$out/classpath.txt" >"$out/build.log"
# A copy of the classes: a build in this worktree during the run must not change them under the JVM.
mkdir -p "$out/classes"
cp -r geodb/target/classes "$out/classes/geodb"
cp -r toolkit/target/classes "$out/classes/toolkit"
cp="$out/classes/geodb:$out/classes/toolkit:$(tr : "\n" < "$out/classpath.txt" | grep -v "^$ROOT/" | paste -sd:)"
cleanup() {
  if [ -z "${KEEP_DATA:-}" ]; then rm -rf "$out/db"; fi
}
trap cleanup EXIT
{
  echo "backup benchmark, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "COMPRESS_AFTER=${COMPRESS_AFTER:-PT10M} LINK_LATENCY=${LINK_LATENCY:-PT0.01S} SETTINGS=${SETTINGS:-} VARIANTS=${VARIANTS:-}"
  java -Xmx1g -cp "$cp" bench/backup/BackupBench.java "$out" "$@" 2>"$out/progress.log"
  echo
  echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$out/results.md"
echo "raw output: $out (progress.log: every step)" >&2
