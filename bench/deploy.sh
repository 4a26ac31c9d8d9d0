#!/usr/bin/env bash
# mailops deploy against the same work done by Ansible (Debian's ansible-core: apt, copy with the
# blueprints' validators, systemd; pipelining, ControlPersist, forks = hosts, no fact gathering)
# and by Ansible with Mitogen (Debian's ansible-mitogen, strategy mitogen_linear), on HOSTS booted
# bare Debian hosts (`lab up --os debian13`: systemd, sshd, no mail package; 1 core, the rest
# edges) of a lab of its own, in the same run. bench/ansible/playbook.mjs writes the playbook
# from the blueprints and renders every file with mailops' own renderer, so that both tools
# write the same bytes; `mailops verify` is run once on the Ansible-deployed hosts to show it.
#   first deploy: hosts re-created before every run (hyperfine --prepare); the Debian packages
#     come from a warm cache (one deploy of each tool before the timed runs)
#   no-change re-run: each tool against the state it deployed itself
# Goals (issue 14): first deploy >= 2x faster than the faster Ansible, no-change re-run >= 15x.
# Environment: HOSTS (10), RUNS (2), BENCH_LAB (bench), BENCH_SUBNET (198.18.2.0/24), BENCH_OS (debian13),
# STEP_S (300: deploy --step-timeout, and how long Ansible retries a ready command).
set -euo pipefail
cd "$(dirname "$0")/.."
hosts=${HOSTS:-10}
runs=${RUNS:-2}
name=${BENCH_LAB:-bench}
subnet=${BENCH_SUBNET:-198.18.2.0/24}
os=${BENCH_OS:-debian13}
# Nine rspamd instances starting at once on two shared cores need more than the default 90 s.
step=${STEP_S:-300}
lab=/var/lib/mailops/lab/$name
work=$(mktemp -d)
trap 'node bin/run.js lab down --name "$name" >/dev/null 2>&1; [ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
# The peers are Debian's: installed here (only this bench needs them), not by scripts/setup.sh.
if ! command -v ansible-playbook >/dev/null || [ ! -d /usr/lib/python3/dist-packages/ansible_mitogen ]; then
  [ "$(id -u)" -eq 0 ] || { echo 'deploy bench: ansible-core and ansible-mitogen are missing (run as root, or: sudo apt-get install ansible-core ansible-mitogen)' >&2; exit 1; }
  echo 'deploy bench: installing ansible-core ansible-mitogen' >&2
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends ansible-core ansible-mitogen >/dev/null
fi
command -v hyperfine >/dev/null || { echo 'deploy bench: hyperfine is missing (scripts/setup.sh installs it)' >&2; exit 1; }
npm run --silent build >/dev/null

for strategy in linear mitogen; do
  cat > "$work/$strategy.cfg" <<CFG
[defaults]
inventory = $work/ansible/hosts.ini
forks = $hosts
remote_user = root
private_key_file = $lab/id_ed25519
host_key_checking = True
retry_files_enabled = False
interpreter_python = /usr/bin/python3
$([ $strategy = mitogen ] && printf 'strategy_plugins = /usr/lib/python3/dist-packages/ansible_mitogen/plugins/strategy\nstrategy = mitogen_linear\n')
[ssh_connection]
pipelining = True
ssh_args = -o ControlMaster=auto -o ControlPersist=60s -o UserKnownHostsFile=$lab/known_hosts -o IdentitiesOnly=yes
control_path = $work/cp/%%h
CFG
done

# A fresh lab has a fresh CA and keys: the playbook's files are rendered again for it.
up="node bin/run.js lab down --name $name >/dev/null 2>&1; node bin/run.js lab up --name $name --hosts $hosts --subnet $subnet --os $os >/dev/null && rm -rf $work/cp $work/ansible && mkdir -p $work/cp $work/ansible && READY_S=$step node bench/ansible/playbook.mjs $lab/inventory.yaml $work/ansible"
mailops="node bin/run.js deploy -i $lab/inventory.yaml --canary 0 --parallel $hosts --step-timeout $step --audit-dir $work/audit >/dev/null"
ansible="ANSIBLE_CONFIG=$work/linear.cfg ansible-playbook $work/ansible/site.yml >/dev/null"
mitogen="ANSIBLE_CONFIG=$work/mitogen.cfg ansible-playbook $work/ansible/site.yml >/dev/null"
mkdir -p bench/results
echo "deploy bench: warming the package cache ($hosts $os hosts)" >&2
bash -c "$up"; bash -c "$mailops"
bash -c "$up"; bash -c "$ansible"
node bin/run.js verify -i "$lab/inventory.yaml" --skip dns --json > "$work/verify-ansible.json" || true
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
hyperfine --runs "$runs" --prepare "$up" --export-json bench/results/deploy-first.json -n mailops "$mailops" -n ansible "$ansible" -n ansible-mitogen "$mitogen" >&2
bash -c "$up"; bash -c "$mailops"
hyperfine --warmup 1 --runs "$((runs + 3))" --export-json bench/results/deploy-mailops-rerun.json -n mailops-rerun "$mailops" >&2
bash -c "$up"; bash -c "$ansible"
hyperfine --warmup 1 --runs "$runs" --export-json bench/results/deploy-ansible-rerun.json -n ansible-rerun "$ansible" -n ansible-mitogen-rerun "$mitogen" >&2
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
LOAD="$load_before → $load_after" node - "$hosts" "$os" "$work/verify-ansible.json" <<'JS'
const fs = require('fs')
const read = (f) => JSON.parse(fs.readFileSync(`bench/results/${f}.json`, 'utf8')).results
const [first, firstAnsible, firstMitogen] = read('deploy-first')
const [rerun] = read('deploy-mailops-rerun')
const [rerunAnsible, rerunMitogen] = read('deploy-ansible-rerun')
// hyperfine gives no standard deviation for a single run (RUNS=1): null.
const s = (r) => `${r.mean.toFixed(2)} s${r.stddev == null ? '' : ` ± ${r.stddev.toFixed(2)}`}`
const [hosts, os, verifyFile] = process.argv.slice(2)
const verify = JSON.parse(fs.readFileSync(verifyFile, 'utf8') || '{}').summary
const fastest = (a, b) => (a.mean < b.mean ? a : b)
const firstRatio = fastest(firstAnsible, firstMitogen).mean / first.mean
const rerunRatio = fastest(rerunAnsible, rerunMitogen).mean / rerun.mean
console.log(`deploy (${hosts} booted ${os} hosts, load ${process.env.LOAD}); verify on the Ansible-deployed hosts: ${verify ? `${verify.pass} passed, ${verify.fail} failed, ${verify.error} errors` : 'no result'}`)
console.log(`deploy: first  mailops ${s(first)} | ansible ${s(firstAnsible)} | ansible+mitogen ${s(firstMitogen)} | ${firstRatio.toFixed(1)}x the faster Ansible`)
console.log(`deploy: re-run mailops ${s(rerun)} | ansible ${s(rerunAnsible)} | ansible+mitogen ${s(rerunMitogen)} | ${rerunRatio.toFixed(1)}x the faster Ansible`)
if (firstRatio < 2 || rerunRatio < 15) { console.log('deploy: FAIL goals are first >= 2x, re-run >= 15x the faster Ansible'); process.exitCode = 1 }
else console.log('deploy: OK first >= 2x and re-run >= 15x faster than the faster Ansible')
JS
