import type {Provider} from '../config/schemas/providers.js'
import type {TcoReport, TcoScenario} from '../config/schemas/tco.js'
import type {SourceDocument} from '../config/source.js'
import {InputError} from '../errors.js'
import {local} from '../i18n/text.js'
import {SUM_TOLERANCE} from '../matrix/weights.js'
import {round, sum} from '../util/number.js'
import {INDUSTRY_PROFILES, transformationBudget} from './budget.js'
import {providerCost} from './cost.js'

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
      throw InputError.at(source?.locate(['currency']), 'tco.fxMissing', {from, to: scenario.currency, provider: provider.id})
    }
  }
}

function costedProviders(scenario: TcoScenario, providers: readonly Provider[]): Provider[] {
  const only = scenario.providers
  return only ? only.map((id) => providers.find((p) => p.id === id)!) : [...providers]
}

export function tcoReport(scenario: TcoScenario, providers: readonly Provider[], source?: SourceDocument): TcoReport {
  checkScenario(scenario, providers, source)
  const budget = transformationBudget(scenario.revenue, scenario.budget)
  const costs = costedProviders(scenario, providers).map((provider) => {
    const fx = provider.pricing.currency === scenario.currency ? 1 : scenario.fxRates![provider.pricing.currency]
    const cost = providerCost(provider, scenario, fx)
    return {
      id: provider.id,
      name: local(provider.name),
      priceAsOf: provider.pricing.asOf,
      ...cost,
      shareOfRevenue: cost.total / (scenario.years * scenario.revenue),
    }
  })
  const cheapest = costs.reduce((best, c) => (c.perSeatYear < best.perSeatYear ? c : best))
  return {
    currency: scenario.currency,
    revenue: scenario.revenue,
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

