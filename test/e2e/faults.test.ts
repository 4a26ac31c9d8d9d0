import {execFileSync, spawnSync} from 'node:child_process'
import {createHash} from 'node:crypto'
import {existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {createServer, type Server, Socket} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parse, stringify} from 'yaml'

import {listBlueprints, loadBlueprint} from '../../src/blueprint/load.js'
import {applyBundle, applyScript, launchCommand} from '../../src/deploy/apply.js'
import {desiredState} from '../../src/deploy/deploy.js'
import {planHost} from '../../src/deploy/plan.js'
import {parseProbe, probeScript} from '../../src/fleet/facts.js'
import {SshConnection} from '../../src/ssh/connection.js'
import {loadInventory} from '../../src/fleet/inventory.js'
import {mailops, mailopsAsync, ROOT, tempFile} from '../helpers/cli.js'

// The deploy engine attacked as an adversary would: hosts that misbehave in the middle of an
// inventory, hostile values, two operators at once, a hung probe, a killed apply. A lab of its
// own (1 core, 2 edges), since the tests break and repair sshd and Postfix on its hosts.
const LAB = {name: 'faults', subnet: '198.18.10.0/24'}
const labDir = `/var/lib/mailops/lab/${LAB.name}`
const [NODE1, NODE2, NODE3] = ['198.18.10.11', '198.18.10.12', '198.18.10.13']
const SSHD_FILE = '/etc/ssh/sshd_config.d/50-mailops-hardening.conf'
const sh = (host: string, command: string) => mailops(['lab', 'ssh', '--name', LAB.name, host, '--', command])
const sha = (host: string, path: string) => sh(host, `sha256sum ${path} | cut -d' ' -f1`).stdout.trim()
const audit = mkdtempSync(join(tmpdir(), 'mailops-faults-audit-'))

let lab: Record<string, any>
let silent: Server
let garbage: Server
const ports = {silent: 0, garbage: 0}

const withContent = <T extends {content: string}>(file: T, content: string): T => ({...file, content, sha256: createHash('sha256').update(content).digest('hex')})

/** The lab's own inventory with changes: every test writes its own copy. */
function inventory(change: (inv: Record<string, any>) => void = () => {}): string {
  const inv = structuredClone(lab)
  inv.knownHosts = `${labDir}/known_hosts`
  inv.secretsFile = `${labDir}/secrets.yaml`
  inv.defaults.key = `${labDir}/id_ed25519`
  inv.vars.tls_ca_file = `${labDir}/ca.pem`
  change(inv)
  return tempFile('inventory.yaml', stringify(inv))
}

/** node1, then a silent listener, node2, a garbage banner, an RSA-only sshd and node3. */
function hostileInventory(): string {
  return inventory((inv) => {
    const [n1, n2, n3] = inv.hosts
    inv.hosts = [
      n1,
      {name: 'silent', address: '127.0.0.1', port: ports.silent, role: 'edge'},
      n2,
      {name: 'garbage', address: '127.0.0.1', port: ports.garbage, role: 'edge'},
      {name: 'rsaonly', address: NODE3, port: 2222, role: 'edge'},
      n3,
    ]
  })
}

beforeAll(async () => {
  // Light hosts: these tests are about the engine under hostile hosts and overlapping runs, not
  // provisioning; they need the mail packages already there, and a booted lab would add its
  // package install (≈1 min) to CI for nothing they check.
  const up = mailops(['lab', 'up', '--name', LAB.name, '--hosts', '3', '--subnet', LAB.subnet, '--os', 'controller'])
  if (up.code !== 0) throw new Error(`lab up failed: ${up.stderr}`)
  lab = parse(readFileSync(`${labDir}/inventory.yaml`, 'utf8'))
  // A listener that accepts and never speaks, and one that answers with garbage.
  silent = createServer(() => {}).listen(0, '127.0.0.1')
  garbage = createServer((socket) => {
    socket.on('error', () => {})
    socket.end('HTTP/1.1 400 Bad Request\r\n\r\n\u0000\u00ff garbage, not SSH\r\n')
  }).listen(0, '127.0.0.1')
  await Promise.all([silent, garbage].map((s) => new Promise((resolve) => s.once('listening', resolve))))
  ports.silent = (silent.address() as {port: number}).port
  ports.garbage = (garbage.address() as {port: number}).port
  // A second sshd on node3 that offers only an RSA host key; known_hosts pins an ed25519 key for it.
  const rsa = sh(
    'node3',
    'ssh-keygen -q -t rsa -b 2048 -N "" -f /etc/ssh/rsa_only_key && printf "Port 2222\\nHostKey /etc/ssh/rsa_only_key\\nPidFile /run/sshd-rsa.pid\\nUsePAM no\\nPermitRootLogin prohibit-password\\n" > /etc/ssh/rsa_only.conf && /usr/sbin/sshd -f /etc/ssh/rsa_only.conf </dev/null >/dev/null 2>&1',
  )
  if (rsa.code !== 0) throw new Error(`rsa-only sshd: ${rsa.stderr}`)
  const ed25519 = readFileSync(`${labDir}/known_hosts`, 'utf8').split('\n').find((l) => l.startsWith(`${NODE3},`))!.split(' ').slice(1).join(' ')
  writeFileSync(`${labDir}/known_hosts`, readFileSync(`${labDir}/known_hosts`, 'utf8') + `[${NODE3}]:2222 ${ed25519}\n`)
  // The base blueprint on every node first: the later tests change it.
  const first = mailops(['deploy', '-i', inventory(), '--blueprint', 'base', '--json', '--audit-dir', audit])
  if (first.code !== 0) throw new Error(`first deploy failed: ${first.stdout}${first.stderr}`)
})

