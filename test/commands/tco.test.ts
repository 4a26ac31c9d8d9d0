import {describe, expect, it} from 'vitest'

import {TcoReport} from '../../src/config/schemas/tco.js'
import {mailops, tempFile} from '../helpers/cli.js'
import {expectValid} from '../helpers/schema.js'

describe('mailops tco', () => {
  it('runs on bundled defaults: budget split, profile and cost per provider', () => {
    const result = mailops(['tco', '--json'])
    expect(result.code).toBe(0)
    const report = result.json()
    expectValid(TcoReport, report)
    expect(report.budget.low.amount).toBeCloseTo(400_000, 6)
    expect(report.budget.high.amount).toBeCloseTo(750_000, 6)
    expect(report.budget.mid.split.infrastructure).toBeCloseTo(172_500, 6)
    expect(report.providers).toHaveLength(6)
    for (const provider of report.providers) expect(provider.years.map((y: {year: number}) => y.year)).toEqual([0, 1, 2, 3])
    const cheapest = Math.min(...report.providers.map((p: {perSeatYear: number}) => p.perSeatYear))
    expect(report.providers.find((p: {id: string}) => p.id === report.cheapestPerSeat).perSeatYear).toBe(cheapest)
  })

  it('reads a scenario file, lets flags override it, and converts currency', () => {
    const scenario = tempFile(
      'scenario.yaml',
      ['currency: CNY', 'revenue: 800000000', 'seats: 100', 'industry: fmcg', 'fxRates: {USD: 7.2}', 'providers: [m365, self-hosted]'].join('\n'),
    )
    const report = mailops(['tco', '--scenario', scenario, '--seats', '200', '--years', '5', '--json']).json()
    expectValid(TcoReport, report)
    expect(report.currency).toBe('CNY')
    expect(report.providers.map((p: {id: string}) => p.id)).toEqual(['m365', 'self-hosted'])
    const m365 = report.providers[0]
    expect(m365.years).toHaveLength(6)
    // 200 seats × 4 USD × 12 months × 7.2
    expect(m365.years[1].licence).toBeCloseTo(200 * 4 * 12 * 7.2, 6)
    expect(report.profile.allocation.find((a: {area: string}) => a.area === 'marketing-automation').share).toBe(0.4)
  })

  it('shows tables in both languages', () => {
    expect(mailops(['tco']).stdout).toContain('Transformation budget (0.8-1.5% of revenue $50,000,000)')
    const zh = mailops(['tco', '--lang', 'zh-CN', '--industry', 'manufacturing']).stdout
    expect(zh).toContain('转型预算')
    expect(zh).toContain('供应链协同')
    expect(zh).not.toMatch(/Total|Budget|Year/)
  })
})
