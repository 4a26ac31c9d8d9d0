import type {TcoReport} from '../config/schemas/tco.js'
import {t} from '../i18n/index.js'
import {money, percent, rate} from '../util/format.js'
import {heading, tabular, type TableFormat} from '../util/table.js'
import {profileAreaName} from './report.js'

/** The rates and unit costs every figure rests on, in one line. */
export function assumptionsLine(report: TcoReport): string {
  const rates = Object.entries(report.assumptions.fxRates).map(([from, value]) => t('tco.rate', {from, rate: rate(value), currency: report.currency}))
  const a = report.assumptions
  return t('tco.assumptions', {
    rate: rates.length > 0 ? rates.join(', ') : t('tco.noRate', {currency: report.currency}),
    staff: money(a.fteAnnualCost, report.currency),
    vm: money(a.nodeMonthly, report.currency),
    storage: money(a.storagePerGbMonth, report.currency, 2),
  })
}

export function renderTco(report: TcoReport, format: TableFormat): string {
  const cur = (x: number) => money(x, report.currency)
  const yearHeads = report.providers[0].years.map((y) => t('tco.year', {year: y.year}))
  const costs = tabular(
    format,
    [t('score.provider'), ...yearHeads, t('tco.total'), t('tco.npv'), t('tco.perSeatYear'), t('tco.ofRevenue')],
    report.providers.map((p) => [
      p.name + (p.id === report.cheapestPerSeat ? ' ✓' : ''),
      ...p.years.map((y) => cur(y.total)),
      cur(p.total),
      cur(p.npv),
      cur(p.perSeatYear),
      percent(p.shareOfRevenue, 2),
    ]),
    ['left', ...yearHeads.map(() => 'right' as const), 'right', 'right', 'right', 'right'],
  )
  const levels = ['low', 'mid', 'high'] as const
  const categories = Object.keys(report.budget.split)
  const budget = tabular(
    format,
    [t('tco.category'), t('tco.share'), ...levels.map((l) => `${t(`tco.level.${l}`)} (${percent(report.budget[l].share, 2)})`)],
    [
      ...categories.map((c) => [
        t(`tco.split.${c}` as Parameters<typeof t>[0]),
        percent(report.budget.split[c], 0),
        ...levels.map((l) => cur(report.budget[l].split[c])),
      ]),
      [t('tco.total'), percent(1, 0), ...levels.map((l) => cur(report.budget[l].amount))],
    ],
    ['left', 'right', 'right', 'right', 'right'],
  )
  const profile = tabular(
    format,
    [t('tco.area'), t('tco.share'), t('tco.amountMid')],
    report.profile.allocation.map((a) => [profileAreaName(report.profile.industry, a.area), percent(a.share, 0), cur(a.amount)]),
    ['left', 'right', 'right'],
  )
  const cheapest = report.providers.find((p) => p.id === report.cheapestPerSeat)!
  return [
    heading(format, t('tco.costTitle', {years: report.years, rate: percent(report.discountRate, 1)})),
    '',
    costs,
    t('tco.cheapest', {name: cheapest.name, amount: cur(cheapest.perSeatYear)}),
    assumptionsLine(report),
    '',
    heading(format, t('tco.budgetTitle', {revenue: cur(report.revenue)})),
    '',
    budget,
    '',
    heading(format, t('tco.profileTitle', {industry: t(`tco.industry.${report.profile.industry}` as Parameters<typeof t>[0])})),
    '',
    profile,
  ].join('\n')
}
