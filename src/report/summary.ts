import {DIMENSION_NAMES} from '../catalog/matrix.js'
import {DIMENSIONS} from '../config/constants.js'
import {MIGRATIONS} from '../catalog/plans.js'
import {BUNDLED_PROVIDERS} from '../catalog/providers.js'
import type {Assessment} from '../config/schemas/assessment.js'
import {t, type MessageKey} from '../i18n/index.js'
import {local} from '../i18n/text.js'
import {assumptionsLine} from '../tco/tco-tables.js'
import {fixed, money, percent} from '../util/format.js'

const key = (k: string) => k as MessageKey
const dimensionName = (d: string) => local(DIMENSION_NAMES[d as keyof typeof DIMENSION_NAMES])

/** A weight change of less than this (5 points) that hands first place to another is a narrow lead. */
const NARROW = 0.05

/** The one-at-a-time weight change closest to the current weights that changes the leader. */
export function nearestChange(a: Assessment): {dimension: string; to: number; leader: string; distance: number} | undefined {
  const changes = a.score.sensitivity.dimensions.flatMap((s) => [
    ...(s.leaderBelow ? [{dimension: s.weight, to: s.min, leader: s.leaderBelow, distance: s.value - s.min}] : []),
    ...(s.leaderAbove ? [{dimension: s.weight, to: s.max, leader: s.leaderAbove, distance: s.max - s.value}] : []),
  ])
  return changes.sort((x, y) => x.distance - y.distance)[0]
}

const nameOf = (a: Assessment, id: string) => a.score.ranking.find((r) => r.id === id)?.name ?? id

/**
 * The recommendation and why: the lead over the runner-up split by dimension (exact for the
 * weighted sum: score = Σ weight × dimension score), how far the weights can move before it
 * changes, what it costs, and where it falls short of the compliance asked for.
 */
export function executiveSummary(a: Assessment): string[] {
  const [top, second] = a.score.ranking
  const cur = (x: number) => money(x, a.tco.currency)
  const lines = [
    second
      ? t('report.recommend', {name: top.name, score: fixed(top.score, 3), second: second.name, secondScore: fixed(second.score, 3)})
      : t('report.recommendOnly', {name: top.name}),
  ]
  if (second) {
    const lead = DIMENSIONS.map((d) => ({d, points: a.score.weights.dimensions[d] * (top.dimensions[d] - second.dimensions[d])})).sort((x, y) => y.points - x.points)
    const ahead = lead.filter((x) => x.points > 1e-9).slice(0, 2)
    const behind = lead.filter((x) => x.points < -1e-9).reverse().slice(0, 1)
    lines.push(
      t('report.why', {
        dimensions: ahead.map((x) => `${dimensionName(x.d)} (+${fixed(x.points, 3)})`).join(t('report.and')),
        margin: fixed(top.score - second.score, 3),
      }) + (behind.length > 0 ? ' ' + t('report.behind', {second: second.name, dimension: dimensionName(behind[0].d), points: fixed(-behind[0].points, 3)}) : ''),
    )
  }
  const change = nearestChange(a)
  lines.push(
    change
      ? t(change.distance < NARROW ? 'report.stabilityNarrow' : 'report.stability', {
          points: fixed(change.distance * 100, 1),
          dimension: dimensionName(change.dimension),
          to: percent(change.to, 0),
          leader: nameOf(a, change.leader),
        })
      : t('report.stabilityAll'),
  )
  const mc = a.score.monteCarlo.providers.find((p) => p.id === top.id)
  if (mc) lines.push(t('report.monteCarlo', {name: top.name, share: percent(mc.pFirst, 1), draws: a.score.monteCarlo.draws.toLocaleString('en-US'), tau: fixed(a.score.agreement.tau, 2)}))
  const costed = a.tco.providers.find((p) => p.id === top.id)
  const cheapest = a.tco.providers.find((p) => p.id === a.tco.cheapestPerSeat)!
  if (costed) {
    lines.push(t('report.costLine', {name: top.name, perSeat: cur(costed.perSeatYear), years: a.tco.years, npv: cur(costed.npv), cheapest: cheapest.name, cheapestPerSeat: cur(cheapest.perSeatYear)}))
  }
  const required = a.score.compliance.required
  if (required.length > 0) {
    const regimes = required.map((r) => r.toUpperCase()).join(', ')
    lines.push(
      top.compliance.length > 0
        ? t('report.complianceGaps', {regimes, name: top.name, gaps: top.compliance.map((g) => g.regime.toUpperCase()).join(', ')})
        : t('report.complianceMet', {regimes, name: top.name}),
    )
    if (a.score.compliance.excluded.length > 0) {
      lines.push(t('report.excluded', {names: a.score.compliance.excluded.map((e) => `${e.name} (${e.reasons.map((r) => r.regime.toUpperCase()).join(', ')})`).join('; ')}))
    }
  } else {
    lines.push(t('report.complianceNone'))
  }
  lines.push(
    t('report.budgetLine', {low: cur(a.tco.budget.low.amount), high: cur(a.tco.budget.high.amount), mid: cur(a.tco.budget.mid.amount)}),
    t('report.planLine', {variant: t(key(`plan.variant.${a.plan.variant}`)), start: a.plan.start, end: a.plan.end}),
  )
  return lines
}

