import {execFileSync, spawn} from 'node:child_process'
import {existsSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {connect, createServer} from 'node:net'
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest'
import {parse, stringify} from 'yaml'

import type {DnsRecord} from '../../src/dns/records.js'
import {publishToLab} from '../../src/lab/dns.js'
import {readState} from '../../src/lab/state.js'
import {VerifyReport} from '../../src/config/schemas/reports.js'
import {mailops} from '../helpers/cli.js'
import {xmllint} from '../helpers/junit.js'
import {expectValid} from '../helpers/schema.js'

// A lab of its own, deployed by mailops with the bundled blueprints; the core relays outbound mail
// to the bridge address, where verify itself listens (--peer); the lab's DNS (NSD behind the
// Unbound on the bridge, --resolver) serves the records `mailops dns --apply` published.
const LAB = {name: 'verifytest', subnet: '198.18.9.0/24'}
const GATEWAY = '198.18.9.1'
const DOMAIN = `${LAB.name}.mailops.test`
const labDir = `/var/lib/mailops/lab/${LAB.name}`
const inventory = `${labDir}/inventory-relay.yaml`

type Check = {id: string; target?: string; status: string; message: string; hint?: string; evidence?: string}
type Node = {name: string; role: string; status: string; checks: Check[]}

let records: DnsRecord[]

const verify = (...args: string[]) => mailops(['verify', '-i', inventory, '--resolver', GATEWAY, '--peer', `${GATEWAY}:2525`, '--json', ...args])
const deploy = (file = inventory, hangMs?: number) => {
  const result = mailops(['deploy', '-i', file, '--json', '--audit-dir', `${labDir}/audit`], {}, hangMs)
  expect(result.code, result.stderr + result.stdout).toBe(0)
}
const onNode = (sh: string, node = 'node1') => {
  const result = mailops(['lab', 'ssh', '--name', LAB.name, node, '--', sh])
  expect(result.code, result.stderr).toBe(0)
}
const checksOf = (report: {nodes: Node[]}, node: string) => report.nodes.find((n) => n.name === node)!.checks
const failed = (report: {nodes: Node[]}) => report.nodes.flatMap((n) => n.checks.filter((c) => c.status !== 'pass').map((c) => ({node: n.name, ...c})))
type TestsslFinding = {id: string; severity: string; finding: string}
/** testssl.sh (Debian package, scripts/setup.sh installs it) against one endpoint by IP, no DNS; its JSON findings. */
const testssl = async (address: string, port: number, starttls: string[], ip?: string): Promise<TestsslFinding[]> => {
  const out = `${labDir}/testssl-${address}-${port}.json`
  rmSync(out, {force: true})
  // Protocols, cipher categories, forward secrecy, server preference, certificate, vulnerabilities: no per-protocol enumeration, no HTTP header checks.
  const args = ['--quiet', '--color', '0', '--warnings', 'off', '--nodns', 'none', '--add-ca', `${labDir}/ca.pem`, '-p', '-s', '-f', '-P', '-S', '-U', ...starttls, '--jsonfile', out, ...(ip ? ['--ip', ip] : []), `${address}:${port}`]
  const run = await new Promise<{code: number | null; error?: Error}>((resolve) => {
    const child = spawn('testssl', args, {stdio: 'ignore'})
    child.once('error', (error) => resolve({code: null, error}))
    child.once('exit', (code) => resolve({code}))
  })
  if (run.error) throw new Error(`testssl could not run (${run.error.message}): install it with scripts/setup.sh (Debian package testssl.sh)`)
  if (!existsSync(out)) throw new Error(`testssl ${args.join(' ')} exited ${run.code} without writing ${out}`)
  return JSON.parse(readFileSync(out, 'utf8')) as TestsslFinding[]
}
const serve = (served: DnsRecord[]) => publishToLab(readState(LAB.name)!, served)

/**
 * The core's port 25 as an edge sees it (the core's firewall lets no one else in): OpenSSH's own
 * tunnel from node2, on a loopback port; closed by the caller.
 */
const tunnelFromEdge = async (to: string, port: number): Promise<{port: number; close: () => void}> => {
  const local = await new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const {port: free} = probe.address() as {port: number}
      probe.close(() => resolve(free))
    })
  })
  const ssh = ['-N', '-o', 'BatchMode=yes', '-o', `UserKnownHostsFile=${labDir}/known_hosts`, '-o', 'StrictHostKeyChecking=yes', '-o', 'ExitOnForwardFailure=yes', '-i', `${labDir}/id_ed25519`]
  const child = spawn('ssh', [...ssh, '-L', `127.0.0.1:${local}:${to}:${port}`, 'root@198.18.9.12'], {stdio: 'ignore'})
  const close = () => child.kill('SIGTERM')
  for (let tries = 0; tries < 100; tries++) {
    if (child.exitCode !== null) throw new Error(`ssh -L ${local}:${to}:${port} through node2 exited ${child.exitCode}`)
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(local, '127.0.0.1').once('connect', () => resolve(true)).once('error', () => resolve(false))
      socket.once('connect', () => socket.destroy())
    })
    if (open) return {port: local, close}
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  close()
  throw new Error(`ssh -L ${local}:${to}:${port} through node2 did not listen within 10 s`)
}

