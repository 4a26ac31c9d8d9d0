import {shellQuote} from '../util/shell.js'
import {expiryOutcome} from './tls.js'
import {type CheckResult, outcome} from './types.js'

export const CERT_FILE = '/etc/mailops/tls/cert.pem'
export const KEY_FILE = '/etc/mailops/tls/key.pem'
export const DKIM_KEY_FILE = '/etc/opendkim/keys/dkim.private'
const LOGROTATE_FILE = '/etc/logrotate.d/mailops'
const QUEUE = {warn: 100, fail: 1000}
const DISK_FREE = {warn: 20, fail: 10}
const MEMORY_FREE = {warn: 10, fail: 5}

export interface HostFacts {
  /** enabled: whether systemd starts it at boot (absent without systemd) */
  services: Array<{name: string; running: boolean; enabled?: boolean}>
  /** units systemd reports as failed (absent without systemd) */
  failedUnits?: string[]
  /** messages in the Postfix queue; null when postqueue did not answer */
  queue: number | null
  /** of them deferred (a next hop refused or was unreachable) */
  deferred?: number
  /** bounces in the current /var/log/postfix.log: mail accepted, then returned */
  bounced?: number
  disks: Array<{path: string; mount: string; freePercent: number}>
  memory: {totalKb: number; availableKb: number} | null
  certificate: {present: boolean; notAfter?: Date; keyMatches?: boolean}
  /** logrotate: installed, its mailops config present, \`logrotate -d\` clean, Postfix's log covered, how many rotations kept */
  logrotate?: {state: 'absent' | 'nofile' | 'present'; exitCode?: number; error?: string; coversPostfix?: boolean; rotate?: number}
  /** base64 DER public key of the DKIM signing key, when the node has one */
  dkimPublic?: string
}

/** One exec that reports all the host checks need; tagged lines, nothing secret (public keys only). */
export function hostScript(services: readonly string[]): string {
  return [
    `for s in ${services.map(shellQuote).join(' ')}; do if service "$s" status >/dev/null 2>&1; then r=1; else r=0; fi; e=-; [ -d /run/systemd/system ] && e=$(systemctl is-enabled "$s" 2>/dev/null); printf 'S\\t%s\\t%s\\t%s\\n' "$s" "$r" "$e"; done`,
    `[ -d /run/systemd/system ] && printf 'U\\t%s\\n' "$(systemctl list-units --state=failed --no-legend --plain 2>/dev/null | awk '{print $1}' | paste -sd, -)"`,
    `q=$(postqueue -j 2>/dev/null) && printf 'Q\\t%s\\t%s\\t%s\\n' "$(printf '%s' "$q" | grep -c .)" "$(printf '%s' "$q" | grep -c '"queue_name": *"deferred"')" "$(grep -c 'status=bounced' /var/log/postfix.log 2>/dev/null)"`,
    `for d in /var/spool/postfix /var/mail; do [ -d "$d" ] && df -P "$d" | awk -v d="$d" 'NR==2 {printf "D\\t%s\\t%s\\t%s\\n", d, $6, 100 - $5}'; done`,
    `awk '/^MemTotal:/ {t=$2} /^MemAvailable:/ {a=$2} END {printf "M\\t%s\\t%s\\n", t, a}' /proc/meminfo`,
    `if [ -f ${CERT_FILE} ]; then`,
    `  printf 'C\\t%s\\t%s\\n' "$(openssl x509 -in ${CERT_FILE} -noout -enddate | cut -d= -f2)" "$([ "$(openssl x509 -in ${CERT_FILE} -noout -pubkey | sha256sum)" = "$(openssl pkey -in ${KEY_FILE} -pubout 2>/dev/null | sha256sum)" ] && echo 1 || echo 0)"`,
    'else echo "C\tabsent"; fi',
    `if ! command -v logrotate >/dev/null; then echo "L\tabsent"; elif [ ! -f ${LOGROTATE_FILE} ]; then echo "L\tnofile"; else`,
    `  out=$(logrotate -d ${LOGROTATE_FILE} 2>&1); rc=$?`,
    `  printf 'L\t%s\t%s\t%s\t%s\n' "$rc" "$(printf '%s\n' "$out" | grep -m1 -E '^error|unknown option')" "$(grep -c /var/log/postfix.log ${LOGROTATE_FILE})" "$(awk '$1 == "rotate" {print $2; exit}' ${LOGROTATE_FILE})"; fi`,
    `[ -f ${DKIM_KEY_FILE} ] && printf 'K\\t%s\\n' "$(openssl rsa -in ${DKIM_KEY_FILE} -pubout -outform DER 2>/dev/null | base64 -w0)"`,
    'true',
  ].join('\n')
}

