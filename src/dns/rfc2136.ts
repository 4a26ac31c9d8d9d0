import {execFile} from 'node:child_process'
import {existsSync} from 'node:fs'
import {isIP} from 'node:net'

import {ExitCode, InputError, MailopsError} from '../errors.js'
import {t} from '../i18n/index.js'
import {type DnsRecord, txtParts} from './records.js'

/** The primary a real domain's records are pushed to (RFC 2136), and the TSIG key that signs the update. */
export interface UpdateServer {
  address: string
  port: number
  /** A BIND key file (`tsig-keygen NAME`): nsupdate and dig read it, so the secret is never in argv. */
  keyFile?: string
}

/** One record set mailops owns: what the server has, and what it should have. */
export interface RrsetChange {
  name: string
  type: DnsRecord['type']
  /** data to delete (the server's, in its presentation form) */
  remove: string[]
  /** records to add */
  add: DnsRecord[]
}

export interface UpdatePlan {
  zone: string
  changes: RrsetChange[]
  /** record sets already as they should be */
  unchanged: number
  /** records not pushed: PTRs live in the address owner's reverse zone, not in the domain's */
  skipped: DnsRecord[]
}

export interface PushedUpdate {
  server: string
  zone: string
  /** record sets changed (or, with dryRun, that would be) */
  changed: number
  unchanged: number
  /** PTR records left to the address's owner */
  skipped: number
  dryRun: boolean
  /** the update as nsupdate commands (no secret: the key stays in its file) */
  script: string
}

const TTL = 3600

/** `--server ADDRESS[:PORT]` (an IPv6 address in brackets with a port): an address, not a name - the update must not depend on the resolver it changes. Port 53 by default. */
export function parseUpdateServer(text: string, keyFile: string | undefined): UpdateServer {
  const bracketed = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(text)
  const withPort = /^([\d.]+):(\d{1,5})$/.exec(text)
  const [address, port] = isIP(text) !== 0 ? [text, 53] : bracketed ? [bracketed[1], Number(bracketed[2] ?? 53)] : withPort ? [withPort[1], Number(withPort[2])] : ['', 0]
  if (isIP(address) === 0 || port < 1 || port > 65_535) throw InputError.at(undefined, 'dns.badServer', {value: text})
  if (keyFile !== undefined && !existsSync(keyFile)) throw InputError.at(undefined, 'dns.noKeyFile', {file: keyFile})
  return {address, port, keyFile}
}

/** A record set's key: names compare without case (RFC 4343). */
const keyOf = (name: string, type: string) => `${name.toLowerCase()} ${type}`

/** Record data as this module compares it: dig's presentation form, normalised. */
export function normalData(type: string, data: string): string {
  const text = data.trim()
  if (type === 'TXT') return [...text.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1].replaceAll(/\\(.)/g, '$1')).join('')
  // dig splits long hex in groups; case never matters in it.
  if (type === 'TLSA') return text.split(/\s+/).slice(0, 3).join(' ') + ' ' + text.split(/\s+/).slice(3).join('').toLowerCase()
  return text.toLowerCase().replaceAll(/\s+/g, ' ')
}

/** A record's data as an update carries it: TXT as its strings side by side, no parentheses. */
const updateData = (r: DnsRecord) => (r.type === 'TXT' ? txtParts(r.value).join(' ') : r.type === 'MX' ? `${r.priority} ${r.value}` : r.value)
const desiredData = (r: DnsRecord) => normalData(r.type, updateData(r))

/** The answers of `dig +noall +answer`: record data by name and type. */
export function parseAnswers(text: string): Map<string, string[]> {
  const sets = new Map<string, string[]>()
  for (const line of text.split('\n')) {
    const match = /^(\S+)\s+\d+\s+IN\s+([A-Z0-9]+)\s+(.*)$/.exec(line.trim())
    if (!match) continue
    const key = keyOf(match[1], match[2])
    sets.set(key, [...(sets.get(key) ?? []), match[3]])
  }
  return sets
}

/**
 * What to send (pure). mailops owns each record set it publishes, whole — except the domain's own
 * TXT set, which other services share (site verifications): there only the `v=spf1` record is
 * its, replaced alone (RFC 7208 §3.2: one SPF record). PTRs are skipped: the reverse zone is the
 * address owner's.
 */
export function planUpdate(zone: string, records: readonly DnsRecord[], current: ReadonlyMap<string, readonly string[]>): UpdatePlan {
  const apex = `${zone.replace(/\.$/, '')}.`.toLowerCase()
  const skipped = records.filter((r) => r.type === 'PTR')
  const sets = new Map<string, DnsRecord[]>()
  for (const r of records.filter((r) => r.type !== 'PTR')) sets.set(keyOf(r.name, r.type), [...(sets.get(keyOf(r.name, r.type)) ?? []), r])
  const plan: UpdatePlan = {zone: apex, changes: [], unchanged: 0, skipped}
  for (const wanted of sets.values()) {
    const {name, type} = wanted[0]
    const shared = type === 'TXT' && name.toLowerCase() === apex
    const theirs = (current.get(keyOf(name, type)) ?? []).filter((d) => !shared || /^v=spf1(\s|$)/i.test(normalData('TXT', d)))
    const want = new Set(wanted.map(desiredData))
    const have = new Set(theirs.map((d) => normalData(type, d)))
    if (want.size === have.size && [...want].every((d) => have.has(d))) {
      plan.unchanged++
      continue
    }
    plan.changes.push({name, type, remove: theirs, add: wanted})
  }
  return plan
}

