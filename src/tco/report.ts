import type {Provider} from '../config/schemas/providers.js'
import type {TcoReport, TcoScenario} from '../config/schemas/tco.js'
import type {SourceDocument} from '../config/source.js'
import {MIGRATIONS} from '../catalog/plans.js'
import {DEFAULT_REVENUE} from '../config/constants.js'
import {InputError} from '../errors.js'
import {t} from '../i18n/index.js'
import {local} from '../i18n/text.js'
import {SUM_TOLERANCE} from '../matrix/weights.js'
import {round, sum} from '../util/number.js'
import {INDUSTRY_PROFILES, transformationBudget} from './budget.js'
import {providerCost, type ScenarioAmounts} from './cost.js'

/** What the scenario's own amounts are when not given: in USD, the catalog's currency. */
export const USD_DEFAULTS: Omit<ScenarioAmounts, 'migrationPerSeat'> = {revenue: DEFAULT_REVENUE, fteAnnualCost: 90_000, nodeMonthly: 60, storagePerGbMonth: 0.1}

/**
 * The scenario's amounts in its currency: what it gives, else the USD default converted at
 * fxRates.USD. Every amount of a report is then in one currency.
 */
export function scenarioAmounts(scenario: TcoScenario, source?: SourceDocument): {amounts: ScenarioAmounts; converted: string[]} {
  const defaults: ScenarioAmounts = {...USD_DEFAULTS, migrationPerSeat: MIGRATIONS[scenario.migrateFrom ?? 'none'].perSeatUsd}
  const given: Partial<ScenarioAmounts> = {
    migrationPerSeat: scenario.migrationPerSeat,
    revenue: scenario.revenue,
    fteAnnualCost: scenario.staff.fteAnnualCost,
    nodeMonthly: scenario.selfHosted.nodeMonthly,
    storagePerGbMonth: scenario.selfHosted.storagePerGbMonth,
  }
  const missing = (Object.keys(defaults) as Array<keyof ScenarioAmounts>).filter((k) => given[k] === undefined && defaults[k] !== 0)
  const rate = scenario.currency === 'USD' ? 1 : scenario.fxRates?.USD
  if (rate === undefined && missing.length > 0) {
    throw InputError.at(source?.locate(['currency']), 'tco.fxDefaults', {currency: scenario.currency, amounts: missing.join(', ')}, t('hint.tcoFx', {currency: scenario.currency}))
  }
  const amounts = Object.fromEntries(
    (Object.keys(defaults) as Array<keyof ScenarioAmounts>).map((k) => [k, given[k] ?? defaults[k] * (rate ?? 1)]),
  ) as unknown as ScenarioAmounts
  return {amounts, converted: scenario.currency === 'USD' ? [] : missing}
}

/** Checks what a schema cannot say about a scenario; positions come from its file, if any. */
export function checkScenario(scenario: TcoScenario, providers: readonly Provider[], source?: SourceDocument): void {
  const splitSum = sum(Object.values(scenario.budget.split))
  if (Math.abs(splitSum - 1) > SUM_TOLERANCE) {
    throw InputError.at(source?.locate(['budget', 'split']), 'tco.splitSum', {sum: round(splitSum, 6)})
  }
  if (scenario.budget.low > scenario.budget.high) {
    throw InputError.at(source?.locate(['budget', 'low']), 'tco.budgetOrder', {low: scenario.budget.low, high: scenario.budget.high})
  }
  for (const [index, id] of (scenario.providers ?? []).entries()) {
    if (!providers.some((p) => p.id === id)) {
      throw InputError.at(source?.locate(['providers', index]), 'providers.unknown', {id, valid: providers.map((p) => p.id).join(', ')})
    }
  }
  for (const provider of costedProviders(scenario, providers)) {
    const from = provider.pricing.currency
    if (from !== scenario.currency && scenario.fxRates?.[from] === undefined) {
      throw InputError.at(source?.locate(['currency']), 'tco.fxMissing', {from, to: scenario.currency, provider: provider.id}, t('hint.tcoFx', {currency: scenario.currency}))
    }
  }
}

function costedProviders(scenario: TcoScenario, providers: readonly Provider[]): Provider[] {
  const only = scenario.providers
  return only ? only.map((id) => providers.find((p) => p.id === id)!) : [...providers]
}

export function tcoReport(scenario: TcoScenario, providers: readonly Provider[], source?: SourceDocument): TcoReport {
  checkScenario(scenario, providers, source)
  const {amounts, converted} = scenarioAmounts(scenario, source)
  const revenue = amounts.revenue
  const budget = transformationBudget(revenue, scenario.budget)
  const used = costedProviders(scenario, providers)
  const fxRates: Record<string, number> = {}
  if (converted.length > 0) fxRates.USD = scenario.fxRates!.USD
  const costs = used.map((provider) => {
    const from = provider.pricing.currency
    const fx = from === scenario.currency ? 1 : scenario.fxRates![from]
    if (from !== scenario.currency) fxRates[from] = fx
    const cost = providerCost(provider, scenario, fx, amounts)
    return {
      id: provider.id,
      name: local(provider.name),
      priceAsOf: provider.pricing.asOf,
      ...cost,
      shareOfRevenue: cost.total / (scenario.years * revenue),
    }
  })
  const cheapest = costs.reduce((best, c) => (c.perSeatYear < best.perSeatYear ? c : best))
  return {
    currency: scenario.currency,
    revenue,
    assumptions: {
      fxRates,
      converted,
      fteAnnualCost: amounts.fteAnnualCost,
      nodeMonthly: amounts.nodeMonthly,
      storagePerGbMonth: amounts.storagePerGbMonth,
      ...(scenario.migrateFrom ? {migrateFrom: scenario.migrateFrom} : {}),
      migrationPerSeat: amounts.migrationPerSeat,
      seats: scenario.seats,
      seatGrowth: scenario.seatGrowth,
      billing: scenario.billing,
    },
    years: scenario.years,
    discountRate: scenario.discountRate,
    budget: {...budget, split: scenario.budget.split},
    profile: {
      industry: scenario.industry,
      allocation: INDUSTRY_PROFILES[scenario.industry].map((a) => ({area: a.area, share: a.share, amount: a.share * budget.mid.amount})),
    },
    providers: costs,
    cheapestPerSeat: cheapest.id,
  }
}

export function profileAreaName(industry: string, area: string): string {
  const found = INDUSTRY_PROFILES[industry as TcoScenario['industry']]?.find((a) => a.area === area)
  return found ? local(found.name) : area
}


