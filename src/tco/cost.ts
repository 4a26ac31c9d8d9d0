import type {Provider} from '../config/schemas/providers.js'
import type {TcoScenario} from '../config/schemas/tco.js'
import {sum} from '../util/number.js'

/** The scenario's own amounts, every one in the scenario currency. */
export interface ScenarioAmounts {
  revenue: number
  fteAnnualCost: number
  nodeMonthly: number
  storagePerGbMonth: number
  migrationPerSeat: number
}

export interface YearCost {
  year: number
  seats: number
  licence: number
  storage: number
  infrastructure: number
  operations: number
  onboarding: number
  migration: number
  total: number
}

export interface ProviderCost {
  years: YearCost[]
  total: number
  npv: number
  perSeatYear: number
}

/** Seats in use in year y (1-based), growing yearly from the first year's count. */
export function seatsInYear(scenario: Pick<TcoScenario, 'seats' | 'seatGrowth'>, year: number): number {
  return Math.round(scenario.seats * (1 + scenario.seatGrowth) ** (year - 1))
}

/**
 * Mail kept in year y: this year's seats' work mail for its retention window, plus the contract
 * mail written in each of the last `contractMailYears` years by the seats of that year. Mail of
 * people who left stays until its retention ends, so a shrinking company still stores it.
 */
export function storedGb(scenario: TcoScenario, year: number): number {
  const {gbPerSeatYear, contractShare} = scenario.mailVolume
  const work = seatsInYear(scenario, year) * gbPerSeatYear * (1 - contractShare) * (scenario.retention.workMailDays / 365)
  let contract = 0
  for (let written = Math.max(1, year - scenario.retention.contractMailYears + 1); written <= year; written++) {
    contract += seatsInYear(scenario, written) * gbPerSeatYear * contractShare
  }
  return work + contract
}

/**
 * Multi-year cost of one provider. Year 0 holds the one-time onboarding of the first year's
 * seats, undiscounted; years 1..N are discounted at the end of each year, and seats added in a
 * year are onboarded in that year.
 */
export function providerCost(provider: Provider, scenario: TcoScenario, fx: number, amounts: ScenarioAmounts): ProviderCost {
  const {pricing, operations} = provider
  const selfHosted = provider.kind === 'self-hosted'
  const sh = scenario.selfHosted
  const firstSeats = seatsInYear(scenario, 1)
  const years: YearCost[] = [
    row(0, 0, {
      licence: 0, storage: 0, infrastructure: 0, operations: 0,
      onboarding: firstSeats * operations.onboardingPerSeat * fx,
      // Moving mail off the current system, unless the provider is that system.
      migration: provider.id === scenario.migrateFrom ? 0 : firstSeats * amounts.migrationPerSeat,
    }),
  ]
  for (let year = 1; year <= scenario.years; year++) {
    const seats = seatsInYear(scenario, year)
    const added = year === 1 ? 0 : Math.max(0, seats - seatsInYear(scenario, year - 1))
    const stored = storedGb(scenario, year)
    const storage = selfHosted
      ? stored * sh.replicas * amounts.storagePerGbMonth * 12
      : Math.max(0, stored - seats * pricing.includedStorageGb) * pricing.extraStoragePerGbMonth * 12 * fx
    years.push(
      row(year, seats, {
        licence: seats * pricing.perSeatMonth[scenario.billing] * 12 * fx,
        storage,
        infrastructure: selfHosted ? sh.regions * (sh.edgePerRegion + sh.corePerRegion) * amounts.nodeMonthly * 12 : 0,
        operations: (seats / 1000) * operations.ftePerThousandSeats * amounts.fteAnnualCost,
        onboarding: added * operations.onboardingPerSeat * fx,
        migration: 0,
      }),
    )
  }
  const total = sum(years.map((y) => y.total))
  const npv = sum(years.map((y) => y.total / (1 + scenario.discountRate) ** y.year))
  const seatYears = sum(years.map((y) => y.seats))
  return {years, total, npv, perSeatYear: total / seatYears}
}

function row(year: number, seats: number, costs: Omit<YearCost, 'year' | 'seats' | 'total'>): YearCost {
  return {year, seats, ...costs, total: sum(Object.values(costs))}
}
