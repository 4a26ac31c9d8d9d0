#!/usr/bin/env bash
# N commands on each of 10 lab hosts: mailops' SSH engine against OpenSSH with ControlMaster,
# in the same run, on a lab of its own (198.18.2.0/24) that it takes down afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
count=${COUNT:-20}
hosts=${HOSTS:-10}
lab=/var/lib/mailops/lab/bench
node bin/run.js lab up --name bench --hosts "$hosts" --subnet 198.18.2.0/24 --os controller >/dev/null
trap 'node bin/run.js lab down --name bench >/dev/null' EXIT
mkdir -p bench/results
hyperfine --warmup 1 --runs "${RUNS:-10}" --export-json bench/results/ssh.json \
  -n mailops "node bench/ssh-engine.mjs $lab/inventory.yaml $count" \
  -n openssh-controlmaster "bash bench/ssh-openssh.sh $lab $count" >&2
node - "$count" "$hosts" <<'JS'
const {results} = JSON.parse(require('fs').readFileSync('bench/results/ssh.json', 'utf8'))
const [count, hosts] = process.argv.slice(2)
const [engine, openssh] = results
const ms = (r) => `${(r.mean * 1000).toFixed(0)} ms ± ${(r.stddev * 1000).toFixed(0)}`
console.log(`ssh: ${count} commands on each of ${hosts} hosts | mailops ${ms(engine)} | OpenSSH ControlMaster ${ms(openssh)} | ${(openssh.mean / engine.mean).toFixed(2)}x`)
JS
