import {isIPv6} from 'node:net'

import {createTwoFilesPatch} from 'diff'

import type {TargetResult} from '../config/schemas/latency.js'
import type {Route, RouteCandidate, RoutePlan} from '../config/schemas/route.js'
import {t} from '../i18n/index.js'

/** The nodes a route can leave from: every core (direct) and every edge, in inventory order. */
export interface RouteNode {
  name: string
  role: 'core' | 'edge'
  address: string
}

export interface RouteSettings {
  /** The current egress is kept unless the best path is cheaper by this share of its cost… */
  hysteresisPercent: number
  /** …and by at least this many ms: small differences do not flap. */
  minGainMs: number
}

/**
 * The cost model (docs/routing.md). A delivery is ≈ 6 round trips: connect, banner + EHLO,
 * STARTTLS, the TLS handshake, MAIL/RCPT/DATA pipelined, the end of data. A round trip lost is
 * resent after TCP's initial retransmission timeout (RFC 6298: 1 s); a whole SMTP session that
 * failed waits for Postfix's next queue run (minimal_backoff_time, 300 s).
 */
export const COST_MODEL = {roundTrips: 6, retransmitMs: 1000, deferredRetryMs: 300_000}

/** The figures of one path: an smtp probe is a whole session, tcp and icmp one round trip. */
export interface PathFigures {
  probe: string
  p50: number | null
  p95: number | null
  loss: number
  tls: boolean | null
}

/** Expected time of one delivery over a path, ms, or null when nothing answered on it. */
export function pathCost(path: PathFigures): number | null {
  if (path.p50 === null) return null
  const p95 = path.p95 ?? path.p50
  const session = path.probe === 'smtp' ? 1 : COST_MODEL.roundTrips
  const lossPenalty = path.probe === 'smtp' ? (path.loss / 100) * COST_MODEL.deferredRetryMs : COST_MODEL.roundTrips * (path.loss / 100) * COST_MODEL.retransmitMs
  // The tail counts a quarter: a queue delivers many messages, most at the median.
  return session * (path.p50 + (p95 - path.p50) / 4) + lossPenalty
}

const PROBE_PREFERENCE = ['smtp', 'tcp', 'icmp']

/** The best-informed row measured from `from` to a target: an smtp session over a tcp connect over a ping. */
function figures(rows: readonly TargetResult[], from: string, matches: (row: TargetResult) => boolean): PathFigures | undefined {
  const row = rows
    .filter((r) => r.from === from && matches(r))
    .sort((a, b) => PROBE_PREFERENCE.indexOf(a.probe) - PROBE_PREFERENCE.indexOf(b.probe))[0]
  if (!row) return undefined
  const tls = row.probe === 'smtp' ? (row.phases?.starttls?.n ?? 0) > 0 : null
  return {probe: row.probe, p50: row.stats.p50, p95: row.stats.p95, loss: row.stats.loss, tls}
}

/** transport(5) nexthop for an edge: an address in brackets (no MX lookup), IPv6 with Postfix's ipv6: prefix. */
export function edgeNexthop(address: string): string {
  return isIPv6(address) ? `[ipv6:${address}]:25` : `[${address}]:25`
}

function candidatesFor(rows: readonly TargetResult[], core: RouteNode, edges: readonly RouteNode[], destination: string): RouteCandidate[] {
  const toDestination = (r: TargetResult) => r.id === destination
  const direct = figures(rows, core.name, toDestination)
  const paths: Array<{egress: string; path?: PathFigures; hop?: PathFigures | null}> = [
    {egress: core.name, path: direct, hop: null},
    ...edges.map((edge) => ({egress: edge.name, path: figures(rows, edge.name, toDestination), hop: figures(rows, core.name, (r) => r.host === edge.address) ?? null})),
  ]
  const measured = paths.filter((p): p is typeof p & {path: PathFigures} => p.path !== undefined)
  // A path that does not see STARTTLS where another path to the same MX does has it stripped on the way (RFC 3207 §6).
  const tlsSomewhere = measured.some((p) => p.path.tls === true)
  return measured.map(({egress, path, hop}) => {
    const hopMs = hop ? pathCost(hop) : null
    const own = pathCost(path)
    const excluded =
      own === null ? t('route.excluded.noAnswer') : tlsSomewhere && path.tls === false ? t('route.excluded.stripped') : hop && hopMs === null ? t('route.excluded.hopDown') : undefined
    const cost = excluded ? null : round(own! + (hopMs ?? 0))
    return {egress, probe: path.probe, p50: path.p50, p95: path.p95, loss: path.loss, tls: path.tls, hopMs: hopMs === null ? null : round(hopMs), cost, ...(excluded ? {excluded} : {})}
  })
}

const round = (ms: number) => Math.round(ms * 100) / 100

