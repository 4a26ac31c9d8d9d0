#!/usr/bin/env bash
# Replication lag under sustained delivery (issue 16): a lab of its own (198.18.2.0/24, taken down
# afterwards) with two cores 80 ms apart in two regions and an edge beside each, deployed; then
# RATE messages a second for DURATION seconds through the edges (bench/replication-lag.mjs), watched on both
# cores over IMAP. Goal: every message on both cores, and p99 lag primary → replica <= GOAL_MS.
#   RATE=20 DURATION=60 GOAL_MS=10000 OS=controller bash bench/replication.sh
set -euo pipefail
cd "$(dirname "$0")/.."
RATE=${RATE:-20}
DURATION=${DURATION:-60}
GOAL_MS=${GOAL_MS:-10000}
OS=${OS:-controller}
name=bench
mailops() { node bin/run.js "$@"; }
trap 'mailops lab down --name "$name" >/dev/null 2>&1 || true' EXIT
mailops lab up --name "$name" --hosts 4 --cores 2 --subnet 198.18.2.0/24 --os "$OS" \
  --region node1=apac --region node2=europe --region node3=apac --region node4=europe --link apac:europe=80 >/dev/null
inventory=/var/lib/mailops/lab/$name/inventory.yaml
mailops deploy -i "$inventory" >/dev/null
mkdir -p bench/results
out=bench/results/replication-$(date -u +%Y%m%dT%H%M%S).json
node bench/replication-lag.mjs "$inventory" "$RATE" "$DURATION" | tee "$out"
node -e '
const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))
const goal = Number(process.argv[2])
const ok = r.refused === 0 && r.onBoth === r.accepted && r.lagMs.p99 <= goal
console.log(`replication lag at ${r.reachedRate} msg/s for ${r.seconds} s: p50 ${r.lagMs.p50} ms, p95 ${r.lagMs.p95} ms, p99 ${r.lagMs.p99} ms (goal p99 <= ${goal}); ${r.onBoth}/${r.accepted} on both cores: ${ok ? "ok" : "MISSED"}`)
process.exit(ok ? 0 : 1)
' "$out" "$GOAL_MS"
