import {CERT_FILE, type FactRequest, type FactsOf, FIREWALL_FILE, FIREWALL_TABLE, KEY_FILE, LOGROTATE_FILE, parseFacts, RENEWAL_TIMER} from '../fleet/facts.js'
import {expiryOutcome} from './tls.js'
import {type CheckResult, outcome} from './types.js'

const QUEUE = {warn: 100, fail: 1000}
// Low only when both the share and the space are low: 20 % of a 250 GB disk is weeks of mail, and
// a small disk at 25 % may hold less than one day. Postfix itself refuses mail below 1.5 × message_size_limit.
const DISK_FREE = {warn: {percent: 20, mb: 10 * 1024}, fail: {percent: 10, mb: 2 * 1024}}
const diskLevel = (d: {freePercent: number; freeMb: number}) =>
  d.freePercent < DISK_FREE.fail.percent && d.freeMb < DISK_FREE.fail.mb ? 'fail' : d.freePercent < DISK_FREE.warn.percent && d.freeMb < DISK_FREE.warn.mb ? 'warn' : 'pass'
const size = (mb: number) => (mb >= 1024 ? `${(mb / 1024).toFixed(1)} GiB` : `${mb} MiB`)
const MEMORY_FREE = {warn: 10, fail: 5}

/** The facts verify's host group and dns.dkim read: one exec per node (public keys only, nothing secret). */
export const hostFacts = (services: readonly string[]) =>
  ({services, failedUnits: true, mailQueue: true, disks: true, memory: true, certificate: true, renewalTimer: true, logrotate: true, firewall: true, dkimPublic: true, replication: true}) satisfies FactRequest
export type HostHealth = FactsOf<ReturnType<typeof hostFacts>>

export const parseHost = (output: string): HostHealth => parseFacts(hostFacts([]), output)

const level = (value: number, limits: {warn: number; fail: number}, higherIsWorse: boolean) =>
  higherIsWorse ? (value >= limits.fail ? 'fail' : value >= limits.warn ? 'warn' : 'pass') : value < limits.fail ? 'fail' : value < limits.warn ? 'warn' : 'pass'

/**
 * The host group's checks. `systemdOnly`: the blueprint services only systemd hosts run (the
 * firewall's nftables), not expected on a host without it.
 */