/** Cheapest first; equal costs in candidate order (direct, then the edges in inventory order), so a plan is the same every time. */
function ranked(candidates: readonly RouteCandidate[]): RouteCandidate[] {
  return candidates.filter((c) => c.cost !== null).map((c, i) => ({c, i})).sort((a, b) => a.c.cost! - b.c.cost! || a.i - b.i).map(({c}) => c)
}

function nexthopOf(egress: string, core: RouteNode, destination: string, nodes: readonly RouteNode[]): string {
  return egress === core.name ? destination : edgeNexthop(nodes.find((n) => n.name === egress)!.address)
}

/** The transport(5) line of a route: primary nexthop, then the fallback (Postfix ≥ 3.5 tries a nexthop list in order); none for direct without a fallback. */
export function transportLine(route: Route): string | null {
  if (route.nexthop === null) return null
  if (route.nexthop === route.destination && route.fallback === null) return null
  return `${route.destination} smtp:${[route.nexthop, ...(route.fallback ? [route.fallback.nexthop] : [])].join(', ')}`
}

/** The rows that measure a destination: measured from a node of the inventory, and not a core → edge hop. */
export function destinationRows(nodes: readonly RouteNode[], rows: readonly TargetResult[]): TargetResult[] {
  const names = new Set(nodes.map((n) => n.name))
  const edgeAddresses = new Set(nodes.filter((n) => n.role === 'edge').map((n) => n.address))
  return rows.filter((r) => r.from !== undefined && names.has(r.from) && !edgeAddresses.has(r.host))
}

export interface PlanInput {
  nodes: readonly RouteNode[]
  rows: readonly TargetResult[]
  measuredAt: string
  matrixSha256: string
  /** The plan deployed now: its egress is kept within the hysteresis. */
  current?: RoutePlan
  settings: RouteSettings
}

/**
 * Per core and destination: the cheapest egress and the next cheapest as its fallback, the
 * current egress kept unless the best beats it by both thresholds. Pure: the same input gives
 * the same plan.
 */
export function planRoutes(input: PlanInput): RoutePlan {
  const cores = input.nodes.filter((n) => n.role === 'core')
  const edges = input.nodes.filter((n) => n.role === 'edge')
  const destinations = [...new Set(destinationRows(input.nodes, input.rows).map((r) => r.id))].sort()
  const routes: Route[] = []
  for (const core of cores) {
    for (const destination of destinations) {
      const candidates = candidatesFor(input.rows, core, edges, destination)
      const order = ranked(candidates)
      const best = order[0]
      const currentEgress = input.current?.routes.find((r) => r.core === core.name && r.destination === destination)?.egress
      const current = order.find((c) => c.egress === currentEgress)
      const gain = best && current ? current.cost! - best.cost! : 0
      const kept = current !== undefined && current !== best && (gain < input.settings.minGainMs || gain < (current.cost! * input.settings.hysteresisPercent) / 100)
      const chosen = kept ? current : best
      const fallback = chosen ? order.find((c) => c !== chosen) : undefined
      routes.push({
        core: core.name,
        destination,
        egress: chosen?.egress ?? null,
        nexthop: chosen ? nexthopOf(chosen.egress, core, destination, input.nodes) : null,
        fallback: fallback ? {egress: fallback.egress, nexthop: nexthopOf(fallback.egress, core, destination, input.nodes)} : null,
        cost: chosen?.cost ?? null,
        kept,
        candidates,
      })
    }
  }
  const transport = cores.map((core) => ({core: core.name, entries: routes.filter((r) => r.core === core.name).map(transportLine).filter((l): l is string => l !== null)}))
  const changes = routes
    .map((r) => ({core: r.core, destination: r.destination, from: input.current?.routes.find((c) => c.core === r.core && c.destination === r.destination)?.egress ?? null, to: r.egress}))
    .filter((c) => c.from !== c.to)
  const diff = transport
    .map(({core, entries}) => {
      const before = input.current?.transport.find((t) => t.core === core)?.entries ?? []
      return before.join('\n') === entries.join('\n') ? '' : createTwoFilesPatch(`${core}:/etc/postfix/transport`, `${core}:/etc/postfix/transport`, lines(before), lines(entries), 'current', 'planned')
    })
    .join('')
  const warnings = routes.filter((r) => r.egress === null).map((r) => t('route.noPath', {core: r.core, destination: r.destination}))
  return {
    measuredAt: input.measuredAt,
    matrixSha256: input.matrixSha256,
    settings: {...input.settings, ...COST_MODEL},
    routes,
    transport,
    changes,
    diff,
    warnings,
  }
}

const lines = (entries: readonly string[]) => (entries.length === 0 ? '' : `${entries.join('\n')}\n`)
