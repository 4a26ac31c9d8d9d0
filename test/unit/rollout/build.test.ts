import {describe, expect, it} from 'vitest'

import {loadInput} from '../../../src/config/load.js'
import {buildPlan} from '../../../src/rollout/build.js'
import {addMonths, isIsoDate, isoDate, nextMonthStart, parseIsoDate} from '../../../src/rollout/dates.js'
import {planToMermaid} from '../../../src/rollout/mermaid.js'
import {raciDefect} from '../../../src/rollout/raci.js'

const defaults = () => loadInput('plan').data
const now = new Date(Date.UTC(2026, 10, 22))

describe('dates', () => {
  it('adds months clamping to the shorter month', () => {
    expect(isoDate(addMonths(parseIsoDate('2027-01-31'), 1))).toBe('2027-02-28')
    expect(isoDate(addMonths(parseIsoDate('2028-01-31'), 1))).toBe('2028-02-29')
    expect(isoDate(addMonths(parseIsoDate('2027-11-15'), 3))).toBe('2028-02-15')
  })

  it('starts next month by default', () => {
    expect(isoDate(nextMonthStart(now))).toBe('2026-12-01')
    expect(isoDate(nextMonthStart(new Date(Date.UTC(2026, 11, 31))))).toBe('2027-01-01')
  })

  it('accepts only real dates', () => {
    expect(isIsoDate('2027-02-28')).toBe(true)
    expect(isIsoDate('2027-02-30')).toBe(false)
    expect(isIsoDate('27-1-1')).toBe(false)
  })
})

describe('RACI', () => {
  const roles = new Set(['a', 'b', 'c'])
  it('wants exactly one Accountable and at least one Responsible among known roles', () => {
    expect(raciDefect({a: 'A', b: 'R'}, roles)).toBeUndefined()
    expect(raciDefect({a: 'AR'}, roles)).toBeUndefined()
    expect(raciDefect({a: 'A', b: 'A', c: 'R'}, roles)).toEqual({kind: 'accountable', count: 2})
    expect(raciDefect({a: 'R'}, roles)).toEqual({kind: 'accountable', count: 0})
    expect(raciDefect({a: 'A', b: 'C'}, roles)).toEqual({kind: 'responsible'})
    expect(raciDefect({a: 'A', x: 'R'}, roles)).toEqual({kind: 'unknownRole', role: 'x'})
  })
})

describe('plan', () => {
  it('lays out the cross-border phases as months 0-3, 4-6, 7-12, 13-24 of the source', () => {
    const plan = buildPlan({...defaults(), start: '2027-01-01'}, {now})
    expect(plan.phases.map((p) => [p.start, p.end])).toEqual([
      ['2027-01-01', '2027-03-31'],
      ['2027-04-01', '2027-06-30'],
      ['2027-07-01', '2027-12-31'],
      ['2028-01-01', '2028-12-31'],
    ])
    expect(plan.end).toBe('2028-12-31')
  })

  it('lays out the enterprise phases as months 0-3, 4-9, 10-15, 16-24 of the source', () => {
    const plan = buildPlan({...defaults(), variant: 'enterprise', start: '2027-01-01'}, {now})
    expect(plan.phases.map((p) => p.months)).toEqual(['0-3', '3-9', '9-15', '15-24'])
    expect(plan.phases[1].start).toBe('2027-04-01')
    expect(plan.phases[1].end).toBe('2027-09-30')
  })

  it('splits the budget over the phases and defaults it to 1.15% of the default revenue', () => {
    const plan = buildPlan({...defaults(), start: '2027-01-01'}, {now})
    expect(plan.budget).toBeCloseTo(575_000, 6)
    expect(plan.phases.reduce((s, p) => s + p.budget, 0)).toBeCloseTo(575_000, 6)
    const given = buildPlan({...defaults(), budget: 1000, start: '2027-01-01'}, {now})
    expect(given.phases[0].budget).toBeCloseTo(350, 9)
  })

  it('puts milestones on the last day of their month', () => {
    const plan = buildPlan({...defaults(), start: '2027-01-01'}, {now})
    const m1 = plan.phases[0].tasks.find((t) => t.milestone)!
    expect([m1.start, m1.end]).toEqual(['2027-03-31', '2027-03-31'])
  })

  it('writes a Mermaid Gantt with explicit ISO dates and exclusive ends', () => {
    const mermaid = planToMermaid(buildPlan({...defaults(), start: '2027-01-01'}, {now}))
    expect(mermaid).toMatch(/^gantt\n/)
    expect(mermaid).toContain('dateFormat YYYY-MM-DD')
    expect(mermaid).toContain('Latency and provider assessment :t_assess, 2027-01-01, 2027-02-01')
    expect(mermaid).toContain(':milestone, t_m1_gateway_live, 2027-03-31, 0d')
    expect(mermaid.split('\n').filter((l) => l.startsWith('  section'))).toHaveLength(4)
  })
})
