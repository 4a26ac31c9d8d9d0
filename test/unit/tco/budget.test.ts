import {describe, expect, it} from 'vitest'

import {DEFAULT_SPLIT} from '../../../src/config/constants.js'
import {INDUSTRY_PROFILES, transformationBudget} from '../../../src/tco/budget.js'

describe('transformation budget', () => {
  it('is 0.8%, 1.15% and 1.5% of revenue, split 30/25/20/15/10', () => {
    const budget = transformationBudget(10_000_000, {low: 0.008, high: 0.015, split: DEFAULT_SPLIT})
    expect(budget.low.amount).toBeCloseTo(80_000, 6)
    expect(budget.mid.amount).toBeCloseTo(115_000, 6)
    expect(budget.high.amount).toBeCloseTo(150_000, 6)
    expect(budget.high.split).toEqual({
      infrastructure: expect.closeTo(45_000, 6),
      integration: expect.closeTo(37_500, 6),
      training: expect.closeTo(30_000, 6),
      riskReserve: expect.closeTo(22_500, 6),
      operations: expect.closeTo(15_000, 6),
    })
  })

  it('keeps the source figures in the industry profiles, each summing to 100%', () => {
    const share = (industry: keyof typeof INDUSTRY_PROFILES, area: string) => INDUSTRY_PROFILES[industry].find((a) => a.area === area)?.share
    expect(share('fmcg', 'marketing-automation')).toBe(0.4)
    expect(share('manufacturing', 'supply-chain')).toBe(0.35)
    for (const industry of ['fmcg', 'manufacturing'] as const) {
      expect(share(industry, 'security')).toBe(0.25)
      expect(share(industry, 'multi-language')).toBe(0.1)
    }
    for (const areas of Object.values(INDUSTRY_PROFILES)) {
      expect(areas.reduce((s, a) => s + a.share, 0)).toBeCloseTo(1, 12)
    }
  })
})
