#!/usr/bin/env bash
# mailops verify on HOSTS lab hosts (1 core, the rest edges) deployed by mailops deploy, against
# verifying each node alone, in the same hyperfine run. Without delivery (no mail sent) and
# without dns (no DNS server on the bench lab). The first connection to an edge waits for
# postscreen's greeting test (6 s), and the run after the first failed logins meets Dovecot's
# auth penalty: two warm-up runs take both, for every command alike.
# Goal (issue 5): all nodes together take at most 1.5x the slowest node alone.
set -euo pipefail
cd "$(dirname "$0")/.."
hosts=${HOSTS:-10}
runs=${RUNS:-5}
inventory=/var/lib/mailops/lab/bench/inventory.yaml
trap 'node bin/run.js lab down --name bench >/dev/null 2>&1' EXIT
node bin/run.js lab up --name bench --hosts "$hosts" --subnet 198.18.2.0/24 --os controller >/dev/null 2>&1
node bin/run.js deploy -i "$inventory" --canary 0 --parallel "$hosts" --audit-dir "$(mktemp -d)" >/dev/null 2>&1
verify="node bin/run.js verify -i $inventory --skip delivery,dns --json >/dev/null"
commands=(-n all "$verify")
for i in $(seq 1 "$hosts"); do commands+=(-n "node$i" "$verify --hosts node$i"); done
mkdir -p bench/results
hyperfine --warmup 2 --runs "$runs" -i --export-json bench/results/verify.json "${commands[@]}" >&2
# Every run must have passed: a timing of failing checks proves nothing.
bash -c "${verify/>\/dev\/null/}" | node -e 'const r = JSON.parse(require("fs").readFileSync(0, "utf8")); if (r.summary.fail + r.summary.error > 0) { console.log("verify: FAIL the checks did not pass", r.summary); process.exit(1) }'
node - "$hosts" <<'JS'
const results = JSON.parse(require('fs').readFileSync('bench/results/verify.json', 'utf8')).results
const all = results.find((r) => r.command === 'all')
const singles = results.filter((r) => r.command !== 'all')
const slowest = singles.reduce((a, b) => (b.mean > a.mean ? b : a))
const ratio = all.mean / slowest.mean
const s = (r) => `${r.mean.toFixed(2)} s ± ${r.stddev.toFixed(2)}`
console.log(`verify (${process.argv[2]} nodes, no delivery/dns): all ${s(all)} | slowest alone (${slowest.command}) ${s(slowest)} | fastest alone ${s(singles.reduce((a, b) => (b.mean < a.mean ? b : a)))} | ${ratio.toFixed(2)}x`)
if (ratio > 1.5) { console.log('verify: FAIL goal is at most 1.5x the slowest node'); process.exitCode = 1 }
else console.log('verify: OK all nodes within 1.5x of the slowest node alone')
JS
