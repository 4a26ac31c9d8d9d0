import {writeFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {describe, expect, it} from 'vitest'

import type {RoutePlan} from '../../../src/config/schemas/route.js'
import {loadInventory} from '../../../src/fleet/inventory.js'
import {egressEdges, routeClients, routeTransport} from '../../../src/fleet/routes.js'
import {planRoutes} from '../../../src/route/plan.js'
import {tempFile} from '../../helpers/cli.js'
import {ROUTE_MATRIX, ROUTE_NODES} from '../../helpers/route-matrix.js'

/** The planner's own output for the three-destination matrix: what `route plan -o routes.json` writes. */
const planned = (): RoutePlan => planRoutes({nodes: ROUTE_NODES, rows: ROUTE_MATRIX, measuredAt: '2026-12-02T00:00:00Z', matrixSha256: 'a'.repeat(64), settings: {hysteresisPercent: 20, minGainMs: 20}})

const HOSTS = ['hosts:', ...ROUTE_NODES.map((n) => `  - {name: ${n.name}, address: ${n.address}, role: ${n.role}}`)]

/** An inventory naming `plan` as vars.route_plan (relative), both written side by side. */
function inventoryWith(plan: RoutePlan | string, hosts = HOSTS): {inventory: string; plan: string} {
  const inventory = tempFile('inventory.yaml', ['vars:', '  domain: example.net', '  route_plan: routes.json', ...hosts].join('\n'))
  const file = join(dirname(inventory), 'routes.json')
  writeFileSync(file, typeof plan === 'string' ? plan : `${JSON.stringify(plan, null, 2)}\n`)
  return {inventory, plan: file}
}

describe('the route plan an inventory names', () => {
  it("gives each core its plan's transport lines, and each edge the cores that leave through it", () => {
    const {inventory, plan} = inventoryWith(planned())
    const loaded = loadInventory(inventory)
    expect(loaded.routes?.file).toBe(plan)
    expect(routeTransport(loaded.routes, 'core1')).toEqual(['example.co.za smtp:[198.18.0.13]:25, [198.18.0.12]:25', 'example.com smtp:example.com, [198.18.0.12]:25', 'example.de smtp:[198.18.0.12]:25, example.de'])
    // Both edges carry core1's mail (one as the egress of two routes, one as a fallback).
    expect(routeClients(loaded.routes, 'edge-af', loaded.hosts)).toEqual(['198.18.0.11/32'])
    expect(routeClients(loaded.routes, 'edge-eu', loaded.hosts)).toEqual(['198.18.0.11/32'])
    expect(egressEdges(loaded.routes, loaded.hosts).map((h) => h.name)).toEqual(['edge-eu', 'edge-af'])
    expect(routeClients(loaded.routes, 'core1', loaded.hosts)).toEqual([])
  })

  it('relays for no core through an edge no route names', () => {
    const plan = planned()
    plan.transport[0].entries = ['example.co.za smtp:[198.18.0.13]:25']
    const loaded = loadInventory(inventoryWith(plan).inventory)
    expect(routeClients(loaded.routes, 'edge-eu', loaded.hosts)).toEqual([])
    expect(egressEdges(loaded.routes, loaded.hosts).map((h) => h.name)).toEqual(['edge-af'])
  })

  it('is nothing when the inventory names none: no lines, no relaying', () => {
    const inventory = tempFile('inventory.yaml', ['vars: {domain: example.net}', ...HOSTS].join('\n'))
    const loaded = loadInventory(inventory)
    expect(loaded.routes).toBeUndefined()
    expect(routeTransport(loaded.routes, 'core1')).toEqual([])
    expect(routeClients(loaded.routes, 'edge-af', loaded.hosts)).toEqual([])
  })

  const broken: Array<[string, (p: RoutePlan) => void, RegExp]> = [
    ['a core the inventory lacks', (p) => (p.transport[0].core = 'core9'), /'core9' is not a core of the inventory \(its nodes: core1, edge-eu, edge-af\)/],
    ['a route of an edge', (p) => (p.routes[0].core = 'edge-af'), /'edge-af' is not a core of the inventory/],
    ['an egress the inventory lacks', (p) => (p.routes[1].egress = 'edge-us'), /egress 'edge-us' of a route of core1 is neither that core nor an edge/],
    ['a nexthop that is no edge', (p) => (p.transport[0].entries[0] = 'example.co.za smtp:[203.0.113.9]:25'), /nexthop \[203.0.113.9\]:25 of core1 is not the address of an edge/],
    // A line is written into a Postfix file: nothing but a domain and a nexthop list gets there.
    ['a second line smuggled into a line', (p) => (p.transport[0].entries[0] = 'example.co.za smtp:[198.18.0.13]:25\n* discard:'), /is not a transport\(5\) line mailops writes/],
    ['another transport', (p) => (p.transport[0].entries[0] = 'example.co.za discard:'), /is not a transport\(5\) line mailops writes/],
    ['a direct hop to another domain', (p) => (p.transport[0].entries[1] = 'example.com smtp:evil.example, [198.18.0.12]:25'), /is not a transport\(5\) line/],
    ['the own domain', (p) => (p.transport[0].entries[0] = 'example.net smtp:[198.18.0.13]:25'), /a route for the own domain example.net would send its mail away from the mailboxes/],
  ]
  it.each(broken)('refuses a plan with %s, at its place in the plan file', (_, edit, message) => {
    const plan = planned()
    edit(plan)
    const files = inventoryWith(plan)
    let error: Error | undefined
    try {
      loadInventory(files.inventory)
    } catch (e) {
      error = e as Error
    }
    expect(error?.message).toMatch(message)
    expect(error?.message).toMatch(new RegExp(`^${files.plan.replaceAll('.', '\\.')}:\\d+:\\d+: `))
    expect((error as {exit?: number} | undefined)?.exit).toBe(2)
  })

  it('refuses a file that is not a route plan, by its schema', () => {
    const files = inventoryWith('{"routes": 3}\n')
    expect(() => loadInventory(files.inventory)).toThrow(files.plan)
  })
})
