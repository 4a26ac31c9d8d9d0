import {describe, expect, it} from 'vitest'

import {hostChecks, parseHost, replicationOutcome} from '../../../src/verify/host.js'

const now = new Date('2026-11-23T00:00:00Z')
const all = () => true
const output = (over: {queue?: number; free?: number; freeMb?: number; available?: number; notAfter?: string; match?: number; dovecot?: number; logrotate?: string; firewall?: string} = {}) =>
  [
    'S\tpostfix\t1',
    `S\tdovecot\t${over.dovecot ?? 1}`,
    `Q\t${over.queue ?? 0}\t${over.queue ? 1 : 0}\t2`,
    `D\t/var/spool/postfix\t/\t${over.free ?? 80}\t${over.freeMb ?? 1024}`,
    'D\t/var/mail\t/srv\t90\t900000',
    `M\t1000\t${over.available ?? 500}`,
    `C\t${over.notAfter ?? 'Nov 23 00:00:00 2027 GMT'}\t${over.match ?? 1}`,
    'K\tMIIBIjAN',
    over.logrotate ?? 'L\t0\t\t1\t90',
    over.firewall ?? 'R\tmatch\t14',
  ].join('\n')
const statuses = (text: string) => Object.fromEntries(hostChecks(parseHost(text), now, all).map((r) => [r.id, r.status]))