afterAll(() => {
  silent?.close()
  garbage?.close()
  mailops(['lab', 'down', '--name', LAB.name])
})

describe('a misbehaving host is that host failure, never the run', () => {
  it('deploy: the others are done, the table, JSON and audit are complete, exit 3', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mailops-audit-'))
    const result = await mailopsAsync(['deploy', '-i', hostileInventory(), '--blueprint', 'base', '--max-fail', '10', '--connect-timeout', '3', '--json', '--audit-dir', dir])
    expect(result.code, result.stderr).toBe(3)
    expect(result.stderr).not.toMatch(/at .*\.js:\d+|Error: Connection lost|ECONNRESET/)
    const hosts = result.json().hosts
    const byName = Object.fromEntries(hosts.map((h: any) => [h.host, h]))
    expect(Object.keys(byName)).toEqual(['node1', 'silent', 'node2', 'garbage', 'rsaonly', 'node3'])
    for (const good of ['node1', 'node2', 'node3']) expect(byName[good].status, good).toBe('unchanged')
    expect(byName.silent.error.code).toBe('CONNECT_TIMEOUT')
    expect(byName.garbage.error.code).toBe('CONNECT_FAILED')
    expect(byName.rsaonly.error.code).toBe('HOST_KEY_MISMATCH')
    expect(byName.rsaonly.error.message).toMatch(/offers only .*rsa.*pins ssh-ed25519/)
    const lines = readFileSync(join(dir, readdirSync(dir)[0]), 'utf8').trim().split('\n').map((l) => JSON.parse(l))
    // A record per host, then the run's seal: the trail is whole even when hosts failed.
    expect(lines.slice(0, -1).map((l) => l.host).sort()).toEqual(['garbage', 'node1', 'node2', 'node3', 'rsaonly', 'silent'])
    expect(Object.keys(lines.at(-1).seal)).toEqual(['run', 'key', 'previousRun', 'sig'])
    expect(mailops(['audit', 'verify', '--audit-dir', dir]).code).toBe(0)
  })

  it('exec and verify: the same hosts fail with their reason, the others answer, exit 3', async () => {
    const exec = await mailopsAsync(['exec', '-i', hostileInventory(), '--connect-timeout', '3', '--json', '--', 'hostname'])
    expect(exec.code, exec.stderr).toBe(3)
    const results = exec.json().results
    expect(results.filter((r: any) => r.ok).map((r: any) => r.stdout.trim())).toEqual(['node1', 'node2', 'node3'])
    expect(results.filter((r: any) => !r.ok).map((r: any) => r.error.code)).toEqual(['CONNECT_TIMEOUT', 'CONNECT_FAILED', 'HOST_KEY_MISMATCH'])

    const verify = await mailopsAsync(['verify', '-i', hostileInventory(), '--only', 'host', '--timeout', '3', '--json'])
    expect(verify.code, verify.stderr).toBe(3)
    expect(verify.stderr).not.toMatch(/at .*\.js:\d+/)
    expect(verify.json().nodes.map((n: any) => n.name)).toEqual(['node1', 'silent', 'node2', 'garbage', 'rsaonly', 'node3'])
  })
})

