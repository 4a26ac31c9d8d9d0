import {isIPv6} from 'node:net'
import {dirname, resolve} from 'node:path'

import {loadInput} from '../config/load.js'
import type {RoutePlan} from '../config/schemas/route.js'
import type {SourceDocument} from '../config/source.js'
import {InputError} from '../errors.js'

/**
 * The route plan an inventory names (vars.route_plan, relative to the inventory file): the
 * outbound routes every deploy renders, so that a plain `mailops deploy` after `mailops route
 * apply` keeps them (docs/routing.md). Read and checked with the inventory: its nodes must be the
 * inventory's, and every transport(5) line one Postfix reads as a domain and a nexthop list.
 */
export interface InventoryRoutes {
  /** the plan file, absolute */
  file: string
  plan: RoutePlan
  /** per core: its transport(5) lines (/etc/postfix/transport_routes) */
  transport: Record<string, string[]>
  /** per edge: the cores whose mail leaves through it (as the egress or the fallback of a route) */
  relayFor: Record<string, string[]>
}

interface Node {
  name: string
  role: 'core' | 'edge'
  address: string
}

// A recipient domain as transport(5) matches it (letters, digits, dots, dashes): one pattern for
// every place a domain can become a transport line (the plan's lines, route plan's targets, route targets' log).
const DOMAIN = '[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*'
/** A whole name as a transport(5) recipient domain (at most 253 characters), any case. */
export const TRANSPORT_DOMAIN = new RegExp(`^(?=.{1,253}$)${DOMAIN}$`, 'i')
const LINE = new RegExp(`^(${DOMAIN}) smtp:(.+)$`, 'i')
const HOP = new RegExp(`^(?:\\[(?:ipv6:)?([0-9a-f.:]+)\\]:25|(${DOMAIN}))$`, 'i')

/** The nodes of a plan and its transport lines, checked against the inventory's nodes: the first problem, at its place in the plan. */
export function checkRoutePlan(plan: RoutePlan, nodes: readonly Node[], domain: string | undefined, source?: SourceDocument): Omit<InventoryRoutes, 'file' | 'plan'> {
  const at = (path: Array<string | number>) => source?.locate(path)
  const file = source?.file ?? 'plan'
  const byName = new Map(nodes.map((n) => [n.name, n]))
  const names = nodes.map((n) => n.name).join(', ')
  const isCore = (name: string) => byName.get(name)?.role === 'core'
  for (const [i, route] of plan.routes.entries()) {
    if (!isCore(route.core)) throw InputError.at(at(['routes', i, 'core']), 'routeApply.notACore', {file, name: route.core, nodes: names})
    for (const [egress, path] of [
      [route.egress, ['routes', i, 'egress']],
      [route.fallback?.egress ?? null, ['routes', i, 'fallback', 'egress']],
    ] as const) {
      if (egress !== null && egress !== route.core && byName.get(egress)?.role !== 'edge') throw InputError.at(at([...path]), 'routeApply.unknownEgress', {file, name: egress, core: route.core, nodes: names})
    }
  }
  const edgeByAddress = new Map(nodes.filter((n) => n.role === 'edge').map((n) => [n.address.toLowerCase(), n.name]))
  const transport: Record<string, string[]> = {}
  const relayFor: Record<string, string[]> = {}
  for (const [i, {core, entries}] of plan.transport.entries()) {
    if (!isCore(core)) throw InputError.at(at(['transport', i, 'core']), 'routeApply.notACore', {file, name: core, nodes: names})
    for (const [j, line] of entries.entries()) {
      const where = at(['transport', i, 'entries', j])
      const match = LINE.exec(line)
      if (!match) throw InputError.at(where, 'routeApply.badLine', {file, line})
      const destination = match[1].toLowerCase()
      // The own domain is delivered to the mailboxes (virtual_transport): a transport entry would send it away.
      if (domain !== undefined && destination === domain.toLowerCase()) throw InputError.at(where, 'routeApply.ownDomain', {file, domain})
      for (const hop of match[2].split(', ')) {
        const parts = HOP.exec(hop)
        if (!parts) throw InputError.at(where, 'routeApply.badLine', {file, line})
        if (parts[2] !== undefined && parts[2].toLowerCase() !== destination) throw InputError.at(where, 'routeApply.badLine', {file, line})
        if (parts[1] === undefined) continue
        const edge = edgeByAddress.get(parts[1].toLowerCase())
        if (edge === undefined) throw InputError.at(where, 'routeApply.unknownHop', {file, hop, core})
        relayFor[edge] = [...new Set([...(relayFor[edge] ?? []), core])]
      }
    }
    transport[core] = [...(transport[core] ?? []), ...entries]
  }
  return {transport, relayFor}
}

/** Reads the plan vars.route_plan names (relative to the inventory), checked against the inventory's nodes; none when it names none. */
export function loadInventoryRoutes(inventoryFile: string, planPath: unknown, nodes: readonly Node[], domain: string | undefined): InventoryRoutes | undefined {
  if (planPath === undefined) return undefined
  const file = resolve(dirname(resolve(inventoryFile)), String(planPath))
  const {data: plan, source} = loadInput('route-plan', file)
  return {file, plan, ...checkRoutePlan(plan, nodes, domain, source)}
}

/** A core's transport(5) lines under the plan (none without a plan). */
export function routeTransport(routes: InventoryRoutes | undefined, core: string): string[] {
  return routes?.transport[core] ?? []
}

/** The clients an edge relays outbound mail for (cidr(5) keys): the cores whose routes go through it. */
export function routeClients(routes: InventoryRoutes | undefined, edge: string, nodes: readonly Node[]): string[] {
  const cores = routes?.relayFor[edge] ?? []
  return nodes.filter((n) => cores.includes(n.name)).map((n) => (isIPv6(n.address) ? `${n.address}/128` : `${n.address}/32`))
}

/** The edges mail leaves from under the plan: the egress or fallback of some route, in inventory order. */
export function egressEdges<N extends Node>(routes: InventoryRoutes | undefined, nodes: readonly N[]): N[] {
  return nodes.filter((n) => n.role === 'edge' && (routes?.relayFor[n.name]?.length ?? 0) > 0)
}