/** What every figure rests on: rates, price dates, unit costs, growth, discount rate, data sources. */
export function assumptions(a: Assessment): string[] {
  const dates = a.tco.providers.map((p) => `${p.name} ${p.priceAsOf}`).join('; ')
  return [
    assumptionsLine(a.tco),
    t('report.priceDates', {dates}),
    t('report.growth', {seats: a.tco.assumptions.seats, growth: percent(a.tco.assumptions.seatGrowth, 1), years: a.tco.years, rate: percent(a.tco.discountRate, 1)}),
    a.latency ? t('report.latencyMeasured', {date: a.latency.measuredAt.slice(0, 10)}) : t('report.latencyCatalog'),
    ...(a.score.compliance.standings.length > 0
      ? [t('report.complianceDates', {standings: a.score.compliance.standings.map((c) => `${c.name} ${c.asOf} (${c.source})`).join('; ')})]
      : []),
  ]
}

/** Data residency and compliance gaps per provider, the migration, a narrow lead, unmeasured latency. */
export function risks(a: Assessment): string[] {
  const top = a.score.ranking[0]
  const lines = a.score.ranking.flatMap((r) => r.compliance.map((g) => t('report.riskGap', {name: r.name, regime: g.regime.toUpperCase(), reason: g.reason})))
  const from = a.answers.currentSystem
  if (from !== 'none' && from !== top.id) {
    const year0 = a.tco.providers.find((p) => p.id === top.id)?.years[0].migration ?? 0
    lines.push(t('report.riskMigration', {system: t(key(`system.${from}`)), seats: a.tco.providers[0]?.years[1]?.seats ?? a.answers.seats, cost: money(year0, a.tco.currency)}))
  }
  const change = nearestChange(a)
  if (change && change.distance < NARROW) lines.push(t('report.riskNarrow', {points: fixed(change.distance * 100, 1), dimension: dimensionName(change.dimension)}))
  if (!a.latency) lines.push(t('report.riskLatency'))
  return lines.length > 0 ? lines : [t('report.riskNone')]
}

/** What to do next, for the provider recommended: deploy for self-hosting, contract and migrate for a service. */
export function nextSteps(a: Assessment): string[] {
  const top = a.score.ranking[0]
  const kind = BUNDLED_PROVIDERS.find((p) => p.id === top.id)?.kind
  const from = a.answers.currentSystem
  const migration = from !== 'none' && from !== top.id ? MIGRATIONS[from].task : undefined
  const gaps = top.compliance.map((g) => g.regime.toUpperCase()).join(', ')
  const steps =
    kind === 'self-hosted'
      ? [t('report.nextInventory'), t('report.nextVerify')]
      : [
          t('report.nextQuote', {name: top.name, asOf: a.tco.providers.find((p) => p.id === top.id)?.priceAsOf ?? ''}),
          ...(gaps ? [t('report.nextGaps', {name: top.name, regimes: gaps})] : []),
          t('report.nextPilot', {name: top.name}),
        ]
  if (migration) steps.push(t('report.nextMigration', {task: local(migration)}))
  steps.push(t('report.nextReplay'))
  return steps
}