export function hostChecks(all: HostHealth, now: Date, wanted: (id: CheckResult['id']) => boolean, systemdOnly: readonly string[] = [], acme = false): CheckResult[] {
  const results: CheckResult[] = []
  const facts = all.failedUnits === undefined ? {...all, services: all.services.filter((s) => !systemdOnly.includes(s.name))} : all
  if (wanted('host.services')) {
    const stopped = facts.services.filter((s) => !s.running).map((s) => s.name)
    // systemd hosts: a service that is not enabled would not come back after a reboot.
    const disabled = facts.services.filter((s) => s.enabled === false).map((s) => s.name)
    const failed = facts.failedUnits ?? []
    const systemd = facts.failedUnits !== undefined
    const evidence = [
      facts.services.map((s) => `${s.name}: ${s.running ? 'running' : 'stopped'}${s.enabled === undefined ? '' : s.enabled ? ', enabled' : ', not enabled'}`).join('; '),
      ...(systemd ? [`failed units: ${failed.join(', ') || 'none'}`] : []),
    ].join('; ')
    const start = (names: string[]) => names.map((s) => (systemd ? `systemctl enable --now ${s}` : `service ${s} start`)).join('; ')
    results.push(
      stopped.length > 0
        ? outcome('host.services', 'fail', `not running: ${stopped.join(', ')}`, {evidence, hint: `Start it: ${start(stopped)}; then read its log for why it stopped.`})
        : disabled.length > 0 || failed.length > 0
          ? outcome('host.services', 'warn', [disabled.length > 0 ? `not enabled at boot: ${disabled.join(', ')}` : '', failed.length > 0 ? `failed units: ${failed.join(', ')}` : ''].filter(Boolean).join('; '), {
              evidence,
              hint: disabled.length > 0 ? `Enable it: ${start(disabled)}.` : `Read why: systemctl status ${failed[0]}.`,
            })
          : outcome('host.services', 'pass', `running: ${facts.services.map((s) => s.name).join(', ')}${systemd ? ' (enabled; no failed units)' : ''}`),
    )
  }
  if (wanted('host.queue')) {
    const q = facts.mailQueue
    results.push(
      q === null
        ? outcome('host.queue', 'fail', 'postqueue did not answer (is Postfix running?)')
        : outcome('host.queue', level(q.messages, QUEUE, true), `${q.messages} messages queued (${q.deferred} deferred); ${q.bounced} bounced in /var/log/postfix.log`, {
            evidence: `postqueue -j: ${q.messages} (deferred ${q.deferred}); status=bounced in the log: ${q.bounced}`,
          }),
    )
  }
  if (wanted('host.disk')) {
    const order = ['fail', 'warn', 'pass']
    const worst = [...facts.disks].sort((a, b) => order.indexOf(diskLevel(a)) - order.indexOf(diskLevel(b)) || a.freePercent - b.freePercent)[0]
    results.push(
      worst
        ? outcome('host.disk', diskLevel(worst), `${worst.freePercent}% (${size(worst.freeMb)}) free on ${worst.mount} (${worst.path})`, {
            evidence: facts.disks.map((d) => `${d.path}: ${d.freePercent}%, ${size(d.freeMb)}`).join(', '),
          })
        : outcome('host.disk', 'fail', 'no mail spool or mailbox directory found'),
    )
  }
  if (wanted('host.memory')) {
    const m = facts.memory
    const percent = m && m.totalKb > 0 ? Math.round((100 * m.availableKb) / m.totalKb) : null
    results.push(percent === null ? outcome('host.memory', 'fail', 'could not read /proc/meminfo') : outcome('host.memory', level(percent, MEMORY_FREE, false), `${percent}% of memory available`))
  }
  if (wanted('host.logrotate')) {
    const l = facts.logrotate
    if (!l || l.state === 'absent') results.push(outcome('host.logrotate', 'fail', 'logrotate is not installed: no log is ever rotated or deleted'))
    else if (l.state === 'nofile') results.push(outcome('host.logrotate', 'fail', `${LOGROTATE_FILE} is missing`))
    else if (l.exitCode !== 0 || l.error) results.push(outcome('host.logrotate', 'fail', `logrotate -d ${LOGROTATE_FILE} reports an error`, {evidence: l.error ?? `exit ${l.exitCode}`}))
    else if (!l.coversPostfix) results.push(outcome('host.logrotate', 'fail', `${LOGROTATE_FILE} does not rotate /var/log/postfix.log`))
    else results.push(outcome('host.logrotate', 'pass', `valid; keeps ${l.rotate ?? '?'} rotations of the mail logs`, {evidence: `logrotate -d ${LOGROTATE_FILE}: exit 0`}))
  }
  if (wanted('host.firewall')) results.push(firewallOutcome(facts.firewall))
  if (wanted('host.certificate')) {
    const c = facts.certificate
    if (!c.present) results.push(outcome('host.certificate', 'fail', `${CERT_FILE} is missing`))
    else if (!c.keyMatches) results.push(outcome('host.certificate', 'fail', `${CERT_FILE} does not match ${KEY_FILE}`))
    else results.push(expiryOutcome('host.certificate', c.notAfter!, now))
  }
  // Only where the certificate is renewed on the node: one handed in is renewed by deploying another (host.certificate watches its expiry).
  if (acme && wanted('host.renewal')) results.push(renewalOutcome(facts.renewalTimer, facts.certificate))
  return results
}

/** Days before expiry from which certbot renews (its renew_before_expiry default), and host.renewal wants the timer to run by then. */
const RENEW_BEFORE_DAYS = 30

/** Replication lag: pass within 30 s, warn up to the source's RPO (5 min), fail beyond. */
export const REPLICATION_LAG_S = {warn: 30, fail: 300}

