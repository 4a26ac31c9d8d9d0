import {describe, expect, it} from 'vitest'

import type {TargetResult} from '../../../src/config/schemas/latency.js'
import {COST_MODEL, edgeNexthop, pathCost, planRoutes} from '../../../src/route/plan.js'
import {HOPS, matrixRow, ROUTE_MATRIX, ROUTE_NODES} from '../../helpers/route-matrix.js'

const nodes = ROUTE_NODES
const row = matrixRow
const hops = HOPS
const matrix = (overrides: TargetResult[] = []): TargetResult[] => ROUTE_MATRIX.map((r) => overrides.find((o) => o.from === r.from && o.id === r.id) ?? r)
const settings = {hysteresisPercent: 20, minGainMs: 20}
const plan = (rows: TargetResult[], current?: ReturnType<typeof planRoutes>) => planRoutes({nodes, rows, measuredAt: '2026-12-02T00:00:00Z', matrixSha256: 'a'.repeat(64), current, settings})
const egressOf = (p: ReturnType<typeof planRoutes>, destination: string) => p.routes.find((r) => r.destination === destination)!.egress

describe('pathCost', () => {
  it('is the round trips of a delivery at the median plus a quarter of the tail, and what loss costs in retransmissions', () => {
    expect(pathCost({probe: 'icmp', p50: 100, p95: 140, loss: 0, tls: null})).toBe(COST_MODEL.roundTrips * 110)
    // 5% of 6 round trips lost, each resent after 1 s: +300 ms.
    expect(pathCost({probe: 'tcp', p50: 100, p95: 100, loss: 5, tls: null})).toBe(600 + 300)
    // An smtp sample is a whole session; one that failed waits for the next queue run (300 s).
    expect(pathCost({probe: 'smtp', p50: 400, p95: 400, loss: 1, tls: true})).toBe(400 + 3000)
    expect(pathCost({probe: 'icmp', p50: null, p95: null, loss: 100, tls: null})).toBeNull()
  })
})

describe('planRoutes', () => {
  it('relays each destination through the edge nearest it, direct where direct is best, with the next best as fallback', () => {
    const p = plan(matrix())
    expect(p.routes.map((r) => [r.destination, r.egress, r.fallback?.egress])).toEqual([
      ['example.co.za', 'edge-af', 'edge-eu'],
      ['example.com', 'core1', 'edge-eu'],
      ['example.de', 'edge-eu', 'core1'],
    ])
    // The edge's cost includes the core → edge hop.
    expect(p.routes[0].candidates.find((c) => c.egress === 'edge-af')).toMatchObject({hopMs: 30, cost: 150})
    expect(p.transport).toEqual([{core: 'core1', entries: ['example.co.za smtp:[198.18.0.13]:25, [198.18.0.12]:25', 'example.com smtp:example.com, [198.18.0.12]:25', 'example.de smtp:[198.18.0.12]:25, example.de']}])
    expect(p.changes).toHaveLength(3)
    expect(p.diff).toContain('+example.de smtp:[198.18.0.12]:25, example.de')
  })

  it('gives the same plan for the same matrix, and changes nothing for a difference under the hysteresis', () => {
    const first = plan(matrix())
    expect(plan(matrix())).toEqual(first)
    // edge-eu gets 3 ms (18 ms a delivery) nearer example.co.za than edge-af: under both thresholds.
    const closer = matrix([row('edge-eu', 'example.co.za', 17)])
    const again = plan(closer, first)
    expect(egressOf(again, 'example.co.za')).toBe('edge-af')
    expect(again.routes[0].kept).toBe(true)
    expect(again.changes).toEqual([])
    expect(again.diff).toBe('')
    // Without the current plan the cheaper path wins: the hysteresis is what kept it.
    expect(egressOf(plan(closer), 'example.co.za')).toBe('edge-eu')
    // A large enough change moves it.
    const moved = plan(matrix([row('edge-af', 'example.co.za', 300)]), first)
    expect(egressOf(moved, 'example.co.za')).toBe('edge-eu')
    expect(moved.changes).toEqual([{core: 'core1', destination: 'example.co.za', from: 'edge-af', to: 'edge-eu'}])
  })

  it("prices loss: a clean edge beats a lossy direct path of the same latency", () => {
    const p = plan(matrix([row('core1', 'example.com', 30, {loss: 5}), row('edge-eu', 'example.com', 25)]))
    expect(egressOf(p, 'example.com')).toBe('edge-eu')
  })

  it('takes the next best when the chosen egress stops answering, and never a path that lost STARTTLS', () => {
    const current = plan(matrix())
    const down = plan(matrix([row('edge-af', 'example.co.za', null, {loss: 100}), row('core1', 'edge-af', null, {host: '198.18.0.13', loss: 100})]), current)
    expect(egressOf(down, 'example.co.za')).toBe('edge-eu')
    expect(down.routes[0].candidates.find((c) => c.egress === 'edge-af')!.excluded).toBe('no answer on this path')
    const smtp = [
      ...hops,
      row('core1', 'example.de', 300, {probe: 'smtp'}),
      row('edge-eu', 'example.de', 100, {probe: 'smtp', tls: false}),
      row('edge-af', 'example.de', 500, {probe: 'smtp'}),
    ]
    const stripped = plan(smtp)
    expect(egressOf(stripped, 'example.de')).toBe('core1')
    expect(stripped.routes[0].candidates.find((c) => c.egress === 'edge-eu')!.excluded).toMatch(/STARTTLS not offered/)
  })

  it('plans no route where nothing answered, and says so', () => {
    const p = plan([...hops, row('core1', 'example.org', null, {loss: 100}), row('edge-eu', 'example.org', null, {loss: 100})])
    expect(p.routes[0]).toMatchObject({egress: null, nexthop: null, fallback: null})
    expect(p.transport[0].entries).toEqual([])
    expect(p.warnings).toEqual(['core1 → example.org: no path answered; its mail goes direct, as without a route'])
  })

  it("writes an IPv6 edge as Postfix's [ipv6:…]:25", () => {
    expect(edgeNexthop('2001:db8::25')).toBe('[ipv6:2001:db8::25]:25')
    expect(edgeNexthop('198.18.0.12')).toBe('[198.18.0.12]:25')
  })
})
