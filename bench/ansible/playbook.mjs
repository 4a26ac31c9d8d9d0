// Writes an Ansible project that does the same work as `mailops deploy` on an inventory, for
// bench/deploy.sh: node bench/ansible/playbook.mjs INVENTORY OUT [RELEASE]
//   OUT/hosts.ini       the inventory's hosts in groups core and edge
//   OUT/files/HOST/N    each host's files, rendered by mailops' own renderer (desiredState), so
//                       that both tools write byte for byte the same files
//   OUT/site.yml        one play over every host (the roles in parallel, as mailops' one wave):
//                       apt (the blueprints' packages, postfix preseeded as mailops does), the
//                       folders, a copy per file with its blueprint's validator, handlers that
//                       reload or restart per the blueprint, services enabled and started, each
//                       service's ready command waited for.
// READY_S (90): seconds a service's ready command is retried, as deploy's --step-timeout.
// Validators run as mailops runs them: on a copy of the file's folder with the new file in it
// ($STAGED, $STAGED_DIR). Consecutive files that share one validator (rspamd's local.d, checked
// as a set) are checked once after the set is written, and only when one of them changed.
// Ansible needs Python on the host: a raw task installs python3 and python3-apt first (the
// price of Ansible on a bare image, counted in its time), in a play of its own. The playbook is written as JSON, which
// YAML reads as it is.
import {mkdirSync, writeFileSync} from 'node:fs'
import {dirname, join} from 'node:path'

import {listBlueprints, loadBlueprint} from '../../dist/src/blueprint/load.js'
import {PRESEED} from '../../dist/src/deploy/apply.js'
import {deployOrder, desiredState} from '../../dist/src/deploy/deploy.js'
import {loadInventory} from '../../dist/src/fleet/inventory.js'

const [inventoryFile, out, release = 'debian 13'] = process.argv.slice(2)
const inventory = loadInventory(inventoryFile)
const catalog = listBlueprints('.').map((name) => loadBlueprint('.', name))
const hosts = deployOrder(inventory.hosts)

// The folder copy a validator sees: $1 the validator, $2 the new file (empty: already in place), $3 its folder, $4 its name.
const SHADOW = 'set -e; d=$(mktemp -d); trap \'rm -rf "$d"\' EXIT; mkdir -p "$d/s/x"; cp -a "$3"/. "$d/s/x"/; if [ -n "$2" ]; then cp "$2" "$d/s/x/$4"; fi; STAGED="$d/s/x/$4" STAGED_DIR="$d/s/x" sh -c "$1"'
const q = (s) => `'${s.replaceAll("'", `'"'"'`)}'`
// copy's validate is a %-format string split like a shell line: every other % doubled.
const copyValidate = (validate, path) => ['sh', '-c', SHADOW, 'sh', validate].map(q).join(' ').replaceAll('%', '%%') + ` %s ${q(dirname(path))} ${q(path.slice(path.lastIndexOf('/') + 1))}`

const byRole = new Map()
for (const host of hosts) {
  const desired = desiredState(catalog, inventory, host)
  const files = desired.files[release]
  files.forEach((f, i) => {
    mkdirSync(join(out, 'files', host.name), {recursive: true})
    writeFileSync(join(out, 'files', host.name, String(i)), f.content)
  })
  const shape = JSON.stringify(files.map(({path, mode, owner, group, validate, notify}) => ({path, mode, owner, group, validate, notify})))
  const seen = byRole.get(host.role)
  if (seen && seen.shape !== shape) throw new Error(`${host.name}: its files differ in more than content from the other ${host.role} hosts`)
  byRole.set(host.role, {shape, files, packages: [...new Set(desired.packages)], services: desired.services, hosts: [...(seen?.hosts ?? []), host]})
}