describe('secrets are never read back or shown', () => {
  it('a dry run after a key rotation shows the hashes, never a key (text and JSON)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mailops-rotate-'))
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '30', '-subj', '/CN=rotated', '-keyout', join(dir, 'k'), '-out', join(dir, 'c')], {stdio: 'ignore'})
    const inv = inventory((i) => {
      i.hosts.find((h: {name: string}) => h.name === 'node2').vars.tls_cert = readFileSync(join(dir, 'c'), 'utf8')
    })
    const env = {MAILOPS_SECRET_TLS_KEY: readFileSync(join(dir, 'k'), 'utf8')}
    // The edge blueprint once with the lab's key, so the host holds a live key to leak.
    const deployed = mailops(['deploy', '-i', inventory(), '--hosts', 'node2', '--blueprint', 'edge', '--json', '--audit-dir', audit])
    expect(deployed.code, deployed.stdout).toBe(0)
    const oldKey = parse(readFileSync(`${labDir}/secrets.yaml`, 'utf8'))['node2/tls_key'] as string
    expect(oldKey).toMatch(/PRIVATE KEY/)
    for (const args of [[], ['--json']]) {
      const dry = mailops(['deploy', '-i', inv, '--hosts', 'node2', '--blueprint', 'edge', '--dry-run', ...args], env)
      expect(dry.code, dry.stderr).toBe(0)
      expect(dry.stdout).toContain('content changed (sha256 ')
      for (const key of [oldKey, env.MAILOPS_SECRET_TLS_KEY]) {
        for (const line of key.split('\n').filter((l) => l.length > 20)) expect(dry.stdout).not.toContain(line)
      }
      expect(dry.stdout).not.toMatch(/PRIVATE KEY/)
    }
  })

  it('a value that looks like a template is written literally; a mailbox name must be a local part', () => {
    const inv = inventory((i) => {
      i.vars.relayhost = '{{tls_key}}'
    })
    const dry = mailops(['deploy', '-i', inv, '--hosts', 'node1', '--blueprint', 'core', '--dry-run', '--json'])
    expect(dry.code, dry.stderr).toBe(0)
    const diff = dry.json().hosts[0].diff as string
    expect(diff).toContain('+relayhost = {{tls_key}}')
    expect(diff).not.toMatch(/PRIVATE KEY|\*\*\*\*\*\*\*\*/)

    const bad = mailops(['deploy', '-i', inventory((i) => i.vars.mail_users.push({name: '{{tls_key}}', password_hash: 'x'})), '--dry-run'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain("variable 'mail_users' must be a list whose items match its schema")
  })
})

describe('lab names are checked by every lab command', () => {
  it('lab down refuses a name that is a path, and a folder that is not a lab', () => {
    const outside = '/var/lib/mailops/x-faults-sentinel'
    mkdirSync(outside, {recursive: true})
    writeFileSync(join(outside, 'keep'), 'keep')
    try {
      for (const name of ['../x-faults-sentinel', '../../../../var/lib/mailops/x-faults-sentinel', 'a/b', '']) {
        const down = mailops(['lab', 'down', '--name', name])
        expect(down.code, name).toBe(2)
        expect(down.stderr).toContain('must be 1-12 lower-case letters and digits')
      }
      expect(existsSync(join(outside, 'keep'))).toBe(true)
      const foreign = '/var/lib/mailops/lab/foreignx'
      mkdirSync(foreign, {recursive: true})
      writeFileSync(join(foreign, 'data'), 'not a lab')
      const down = mailops(['lab', 'down', '--name', 'foreignx'])
      expect(down.code).toBe(2)
      expect(down.stderr).toContain('is not a mailops lab')
      expect(existsSync(join(foreign, 'data'))).toBe(true)
      rmSync(foreign, {recursive: true})
      // This lab's blackhole route is still there: a refused down touched nothing.
      expect(spawnSync('ip', ['route', 'show', 'type', 'blackhole', 'exact', '198.18.0.0/15'], {encoding: 'utf8'}).stdout).toContain('blackhole')
    } finally {
      rmSync(outside, {recursive: true, force: true})
    }
  })
})