/** host.replication: how long ago the newest complete sync with each peer began, on the core's own clock. */
export function replicationOutcome(facts: HostHealth['replication'], peers: readonly string[], now = facts.now): CheckResult {
  const rows = peers.map((peer) => {
    const state = facts.peers.find((p) => p.peer === peer)
    const lag = state?.lastOk == null ? null : Math.max(0, now - state.lastOk)
    const status = lag === null ? 'fail' : lag > REPLICATION_LAG_S.fail ? 'fail' : lag > REPLICATION_LAG_S.warn ? 'warn' : 'pass'
    const said = state?.error ? `; last round failed: ${state.error}` : ''
    return {status, text: lag === null ? `${peer}: never synced${state ? said : ' (no state: is mailops-replicate running?)'}` : `${peer}: synced ${lag.toFixed(1)} s ago${said}`}
  })
  const worst = rows.some((r) => r.status === 'fail') ? 'fail' : rows.some((r) => r.status === 'warn') ? 'warn' : 'pass'
  return outcome('host.replication', worst, rows.map((r) => r.text).join('; '), {evidence: `/var/lib/mailops/replication/*.json at ${new Date(now * 1000).toISOString()}`})
}

/** host.renewal: an ACME node's renewal timer will run before its certificate is due. */
export function renewalOutcome(timer: HostHealth['renewalTimer'], cert: HostHealth['certificate']): CheckResult {
  if (timer.state === 'absent') return outcome('host.renewal', 'fail', `${RENEWAL_TIMER} is not installed: the certificate is never renewed`)
  const evidence = `${RENEWAL_TIMER}: ${timer.enabled ? 'enabled' : 'not enabled'}, ${timer.active ? 'active' : 'inactive'}, next run ${timer.next?.toISOString() ?? 'none'}${cert.notAfter ? `; certificate notAfter ${cert.notAfter.toISOString()}` : ''}`
  if (!timer.enabled || !timer.active) return outcome('host.renewal', 'fail', `${RENEWAL_TIMER} is ${[!timer.enabled && 'not enabled', !timer.active && 'not active'].filter(Boolean).join(' and ')}`, {evidence})
  if (!timer.next) return outcome('host.renewal', 'fail', `${RENEWAL_TIMER} has no next run`, {evidence})
  if (!cert.notAfter) return outcome('host.renewal', 'fail', `${CERT_FILE} is missing: nothing to renew`, {evidence})
  const due = new Date(cert.notAfter.getTime() - RENEW_BEFORE_DAYS * 86_400_000)
  return timer.next < due
    ? outcome('host.renewal', 'pass', `${RENEWAL_TIMER} enabled and active, next run ${timer.next.toISOString()}, before the renewal point (expiry - ${RENEW_BEFORE_DAYS} days)`, {evidence})
    : outcome('host.renewal', 'fail', `${RENEWAL_TIMER} runs next at ${timer.next.toISOString()}, after ${due.toISOString()} (expiry - ${RENEW_BEFORE_DAYS} days)`, {evidence})
}

/** host.firewall: the table of mailops' own, loaded as the deployed file has it. */
function firewallOutcome(f: HostHealth['firewall']): CheckResult {
  const table = `table ${FIREWALL_TABLE}`
  switch (f?.state) {
    case 'no-systemd':
      return outcome('host.firewall', 'skip', 'no systemd on this host: the blueprints give a firewall to systemd hosts only (nftables.service loads it at boot)')
    case 'match':
      return outcome('host.firewall', 'pass', `${table} is loaded as ${FIREWALL_FILE} has it`, {evidence: `nft list ${table}: ${f.lines} lines, the same as ${FIREWALL_FILE} loads`})
    case 'differ':
      return outcome('host.firewall', 'fail', `${table} differs from ${FIREWALL_FILE} (changed by hand since it was loaded)`, {evidence: `${f.lines} lines; ${f.detail ?? ''}`.trim()})
    case 'unloaded':
      return outcome('host.firewall', 'fail', `${table} is not loaded: no port is filtered`)
    case 'invalid':
      return outcome('host.firewall', 'fail', `${FIREWALL_FILE} does not load`, {evidence: f.detail})
    case 'nofile':
      return outcome('host.firewall', 'fail', `${FIREWALL_FILE} is missing: the firewall was never deployed`)
    default:
      return outcome('host.firewall', 'fail', 'nft is not installed: no firewall')
  }
}
