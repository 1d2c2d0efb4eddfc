#!/usr/bin/env bash
# A bounded soak: brings up a local environment of its own (its own topology, state directory and
# ports), drives writes and reads through the front door for DURATION while it fails the database
# over every 30-60 s and kills the serving app and the primary's postmaster (Soak.java), checks every
# acknowledged write, prints the counts, and takes the environment down again (also on Ctrl-C).
# Exit status: 0 when no acknowledged write was lost and no short read was answered as whole.
#
#   bench/soak/run.sh                              # 10 minutes on any free ports
#   DURATION=90s bench/soak/run.sh                 # a short one
#   ENDPOINT_PORT=34080 APP_BASE_PORT=34101 DATABASE_BASE_PORT=38441 bench/soak/run.sh
#   WRITERS=4 WRITE_RATE=80 READERS=2 FAILOVER_EVERY=30s-60s bench/soak/run.sh
#   KEEP_DATA=1 bench/soak/run.sh                  # keep the database files afterwards (logs are always kept)
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
source "$HERE/../lib.sh"
DURATION="${DURATION:-10m}"
WRITERS="${WRITERS:-4}"
WRITE_RATE="${WRITE_RATE:-80}"
READERS="${READERS:-2}"
FAILOVER_EVERY="${FAILOVER_EVERY:-30s-60s}"
EXTRA=()
[ -n "${APP_KILLS:-}" ] && EXTRA+=(--app-kills "$APP_KILLS")
[ -n "${POSTMASTER_KILLS:-}" ] && EXTRA+=(--postmaster-kills "$POSTMASTER_KILLS")
bench_out soak
STATE="$OUT/state"

hadr_jar
JAR="$BENCH_ROOT/cli/target/hadr.jar"

cat > "$OUT/topology.yaml" <<YAML
name: soak
$(local_ports "${ENDPOINT_PORT:-0}" "${APP_BASE_PORT:-0}" "${DATABASE_BASE_PORT:-0}")
YAML

UP=""
SOAK_PID=""
# Its own cleanup instead of lib.sh's: it checks that 'hadr down' left no process behind.
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [ -n "$SOAK_PID" ] && kill -0 "$SOAK_PID" 2>/dev/null; then
    # TERM, not INT: a background job of a script starts with SIGINT ignored.
    kill -TERM "$SOAK_PID" 2>/dev/null || true
    wait "$SOAK_PID" 2>/dev/null || true
  fi
  if [ -n "$UP" ]; then
    echo "taking the environment down..." >&2
    # Every process the environment runs, to check afterwards that 'hadr down' ended them all.
    local pids
    pids=$("${HADR[@]}" status --json --state-dir "$STATE" 2>/dev/null | python3 -c '
import json, sys
d = json.load(sys.stdin)
pids = [d.get("pid")] + [a.get("pid") for r in d["regions"] for a in r["apps"]]
pids += [s.get("pid") for s in ((d.get("database") or {}).get("servers") or [])]
print(" ".join(str(p) for p in pids if p))' 2>/dev/null || true)
    "${HADR[@]}" down --state-dir "$STATE" >"$OUT/down.txt" 2>&1 || cat "$OUT/down.txt" >&2
    if [ -z "${KEEP_DATA:-}" ]; then
      # The database files: in the state directory, or where hadr put them for PostgreSQL's account.
      local where="$STATE/db"
      [ -f "$STATE/db-location" ] && where="$(cat "$STATE/db-location")"
      case "$where" in
        "$STATE"/db|/var/lib/hadr/*/db) rm -rf "$where" ;;
        *) echo "left the database files in $where (not a place this script made)" >&2 ;;
      esac
    fi
    local pid left=""
    for pid in $pids $(pgrep -f -- "$STATE" || true); do
      kill -0 "$pid" 2>/dev/null && left="$left $pid"
    done
    if [ -n "$left" ]; then
      echo "processes of this soak still running after 'hadr down':" >&2
      ps -o pid,args -p "$(echo $left | tr ' ' ',')" >&2 || true
      rc=1
    fi
  fi
  echo "raw output: $OUT" >&2
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "starting the environment (state: $STATE)..." >&2
UP=1
"${HADR[@]}" up --detach -f "$OUT/topology.yaml" --state-dir "$STATE" >"$OUT/up.txt" 2>&1 \
  || { tail -n 20 "$OUT/up.txt" >&2; exit 3; }
grep -E '^endpoint:' "$OUT/up.txt" >&2 || true

# The driver runs on hadr's own classes (control API client, Jackson, pgjdbc): nothing to add anywhere.
java -cp "$JAR" "$HERE/Soak.java" --state-dir "$STATE" --out "$OUT" --duration "$DURATION" \
  --writers "$WRITERS" --write-rate "$WRITE_RATE" --readers "$READERS" --failover-every "$FAILOVER_EVERY" \
  ${EXTRA[@]+"${EXTRA[@]}"} &
SOAK_PID=$!
set +e
wait "$SOAK_PID"
rc=$?
set -e
SOAK_PID=""
exit $rc
