import {describe, expect, it} from 'vitest'

import {PlanReport} from '../../src/config/schemas/plan.js'
import {TcoReport} from '../../src/config/schemas/tco.js'
import {mailops, tempFile} from '../helpers/cli.js'
import {expectValid} from '../helpers/schema.js'

describe('numbers a client reads', () => {
  it("stores leavers' contract mail until its retention ends (a shrinking company)", () => {
    // 1000 seats halving yearly: 1000, 500, 250. 6 GB per seat-year, 5% contract mail (0.3 GB), kept 10 years.
    const scenario = tempFile('scenario.yaml', 'seats: 1000\nseatGrowth: -0.5\nyears: 3\nproviders: [self-hosted]\n')
    const result = mailops(['tco', '--scenario', scenario, '--json'])
    expect(result.code, result.stderr).toBe(0)
    const year3 = result.json().providers[0].years[3]
    // Work mail of year 3: 250 × 6 × 0.95 × 30/365; contract mail: (1000 + 500 + 250) × 0.3.
    const stored = 250 * 6 * 0.95 * (30 / 365) + 1750 * 0.3
    // Two replicas at 0.1 USD per GB-month.
    expect(year3.storage).toBeCloseTo(stored * 2 * 0.1 * 12, 6)
  })

  it("dates a milestone at its phase's first month inside that phase", () => {
    const file = tempFile(
      'plan.yaml',
      [
        'start: 2027-01-01',
        'tasks:',
        '  - {id: kick-off, phase: 2, name: Integration kick-off, startMonth: 3, endMonth: 3, milestone: true, raci: {it-lead: A, vendor: R}}',
        '  - {id: crm, phase: 2, name: CRM, startMonth: 3, endMonth: 6, raci: {it-lead: A, vendor: R}}',
        '  - {id: done, phase: 2, name: Integrated, startMonth: 6, endMonth: 6, milestone: true, raci: {it-lead: A, vendor: R}}',
      ].join('\n'),
    )
    const result = mailops(['plan', '--plan', file, '--json'])
    expect(result.code, result.stderr).toBe(0)
    const report = result.json()
    expectValid(PlanReport, report)
    const phase2 = report.phases[1]
    expect(phase2.start).toBe('2027-04-01')
    // At the phase's first month: its first day. At its end month: its last day.
    expect(phase2.tasks.find((t: {id: string}) => t.id === 'kick-off')).toMatchObject({start: '2027-04-01', end: '2027-04-01'})
    expect(phase2.tasks.find((t: {id: string}) => t.id === 'done')).toMatchObject({start: '2027-06-30', end: '2027-06-30'})
  })
})