describe('host checks', () => {
  it('reads the probe and passes a healthy node', () => {
    const facts = parseHost(output())
    expect(facts.dkimPublic).toBe('MIIBIjAN')
    expect(facts.disks).toEqual([
      {path: '/var/spool/postfix', mount: '/', freePercent: 80, freeMb: 1024},
      {path: '/var/mail', mount: '/srv', freePercent: 90, freeMb: 900000},
    ])
    // No host.renewal: a node given its certificate (not on ACME) is renewed by deploying another, not on the node.
    expect(statuses(output())).toEqual({'host.services': 'pass', 'host.queue': 'pass', 'host.disk': 'pass', 'host.memory': 'pass', 'host.certificate': 'pass', 'host.logrotate': 'pass', 'host.firewall': 'pass'})
    expect(facts.logrotate).toEqual({state: 'present', exitCode: 0, error: undefined, coversPostfix: true, rotate: 90})
  })

  it("passes an ACME node's renewal only with certbot.timer enabled, active and next running before expiry - 30 days", () => {
    // Certificate valid until 2027-11-23 (output's default): renewal point 2027-10-24.
    const renewal = (timer: string) => hostChecks(parseHost(`${output()}\n${timer}`), now, all, [], true).find((r) => r.id === 'host.renewal')!
    expect(renewal('T\tenabled\tactive\t@1795000000')).toMatchObject({status: 'pass', message: expect.stringContaining('next run 2026-11-18T')})
    expect(renewal('T\tdisabled\tactive\t@1795000000')).toMatchObject({status: 'fail', message: 'certbot.timer is not enabled'})
    expect(renewal('T\tenabled\tinactive\t')).toMatchObject({status: 'fail', message: 'certbot.timer is not active'})
    expect(renewal('T\tenabled\tactive\t')).toMatchObject({status: 'fail', message: 'certbot.timer has no next run'})
    // 2027-10-31: after the renewal point, the timer would come too late.
    expect(renewal('T\tenabled\tactive\t@1824940800')).toMatchObject({status: 'fail', message: expect.stringContaining('after 2027-10-24T')})
    expect(renewal('T\tabsent')).toMatchObject({status: 'fail', message: 'certbot.timer is not installed: the certificate is never renewed'})
    // An old probe without the T line: not installed, never a pass.
    expect(hostChecks(parseHost(output()), now, all, [], true).find((r) => r.id === 'host.renewal')!.status).toBe('fail')
  })

  it('fails without logrotate, without its config, or with a config logrotate -d finds wrong', () => {
    expect(hostChecks(parseHost(output({logrotate: 'L\tabsent'})), now, all).find((r) => r.id === 'host.logrotate')).toMatchObject({status: 'fail', message: expect.stringContaining('not installed')})
    expect(statuses(output({logrotate: 'L\tnofile'}))['host.logrotate']).toBe('fail')
    const broken = hostChecks(parseHost(output({logrotate: 'L\t1\terror: mailops:3 bad rotation count \'abc\'\t1\tabc'})), now, all).find((r) => r.id === 'host.logrotate')!
    expect(broken).toMatchObject({status: 'fail', evidence: "error: mailops:3 bad rotation count 'abc'", hint: expect.stringContaining('logrotate -d')})
    expect(statuses(output({logrotate: 'L\t0\t\t0\t90'}))['host.logrotate']).toBe('fail')
    // An old probe's output (no L line): reported as not installed, never as a pass.
    expect(statuses(output({logrotate: ''}))['host.logrotate']).toBe('fail')
  })

  it('passes the firewall only when the kernel has the table the deployed file loads; skips it without systemd, saying why', () => {
    const firewall = (line: string) => hostChecks(parseHost(output({firewall: line})), now, all).find((r) => r.id === 'host.firewall')!
    expect(firewall('R\tmatch\t14')).toMatchObject({status: 'pass', evidence: 'nft list table inet mailops: 14 lines, the same as /etc/nftables.conf loads'})
    expect(firewall('R\tdiffer\t5\t- ct state established,related accept - iif "lo" accept ')).toMatchObject({
      status: 'fail',
      message: 'table inet mailops differs from /etc/nftables.conf (changed by hand since it was loaded)',
      evidence: '5 lines; - ct state established,related accept - iif "lo" accept',
      hint: expect.stringContaining('systemctl reload nftables'),
    })
    expect(firewall('R\tunloaded')).toMatchObject({status: 'fail', message: 'table inet mailops is not loaded: no port is filtered'})
    expect(firewall('R\tinvalid\t0\t/etc/nftables.conf:3:1-2: Error: syntax error')).toMatchObject({status: 'fail', evidence: '/etc/nftables.conf:3:1-2: Error: syntax error'})
    expect(firewall('R\tnofile').status).toBe('fail')
    expect(firewall('R\tno-nft').status).toBe('fail')
    // An old probe's output (no R line) is never a pass.
    expect(firewall('').status).toBe('fail')
    expect(firewall('R\tno-systemd')).toMatchObject({status: 'skip', message: expect.stringContaining('no systemd')})
  })

  it('expects the services only systemd runs (the firewall) on systemd hosts alone', () => {
    const withFirewall = (systemd: boolean) => output() + '\nS\tnftables\t0' + (systemd ? '\nU\t' : '')
    const services = (systemd: boolean) => hostChecks(parseHost(withFirewall(systemd)), now, all, ['nftables']).find((r) => r.id === 'host.services')!
    expect(services(false)).toMatchObject({status: 'pass', message: 'running: postfix, dovecot'})
    expect(services(true)).toMatchObject({status: 'fail', message: 'not running: nftables'})
  })

  it('counts deferred mail and bounces with the queue', () => {
    expect(hostChecks(parseHost(output({queue: 3})), now, all).find((r) => r.id === 'host.queue')!.message).toBe('3 messages queued (1 deferred); 2 bounced in /var/log/postfix.log')
  })

  it('warns and fails at the documented thresholds', () => {
    expect(statuses(output({queue: 99}))['host.queue']).toBe('pass')
    expect(statuses(output({queue: 100}))['host.queue']).toBe('warn')
    expect(statuses(output({queue: 1000}))['host.queue']).toBe('fail')
    expect(statuses(output({free: 20}))['host.disk']).toBe('pass')
    expect(statuses(output({free: 19}))['host.disk']).toBe('warn')
    expect(statuses(output({free: 9}))['host.disk']).toBe('fail')
    // Both must be low: 19 % of a 250 GB disk (the CI machines' 48 GB free) is no warning; 9 % with 5 GiB left is one.
    expect(statuses(output({free: 19, freeMb: 48 * 1024}))['host.disk']).toBe('pass')
    expect(statuses(output({free: 9, freeMb: 5 * 1024}))).toMatchObject({'host.disk': 'warn'})
    expect(hostChecks(parseHost(output({free: 9, freeMb: 900})), now, all).find((r) => r.id === 'host.disk')!.message).toBe('9% (900 MiB) free on / (/var/spool/postfix)')
    expect(statuses(output({available: 90}))['host.memory']).toBe('warn')
    expect(statuses(output({available: 40}))['host.memory']).toBe('fail')
    expect(statuses(output({notAfter: 'Dec 10 00:00:00 2026 GMT'}))['host.certificate']).toBe('warn')
    expect(statuses(output({notAfter: 'Nov 20 00:00:00 2026 GMT'}))['host.certificate']).toBe('fail')
    expect(statuses(output({match: 0}))['host.certificate']).toBe('fail')
  })

  it('on systemd hosts: reports enabled and failed units, and warns when one would not come back after a reboot', () => {
    const systemd = (dovecot: string, failed: string) => output().replace('S\tpostfix\t1', 'S\tpostfix\t1\tenabled').replace('S\tdovecot\t1', `S\tdovecot\t1\t${dovecot}`) + `\nU\t${failed}`
    const [healthy] = hostChecks(parseHost(systemd('enabled', '')), now, (id) => id === 'host.services')
    expect(healthy).toMatchObject({status: 'pass', message: 'running: postfix, dovecot (enabled; no failed units)'})
    const [disabled] = hostChecks(parseHost(systemd('disabled', '')), now, (id) => id === 'host.services')
    expect(disabled).toMatchObject({status: 'warn', message: 'not enabled at boot: dovecot', hint: 'Enable it: systemctl enable --now dovecot.'})
    const [failed] = hostChecks(parseHost(systemd('enabled', 'opendkim.service,logrotate.service')), now, (id) => id === 'host.services')
    expect(failed).toMatchObject({status: 'warn', message: 'failed units: opendkim.service, logrotate.service'})
    expect(failed.evidence).toContain('dovecot: running, enabled')
  })

  it('names the stopped service and how to start it', () => {
    const [services] = hostChecks(parseHost(output({dovecot: 0})), now, (id) => id === 'host.services')
    expect(services).toMatchObject({status: 'fail', message: 'not running: dovecot', hint: expect.stringContaining('service dovecot start')})
  })
})