// Its own play with the linear strategy: Mitogen needs Python on the host even for a raw task.
const bootstrap = {
  name: 'python for Ansible', hosts: 'all', gather_facts: false, strategy: 'linear',
  tasks: [{'ansible.builtin.raw': 'python3 -c "import apt" 2>/dev/null || { export DEBIAN_FRONTEND=noninteractive; apt-get -q update && apt-get -q install -y --no-install-recommends python3 python3-apt; } >/dev/null', changed_when: false}],
}
const tasks = []
const handlers = []
const handled = new Set()
for (const [role, {files, packages, services}] of byRole) {
  const when = `'${role}' in group_names`
  for (const line of packages.filter((p) => PRESEED[p]).map((p) => PRESEED[p].split(' '))) {
    tasks.push({name: `${role}: preseed ${line[0]}`, 'ansible.builtin.debconf': {name: line[0], question: line[1], vtype: line[2], value: line.slice(3).join(' ')}, when})
  }
  tasks.push({name: `${role}: packages`, 'ansible.builtin.apt': {name: packages, install_recommends: false, update_cache: true, cache_valid_time: 86400}, when})
  tasks.push({name: `${role}: folders`, 'ansible.builtin.file': {path: '{{ item }}', state: 'directory', mode: '0755'}, loop: [...new Set(files.map((f) => dirname(f.path)))], when})
  for (let i = 0; i < files.length; i++) {
    const f = files[i]
    const group = f.validate && files[i + 1]?.validate === f.validate
    let j = i
    if (group) while (files[j + 1]?.validate === f.validate) j++
    for (let k = i; k <= j; k++) {
      const g = files[k]
      tasks.push({
        name: `${role}: ${g.path}`,
        'ansible.builtin.copy': {src: `files/{{ inventory_hostname }}/${k}`, dest: g.path, mode: g.mode, owner: g.owner, group: g.group, ...(g.validate && !group ? {validate: copyValidate(g.validate, g.path)} : {})},
        ...(g.notify.length > 0 ? {notify: g.notify} : {}),
        ...(group ? {register: `${role}_${k}`} : {}),
        when,
      })
    }
    if (group) {
      const changed = Array.from({length: j - i + 1}, (_, n) => `${role}_${i + n} is changed`).join(' or ')
      tasks.push({name: `${role}: check ${dirname(f.path)}`, 'ansible.builtin.command': {argv: ['sh', '-c', SHADOW, 'sh', f.validate, '', dirname(f.path), f.path.slice(f.path.lastIndexOf('/') + 1)]}, when: `${when} and (${changed})`, changed_when: false})
      i = j
    }
  }
  for (const [name, spec] of Object.entries(services)) {
    if (!handled.has(name)) handlers.push({name, 'ansible.builtin.systemd': {name, state: spec.reload === 'reload' ? 'reloaded' : 'restarted'}})
    handled.add(name)
  }
}
tasks.push({'ansible.builtin.meta': 'flush_handlers'})
for (const [role, {services}] of byRole) {
  const when = `'${role}' in group_names`
  for (const [name, spec] of Object.entries(services)) {
    tasks.push({name: `${role}: ${name} enabled and running`, 'ansible.builtin.systemd': {name, enabled: true, state: 'started'}, when})
    if (spec.ready) tasks.push({name: `${role}: ${name} ready`, 'ansible.builtin.shell': spec.ready, register: 'ready', until: 'ready.rc == 0', retries: Number(process.env.READY_S ?? 90), delay: 1, changed_when: false, when})
  }
}

const line = (h) => `${h.name} ansible_host=${h.address} ansible_port=${h.port ?? 22}`
writeFileSync(join(out, 'hosts.ini'), [...byRole].map(([role, {hosts: members}]) => `[${role}]\n${members.map(line).join('\n')}\n`).join(''))
writeFileSync(join(out, 'site.yml'), JSON.stringify([bootstrap, {name: 'mailops blueprints', hosts: 'all', gather_facts: false, tasks, handlers}], null, 1) + '\n')
