import {INDICATORS} from '../catalog/matrix.js'
import {DIMENSIONS} from '../config/constants.js'
import type {ScoreReport} from '../config/schemas/score.js'
import {InputError} from '../errors.js'
import {local} from '../i18n/text.js'
import type {FedProvider} from './feeds.js'
import {weightStability, type WeightStability} from './sensitivity.js'
import {complianceFindings, type Regime, type RegimeFinding} from './compliance.js'
import {DEFAULT_DRAWS, kendallTauB, monteCarlo} from './montecarlo.js'
import {column} from './normalise.js'
import {prepareTopsis, topsis} from './topsis.js'
import type {DecisionMatrix, ScoringMethod} from './types.js'
import {indicatorWeights, type ResolvedWeights} from './weights.js'
import {prepareWeightedSum, weightedSum} from './wsm.js'

export const METHODS: Record<ScoreReport['method'], ScoringMethod> = {wsm: weightedSum, topsis}
const PREPARED = {wsm: prepareWeightedSum, topsis: prepareTopsis}

function decisionMatrix(fed: readonly FedProvider[], indicators = INDICATORS): DecisionMatrix {
  return {
    criteria: indicators.map((i) => ({id: i.id, direction: i.direction})),
    values: fed.map(({provider}) => indicators.map((i) => provider.values[i.id])),
  }
}

/**
 * Values so large that a spread or a vector norm overflows would score as NaN or 0 and rank
 * silently wrong: refuse them, naming the indicator.
 */
function checkComparable(matrix: DecisionMatrix): void {
  for (const [j, criterion] of matrix.criteria.entries()) {
    const values = column(matrix, j)
    const max = Math.max(...values)
    if (!Number.isFinite(max - Math.min(...values)) || !Number.isFinite(Math.hypot(...values))) {
      const indicator = INDICATORS.find((i) => i.id === criterion.id)
      throw InputError.at(undefined, 'score.notFinite', {indicator: criterion.id, max, unit: indicator?.unit ?? ''})
    }
  }
}

/**
 * Scores and ranks providers, with per-dimension sub-scores and weight sensitivity. A provider
 * that cannot meet a required regime is not ranked (it is listed with the reason); one that
 * meets it only with extra work is ranked and flagged.
 */