// Booted bare Debian 13 hosts: deploy installs every package first (from the warm .deb cache).
beforeAll(async () => {
  const up = mailops(['lab', 'up', '--name', LAB.name, '--hosts', '3', '--subnet', LAB.subnet, '--os', 'debian13'])
  if (up.code !== 0) throw new Error(`lab up failed: ${up.stderr}`)
  const lab = parse(readFileSync(`${labDir}/inventory.yaml`, 'utf8'))
  lab.vars.relayhost = `[${GATEWAY}]:2525`
  writeFileSync(inventory, stringify(lab))
  // Every package installed first: on a loaded 2-core machine more than the usual 3 minutes.
  deploy(inventory, 540_000)
  const printed = mailops(['dns', '-i', inventory, '--json', '--apply'])
  expect(printed.code, printed.stderr).toBe(0)
  records = printed.json().records
  expect(printed.json().published).toMatchObject({lab: LAB.name, server: GATEWAY})
  // Boot, then a first deploy that installs every package (≈1–2 min on a loaded 2-core machine).
}, 600_000)

// Each break is undone after its test, passed or not, so that one failure does not cascade.
let repair: (() => unknown) | undefined
const undoBreak = async () => {
  const undo = repair
  repair = undefined
  await undo?.()
}
afterEach(undoBreak)

afterAll(() => {
  mailops(['lab', 'down', '--name', LAB.name])
})

