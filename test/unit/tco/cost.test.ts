import {describe, expect, it} from 'vitest'

import {BUNDLED_PROVIDERS} from '../../../src/catalog/providers.js'
import {loadInput} from '../../../src/config/load.js'
import type {Provider} from '../../../src/config/schemas/providers.js'
import {providerCost, seatsInYear, storedGb} from '../../../src/tco/cost.js'
import {USD_DEFAULTS} from '../../../src/tco/report.js'

const defaults = () => loadInput('tco-scenario').data

const saas: Provider = {
  ...BUNDLED_PROVIDERS[0],
  kind: 'saas',
  pricing: {...BUNDLED_PROVIDERS[0].pricing, perSeatMonth: {annual: 10, monthly: 12}, includedStorageGb: 1, extraStoragePerGbMonth: 0.5},
  operations: {ftePerThousandSeats: 1, onboardingPerSeat: 20},
}

describe('seats and storage', () => {
  it('grows seats yearly from the first year', () => {
    const s = {seats: 100, seatGrowth: 0.1}
    expect([1, 2, 3].map((y) => seatsInYear(s, y))).toEqual([100, 110, 121])
  })

  it('keeps work mail for its window and piles contract mail up to its retention', () => {
    const scenario = {...defaults(), seats: 1, seatGrowth: 0, mailVolume: {gbPerSeatYear: 10, contractShare: 0.1}, retention: {workMailDays: 73, contractMailYears: 2}}
    // work: 10 × 0.9 × 73/365 = 1.8 GB; contract: 10 × 0.1 × min(y, 2)
    expect(storedGb(scenario, 1)).toBeCloseTo(2.8, 10)
    expect(storedGb(scenario, 2)).toBeCloseTo(3.8, 10)
    expect(storedGb(scenario, 5)).toBeCloseTo(3.8, 10)
  })

  it("keeps leavers' contract mail: it was written by the seats of its year", () => {
    // 100 seats, halving yearly: 100, 50, 25. Contract mail 1 GB per seat-year, kept 10 years.
    const scenario = {...defaults(), seats: 100, seatGrowth: -0.5, mailVolume: {gbPerSeatYear: 10, contractShare: 0.1}, retention: {workMailDays: 73, contractMailYears: 10}}
    // Year 3: work 25 × 1.8 = 45; contract 100 + 50 + 25 = 175.
    expect(storedGb(scenario, 3)).toBeCloseTo(45 + 175, 10)
  })
})

describe('provider cost', () => {
  it('matches a hand-computed two-year SaaS case', () => {
    const scenario = {
      ...defaults(),
      seats: 100,
      seatGrowth: 0.1,
      years: 2,
      discountRate: 0.1,
      billing: 'annual' as const,
      mailVolume: {gbPerSeatYear: 10, contractShare: 0.1},
      retention: {workMailDays: 73, contractMailYears: 2},
    }
    const cost = providerCost(saas, scenario, 1, {...USD_DEFAULTS, fteAnnualCost: 50_000, migrationPerSeat: 0})
    // Year 0: onboarding 100 × 20 = 2000.
    expect(cost.years[0]).toMatchObject({year: 0, seats: 0, onboarding: 2000, total: 2000})
    // Year 1: licence 100 × 10 × 12 = 12000; storage (100 × 2.8 − 100 × 1) × 0.5 × 12 = 1080;
    // operations 0.1 × 50000 = 5000.
    expect(cost.years[1]).toMatchObject({seats: 100, licence: 12_000, operations: 5000, onboarding: 0})
    expect(cost.years[1].storage).toBeCloseTo(1080, 6)
    expect(cost.years[1].total).toBeCloseTo(18_080, 6)
    // Year 2: 110 seats; licence 13200; storage (110 × 1.8 work + (100 + 110) × 1 contract − 110) × 6 = 1788;
    // ops 5500; onboarding 10 × 20 = 200.
    expect(cost.years[2].storage).toBeCloseTo(1788, 6)
    expect(cost.years[2].total).toBeCloseTo(13_200 + 1788 + 5500 + 200, 6)
    const total = 2000 + 18_080 + 20_688
    expect(cost.total).toBeCloseTo(total, 6)
    expect(cost.npv).toBeCloseTo(2000 + 18_080 / 1.1 + 20_688 / 1.21, 6)
    expect(cost.perSeatYear).toBeCloseTo(total / 210, 6)
  })

  it('uses monthly prices for monthly billing and converts currency', () => {
    const scenario = {...defaults(), seats: 10, seatGrowth: 0, years: 1, billing: 'monthly' as const}
    expect(providerCost(saas, scenario, 2, {...USD_DEFAULTS, migrationPerSeat: 0}).years[1].licence).toBeCloseTo(10 * 12 * 12 * 2, 6)
  })

  it('prices self-hosting by nodes per region and replicated storage', () => {
    const selfHosted = BUNDLED_PROVIDERS.find((p) => p.kind === 'self-hosted')!
    const scenario = {...defaults(), years: 1}
    const {regions, edgePerRegion, corePerRegion, replicas} = scenario.selfHosted
    const {nodeMonthly, storagePerGbMonth} = USD_DEFAULTS
    const year = providerCost(selfHosted, scenario, 1, {...USD_DEFAULTS, migrationPerSeat: 0}).years[1]
    expect(year.infrastructure).toBe(regions * (edgePerRegion + corePerRegion) * nodeMonthly * 12)
    expect(year.storage).toBeCloseTo(storedGb(scenario, 1) * replicas * storagePerGbMonth * 12, 6)
    expect(year.licence).toBe(0)
  })
})
