import {createHash} from 'node:crypto'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {stringify} from 'yaml'

import {loadBlueprint, renderFiles, resolveVariables} from '../../src/blueprint/load.js'
import {applyBundle, applyScript, launchCommand} from '../../src/deploy/apply.js'
import {planHost} from '../../src/deploy/plan.js'
import {parseProbe, probeScript} from '../../src/fleet/facts.js'
import {SshConnection} from '../../src/ssh/connection.js'
import {loadInventory} from '../../src/fleet/inventory.js'
import {DeployReport} from '../../src/config/schemas/reports.js'
import {mailops, ROOT, tempFile} from '../helpers/cli.js'
import {expectValid} from '../helpers/schema.js'

// Deploys change sshd on their hosts: a lab of their own, so the shared one stays as it is.
const LAB = {name: 'deploytest', subnet: '198.18.4.0/24'}
const labDir = `/var/lib/mailops/lab/${LAB.name}`
const HOSTILE = `'; $(touch /tmp/pwned) \`touch /tmp/pwned2\` "quoted" \\n\nsecond line; rm -rf /`

function inventory(hostVars: Record<string, Record<string, unknown>> = {}, vars: Record<string, unknown> = {}): string {
  const hosts = [
    {name: 'node1', address: '198.18.4.11', role: 'core'},
    {name: 'node2', address: '198.18.4.12', role: 'edge'},
    {name: 'node3', address: '198.18.4.13', role: 'edge'},
  ].map((h) => (hostVars[h.name] ? {...h, vars: hostVars[h.name]} : h))
  return tempFile('inventory.yaml', stringify({knownHosts: `${labDir}/known_hosts`, defaults: {user: 'root', key: `${labDir}/id_ed25519`}, vars, hosts}))
}

// The base blueprint only: these tests are about the engine (the mail blueprints: mail.test.ts).
const deploy = (inv: string, ...args: string[]) => mailops(['deploy', '-i', inv, '--blueprint', 'base', '--json', '--audit-dir', join(labDir, 'audit'), ...args])
const sh = (host: string, command: string) => mailops(['lab', 'ssh', '--name', LAB.name, host, '--', command]).stdout
const hash = (text: string) => createHash('sha256').update(text).digest('hex')
const SSHD_FILE = '/etc/ssh/sshd_config.d/50-mailops-hardening.conf'

// Booted bare Debian 13 (the base blueprint needs only the image's openssh-server): the engine on
// a real systemd host, as an operator's fresh VM has it.
beforeAll(() => {
  const up = mailops(['lab', 'up', '--name', LAB.name, '--hosts', '3', '--subnet', LAB.subnet, '--os', 'debian13'])
  if (up.code !== 0) throw new Error(`lab up failed: ${up.stderr}`)
})
afterAll(() => {
  mailops(['lab', 'down', '--name', LAB.name])
})

