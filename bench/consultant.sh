#!/usr/bin/env bash
# The consultant's side (issue 12). Goals: `mailops assess --answers` on defaults <= 1.5 s end to
# end (no probing: --no-probe, the network is not the tool); Monte Carlo of 10,000 draws <= 1 s.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench/results
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf 'company: ACME\nindustry: other\nrevenue: 50000000\nseats: 500\nzones: [apac, europe, americas]\n' > "$work/answers.yaml"
hyperfine --shell=none --warmup 2 --runs "${RUNS:-10}" --export-json bench/results/consultant.json \
  "node bin/run.js assess --answers $work/answers.yaml --no-probe --out-dir $work/report" \
  'node bench/montecarlo.mjs wsm' 'node bench/montecarlo.mjs topsis' >&2
inproc_wsm=$(node bench/montecarlo.mjs wsm)
inproc_topsis=$(node bench/montecarlo.mjs topsis)
INPROC_WSM="$inproc_wsm" INPROC_TOPSIS="$inproc_topsis" node - <<'JS'
const {results} = JSON.parse(require('fs').readFileSync('bench/results/consultant.json', 'utf8'))
const [assess, wsm, topsis] = results
const s = (r) => r.mean.toFixed(3)
const inWsm = JSON.parse(process.env.INPROC_WSM).ms
const inTopsis = JSON.parse(process.env.INPROC_TOPSIS).ms
console.log(`consultant: assess --answers (defaults, --no-probe) ${s(assess)} s ± ${assess.stddev.toFixed(3)} | Monte Carlo 10,000 draws: wsm ${s(wsm)} s with start-up (${inWsm} ms of draws), topsis ${s(topsis)} s (${inTopsis} ms)`)
let failed = false
if (assess.mean > 1.5) { console.log('consultant: FAIL assess above 1.5 s'); failed = true }
if (wsm.mean > 1 || topsis.mean > 1) { console.log('consultant: FAIL Monte Carlo above 1 s'); failed = true }
if (!failed) console.log('consultant: OK assess within 1.5 s, Monte Carlo within 1 s')
process.exitCode = failed ? 1 : 0
JS
