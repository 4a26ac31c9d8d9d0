import {isIP} from 'node:net'

import type {TargetsFile} from '../config/schemas/targets.js'
import {ExitCode, InputError, MailopsError} from '../errors.js'
import {domainOf, hostsOfRole, type LoadedInventory, loadInventory} from '../fleet/inventory.js'
import {TRANSPORT_DOMAIN} from '../fleet/routes.js'
import {runEverywhere, type SessionOptions} from '../fleet/session.js'
import {t} from '../i18n/index.js'

/**
 * On each node, the outbound deliveries of the current Postfix log summed up where they are (the
 * log may be large; what crosses SSH is one line per destination, relay and status): smtp(8)'s
 * `to=<…>, relay=HOST[ADDRESS]:PORT, … status=sent|deferred|bounced` lines. mawk, Debian's awk.
 */
export const outboundLogScript = (log = '/var/log/postfix.log') => String.raw`[ -r ${log} ] || exit 0
awk '/ postfix\/smtp\[/ && / to=</ && / status=(sent|deferred|bounced)/ {
  if (!match($0, / to=<[^>]*>/)) next
  domain = tolower(substr($0, RSTART + 5, RLENGTH - 6)); sub(/.*@/, "", domain)
  relay = "none"; if (match($0, / relay=[^,]*,/)) relay = substr($0, RSTART + 7, RLENGTH - 8)
  status = "sent"; if ($0 ~ / status=deferred/) status = "deferred"; else if ($0 ~ / status=bounced/) status = "bounced"
  n[domain "\t" relay "\t" status]++
} END { for (k in n) print "O\t" k "\t" n[k] }' ${log}`

/** One destination of a node's log: what relay was reached for it, how often, with what outcome. */
export interface LogRow {
  node: string
  domain: string
  /** the relay's name as Postfix logged it (empty for a bracketed nexthop), its address, or none: not reached */
  relayHost: string
  relayAddress: string
  status: 'sent' | 'deferred' | 'bounced'
  count: number
}

export function parseOutboundLog(node: string, output: string): LogRow[] {
  const rows: LogRow[] = []
  for (const line of output.split('\n')) {
    const f = line.split('\t')
    if (f[0] !== 'O' || f.length !== 5) continue
    const relay = /^([^[\]]*)\[([^\]]+)\](?::\d+)?$/.exec(f[2])
    const status = f[3] as LogRow['status']
    if (!['sent', 'deferred', 'bounced'].includes(status) || !/^\d+$/.test(f[4])) continue
    rows.push({node, domain: f[1], relayHost: relay ? relay[1] : '', relayAddress: relay ? relay[2] : '', status, count: Number(f[4])})
  }
  return rows
}

export interface RankedDestination {
  id: string
  /** the MX host deliveries reached (the most often sent to), for the latency probe */
  host: string
  sent: number
  deferred: number
  bounced: number
}

// What a transport(5) key and a probe host can be: the log is written by strangers' addresses, so it is data, checked, never used as it comes.
const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.?$/

/**
 * The destinations that matter, from the nodes' logs (pure): per recipient domain outside the own
 * one, the deliveries to relays that are not the fleet's own nodes (a core's hop to an edge is
 * counted where the edge delivers it, once), most first, ties by name. A domain whose name or
 * relay is not a plain DNS name is left out and named in `skipped`.
 */
export function rankDestinations(rows: readonly LogRow[], own: {domain: string; addresses: readonly string[]}, top: number): {destinations: RankedDestination[]; skipped: string[]} {
  const internal = new Set(own.addresses)
  const byDomain = new Map<string, {sent: number; deferred: number; bounced: number; hosts: Map<string, number>}>()
  const skipped = new Set<string>()
  for (const row of rows) {
    if (row.domain === own.domain || internal.has(row.relayAddress)) continue
    // A destination is a name with a dot, in the lower case the node's awk wrote it in.
    if (!TRANSPORT_DOMAIN.test(row.domain) || !row.domain.includes('.') || row.domain !== row.domain.toLowerCase()) {
      skipped.add(row.domain)
      continue
    }
    const entry = byDomain.get(row.domain) ?? {sent: 0, deferred: 0, bounced: 0, hosts: new Map()}
    entry[row.status] += row.count
    const host = row.relayHost !== '' ? row.relayHost.replace(/\.$/, '') : row.relayAddress
    if (row.relayAddress !== '' && (isIP(host) !== 0 || HOSTNAME.test(host))) entry.hosts.set(host, (entry.hosts.get(host) ?? 0) + (row.status === 'sent' ? row.count * 1000 : row.count))
    byDomain.set(row.domain, entry)
  }
  const destinations: RankedDestination[] = []
  for (const [id, e] of byDomain) {
    const host = [...e.hosts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0]
    if (host === undefined) {
      // Never reached (every attempt relay=none): no MX to measure.
      skipped.add(id)
      continue
    }
    destinations.push({id, host, sent: e.sent, deferred: e.deferred, bounced: e.bounced})
  }
  destinations.sort((a, b) => b.sent + b.deferred + b.bounced - (a.sent + a.deferred + a.bounced) || a.id.localeCompare(b.id))
  return {destinations: destinations.slice(0, top), skipped: [...skipped].sort()}
}

/** The targets file: the destinations' MX hosts, SMTP-probed, and each edge (the core → edge hop the planner adds). */
export function targetsFile(inventory: Pick<LoadedInventory, 'hosts'>, destinations: readonly RankedDestination[]): TargetsFile {
  return {
    targets: [
      ...destinations.map((d) => ({id: d.id, host: d.host, port: 25, probe: 'smtp' as const})),
      ...hostsOfRole(inventory.hosts, 'edge').map((e) => ({id: e.name, host: e.address, port: 25, probe: 'smtp' as const})),
    ],
  }
}

export interface RouteTargetsRequest extends SessionOptions {
  inventory: string
  top: number
}

export interface RouteTargets {
  file: TargetsFile
  destinations: RankedDestination[]
  skipped: string[]
  /** nodes whose log was read */
  read: string[]
  /** nodes whose log could not be read, with why */
  unread: Array<{node: string; error: string}>
}

/** `mailops route targets`: the top destinations of every node's outbound log, as a targets file for `mailops latency -i`. */
export async function routeTargets(request: RouteTargetsRequest): Promise<RouteTargets> {
  const inventory = loadInventory(request.inventory)
  const domain = domainOf(inventory)
  if (domain === undefined) throw new InputError(t('dns.noDomain', {file: request.inventory}), {hint: t('dns.noDomainHint')})
  const outcomes = await runEverywhere(inventory, inventory.hosts, outboundLogScript(), {...request, timeoutMs: 60_000})
  const unread = outcomes.filter((o) => !o.ok).map((o) => ({node: o.host, error: o.error?.message ?? (o.stderr.trim() || `exit ${o.code}`)}))
  if (unread.length === outcomes.length) throw new MailopsError(t('route.noLogs', {nodes: unread.map((u) => `${u.node}: ${u.error}`).join('; ')}), {code: 'ROUTE_NO_LOGS', exit: ExitCode.unreachable})
  const rows = outcomes.filter((o) => o.ok).flatMap((o) => parseOutboundLog(o.host, o.stdout))
  const ranked = rankDestinations(rows, {domain, addresses: inventory.hosts.map((h) => h.address)}, request.top)
  if (ranked.destinations.length === 0) throw new InputError(t('route.noDestinations', {domain}), {hint: t('route.noDestinationsHint')})
  return {file: targetsFile(inventory, ranked.destinations), ...ranked, read: outcomes.filter((o) => o.ok).map((o) => o.host), unread}
}
