import {DIMENSION_NAMES, INDICATORS} from '../catalog/matrix.js'
import {DIMENSIONS} from '../config/constants.js'
import type {ScoreReport} from '../config/schemas/score.js'
import {t} from '../i18n/index.js'
import {local} from '../i18n/text.js'
import {fixed, percent} from '../util/format.js'
import {heading, tabular, type TableFormat} from '../util/table.js'

const dimensionName = (id: string) => local(DIMENSION_NAMES[id as keyof typeof DIMENSION_NAMES])

export function renderScore(report: ScoreReport, format: TableFormat): string {
  const ranking = tabular(
    format,
    [t('score.rank'), t('score.provider'), t('score.score'), ...DIMENSIONS.map(dimensionName)],
    report.ranking.map((r) => [
      r.rank,
      r.name + (Object.keys(r.sources).length > 0 ? ' *' : '') + (r.compliance.length > 0 ? ' !' : ''),
      fixed(r.score),
      ...DIMENSIONS.map((d) => fixed(r.dimensions[d], 3)),
    ]),
    ['right', 'left', 'right', ...DIMENSIONS.map(() => 'right' as const)],
  )
  const names = new Map(report.ranking.map((r) => [r.id, r.name]))
  const leader = (id?: string) => (id ? names.get(id) ?? id : t('score.noChange'))
  const sensitivity = tabular(
    format,
    [t('score.dimension'), t('score.weight'), t('score.stableRange'), t('score.leaderBelow'), t('score.leaderAbove')],
    report.sensitivity.dimensions.map((s) => [
      dimensionName(s.weight),
      percent(s.value),
      `${percent(s.min)} – ${percent(s.max)}`,
      leader(s.leaderBelow),
      leader(s.leaderAbove),
    ]),
  )
  const lines = [
    heading(format, t('score.title', {method: t(`score.method.${report.method}`)})),
    '',
    ranking,
  ]
  if (report.ranking.some((r) => Object.keys(r.sources).length > 0)) lines.push(t('score.fedNote'))
  if (report.ranking.some((r) => r.compliance.length > 0)) lines.push(t('score.flagNote'))
  lines.push(...renderCompliance(report, format))
  const ahp = report.weights.ahp
  if (ahp?.stakeholders) {
    lines.push('', t('score.ahpGroup', {count: ahp.stakeholders.length, cr: fixed(ahp.consistencyRatio), table: ahp.randomIndex}), '')
    lines.push(
      tabular(
        format,
        [t('score.stakeholder'), t('score.stakeholderShare'), t('score.stakeholderCr'), ...DIMENSIONS.map(dimensionName)],
        [
          ...ahp.stakeholders.map((s) => [s.name, percent(s.weight), fixed(s.consistencyRatio), ...DIMENSIONS.map((d) => percent(s.dimensions[d]))]),
          [t('score.group'), percent(1), fixed(ahp.consistencyRatio), ...DIMENSIONS.map((d) => percent(report.weights.dimensions[d]))],
        ],
        ['left', 'right', 'right', ...DIMENSIONS.map(() => 'right' as const)],
      ),
    )
  } else if (ahp) {
    lines.push('', t('score.ahp', {cr: fixed(ahp.consistencyRatio), table: ahp.randomIndex}))
  }
  lines.push('', heading(format, t('score.sensitivityTitle', {leader: report.ranking[0].name})), '', sensitivity)
  const mc = report.monteCarlo
  const ranks = report.ranking.map((_, k) => `#${k + 1}`)
  lines.push(
    '',
    heading(format, t('score.monteCarloTitle', {draws: mc.draws.toLocaleString('en-US'), concentration: mc.concentration})),
    '',
    tabular(
      format,
      [t('score.provider'), t('score.pFirst'), ...ranks],
      mc.providers.map((p) => [names.get(p.id) ?? p.id, percent(p.pFirst), ...p.ranks.map((r) => percent(r))]),
      ['left', 'right', ...ranks.map(() => 'right' as const)],
    ),
    t('score.monteCarloNote', {seed: mc.seed}),
    '',
    t('score.agreement', {other: t(`score.method.${report.agreement.other}`), tau: fixed(report.agreement.tau, 3), ranking: report.agreement.otherRanking.map((id) => names.get(id) ?? id).join(' > ')}),
  )
  return lines.join('\n')
}

/** The 20 indicators of the matrix, as a reference table. */
export function renderMatrix(format: TableFormat): string {
  return tabular(
    format,
    [t('matrix.id'), t('score.dimension'), t('matrix.indicator'), t('matrix.unit'), t('matrix.direction'), t('score.weight'), t('matrix.rationale')],
    INDICATORS.map((i) => [
      i.id,
      dimensionName(i.dimension),
      local(i.name),
      i.unit,
      t(`matrix.${i.direction}`),
      percent(i.weight, 2),
      local(i.rationale),
    ]),
  )
}

/** Who was not ranked and why, and the gaps of those ranked: one row per provider and regime. */
export function renderCompliance(report: ScoreReport, format: TableFormat): string[] {
  const lines: string[] = []
  const head = [t('score.provider'), t('score.regime'), t('score.reason')]
  if (report.compliance.excluded.length > 0) {
    const rows = report.compliance.excluded.flatMap((e) => e.reasons.map((r) => [e.name, r.regime.toUpperCase(), r.reason]))
    lines.push('', heading(format, t('score.excludedTitle')), '', tabular(format, head, rows))
  }
  const gaps = report.ranking.flatMap((r) => r.compliance.map((g) => [r.name, g.regime.toUpperCase(), g.reason]))
  if (gaps.length > 0) lines.push('', heading(format, t('score.gapsTitle')), '', tabular(format, head, gaps))
  if (report.compliance.asOf) lines.push(t('score.complianceAsOf', {date: report.compliance.asOf}))
  if (report.compliance.standings.length > 0) {
    const rows = report.compliance.standings.map((c) => [c.name, c.asOf, c.source])
    lines.push('', heading(format, t('score.standingsTitle')), '', tabular(format, [t('score.provider'), t('score.readOn'), t('score.source')], rows))
  }
  return lines
}