describe('mailops verify on nodes deployed by mailops deploy', () => {
  it('passes every check of every group, delivery and DNS included', () => {
    const result = verify()
    expect(result.code, result.stderr + result.stdout.slice(0, 3000)).toBe(0)
    const report = result.json()
    expectValid(VerifyReport, report)
    // The lab's links have no IPv6: IPv6 parity does not apply to the edges, and the check says so (never a silent pass).
    expect(failed(report)).toEqual(['node2', 'node3'].map((node) => expect.objectContaining({node, id: 'network.ipv6', status: 'skip', message: expect.stringContaining('has no AAAA record')})))
    expect(report.nodes.map((n: Node) => [n.name, n.role, n.status])).toEqual([
      ['node1', 'core', 'pass'],
      ['node2', 'edge', 'skip'],
      ['node3', 'edge', 'skip'],
      [DOMAIN, 'domain', 'pass'],
    ])
    const groups = new Set(report.nodes.flatMap((n: Node) => n.checks.map((c) => c.id.split('.')[0])))
    expect([...groups].sort()).toEqual(['auth', 'delivery', 'dns', 'host', 'network', 'relay', 'smtp', 'tls'])
    // 7 TLS endpoints on the core, 8 checks each (tls.issuer included); one on an edge, and its hop to the core.
    expect(checksOf(report, 'node1').filter((c) => c.id.startsWith('tls.'))).toHaveLength(56)
    expect(checksOf(report, 'node2').filter((c) => c.id.startsWith('tls.'))).toHaveLength(9)
    // The core's firewall gives verify (not an edge) no answer on 25; an edge gets the greeting, and
    // every other check of the core's 25 goes through that edge (the only clients it takes).
    expect(checksOf(report, 'node1').find((c) => c.id === 'smtp.edges-only')!.evidence).toMatch(/^from here: no answer from 198\.18\.9\.11:25 within \d+ ms; from node2 \(an edge\): 220 node1\.verifytest\.mailops\.test ESMTP/)
    expect(checksOf(report, 'node1').filter((c) => c.target === 'smtp:25').map((c) => c.status)).toEqual(Array(9).fill('pass'))
    expect(checksOf(report, 'node1').find((c) => c.id === 'network.port' && c.target === '25/tcp')!.message).toBe('filtered: a core takes port 25 from its edges only')
    expect(report.nodes.slice(0, 3).map((n: Node) => n.checks.find((c) => c.id === 'host.firewall')!.status)).toEqual(['pass', 'pass', 'pass'])
    expect(checksOf(report, 'node2').find((c) => c.id === 'tls.next-hop')!.evidence).toMatch(/^Verified TLS connection established to 198\.18\.9\.11\[198\.18\.9\.11\]:25: TLSv1\.3 /)
    expect(checksOf(report, 'node2').find((c) => c.id === 'delivery.inbound')!.message).toMatch(/^delivered to demo@verifytest\.mailops\.test on node1 in \d+ ms$/)
    expect(checksOf(report, 'node1').filter((c) => c.id.startsWith('delivery.outbound-')).map((c) => c.message)).toEqual([
      `DKIM pass, d=${DOMAIN} s=mail`,
      'SPF pass for 198.18.9.11',
      'DMARC pass (aligned)',
    ])
    expect(result.stdout).not.toContain(parse(readFileSync(`${labDir}/secrets.yaml`, 'utf8')).verify_password)
  })

  it('writes JUnit XML that validates against the Jenkins JUnit schema, one testcase per check per node', () => {
    const result = mailops(['verify', '-i', inventory, '--resolver', GATEWAY, '--skip', 'delivery', '--format', 'junit'])
    expect(result.code, result.stderr).toBe(0)
    const lint = xmllint(result.stdout)
    expect(lint.status, lint.stderr).toBe(0)
    const json = mailops(['verify', '-i', inventory, '--resolver', GATEWAY, '--skip', 'delivery', '--json']).json()
    const cases = result.stdout.match(/<testcase /g)!.length
    expect(cases).toBe(json.nodes.reduce((n: number, node: Node) => n + node.checks.length, 0))
    expect(result.stdout).toMatch(/<testsuite name="node1" id="0" hostname="198\.18\.9\.11" timestamp="[\dT:-]+" tests="\d+" failures="0" errors="0" skipped="0"/)
  })

  it('checks the whole domain and delivers to the core when --hosts picks one edge', () => {
    const result = verify('--hosts', 'node2', '--only', 'dns,delivery')
    expect(result.code, result.stdout.slice(0, 2000)).toBe(0)
    const report = result.json()
    expect(report.nodes.map((n: Node) => n.name)).toEqual(['node2', DOMAIN])
    expect(checksOf(report, 'node2').map((c) => c.id)).toEqual(['dns.ptr', 'dns.dane', 'dns.mta-sts-policy', 'delivery.inbound', 'delivery.auth-results', 'delivery.unicode', 'delivery.forgery', 'delivery.gtube'])
    expect(checksOf(report, DOMAIN).find((c) => c.id === 'dns.mx')!.message).toContain(`node2.${DOMAIN}, node3.${DOMAIN}`)
  })

  it('finds an open relay on an edge, with the fix; deploy repairs the drift', async () => {
    // The classic mistake: "trust everyone" in mynetworks (Postfix itself refuses a bare `permit`).
    repair = () => deploy()
    onNode("postconf -e 'mynetworks = 0.0.0.0/0' && postfix reload", 'node3')
    const result = verify('--only', 'relay')
    expect(result.code).toBe(1)
    expect(failed(result.json())).toEqual([
      expect.objectContaining({node: 'node3', id: 'relay.open', status: 'fail', message: expect.stringContaining('OPEN RELAY'), evidence: expect.stringMatching(/^250 /), hint: expect.stringContaining('reject_unauth_destination')}),
    ])
    await undoBreak()
    expect(verify('--only', 'relay').code).toBe(0)
  })

  it('finds system accounts and address literals reachable from outside', async () => {
    // The defect as it was: root@localhost and root@[ip] into /var/mail/root, postmaster@[ip] accepted then dropped.
    // On an edge: the core takes mail from the edges only (smtp.edges-only), so outside reaches these through an edge.
    repair = () => deploy()
    onNode("postconf -e 'smtpd_recipient_restrictions = reject_unauth_pipelining, reject_unlisted_recipient' && postconf -X local_recipient_maps && postfix reload", 'node2')
    const result = verify('--only', 'smtp')
    expect(result.code).toBe(1)
    expect(failed(result.json())).toEqual([
      expect.objectContaining({node: 'node2', id: 'smtp.system-accounts', status: 'fail', message: 'accepts root@localhost, root@[198.18.9.12], postmaster@[198.18.9.12] from outside', hint: expect.stringContaining('check_recipient_access')}),
    ])
    await undoBreak()
    expect(verify('--only', 'smtp').code).toBe(0)
  })

  it("finds the core's port 25 open to clients that are not edges (bots bypass the edges)", async () => {
    // The defect as it was: no client restriction on the core's port 25 - and now a firewall opened for it too.
    repair = () => deploy()
    onNode('postconf -X smtpd_client_restrictions && postfix reload && nft insert rule inet mailops input tcp dport 25 accept')
    const result = verify('--only', 'smtp')
    expect(result.code).toBe(1)
    expect(failed(result.json())).toEqual([
      expect.objectContaining({node: 'node1', id: 'smtp.edges-only', status: 'fail', message: `accepts mail for demo@${DOMAIN} from a client that is not an edge: port 25 of the core bypasses the edges`, evidence: expect.stringMatching(/RCPT TO demo@\S+ → 250 /), hint: expect.stringContaining('edge_clients')}),
    ])
    await undoBreak()
    expect(verify('--only', 'smtp').code).toBe(0)
  })

  it('finds a host firewall flushed by hand, and with it the login limit it carried; deploy loads it again', async () => {
    repair = () => deploy()
    onNode('nft flush table inet mailops')
    // network.ipv6 is not applicable in the lab (no IPv6): left out, so that the list is the flush's consequences alone.
    const result = verify('--skip', 'delivery,network.ipv6')
    expect(result.code).toBe(1)
    // The firewall held the IMAPS/POP3S bound per client (Dovecot has none): those go with it; submission keeps anvil's.
    expect(failed(result.json()).map((p) => [p.node, p.id, p.target])).toEqual([
      ['node1', 'host.firewall', undefined],
      ['node1', 'auth.throttle', 'imaps:993'],
      ['node1', 'auth.throttle', 'pop3s:995'],
    ])
    expect(failed(result.json())[0]).toEqual(
      expect.objectContaining({
        node: 'node1',
        id: 'host.firewall',
        status: 'fail',
        message: 'table inet mailops differs from /etc/nftables.conf (changed by hand since it was loaded)',
        evidence: expect.stringMatching(/^\d+ lines; - +ct state established,related accept/),
        hint: expect.stringContaining('systemctl reload nftables'),
      }),
    )
    // No file changed: deploy's probe finds the firewall not answering its ready command and reloads it.
    const repaired = mailops(['deploy', '-i', inventory, '--json', '--audit-dir', `${labDir}/audit`])
    expect(repaired.code, repaired.stderr).toBe(0)
    expect(repaired.json().hosts.map((h: {host: string; status: string; restarted: string[]}) => [h.host, h.status, h.restarted])).toEqual([
      ['node1', 'changed', ['nftables']],
      ['node2', 'unchanged', []],
      ['node3', 'unchanged', []],
    ])
    repair = undefined
    expect(verify('--only', 'host.firewall,smtp.edges-only').code).toBe(0)
  }, 300_000)

  it('rolls back a firewall that locks SSH out: the host restores the previous ruleset itself and stays reachable, the deploy fails saying so', () => {
    // The operator's mistake: a "block" rule for the network mailops itself logs in from.
    const lab = parse(readFileSync(inventory, 'utf8'))
    const node3 = lab.hosts.find((h: {name: string}) => h.name === 'node3')
    node3.vars = {...node3.vars, firewall_extra: `ip saddr ${GATEWAY} drop`}
    const lockout = `${labDir}/inventory-lockout.yaml`
    writeFileSync(lockout, stringify(lab))
    const started = Date.now()
    const result = mailops(['deploy', '-i', lockout, '--hosts', 'node3', '--confirm-timeout', '10', '--json', '--audit-dir', `${labDir}/audit`])
    expect(result.code).toBe(1)
    expect(result.json().hosts[0]).toMatchObject({
      host: 'node3',
      status: 'failed',
      error: {code: 'ROLLED_BACK', message: 'node3: after the change to nftables no fresh SSH login succeeded within 10 s, so the host put the previous files back and reloaded them (magic rollback)'},
    })
    expect(Date.now() - started).toBeLessThan(90_000)
    // Reachable again over a fresh login, the deployed ruleset loaded, the blocking rule nowhere.
    const table = mailops(['lab', 'ssh', '--name', LAB.name, 'node3', '--', `nft list table inet mailops && { grep -c ${GATEWAY} /etc/nftables.conf || true; }`])
    expect(table.code, table.stderr).toBe(0)
    expect(table.stdout).toContain('tcp dport 22 accept')
    expect(table.stdout).not.toContain(GATEWAY)
    expect(table.stdout.trim().split('\n').at(-1)).toBe('0')
    expect(verify('--only', 'host.firewall', '--hosts', 'node3').code).toBe(0)
  }, 300_000)

  it('finds password guessing on IMAPS and POP3S throttled per connection, not per client (the limit lifted by hand); deploy repairs it', async () => {
    // The defect as it was: Dovecot alone, which cannot bound parallel logins per address - the
    // firewall's ct count rules deleted. Submission keeps Postfix's anvil limits (10 at once).
    repair = () => deploy()
    onNode(`for h in $(nft -a list chain inet mailops input | sed -n 's/.*ct count over.* handle \\([0-9]*\\)$/\\1/p'); do nft delete rule inet mailops input handle $h; done`)
    const result = verify('--only', 'auth')
    expect(result.code).toBe(1)
    const problems = failed(result.json())
    expect(problems.map((p) => [p.node, p.id, p.target])).toEqual([
      ['node1', 'auth.throttle', 'imaps:993'],
      ['node1', 'auth.throttle', 'pop3s:995'],
    ])
    expect(problems[0]).toMatchObject({message: expect.stringMatching(/^(1[1-9]|2\d|30) of 30 parallel guesses from one address got \(or may have got\) a password verdict: more than 10$/), evidence: expect.stringContaining('at once from 198.18.9.2: '), hint: expect.stringContaining('ct count over 10')})
    await undoBreak()
    const throttled = verify('--only', 'auth.throttle')
    expect(throttled.code, throttled.stdout.slice(0, 2000)).toBe(0)
    expect(checksOf(throttled.json(), 'node1').map((c) => c.message)).toEqual(Array(4).fill(expect.stringMatching(/^(\d|10) of 30 parallel guesses got a verdict \(at most 10\)$/)))
  }, 300_000)

  it("finds an edge whose TLS to the core is not verified (anyone between them could pose as the core)", async () => {
    // The defect as it was: smtp_tls_security_level = may on the edge, no policy for the core.
    repair = () => deploy()
    onNode('postconf -X smtp_tls_policy_maps && postfix reload', 'node3')
    const result = verify('--only', 'tls.next-hop,delivery.inbound')
    expect(result.code).toBe(1)
    expect(failed(result.json())).toEqual([
      expect.objectContaining({node: 'node3', id: 'tls.next-hop', status: 'fail', message: expect.stringMatching(/^the last connection to node1 was (Trusted|Untrusted) TLS: /), evidence: expect.stringMatching(/^(Trusted|Untrusted) TLS connection established to 198\.18\.9\.11\[198\.18\.9\.11\]:25: /), hint: expect.stringContaining('secure match=CORE.DOMAIN')}),
    ])
    await undoBreak()
    const repaired = verify('--only', 'tls.next-hop,delivery.inbound').json()
    expect(failed(repaired)).toEqual([])
    expect(checksOf(repaired, 'node3').map((c) => c.id)).toEqual(['delivery.inbound', 'tls.next-hop'])
  })

  it('finds SMTPUTF8 offered by an edge whose next hops cannot carry it (accepted, then bounced)', async () => {
    repair = () => deploy()
    onNode('postconf -e smtputf8_enable=yes && postfix reload', 'node2')
    const result = verify('--only', 'delivery.unicode', '--delivery-timeout', '10')
    expect(result.code).toBe(1)
    expect(failed(result.json())).toEqual([
      expect.objectContaining({node: 'node2', id: 'delivery.unicode', status: 'fail', message: `SMTPUTF8 is offered, but a UTF-8 message for demo@${DOMAIN} was not delivered: not in demo@${DOMAIN}'s INBOX within 10 s`, hint: expect.stringContaining('smtputf8_enable = no')}),
    ])
    await undoBreak()
    const repaired = verify('--only', 'delivery.unicode').json()
    expect(repaired.nodes.flatMap((n: Node) => n.checks.map((c) => [n.name, c.status, c.message]))).toEqual(
      ['node1', 'node2', 'node3'].map((n) => [n, 'pass', 'SMTPUTF8 not offered, and refused up front']),
    )
  })

  it('finds an edge with no inbound filter: forged own domain, GTUBE and no Authentication-Results delivered; deploy repairs it', async () => {
    // The defect as it was: Postfix on the edge handed every message on unfiltered (no milter).
    repair = () => deploy()
    onNode("postconf -e 'smtpd_milters =' && postfix reload", 'node3')
    const result = verify('--only', 'delivery', '--hosts', 'node3')
    expect(result.code).toBe(1)
    expect(failed(result.json())).toEqual([
      expect.objectContaining({node: 'node3', id: 'delivery.auth-results', status: 'fail', message: "the sender's own Authentication-Results in the edge's name was delivered: a forger decides what the reader's client shows", hint: expect.stringContaining('milter_headers')}),
      expect.objectContaining({node: 'node3', id: 'delivery.forgery', status: 'fail', message: expect.stringMatching(new RegExp(`^mail from outside with From: \\S+@${DOMAIN.replaceAll('.', '\\.')} reached the INBOX unmarked$`)), hint: expect.stringContaining('own_domain.map')}),
      expect.objectContaining({node: 'node3', id: 'delivery.gtube', status: 'fail', message: 'GTUBE reached the INBOX unmarked: no spam filter on this edge', hint: expect.stringContaining('rspamd')}),
    ])
    await undoBreak()
    const repaired = verify('--only', 'delivery', '--hosts', 'node3').json()
    expect(failed(repaired)).toEqual([])
    expect(checksOf(repaired, 'node3').find((c) => c.id === 'delivery.gtube')!.evidence).toBe('message refused: 554 5.7.1 Gtube pattern')
    expect(checksOf(repaired, 'node3').find((c) => c.id === 'delivery.auth-results')!.message).toBe(`Authentication-Results from node3.${DOMAIN}: spf=none dkim=none dmarc=none`)
  })

  it('finds an edge that takes the own domain from outside: the forged sender accepted, the forged From: only marked by DMARC', async () => {
    // The defect as it was: no own-domain rule; the From: forgery is then left to the published DMARC policy (p=quarantine: Junk).
    repair = () => deploy()
    onNode('postconf -X smtpd_sender_restrictions && postfix reload && rm /etc/rspamd/local.d/multimap.conf && service rspamd reload >/dev/null && sleep 2', 'node2')
    const result = verify('--only', 'delivery.forgery', '--hosts', 'node2')
    expect(result.code).toBe(1)
    const [problem] = failed(result.json())
    expect(failed(result.json())).toHaveLength(1)
    expect(problem).toMatchObject({node: 'node2', id: 'delivery.forgery', status: 'fail', message: expect.stringMatching(new RegExp(`^mail from outside with the envelope sender \\S+@${DOMAIN.replaceAll('.', '\\.')} is accepted$`)), hint: expect.stringContaining('check_sender_access')})
    expect(problem.evidence).toMatch(/RCPT TO:<demo@\S+> → 250 .*accepted, filed in Junk \(.*dmarc=fail .*policy=quarantine/)
    await undoBreak()
    const repaired = checksOf(verify('--only', 'delivery.forgery', '--hosts', 'node2').json(), 'node2')
    expect(repaired.map((c) => [c.status, c.message])).toEqual([['pass', 'the own domain from outside: envelope refused, From: header refused']])
  })

  it('finds a stopped rspamd on an edge', async () => {
    repair = () => onNode('systemctl start rspamd', 'node2')
    onNode('systemctl stop rspamd', 'node2')
    const result = verify('--only', 'host.services', '--hosts', 'node2')
    expect(result.code).toBe(1)
    // A booted host: the fix is systemd's.
    expect(failed(result.json())).toEqual([
      expect.objectContaining({node: 'node2', id: 'host.services', status: 'fail', message: 'not running: rspamd', hint: expect.stringContaining('systemctl enable --now rspamd')}),
    ])
    await undoBreak()
    expect(verify('--only', 'host.services', '--hosts', 'node2').code).toBe(0)
  })

  it("finds an edge whose size limit leaves no room below the core's for the headers it adds", async () => {
    // The defect as it was: edge and core with one limit; what the edge accepted near it, the core refused.
    repair = () => deploy()
    onNode('postconf -e message_size_limit=26214400 && postfix reload', 'node2')
    const result = verify('--only', 'smtp')
    expect(result.code).toBe(1)
    expect(failed(result.json())).toEqual([
      expect.objectContaining({node: 'node2', id: 'smtp.size', status: 'fail', message: expect.stringMatching(/^node2 accepts 26214400 bytes, not 65536 below node1's 26214400/), evidence: 'EHLO SIZE: node2 26214400, node1 26214400', hint: expect.stringContaining('edge_message_size_limit')}),
    ])
    await undoBreak()
    expect(verify('--only', 'smtp').code).toBe(0)
  })

  it('finds AUTH offered before TLS', async () => {
    repair = () => deploy()
    onNode("postconf -e 'smtpd_sasl_auth_enable = yes' 'smtpd_tls_auth_only = no' && postfix reload")
    const result = verify('--only', 'auth', '--skip', 'auth.throttle')
    expect(result.code).toBe(1)
    expect(failed(result.json())).toEqual([
      expect.objectContaining({node: 'node1', id: 'auth.before-tls', target: 'smtp:25', status: 'fail', message: 'AUTH is offered before STARTTLS', hint: expect.stringContaining('smtpd_tls_auth_only = yes')}),
    ])
    await undoBreak()
    expect(verify('--only', 'auth', '--skip', 'auth.throttle').code).toBe(0)
  })

  it('finds a logged-in user who may send as anyone, on 587 and 465', async () => {
    // The defect as it was: no sender restriction on submission, so any login sends as ceo@ or a foreign address.
    repair = () => deploy()
    onNode('postconf -PX submission/inet/smtpd_sender_restrictions submissions/inet/smtpd_sender_restrictions && postfix reload')
    const result = verify('--only', 'auth')
    expect(result.code).toBe(1)
    const hint = expect.stringContaining('reject_sender_login_mismatch')
    const message = `demo@${DOMAIN} may send as ceo@${DOMAIN} and impersonation-test@example.com`
    expect(failed(result.json())).toEqual([
      expect.objectContaining({node: 'node1', id: 'auth.sender', target: 'submission:587', status: 'fail', message, hint}),
      expect.objectContaining({node: 'node1', id: 'auth.sender', target: 'submissions:465', status: 'fail', message, hint}),
    ])
    await undoBreak()
    const repaired = checksOf(verify('--only', 'auth.sender').json(), 'node1')
    expect(repaired.map((c) => [c.target, c.status])).toEqual([
      ['submission:587', 'pass'],
      ['submissions:465', 'pass'],
    ])
    expect(repaired[0].evidence).toMatch(new RegExp(`MAIL FROM demo@${DOMAIN} → 250 .*; ceo@${DOMAIN} → 553 .*; impersonation-test@example.com → 553 `))
  })

  it('finds TLS 1.0 allowed on an edge', async () => {
    repair = () => deploy()
    onNode("postconf -e 'smtpd_tls_protocols = >=TLSv1' 'tls_medium_cipherlist = DEFAULT:@SECLEVEL=0' && postfix reload", 'node2')
    const result = verify('--only', 'tls.protocols')
    expect(result.code).toBe(1)
    expect(failed(result.json())).toEqual([
      expect.objectContaining({node: 'node2', id: 'tls.protocols', target: 'smtp:25', status: 'fail', message: 'accepts TLS 1.0 and TLS 1.1', hint: expect.stringContaining('>=TLSv1.2')}),
    ])
    await undoBreak()
    expect(verify('--only', 'tls.protocols').code).toBe(0)
  })

  it('finds TLS suites outside the policy on an edge, and the client choosing the suite on the core', async () => {
    // The defect as it was: Postfix's default lists (anonymous suites on 25, the client's order wins).
    repair = () => deploy()
    onNode('postconf -X smtpd_tls_exclude_ciphers tls_medium_cipherlist && postfix reload', 'node2')
    onNode('postconf -e tls_preempt_cipherlist=no && postfix reload')
    const result = verify('--only', 'tls.suites')
    expect(result.code).toBe(1)
    const hint = expect.stringContaining('tls_preempt_cipherlist = yes')
    const clientOrder = expect.stringMatching(/^the client's order wins: offered in reverse, the server picked \S+ instead of \S+$/)
    expect(failed(result.json())).toEqual([
      expect.objectContaining({node: 'node1', id: 'tls.suites', target: 'smtp:25', status: 'fail', message: clientOrder, hint}),
      expect.objectContaining({node: 'node1', id: 'tls.suites', target: 'submissions:465', status: 'fail', message: clientOrder, hint}),
      expect.objectContaining({node: 'node1', id: 'tls.suites', target: 'submission:587', status: 'fail', message: clientOrder, hint}),
      expect.objectContaining({node: 'node2', id: 'tls.suites', target: 'smtp:25', status: 'fail', message: expect.stringMatching(/TLS 1\.2 suites outside the policy \(port 25, opportunistic\): .*\b12 anonymous\b.*e\.g\. (ADH|AECDH)-/), hint}),
    ])
    await undoBreak()
    const repaired = verify('--only', 'tls.suites').json()
    expect(failed(repaired)).toEqual([])
    expect(checksOf(repaired, 'node1').map((c) => [c.target, c.message])).toEqual([
      ['smtp:25', "16 TLS 1.2 suites, all in the policy (port 25, opportunistic), server's order"],
      ['submissions:465', "6 TLS 1.2 suites, all in the policy (Mozilla intermediate), server's order"],
      ['submission:587', "6 TLS 1.2 suites, all in the policy (Mozilla intermediate), server's order"],
      ['imap:143', "3 TLS 1.2 suites, all in the policy (Mozilla intermediate), server's order"],
      ['imaps:993', "3 TLS 1.2 suites, all in the policy (Mozilla intermediate), server's order"],
      ['pop3:110', "3 TLS 1.2 suites, all in the policy (Mozilla intermediate), server's order"],
      ['pop3s:995', "3 TLS 1.2 suites, all in the policy (Mozilla intermediate), server's order"],
    ])
  })

  it("passes testssl.sh on the core's 25, 465, 587, 993, 995 and an edge's 25: nothing at MEDIUM or above but the findings docs/tls-policy.md accepts", async () => {
    // The accepted findings are the rows of the table in docs/tls-policy.md, each with its reason.
    const policy = readFileSync(new URL('../../docs/tls-policy.md', import.meta.url), 'utf8')
    const accepted = new Map([...policy.matchAll(/^\| `([\w-]+)` \| [A-Z]+ \| (.+) \|$/gm)].map((m) => [m[1], m[2]]))
    expect(accepted.size).toBeGreaterThan(0)
    const core25 = await tunnelFromEdge('198.18.9.11', 25)
    const targets: Array<[string, number, string[]]> = [
      [`node1.${DOMAIN}`, core25.port, ['--starttls', 'smtp']],
      ['198.18.9.11', 465, []],
      ['198.18.9.11', 587, ['--starttls', 'smtp']],
      ['198.18.9.11', 993, []],
      ['198.18.9.11', 995, []],
      ['198.18.9.12', 25, ['--starttls', 'smtp']],
    ]
    // The core's 25 by its name (the certificate's), reached at the tunnel's end on 127.0.0.1.
    const scans = await Promise.all(targets.map(([address, port, starttls], i) => testssl(address, port, starttls, i === 0 ? '127.0.0.1' : undefined))).finally(core25.close)
    for (const [i, findings] of scans.entries()) {
      const where = i === 0 ? "the core's 25 through node2" : `${targets[i][0]}:${targets[i][1]}`
      // The scan really ran: it saw TLS 1.2 offered and TLS 1.0 not.
      expect(findings.find((f) => f.id === 'TLS1_2')?.finding, where).toMatch(/^offered/)
      expect(findings.find((f) => f.id === 'TLS1')?.finding, where).toMatch(/^not offered/)
      const serious = findings.filter((f) => ['MEDIUM', 'HIGH', 'CRITICAL', 'FATAL'].includes(f.severity) && !accepted.has(f.id))
      expect(serious.map((f) => `${f.severity} ${f.id}: ${f.finding}`), where).toEqual([])
    }
  }, 600_000)

  it('finds an expired certificate on every endpoint and on disk', async () => {
    // Each node has a key of its own: each gets an expired certificate for it.
    const lab = parse(readFileSync(inventory, 'utf8'))
    for (const host of lab.hosts.filter((h: {name: string}) => ['node1', 'node2'].includes(h.name))) {
      const file = (ext: string) => `${labDir}/tls-${host.name}.${ext}`
      execFileSync('openssl', ['x509', '-req', '-in', file('csr'), '-CA', `${labDir}/ca.pem`, '-CAkey', `${labDir}/ca.key`, '-set_serial', '7', '-days', '-1', '-extfile', file('ext'), '-out', file('expired.pem')], {stdio: 'ignore'})
      host.vars.tls_cert = `${readFileSync(file('expired.pem'), 'utf8')}${readFileSync(`${labDir}/ca.pem`, 'utf8')}`
    }
    const expired = `${labDir}/inventory-expired.yaml`
    writeFileSync(expired, stringify(lab))
    repair = () => deploy()
    deploy(expired)
    const result = verify('--only', 'tls.expiry,tls.chain,host.certificate', '--hosts', 'node1,node2')
    expect(result.code).toBe(1)
    const problems = failed(result.json())
    // 7 endpoints on the core + 1 on the edge, two checks each, and the file on both.
    expect(problems.filter((p) => p.id === 'tls.expiry')).toHaveLength(8)
    expect(problems.filter((p) => p.id === 'tls.chain')).toHaveLength(8)
    expect(problems.filter((p) => p.id === 'host.certificate')).toHaveLength(2)
    expect(problems.find((p) => p.id === 'tls.expiry')).toMatchObject({status: 'fail', message: 'certificate expired 1 day ago', hint: expect.stringContaining('Renew the certificate')})
    expect(problems.find((p) => p.id === 'tls.chain')!.message).toBe('does not verify: CERT_HAS_EXPIRED')
    await undoBreak()
    expect(verify('--only', 'tls.expiry,tls.chain,host.certificate').code).toBe(0)
  })

  it('finds a DKIM record that is not the key the core signs with', async () => {
    const other = execFileSync('sh', ['-c', 'openssl genrsa 2048 2>/dev/null | openssl rsa -pubout -outform DER 2>/dev/null | base64 -w0'], {encoding: 'utf8'})
    repair = () => serve(records)
    await serve(records.map((r) => (r.comment === 'DKIM' ? {...r, value: `v=DKIM1; k=rsa; p=${other}`} : r)))
    const result = verify('--only', 'dns')
    expect(result.code).toBe(1)
    expect(failed(result.json())).toEqual([
      expect.objectContaining({node: 'node1', id: 'dns.dkim', status: 'fail', message: `mail._domainkey.${DOMAIN} publishes a different key than the one the core signs with`, hint: expect.stringContaining('mailops dns')}),
    ])
    await undoBreak()
    expect(verify('--only', 'dns').code).toBe(0)
  })

  it('finds a log rotation config logrotate cannot use', async () => {
    repair = () => deploy()
    onNode("sed -i 's/^  rotate .*/  rotate forever/' /etc/logrotate.d/mailops", 'node3')
    const result = verify('--only', 'host')
    expect(result.code).toBe(1)
    expect(failed(result.json())).toEqual([
      expect.objectContaining({node: 'node3', id: 'host.logrotate', status: 'fail', message: 'logrotate -d /etc/logrotate.d/mailops reports an error', evidence: "error: /etc/logrotate.d/mailops:4 bad rotation count 'forever'", hint: expect.stringContaining('logrotate -d')}),
    ])
    await undoBreak()
    const repaired = verify('--only', 'host.logrotate').json()
    expect(repaired.nodes.flatMap((n: Node) => n.checks.map((c) => c.message))).toEqual(Array(3).fill('valid; keeps 90 rotations of the mail logs'))
  })

  it('finds a stopped Dovecot', async () => {
    repair = () => onNode('systemctl start dovecot')
    onNode('systemctl stop dovecot')
    const result = verify('--only', 'host.services,network', '--hosts', 'node1')
    expect(result.code).toBe(1)
    const problems = failed(result.json())
    // A booted host: the fix is systemd's.
    expect(problems.find((p) => p.id === 'host.services')).toMatchObject({status: 'fail', message: 'not running: dovecot', hint: expect.stringContaining('systemctl enable --now dovecot')})
    expect(problems.filter((p) => p.id === 'network.port').map((p) => p.target)).toEqual(['143/tcp', '993/tcp', '110/tcp', '995/tcp'])
    await undoBreak()
    expect(verify('--only', 'host.services,network', '--hosts', 'node1').code).toBe(0)
  })
})

describe('mailops verify without an inventory', () => {
  it('checks the MX hosts of a domain as a stranger would: no SSH, no login, no mail', () => {
    const result = mailops(['verify', DOMAIN, '--resolver', GATEWAY, '--ca-file', `${labDir}/ca.pem`, '--json'])
    expect(result.code, result.stderr).toBe(0)
    const report = result.json()
    expect(report.nodes.map((n: Node) => [n.name, n.role])).toEqual([
      [`node2.${DOMAIN}`, 'edge'],
      [`node3.${DOMAIN}`, 'edge'],
    ])
    const groups = new Set(report.nodes.flatMap((n: Node) => n.checks.map((c) => c.id.split('.')[0])))
    expect([...groups].sort()).toEqual(['auth', 'network', 'relay', 'smtp', 'tls'])
    // A stranger knows no expected CA: the issuer is not judged (skip, saying why).
    expect(failed(report).map((c) => [c.id, c.status])).toEqual([
      ['smtp.postmaster', 'skip'],
      ['tls.issuer', 'skip'],
      ['smtp.postmaster', 'skip'],
      ['tls.issuer', 'skip'],
    ])
  })

  it('passes with a warning, which fails only under --strict', () => {
    // By address, the banner's name cannot be checked against it: a warning, not a failure.
    const args = ['verify', '198.18.9.12', '--ca-file', `${labDir}/ca.pem`, '--only', 'smtp.banner,tls.hostname', '--json']
    const lenient = mailops(args)
    expect(lenient.code, lenient.stderr).toBe(0)
    expect(lenient.json().nodes[0].checks.map((c: Check) => [c.id, c.status])).toEqual([
      ['smtp.banner', 'warn'],
      ['tls.hostname', 'pass'],
    ])
    const strict = mailops([...args, '--strict'])
    expect(strict.code).toBe(1)
    expect(strict.json().strict).toBe(true)
  })

  it('exits 3 for a node that does not answer, and says so per check', () => {
    const result = mailops(['verify', '198.18.9.99', '--timeout', '1', '--only', 'network,smtp', '--json'])
    expect(result.code).toBe(3)
    const [node] = result.json().nodes
    expect(node.status).toBe('error')
    expect(node.checks.every((c: Check) => c.status === 'error' && c.message.startsWith('198.18.9.99 does not answer on any mail port'))).toBe(true)
  })

  it('rejects bad input with exit code 2 before connecting anywhere', () => {
    const cases: Array<[string[], string]> = [
      [['verify', '-i', inventory, '--only', 'tsl'], "unknown check or group 'tsl'"],
      [['verify', '-i', inventory, '198.18.9.12'], 'give either an inventory or bare targets, not both'],
      [['verify', '198.18.9.12', '--only', 'host'], '--only host needs an inventory'],
      [['verify', '-i', inventory, '--peer', 'somewhere'], "--peer 'somewhere' is not ADDRESS:PORT"],
      [['verify', 'not a host!'], "'not a host!' is neither an IPv4 address nor a host or domain name"],
      [['verify'], 'nothing to verify'],
    ]
    for (const [args, message] of cases) {
      const result = mailops(args)
      expect(result.code, args.join(' ')).toBe(2)
      expect(result.stderr).toContain(message)
    }
  })
})