describe('host.replication', () => {
  // What the sync loop writes, read back through the fact's own parser: a tab or a broken line is no state.
  const facts = (...states: string[]) => parseHost(['V\tnow\t1000.5', ...states.map((s) => `V\tpeer\t${s}`)].join('\n')).replication
  const state = (peer: string, lastOk: number | null, error = '') => JSON.stringify({peer, address: '198.18.0.12', lastOk, lastTry: 999, tookS: 0.3, error})

  it('passes within 30 s, warns up to 5 min (the RPO), fails beyond, for a peer never synced and for one with no state', () => {
    expect(replicationOutcome(facts(state('core2', 990)), ['core2'])).toMatchObject({status: 'pass', message: 'core2: synced 10.5 s ago'})
    expect(replicationOutcome(facts(state('core2', 900, 'demo@x (exit 1): Host key verification failed.')), ['core2'])).toMatchObject({status: 'warn', message: 'core2: synced 100.5 s ago; last round failed: demo@x (exit 1): Host key verification failed.'})
    expect(replicationOutcome(facts(state('core2', 600)), ['core2']).status).toBe('fail')
    expect(replicationOutcome(facts(state('core2', null, 'refused')), ['core2'])).toMatchObject({status: 'fail', message: 'core2: never synced; last round failed: refused'})
    expect(replicationOutcome(facts('{"peer": "core2", broken'), ['core2'])).toMatchObject({status: 'fail', message: 'core2: never synced (no state: is mailops-replicate running?)'})
    // The worst peer decides.
    expect(replicationOutcome(facts(state('core2', 995), state('core3', 100)), ['core2', 'core3']).status).toBe('fail')
  })
})