export function scoreProviders(
  candidates: readonly FedProvider[],
  weights: ResolvedWeights,
  methodName: ScoreReport['method'],
  required: readonly Regime[] = [],
  draws: number = DEFAULT_DRAWS,
): ScoreReport {
  const findings = candidates.map(({provider}) => complianceFindings(provider, required))
  const fed = candidates.filter((_, i) => !findings[i].some((f) => f.status === 'no'))
  const excluded = candidates.flatMap(({provider}, i) =>
    findings[i].some((f) => f.status === 'no')
      ? [{id: provider.id, name: local(provider.name), reasons: findings[i].filter((f) => f.status === 'no').map(({regime, reason}) => ({regime, reason}))}]
      : [],
  )
  if (fed.length === 0) {
    throw InputError.at(undefined, 'score.noneEligible', {
      regimes: required.map((r) => r.toUpperCase()).join(', '),
      reasons: excluded.map((e) => `${e.id}: ${e.reasons.map((r) => r.regime.toUpperCase()).join(', ')}`).join('; '),
    })
  }
  const flagsOf = (provider: FedProvider['provider']) =>
    findings[candidates.findIndex((c) => c.provider.id === provider.id)].filter((f) => f.status !== 'no') as Array<RegimeFinding & {status: 'gap' | 'unknown'}>
  const method = METHODS[methodName]
  const matrix = decisionMatrix(fed)
  checkComparable(matrix)
  const scorer = PREPARED[methodName](matrix)
  const prepared: ScoringMethod = (_, w) => scorer(w)
  const dimensionVector = DIMENSIONS.map((d) => weights.dimensions[d])
  const expand = (dimensionWeights: number[]) => indicatorWeights(dimensionWeights, weights.shares)
  const indicatorVector = expand(dimensionVector)
  const scores = method(matrix, indicatorVector)

  // A dimension's sub-score is the same method applied to its four indicators alone.
  const subScores = Object.fromEntries(
    DIMENSIONS.map((dimension) => {
      const members = INDICATORS.filter((i) => i.dimension === dimension)
      return [dimension, method(decisionMatrix(fed, members), members.map((i) => weights.shares[i.id]))]
    }),
  )

  const order = scores.map((score, index) => ({score, index})).sort((a, b) => b.score - a.score || a.index - b.index)
  const idOf = (index?: number) => (index === undefined ? undefined : fed[index].provider.id)
  const describe = (names: readonly string[]) => (s: WeightStability) => ({
    weight: names[s.index],
    value: s.weight,
    min: s.min,
    max: s.max,
    ...(s.leaderBelow === undefined ? {} : {leaderBelow: idOf(s.leaderBelow)}),
    ...(s.leaderAbove === undefined ? {} : {leaderAbove: idOf(s.leaderAbove)}),
  })

  return {
    method: methodName,
    weights: {
      source: weights.source,
      dimensions: weights.dimensions,
      indicators: Object.fromEntries(INDICATORS.map((i, j) => [i.id, indicatorVector[j]])),
      ...(weights.ahp
        ? {
            ahp: {
              randomIndex: weights.ahp.randomIndex,
              lambdaMax: weights.ahp.lambdaMax,
              consistencyIndex: weights.ahp.consistencyIndex,
              consistencyRatio: weights.ahp.consistencyRatio,
              ...(weights.ahp.stakeholders ? {aggregation: 'aij-geometric-mean' as const, stakeholders: weights.ahp.stakeholders} : {}),
            },
          }
        : {}),
    },
    ranking: order.map(({score, index}, position) => ({
      rank: position + 1,
      id: fed[index].provider.id,
      name: local(fed[index].provider.name),
      score,
      dimensions: Object.fromEntries(DIMENSIONS.map((d) => [d, subScores[d][index]])),
      values: fed[index].provider.values,
      sources: fed[index].sources,
      compliance: flagsOf(fed[index].provider),
    })),
    compliance: {
      required: [...required],
      excluded,
      standings: required.length > 0
        ? candidates.flatMap((c) => (c.provider.compliance ? [{id: c.provider.id, name: local(c.provider.name), asOf: c.provider.compliance.asOf, source: c.provider.compliance.source}] : []))
        : [],
      // The oldest date any standing was read: the whole comparison is no fresher than that.
      ...(required.length > 0 && candidates.some((c) => c.provider.compliance)
        ? {asOf: candidates.flatMap((c) => (c.provider.compliance ? [c.provider.compliance.asOf] : [])).sort()[0]}
        : {}),
    },
    sensitivity: {
      // Thousands of evaluations on one matrix: normalised once.
      dimensions: weightStability(prepared, matrix, dimensionVector, expand).map(describe(DIMENSIONS)),
      indicators: weightStability(prepared, matrix, indicatorVector).map(describe(INDICATORS.map((i) => i.id))),
    },
    // How often each provider comes first when the dimension weights vary around the chosen ones.
    monteCarlo: (() => {
      const mc = monteCarlo((w) => prepared(matrix, w), fed.length, dimensionVector, expand, {draws})
      return {
        distribution: 'dirichlet' as const,
        draws: mc.draws,
        concentration: mc.concentration,
        seed: mc.seed,
        providers: order.map(({index}) => ({id: fed[index].provider.id, pFirst: mc.rankShare[index][0], ranks: mc.rankShare[index]})),
      }
    })(),
    // The other method on the same weights: do the two agree on the order?
    agreement: (() => {
      const otherName = methodName === 'wsm' ? 'topsis' : 'wsm'
      const other = METHODS[otherName](matrix, indicatorVector)
      const otherOrder = other.map((score, index) => ({score, index})).sort((a, b) => b.score - a.score || a.index - b.index)
      return {other: otherName, statistic: 'kendall-tau-b' as const, tau: kendallTauB(scores, other), otherRanking: otherOrder.map(({index}) => fed[index].provider.id)}
    })(),
    warnings: [...weights.warnings],
  }
}
