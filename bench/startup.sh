#!/usr/bin/env bash
# Start-up: `mailops --version` and a full oclif command with no work (`mailops schema`)
# against bare `node -e 0`, in the same hyperfine run. Goal (issue 2): --version <= 2.5x node.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench/results
hyperfine --shell=none --warmup 5 --runs "${RUNS:-30}" --export-json bench/results/startup.json \
  'node -e 0' 'node bin/run.js --version' 'node bin/run.js schema' >&2
node - <<'JS'
const {results} = JSON.parse(require('fs').readFileSync('bench/results/startup.json', 'utf8'))
const [node, version, schema] = results
const ms = (r) => (r.mean * 1000).toFixed(1)
const ratio = (r) => r.mean / node.mean
console.log(`startup: node -e 0 ${ms(node)} ms | mailops --version ${ms(version)} ms (${ratio(version).toFixed(2)}x) | mailops schema ${ms(schema)} ms (${ratio(schema).toFixed(2)}x)`)
if (ratio(version) > 2.5) { console.log('startup: FAIL --version is above 2.5x bare node'); process.exitCode = 1 }
else console.log('startup: OK --version within 2.5x bare node')
JS