// A value is data: a line break in one would be a second nsupdate command.
const oneLine = (text: string) => {
  if (/[\r\n\0]/.test(text)) throw InputError.at(undefined, 'dns.badRecordText', {text: JSON.stringify(text.slice(0, 80))})
  return text
}

/** The update as nsupdate(1) commands: one UPDATE message, applied by the server as a whole (RFC 2136 §3.4) or not at all. */
export function nsupdateScript(server: UpdateServer, plan: UpdatePlan): string {
  const lines = [`server ${server.address} ${server.port}`, `zone ${plan.zone}`]
  for (const change of plan.changes) {
    const shared = change.type === 'TXT' && change.name.toLowerCase() === plan.zone
    if (shared) for (const data of change.remove) lines.push(oneLine(`update delete ${change.name} TXT ${data}`))
    else if (change.remove.length > 0) lines.push(oneLine(`update delete ${change.name} ${change.type}`))
    for (const r of change.add) lines.push(oneLine(`update add ${r.name} ${TTL} ${r.type} ${updateData(r)}`))
  }
  return [...lines, 'send', ''].join('\n')
}

function run(command: string, args: string[], input: string): Promise<{code: number; stdout: string; stderr: string}> {
  return new Promise((resolve) => {
    const child = execFile(command, args, {timeout: 30_000, encoding: 'utf8'}, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0
      resolve({code, stdout, stderr: stderr || (error && typeof error.code !== 'number' ? error.message : '')})
    })
    child.stdin?.end(input)
  })
}

/** The record sets the server has now for the names and types of the records, in one dig run. */
async function currentSets(server: UpdateServer, records: readonly DnsRecord[]): Promise<Map<string, string[]>> {
  const queries = [...new Set(records.filter((r) => r.type !== 'PTR').map((r) => `${oneLine(r.name)} ${r.type}`))].join('\n')
  const key = server.keyFile ? ['-k', server.keyFile] : []
  // Over TCP: the answers of a whole fleet's records must not be cut at 512 octets.
  const result = await run('dig', [`@${server.address}`, '-p', String(server.port), ...key, '+tcp', '+norec', '+noall', '+answer', '+time=5', '+tries=2', '-f', '-'], queries)
  if (result.code !== 0) throw new MailopsError(t('dns.serverUnreachable', {server: `${server.address}:${server.port}`, error: lastLine(result)}), {code: 'DNS_SERVER_UNREACHABLE', exit: ExitCode.unreachable, hint: t('dns.serverUnreachableHint')})
  return parseAnswers(result.stdout)
}

const lastLine = (result: {stdout: string; stderr: string}) => (result.stderr.trim() || result.stdout.trim()).split('\n').at(-1) ?? ''

/**
 * `mailops dns --apply --server`: reads what the primary has, sends one UPDATE with what differs
 * (nothing when nothing does), and reads the sets back once: a set still differing is an error
 * (the server took the update but does not serve it).
 */
export async function pushRecords(server: UpdateServer, zone: string, records: readonly DnsRecord[], dryRun: boolean): Promise<PushedUpdate> {
  const plan = planUpdate(zone, records, await currentSets(server, records))
  const script = nsupdateScript(server, plan)
  const shown = {server: `${server.address}:${server.port}`, zone: plan.zone, changed: plan.changes.length, unchanged: plan.unchanged, skipped: plan.skipped.length, dryRun, script: plan.changes.length > 0 ? script : ''}
  if (dryRun || plan.changes.length === 0) return shown
  const result = await run('nsupdate', [...(server.keyFile ? ['-k', server.keyFile] : []), '-t', '10'], script)
  if (result.code !== 0) {
    const answer = lastLine(result)
    const refused = /REFUSED|NOTAUTH|NOTZONE|tsig|BADKEY|BADSIG/i.test(answer)
    throw new MailopsError(t(refused ? 'dns.updateRefused' : 'dns.serverUnreachable', {server: shown.server, error: answer}), {
      code: refused ? 'DNS_UPDATE_REFUSED' : 'DNS_SERVER_UNREACHABLE',
      exit: refused ? ExitCode.badInput : ExitCode.unreachable,
      hint: t(refused ? 'dns.updateRefusedHint' : 'dns.serverUnreachableHint', {zone: plan.zone}),
    })
  }
  const after = planUpdate(zone, records, await currentSets(server, records))
  if (after.changes.length > 0) {
    throw new MailopsError(t('dns.updateNotApplied', {server: shown.server, sets: after.changes.map((c) => `${c.name} ${c.type}`).join(', ')}), {code: 'DNS_UPDATE_NOT_APPLIED', exit: ExitCode.checksFailed})
  }
  return shown
}