describe('mailops deploy on real lab hosts (OpenSSH, sshd -t, service reload)', () => {
  it('applies the blueprint, then a re-run changes and restarts nothing', () => {
    const inv = inventory()
    const dry = mailops(['deploy', '-i', inv, '--blueprint', 'base', '--dry-run'])
    expect(dry.code, dry.stderr).toBe(0)
    expect(dry.stdout).toContain(`+++ node1:${SSHD_FILE}\t(planned)`)
    expect(sh('node1', `test -e ${SSHD_FILE} && echo present || echo absent`)).toBe('absent\n')

    const first = deploy(inv)
    expect(first.code, first.stderr).toBe(0)
    const report = first.json()
    expectValid(DeployReport, report)
    expect(report.hosts.map((h: {host: string; status: string; restarted: string[]}) => [h.host, h.status, h.restarted])).toEqual([
      ['node1', 'changed', ['ssh']],
      ['node2', 'changed', ['ssh']],
      ['node3', 'changed', ['ssh']],
    ])
    expect(sh('node2', 'sshd -T | grep -i ^maxauthtries; stat -c %a /etc/motd; tail -1 /etc/motd')).toBe('maxauthtries 3\n644\nRole: edge\n')
    const audit = readFileSync(report.audit, 'utf8').trim().split('\n').map((l) => JSON.parse(l))
    // One chained record per host, then the run's signed seal (src/audit/).
    expect(audit.map((a) => a.host ?? Object.keys(a.seal ?? {}).join(','))).toEqual(['node1', 'node2', 'node3', 'run,key,previousRun,sig'])
    expect(audit.map((a) => a.seq)).toEqual([1, 2, 3, 4])
    expect(JSON.parse(sh('node1', 'tail -1 /var/log/mailops/audit.jsonl'))).toMatchObject({run: report.runId, result: {status: 'applied', restarted: ['ssh']}})

    const again = deploy(inv)
    expect(again.code).toBe(0)
    expect(again.json().hosts.map((h: {status: string; restarted: string[]}) => [h.status, h.restarted.length])).toEqual([
      ['unchanged', 0],
      ['unchanged', 0],
      ['unchanged', 0],
    ])
  })

  it('changes only the affected file and service when a variable changes', () => {
    const report = deploy(inventory({node2: {ssh_max_auth_tries: 5}})).json()
    const [node1, node2, node3] = report.hosts
    expect(node1.status).toBe('unchanged')
    expect(node3.status).toBe('unchanged')
    expect(node2.status).toBe('changed')
    expect(node2.files.filter((f: {action: string}) => f.action !== 'unchanged').map((f: {path: string}) => f.path)).toEqual([SSHD_FILE])
    expect(node2.restarted).toEqual(['ssh'])
    expect(sh('node2', 'sshd -T | grep -i ^maxauthtries')).toBe('maxauthtries 5\n')
  })

  it('keeps the old configuration live when a template fails validation', () => {
    const before = sh('node3', `sha256sum ${SSHD_FILE}`)
    const result = deploy(inventory({node2: {ssh_max_auth_tries: 5}, node3: {ssh_extra: 'NotAnOption yes'}}))
    expect(result.code).toBe(1)
    const node3 = result.json().hosts[2]
    expect(node3).toMatchObject({status: 'failed', error: {code: 'VALIDATION_FAILED'}})
    expect(node3.error.message).toContain('Bad configuration option: NotAnOption')
    // The validator's lines are joined by a space, not run together.
    expect(node3.error.message).toMatch(/Bad configuration option: NotAnOption \S.*terminating, 1 bad configuration options/)
    expect(sh('node3', `sha256sum ${SSHD_FILE}`)).toBe(before)
    expect(sh('node3', 'cat /var/lib/mailops/pending-restarts; echo end')).toBe('end\n')
    // sshd still answers: the command above went through it.
  })

  it('writes hostile variable values literally and never runs them', () => {
    const result = deploy(inventory({node2: {ssh_max_auth_tries: 5}}, {motd: HOSTILE}), '--hosts', 'node1')
    expect(result.code, result.stderr).toBe(0)
    expect(sh('node1', 'cat /etc/motd')).toBe(`${HOSTILE}\nRole: core\n`)
    expect(sh('node1', 'ls /tmp/pwned /tmp/pwned2 2>&1 | grep -c "No such file"')).toBe('2\n')
  })

  it('skips the remaining waves once the canary fails', () => {
    const result = deploy(inventory({node1: {ssh_extra: 'AlsoNotAnOption 1'}}), '--canary', '1')
    expect(result.code).toBe(1)
    expect(result.json().hosts.map((h: {status: string}) => h.status)).toEqual(['failed', 'skipped', 'skipped'])
  })

  describe('the apply step', () => {
    const lab = () => loadInventory(inventory({}, {motd: 'apply-step test'}))
    const prepare = async (hostName: string) => {
      const inv = lab()
      const host = inv.hosts.find((h) => h.name === hostName)!
      const blueprint = loadBlueprint(ROOT, 'base')
      const files = renderFiles(blueprint, resolveVariables(blueprint, host.name, inv.secrets, inv.vars, host.vars, {role: host.role}), 'debian 13')
      const connection = await SshConnection.open(host, {knownHosts: inv.knownHosts})
      const facts = parseProbe((await connection.exec(probeScript(files, blueprint.packages))).stdout)
      return {connection, plan: planHost(host.name, files, facts), services: blueprint.services}
    }

    it('refuses a file changed on the host since the probe (compare-and-swap), changing nothing', async () => {
      const {connection, plan, services} = await prepare('node2')
      try {
        await connection.exec("echo 'changed by hand' >> /etc/motd")
        const edited = (await connection.exec('sha256sum /etc/motd')).stdout
        const result = await connection.exec(launchCommand('cas-test'), {stdin: applyBundle(plan, applyScript(plan, services, '"run":"cas-test"'))})
        // The refusal is audited on the host too: the result says which line of its log it got.
        expect(JSON.parse(result.stdout)).toEqual({status: 'conflict', path: '/etc/motd', hostAudit: {seq: expect.any(Number), sha256: expect.stringMatching(/^[0-9a-f]{64}$/)}})
        expect((await connection.exec('sha256sum /etc/motd')).stdout).toBe(edited)
      } finally {
        connection.close()
      }
    })

    it('finishes on the host when the SSH connection is cut during apply; a re-run converges', async () => {
      const {connection, plan, services} = await prepare('node3')
      expect(plan.changed).toBe(true)
      const running = connection.exec(launchCommand('cut-test'), {stdin: applyBundle(plan, applyScript(plan, services, '"run":"cut-test"'))})
      // Cut the connection as soon as the bundle is on its way.
      await new Promise((resolve) => setTimeout(resolve, 30))
      connection.close()
      await running.catch(() => undefined)
      // The detached apply finishes on its own: wait for its result (bounded), as a re-run would.
      const result = sh('node3', 'for i in $(seq 120); do [ -s /var/lib/mailops/runs/cut-test/result ] && break; sleep 0.5; done; cat /var/lib/mailops/runs/cut-test/result')
      expect(JSON.parse(result)).toMatchObject({status: 'applied'})
      expect(sh('node3', `tail -1 /etc/motd; sha256sum /etc/motd | cut -d' ' -f1`)).toBe(`Role: edge\n${hash('apply-step test\nRole: edge\n')}\n`)
      const rerun = deploy(inventory({}, {motd: 'apply-step test'}), '--hosts', 'node3')
      expect(rerun.json().hosts[0].status).toBe('unchanged')
      expect(sh('node3', 'cat /var/lib/mailops/pending-restarts; echo end')).toBe('end\n')
    })
  })
})

describe('deploy input', () => {
  it('rejects a variable of the wrong type with exit code 2, and touches no host', () => {
    const before = sh('node1', 'sha256sum /etc/motd')
    const result = mailops(['deploy', '-i', inventory({node2: {ssh_max_auth_tries: 'many'}}, {motd: 'never deployed'}), '--blueprint', 'base'])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain("node2: variable 'ssh_max_auth_tries' must be an integer from 1 to 10")
    expect(sh('node1', 'sha256sum /etc/motd')).toBe(before)
  })
})