describe('one apply at a time per host: no update is lost', () => {
  it('two overlapping deploys of different values: one changes, the other gets CONFLICT, the winner stays', {timeout: 240_000}, async () => {
    // Hold the host lock until both deploys have probed the same file and queue for it (a fixed
    // hold lost the race on a loaded machine: the second deploy probed after the first applied).
    const release = '/run/mailops-test-release'
    expect(sh('node2', `rm -f ${release}; setsid -f timeout 120 flock /var/lib/mailops/lock sh -c 'while [ ! -e ${release} ]; do sleep 0.1; done' </dev/null >/dev/null 2>&1`).code).toBe(0)
    const run = (motd: string) => mailopsAsync(['deploy', '-i', inventory((i) => (i.vars.motd = motd)), '--hosts', 'node2', '--blueprint', 'base', '--json', '--audit-dir', audit])
    const both = Promise.all([run('first operator'), run('second operator')])
    const waiting = () => Number(sh('node2', "pgrep -fc '^flock -w [0-9]+ 9$'").stdout.trim() || 0)
    for (const started = Date.now(); waiting() < 2 && Date.now() - started < 90_000; ) await new Promise((resolve) => setTimeout(resolve, 200))
    expect(waiting()).toBe(2)
    sh('node2', `touch ${release}`)
    const [a, b] = await both
    sh('node2', `rm -f ${release}`)
    const outcomes = [a, b].map((r) => r.json().hosts[0])
    expect(outcomes.map((o) => o.status).sort()).toEqual(['changed', 'failed'])
    const loser = outcomes.find((o) => o.status === 'failed')
    expect(loser.error.code).toBe('CONFLICT')
    const winner = outcomes.indexOf(outcomes.find((o) => o.status === 'changed'))
    expect(sh('node2', 'head -n 1 /etc/motd').stdout.trim()).toBe(winner === 0 ? 'first operator' : 'second operator')
    // Both outcomes are in the host's audit, the refused one too.
    const hostAudit = sh('node2', 'tail -n 2 /var/log/mailops/audit.jsonl').stdout.trim().split('\n').map((l) => JSON.parse(l).result.status)
    expect(hostAudit.sort()).toEqual(['applied', 'conflict'])
  })
})

describe('values that would break a service are refused before any connection, or rolled back', () => {
  it.each([
    ['edge_message_size_limit: -1', {edge_message_size_limit: -1}, {}, "variable 'edge_message_size_limit' must be an integer from 1048576"],
    ['edge_message_size_limit: 1e30', {edge_message_size_limit: 1e30}, {}, "variable 'edge_message_size_limit' must be an integer from 1048576"],
    ['a garbage TLS key', {}, {MAILOPS_SECRET_TLS_KEY: '-----BEGIN PRIVATE KEY-----\ngarbage\n-----END PRIVATE KEY-----\n'}, "variable 'tls_key' must be a PEM private key"],
  ])('%s: exit 2, no host touched', (_name, vars, env, message) => {
    const before = sha('node2', '/etc/postfix/main.cf')
    const dir = mkdtempSync(join(tmpdir(), 'mailops-audit-'))
    const result = mailops(['deploy', '-i', inventory((i) => Object.assign(i.vars, vars)), '--hosts', 'node2', '--audit-dir', dir], env)
    expect(result.code).toBe(2)
    expect(result.stderr).toContain(message)
    expect(result.stderr).not.toContain('garbage')
    expect(readdirSync(dir)).toEqual([])
    expect(sha('node2', '/etc/postfix/main.cf')).toBe(before)
  })

  it('AllowUsers nobody locks mailops out: no fresh login, so the host restores the previous sshd config by itself', () => {
    const before = sha('node3', SSHD_FILE)
    const started = Date.now()
    const result = mailops(['deploy', '-i', inventory((i) => (i.vars.ssh_allow_users = 'nobody')), '--hosts', 'node3', '--blueprint', 'base', '--confirm-timeout', '6', '--json', '--audit-dir', audit])
    expect(result.code, result.stdout).toBe(1)
    const host = result.json().hosts[0]
    expect(host.error.code).toBe('ROLLED_BACK')
    expect(Date.now() - started).toBeLessThan(40_000)
    expect(sha('node3', SSHD_FILE)).toBe(before)
    const again = mailops(['exec', '-i', inventory(), '--hosts', 'node3', '--', 'true'])
    expect(again.code, again.stderr).toBe(0)
  })

  it('an invalid main.cf is checked on a staged copy: under SMTP load no connection fails, and the reason is shown', async () => {
    const inv = loadInventory(inventory())
    const host = inv.hosts.find((h) => h.name === 'node2')!
    // The edge's files as deploy renders them (its facts included), with one bad value in main.cf.
    const desired = desiredState(listBlueprints(ROOT).map((name) => loadBlueprint(ROOT, name)), inv, host)
    const files = desired.files['debian 12'].map((f) =>
      f.path === '/etc/postfix/main.cf' ? withContent(f, f.content.replace(/^message_size_limit = .*$/m, 'message_size_limit = 1e+30')) : f,
    )
    const live = sha('node2', '/etc/postfix/main.cf')
    const connection = await SshConnection.open(host, {knownHosts: inv.knownHosts})
    let failures = 0
    let greeted = 0
    let loading = true
    const load = (async () => {
      while (loading) {
        const banner = await new Promise<boolean>((resolve) => {
          const socket = new Socket()
          const timer = setTimeout(() => (socket.destroy(), resolve(false)), 8000)
          socket.once('data', (data) => (clearTimeout(timer), socket.destroy(), resolve(data.toString().startsWith('220'))))
          socket.once('error', () => (clearTimeout(timer), resolve(false)))
          socket.connect(25, NODE2)
        })
        if (banner) greeted++
        else failures++
      }
    })()
    try {
      const probe = await connection.exec(probeScript(files, []))
      const plan = planHost('node2', files, parseProbe(probe.stdout))
      const launched = await connection.exec(launchCommand('faults-invalid'), {stdin: applyBundle(plan, applyScript(plan, desired.services, '"run":"faults-invalid"'))})
      const result = JSON.parse(launched.stdout)
      expect(result.status).toBe('failed-validate')
      expect(result.output).toContain('bad numerical configuration: message_size_limit')
      await new Promise((resolve) => setTimeout(resolve, 1500))
    } finally {
      loading = false
      await load
      connection.close()
    }
    expect(failures).toBe(0)
    expect(greeted).toBeGreaterThan(2)
    expect(sha('node2', '/etc/postfix/main.cf')).toBe(live)
  })
})

