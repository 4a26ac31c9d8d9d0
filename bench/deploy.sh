#!/usr/bin/env bash
# mailops deploy against the same blueprints written as an Ansible playbook (Debian's
# ansible-core, pipelining on, ControlPersist, forks = hosts, no fact gathering), on the same
# HOSTS lab hosts (1 core, the rest edges) of a lab of its own, in the same run.
#   first deploy: hosts recreated before every run (hyperfine --prepare)
#   no-change re-run: each tool against the state it deployed itself
# Goals (issue 4): first deploy >= 3x faster, no-change re-run >= 10x faster.
set -euo pipefail
cd "$(dirname "$0")/.."
hosts=${HOSTS:-10}
runs=${RUNS:-3}
subnet=198.18.2.0/24
lab=/var/lib/mailops/lab/bench
work=$(mktemp -d)
trap 'node bin/run.js lab down --name bench >/dev/null 2>&1; [ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
command -v ansible-playbook >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ansible-core >/dev/null

# A CA-signed certificate, a DKIM key and one mailbox, as an operator would have them.
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=bench-ca -keyout "$work/ca.key" -out "$work/ca.pem" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj /CN=bench.mailops.test -keyout "$work/key.pem" -out "$work/req.csr" 2>/dev/null
openssl x509 -req -in "$work/req.csr" -CA "$work/ca.pem" -CAkey "$work/ca.key" -CAcreateserial -days 2 -out "$work/cert.pem" 2>/dev/null
openssl genrsa -out "$work/dkim.pem" 2048 2>/dev/null
export MAILOPS_SECRET_TLS_KEY="$(cat "$work/key.pem")" MAILOPS_SECRET_DKIM_PRIVATE_KEY="$(cat "$work/dkim.pem")"
hash=$(doveadm pw -s SHA512-CRYPT -p bench-pass)

node - "$work" "$hosts" "$lab" "$hash" <<'JS'
const fs = require('fs')
const yaml = require('yaml')
const [work, count, lab, hash] = process.argv.slice(2)
const hosts = Array.from({length: Number(count)}, (_, i) => ({name: `node${i + 1}`, address: `198.18.2.${11 + i}`, role: i === 0 ? 'core' : 'edge'}))
const vars = {domain: 'bench.mailops.test', tls_cert: fs.readFileSync(`${work}/cert.pem`, 'utf8').trim(), mail_users: [{name: 'alice', password_hash: hash}]}
fs.writeFileSync(`${work}/inventory.yaml`, yaml.stringify({knownHosts: `${lab}/known_hosts`, defaults: {user: 'root', key: `${lab}/id_ed25519`}, vars, hosts}))
// Ansible gets every variable the templates use: the blueprints' defaults, the same vars, the secrets.
const defaults = {}
for (const b of ['base', 'core', 'edge']) {
  for (const [k, v] of Object.entries(yaml.parse(fs.readFileSync(`blueprints/${b}/blueprint.yaml`, 'utf8')).variables)) if (v.default !== undefined) defaults[k] = v.default
}
const secrets = {tls_key: fs.readFileSync(`${work}/key.pem`, 'utf8').trim(), dkim_private_key: fs.readFileSync(`${work}/dkim.pem`, 'utf8').trim()}
fs.writeFileSync(`${work}/vars.json`, JSON.stringify({...defaults, ...vars, ...secrets, core_address: hosts[0].address, core_name: hosts[0].name, edge_addresses: hosts.filter((h) => h.role === 'edge').map((h) => h.address)}))
const line = (h) => `${h.name} ansible_host=${h.address} host_name=${h.name} role=${h.role}`
fs.writeFileSync(`${work}/hosts.ini`, `[core]\n${hosts.filter((h) => h.role === 'core').map(line).join('\n')}\n[edge]\n${hosts.filter((h) => h.role === 'edge').map(line).join('\n')}\n`)
JS
mkdir -p "$work/cp"
cat > "$work/ansible.cfg" <<CFG
[defaults]
inventory = $work/hosts.ini
forks = $hosts
remote_user = root
private_key_file = $lab/id_ed25519
host_key_checking = True
retry_files_enabled = False
[ssh_connection]
pipelining = True
ssh_args = -o ControlMaster=auto -o ControlPersist=60s -o UserKnownHostsFile=$lab/known_hosts -o IdentitiesOnly=yes
control_path = $work/cp/%%h
CFG
cp bench/ansible/site.yml "$work/"
bash bench/ansible/convert.sh "$work/templates"

up="rm -rf $work/cp/*; node bin/run.js lab up --name bench --hosts $hosts --subnet $subnet --os controller >/dev/null 2>&1"
mailops="node bin/run.js deploy -i $work/inventory.yaml --canary 0 --parallel $hosts --audit-dir $work/audit >/dev/null"
ansible="ANSIBLE_CONFIG=$work/ansible.cfg ansible-playbook $work/site.yml -e @$work/vars.json >/dev/null"
mkdir -p bench/results
hyperfine --runs "$runs" --prepare "$up" --export-json bench/results/deploy-first.json -n mailops "$mailops" -n ansible "$ansible" >&2
bash -c "$up"; bash -c "$mailops"
hyperfine --warmup 1 --runs "$((runs + 2))" --export-json bench/results/deploy-mailops-rerun.json -n mailops-rerun "$mailops" >&2
bash -c "$up"; bash -c "$ansible"
hyperfine --warmup 1 --runs "$((runs + 2))" --export-json bench/results/deploy-ansible-rerun.json -n ansible-rerun "$ansible" >&2
node - "$hosts" <<'JS'
const read = (f) => JSON.parse(require('fs').readFileSync(`bench/results/${f}.json`, 'utf8')).results
const [first, firstAnsible] = read('deploy-first')
const [rerun] = read('deploy-mailops-rerun')
const [rerunAnsible] = read('deploy-ansible-rerun')
const s = (r) => `${r.mean.toFixed(2)} s ± ${r.stddev.toFixed(2)}`
const firstRatio = firstAnsible.mean / first.mean
const rerunRatio = rerunAnsible.mean / rerun.mean
console.log(`deploy (${process.argv[2]} hosts): first mailops ${s(first)} | ansible ${s(firstAnsible)} | ${firstRatio.toFixed(1)}x; no-change mailops ${s(rerun)} | ansible ${s(rerunAnsible)} | ${rerunRatio.toFixed(1)}x`)
if (firstRatio < 3 || rerunRatio < 10) { console.log('deploy: FAIL goals are first >= 3x, re-run >= 10x'); process.exitCode = 1 }
else console.log('deploy: OK first >= 3x and re-run >= 10x faster than Ansible')
JS
