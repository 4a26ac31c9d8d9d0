import {type Static, Type} from '@sinclair/typebox'

import {BUDGET_CATEGORIES, CURRENT_SYSTEMS, DEFAULT_SPLIT, INDUSTRIES} from '../constants.js'
import {Currency, Id, NonNegative, Share, Strict} from './common.js'



const Split = Strict(Object.fromEntries(BUDGET_CATEGORIES.map((c) => [c, Share])), {
  description: 'share of the budget per category; they sum to 1',
  default: DEFAULT_SPLIT,
} as object)

/** The company and its assumptions; every field has a default so `mailops tco` runs bare. */
export const TcoScenario = Strict({
  currency: Type.String({pattern: '^[A-Z]{3}$', default: 'USD', description: 'ISO 4217 code of every amount'}),
  revenue: Type.Optional(Type.Number({exclusiveMinimum: 0, description: 'annual revenue (default: 50 M USD, converted at fxRates.USD)'})),
  seats: Type.Integer({minimum: 1, default: 500}),
  seatGrowth: Type.Number({minimum: -0.9, maximum: 10, default: 0.1, description: 'yearly growth of seats, 0.1 = 10%'}),
  years: Type.Integer({minimum: 1, maximum: 15, default: 3}),
  discountRate: Type.Number({minimum: 0, maximum: 1, default: 0.08}),
  billing: Type.Union([Type.Literal('annual'), Type.Literal('monthly')], {default: 'annual'}),
  industry: Type.Union(INDUSTRIES.map((i) => Type.Literal(i)), {default: 'other'}),
  budget: Strict(
    {
      low: Type.Number({exclusiveMinimum: 0, maximum: 1, default: 0.008}),
      high: Type.Number({exclusiveMinimum: 0, maximum: 1, default: 0.015}),
      split: Split,
    },
    {default: {}, description: 'transformation fund as a share of revenue'} as object,
  ),
  retention: Strict(
    {
      workMailDays: Type.Integer({minimum: 1, default: 30}),
      contractMailYears: Type.Integer({minimum: 1, default: 10}),
    },
    {default: {}} as object,
  ),
  mailVolume: Strict(
    {
      gbPerSeatYear: Type.Number({minimum: 0, default: 6, description: 'mail stored per seat and year'}),
      contractShare: Type.Number({minimum: 0, maximum: 1, default: 0.05, description: 'share of it that is contract mail'}),
    },
    {default: {}} as object,
  ),
  selfHosted: Strict(
    {
      regions: Type.Integer({minimum: 1, default: 3}),
      edgePerRegion: Type.Integer({minimum: 0, default: 1}),
      corePerRegion: Type.Integer({minimum: 0, default: 1}),
      nodeMonthly: Type.Optional(Type.Number({minimum: 0, description: 'one cloud VM per month (default: 60 USD, converted at fxRates.USD)'})),
      storagePerGbMonth: Type.Optional(Type.Number({minimum: 0, description: 'per GB and month (default: 0.10 USD, converted at fxRates.USD)'})),
      replicas: Type.Integer({minimum: 1, default: 2, description: 'copies of each mailbox (active-active)'}),
    },
    {default: {}} as object,
  ),
  staff: Strict(
    {fteAnnualCost: Type.Optional(Type.Number({minimum: 0, description: 'one operations engineer a year (default: 90,000 USD, converted at fxRates.USD)'}))},
    {default: {}} as object,
  ),
  fxRates: Type.Optional(
    Type.Record(Type.String({pattern: '^[A-Z]{3}$'}), Type.Number({exclusiveMinimum: 0}), {
      description: 'value of one unit of another currency in the scenario currency, e.g. {USD: 7.2} for CNY; USD is needed for the catalog prices and the defaults',
    }),
  ),
  providers: Type.Optional(Type.Array(Id, {minItems: 1, uniqueItems: true, description: 'providers to cost (default: all)'})),
  migrateFrom: Type.Optional(Type.Union(CURRENT_SYSTEMS.map((c) => Type.Literal(c)), {description: 'current mail system: its mailbox migration is costed in year 0 (none when staying on it)'})),
  migrationPerSeat: Type.Optional(Type.Number({minimum: 0, description: 'one-time migration per seat (default: by current system, in USD, converted at fxRates.USD)'})),
})
export type TcoScenario = Static<typeof TcoScenario>

const Money = NonNegative

const BudgetLevel = Strict({share: Share, amount: Money, split: Type.Record(Type.String(), Money)})

export const TcoYear = Strict({
  year: Type.Integer({minimum: 0}),
  seats: Type.Integer({minimum: 0}),
  licence: Money,
  storage: Money,
  infrastructure: Money,
  operations: Money,
  onboarding: Money,
  migration: Money,
  total: Money,
})

/** `mailops tco --json`; `mailops score --tco` reads it back. */
export const TcoReport = Strict({
  currency: Currency,
  revenue: Money,
  assumptions: Strict({
    fxRates: Type.Record(Type.String(), Type.Number({exclusiveMinimum: 0}), {description: 'rates used: value of one unit of each currency in `currency`'}),
    converted: Type.Array(Type.String(), {description: 'amounts taken from the USD defaults and converted at fxRates.USD'}),
    fteAnnualCost: Money,
    nodeMonthly: Money,
    storagePerGbMonth: Money,
    migrateFrom: Type.Optional(Type.String()),
    migrationPerSeat: Money,
    seats: Type.Integer({minimum: 1}),
    seatGrowth: Type.Number(),
    billing: Type.String(),
  }),
  years: Type.Integer({minimum: 1}),
  discountRate: Share,
  budget: Strict({low: BudgetLevel, mid: BudgetLevel, high: BudgetLevel, split: Type.Record(Type.String(), Share)}),
  profile: Strict({
    industry: Type.String(),
    allocation: Type.Array(Strict({area: Type.String(), share: Share, amount: Money})),
  }),
  providers: Type.Array(
    Strict({
      id: Id,
      name: Type.String(),
      priceAsOf: Type.String(),
      years: Type.Array(TcoYear),
      total: Money,
      npv: Money,
      perSeatYear: Money,
      shareOfRevenue: Type.Number({minimum: 0}),
    }),
  ),
  cheapestPerSeat: Id,
})
export type TcoReport = Static<typeof TcoReport>
