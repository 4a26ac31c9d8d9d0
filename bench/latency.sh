#!/usr/bin/env bash
# 100 targets x 10 samples (plus the warm-up) every INTERVAL ms: the whole run against the ideal
# schedule, i.e. iputils ping sampling ONE target on the same schedule, in the same hyperfine run.
# Targets: 127.0.0.1-100 (ICMP) and the same addresses on a local TCP sink. Goal (issue 6): <= 1.2x.
set -euo pipefail
cd "$(dirname "$0")/.."
interval=${INTERVAL:-300}
samples=10
targets=$(seq -f '127.0.0.%g' 1 100 | tr '\n' ' ')
node bench/tcp-sink.mjs > bench/results/.sink-port &
sink=$!
trap 'kill $sink' EXIT
mkdir -p bench/results
while [[ ! -s bench/results/.sink-port ]]; do sleep 0.05; done
port=$(cat bench/results/.sink-port)
tcp_targets=$(for t in $targets; do printf '%s:%s ' "$t" "$port"; done)
seconds=$(awk "BEGIN {print $interval / 1000}")
hyperfine --warmup 1 --runs "${RUNS:-5}" --export-json bench/results/latency.json \
  -n ideal "ping -n -q -c $((samples + 1)) -i $seconds 127.0.0.1" \
  -n icmp-100 "node bin/run.js latency --probe icmp --samples $samples --interval $interval --json $targets" \
  -n tcp-100 "node bin/run.js latency --probe tcp --samples $samples --interval $interval --json $tcp_targets" >&2
node - <<'JS'
const {results} = JSON.parse(require('fs').readFileSync('bench/results/latency.json', 'utf8'))
const [ideal, icmp, tcp] = results
const s = (r) => `${r.mean.toFixed(2)} s ± ${r.stddev.toFixed(2)}`
const ratio = (r) => r.mean / ideal.mean
console.log(`latency: 100 targets x 10 samples | ideal (one target, iputils) ${s(ideal)} | icmp ${s(icmp)} (${ratio(icmp).toFixed(2)}x) | tcp ${s(tcp)} (${ratio(tcp).toFixed(2)}x)`)
const worst = Math.max(ratio(icmp), ratio(tcp))
if (worst > 1.2) { console.log('latency: FAIL above 1.2x the ideal schedule'); process.exitCode = 1 }
else console.log('latency: OK within 1.2x the ideal schedule')
JS