export function parseHost(output: string): HostFacts {
  const facts: HostFacts = {services: [], queue: null, disks: [], memory: null, certificate: {present: false}}
  for (const line of output.split('\n')) {
    const [tag, ...f] = line.split('\t')
    if (tag === 'S') facts.services.push({name: f[0], running: f[1] === '1', ...(f[2] && f[2] !== '-' ? {enabled: f[2] === 'enabled'} : {})})
    else if (tag === 'U') facts.failedUnits = f[0] ? f[0].split(',') : []
    else if (tag === 'Q') Object.assign(facts, {queue: Number(f[0]), deferred: Number(f[1] ?? 0), bounced: Number(f[2] || 0)})
    else if (tag === 'D') facts.disks.push({path: f[0], mount: f[1], freePercent: Number(f[2])})
    else if (tag === 'M') facts.memory = {totalKb: Number(f[0]), availableKb: Number(f[1])}
    else if (tag === 'C') facts.certificate = f[0] === 'absent' ? {present: false} : {present: true, notAfter: new Date(f[0]), keyMatches: f[1] === '1'}
    else if (tag === 'K' && f[0]) facts.dkimPublic = f[0]
    else if (tag === 'L') facts.logrotate = f[0] === 'absent' || f[0] === 'nofile' ? {state: f[0]} : {state: 'present', exitCode: Number(f[0]), error: f[1] || undefined, coversPostfix: Number(f[2]) > 0, rotate: f[3] ? Number(f[3]) : undefined}
  }
  return facts
}

const level = (value: number, limits: {warn: number; fail: number}, higherIsWorse: boolean) =>
  higherIsWorse ? (value >= limits.fail ? 'fail' : value >= limits.warn ? 'warn' : 'pass') : value < limits.fail ? 'fail' : value < limits.warn ? 'warn' : 'pass'

export function hostChecks(facts: HostFacts, now: Date, wanted: (id: CheckResult['id']) => boolean): CheckResult[] {
  const results: CheckResult[] = []
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
    results.push(
      facts.queue === null
        ? outcome('host.queue', 'fail', 'postqueue did not answer (is Postfix running?)')
        : outcome('host.queue', level(facts.queue, QUEUE, true), `${facts.queue} messages queued (${facts.deferred ?? 0} deferred); ${facts.bounced ?? 0} bounced in /var/log/postfix.log`, {
            evidence: `postqueue -j: ${facts.queue} (deferred ${facts.deferred ?? 0}); status=bounced in the log: ${facts.bounced ?? 0}`,
          }),
    )
  }
  if (wanted('host.disk')) {
    const worst = [...facts.disks].sort((a, b) => a.freePercent - b.freePercent)[0]
    results.push(
      worst
        ? outcome('host.disk', level(worst.freePercent, DISK_FREE, false), `${worst.freePercent}% free on ${worst.mount} (${worst.path})`, {evidence: facts.disks.map((d) => `${d.path}: ${d.freePercent}%`).join(', ')})
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
  if (wanted('host.certificate')) {
    const c = facts.certificate
    if (!c.present) results.push(outcome('host.certificate', 'fail', `${CERT_FILE} is missing`))
    else if (!c.keyMatches) results.push(outcome('host.certificate', 'fail', `${CERT_FILE} does not match ${KEY_FILE}`))
    else results.push(expiryOutcome('host.certificate', c.notAfter!, now))
  }
  return results
}
