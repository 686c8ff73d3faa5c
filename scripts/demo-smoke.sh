#!/usr/bin/env bash
# The README's first command as a newcomer runs it, `pnpm install && pnpm demo`, then the
# README's curl loop: six answers from the three "Halo dari Server N" backends, round-robin.
# Stops the demo with Ctrl-C (SIGINT) and expects it to exit cleanly. Used by CI (ci.yml).
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=8080
log=$(mktemp)

pnpm install
# Its own process group, so one signal reaches pnpm, turbo and helios alike.
setsid pnpm demo >"$log" 2>&1 &
pid=$!
stop() { kill -INT -- "-$pid" 2>/dev/null || true; }
trap 'stop; cat "$log"' EXIT

for _ in $(seq 1 180); do
  grep -q 'Press Ctrl-C to stop' "$log" && break
  kill -0 "$pid" 2>/dev/null || { echo "pnpm demo exited early"; exit 1; }
  sleep 1
done
grep -q 'Press Ctrl-C to stop' "$log" || { echo "pnpm demo did not start"; exit 1; }

bodies=$(for _ in 1 2 3 4 5 6; do curl -s "http://127.0.0.1:$PORT/"; echo; done)
echo "$bodies"
first=$(echo "$bodies" | head -3 | sort -u | wc -l)
[ "$first" -eq 3 ] || { echo "expected three different backends in three requests"; exit 1; }
[ "$(echo "$bodies" | head -3)" = "$(echo "$bodies" | tail -3)" ] || { echo "not round-robin"; exit 1; }
echo "$bodies" | grep -qvE '^Halo dari Server [123]$' && { echo "unexpected answer"; exit 1; }

trap - EXIT
stop
wait "$pid" || true
for _ in $(seq 1 30); do
  curl -s -o /dev/null "http://127.0.0.1:$PORT/" || { echo "demo stopped cleanly"; exit 0; }
  sleep 1
done
echo "the demo still answers after Ctrl-C"; cat "$log"; exit 1