describe('every wait is bounded, and nothing is left running on the host', () => {
  it('a hung probe fails its host within the bound and is ended on the host', () => {
    sh('node2', 'printf "#!/bin/sh\\nexec sleep 300\\n" > /usr/local/bin/dpkg-query && chmod 755 /usr/local/bin/dpkg-query')
    try {
      const started = Date.now()
      const result = mailops(['deploy', '-i', inventory(), '--hosts', 'node2', '--blueprint', 'base', '--probe-timeout', '3', '--json', '--audit-dir', audit])
      expect(Date.now() - started).toBeLessThan(15_000)
      expect(result.code).toBe(3)
      expect(result.json().hosts[0].error.code).toBe('PROBE_TIMEOUT')
      spawnSync('sleep', ['3'])
      expect(sh('node2', 'pgrep -f "[s]leep 300" || echo none').stdout.trim()).toBe('none')
    } finally {
      sh('node2', 'rm -f /usr/local/bin/dpkg-query')
    }
  })

  it('a killed apply.sh is noticed within seconds; its restarts are ended too', {timeout: 120_000}, async () => {
    // A service reload that hangs, so the apply is still running when it is killed.
    sh('node2', 'printf "#!/bin/sh\\n[ \\"\\$2\\" = reload ] && exec sleep 300\\nexec /usr/sbin/service \\"\\$@\\"\\n" > /usr/local/sbin/service && chmod 755 /usr/local/sbin/service')
    try {
      const deploying = mailopsAsync(['deploy', '-i', inventory((i) => (i.vars.ssh_max_auth_tries = 4)), '--hosts', 'node2', '--blueprint', 'base', '--json', '--audit-dir', audit])
      let pid = ''
      for (let i = 0; i < 100 && !pid; i++) {
        spawnSync('sleep', ['0.2'])
        pid = sh('node2', 'pgrep -f "[s]leep 300" >/dev/null && cat "$(ls -1dt /var/lib/mailops/runs/* | head -n 1)/pid"').stdout.trim()
      }
      expect(pid).toMatch(/^\d+$/)
      const killed = Date.now()
      sh('node2', `kill -9 ${pid}`)
      const result = await deploying
      expect(Date.now() - killed).toBeLessThan(10_000)
      expect(result.json().hosts[0].error.code).toBe('APPLY_DIED')
      expect(sh('node2', 'pgrep -f "[s]leep 300|[m]ailops/runs" || echo none').stdout.trim()).toBe('none')
    } finally {
      sh('node2', 'rm -f /usr/local/sbin/service')
    }
  })

  it('exec --timeout ends the remote command on the host', () => {
    const result = mailops(['exec', '-i', inventory(), '--hosts', 'node2', '--timeout', '2', '--json', '--', 'sleep 301; echo late'])
    expect(result.json().results[0].error.code).toBe('COMMAND_TIMEOUT')
    spawnSync('sleep', ['2'])
    expect(sh('node2', 'pgrep -f "[s]leep 301" || echo none').stdout.trim()).toBe('none')
  })
})
