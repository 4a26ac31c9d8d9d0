import {DEFAULT_DIMENSION_WEIGHTS, INDICATORS} from '../catalog/matrix.js'
import {DIMENSIONS, type DimensionId} from '../config/constants.js'
import type {SourceDocument} from '../config/source.js'
import type {WeightsFile} from '../config/schemas/weights.js'
import {InputError} from '../errors.js'
import {t} from '../i18n/index.js'
import {round} from '../util/number.js'
import {aggregateJudgements, ahpWeights, CONSISTENCY_LIMIT, findMatrixDefect, parseJudgement, type AhpResult} from './ahp.js'
import type {RandomIndexTable} from '../config/constants.js'

/** Weights sum to 1 when within this of it (people write 0.333 + 0.333 + 0.334). */
export const SUM_TOLERANCE = 1e-3

/** A sum this close to 1 is 1 (floating point); anything else inside SUM_TOLERANCE is rescaled. */
const EXACT = 1e-9

export interface ResolvedWeights {
  dimensions: Record<DimensionId, number>
  /** Share of each indicator within its dimension (the shares of a dimension sum to 1). */
  shares: Record<string, number>
  source: 'default' | 'file' | 'ahp'
  ahp?: AhpResult & {randomIndex: RandomIndexTable; stakeholders?: StakeholderJudgement[]}
  /** What was adjusted on the way, for the user to see (e.g. weights rescaled to sum to 1). */
  warnings: string[]
}

/** Indicator weights (in INDICATORS order) for dimension weights in DIMENSIONS order. */
export function indicatorWeights(dimensionWeights: readonly number[], shares: Record<string, number>): number[] {
  const weights = new Array<number>(INDICATORS.length)
  for (let j = 0; j < INDICATORS.length; j++) weights[j] = dimensionWeights[DIMENSION_OF_INDICATOR[j]] * shares[INDICATORS[j].id]
  return weights
}

/** Position in DIMENSIONS of each indicator's dimension (looked up once, not per draw). */
const DIMENSION_OF_INDICATOR = INDICATORS.map((indicator) => DIMENSIONS.indexOf(indicator.dimension))

export function resolveWeights(file?: WeightsFile, source?: SourceDocument): ResolvedWeights {
  const shares = indicatorShares(file?.indicators ?? {})
  if (!file || (!file.dimensions && !file.ahp)) {
    return {dimensions: {...DEFAULT_DIMENSION_WEIGHTS}, shares, source: file ? 'file' : 'default', warnings: []}
  }
  if (file.dimensions && file.ahp) {
    throw InputError.at(source?.locate(['ahp'], {key: true}), 'weights.bothGiven', {}, t('hint.weightsOneWay'))
  }
  if (file.dimensions) {
    const dimensions = file.dimensions as Record<DimensionId, number>
    const missing = DIMENSIONS.filter((d) => dimensions[d] === undefined)
    if (missing.length > 0) {
      throw InputError.at(source?.locate(['dimensions']), 'weights.missingDimensions', {missing: missing.join(', ')})
    }
    const sum = DIMENSIONS.reduce((total, d) => total + dimensions[d], 0)
    if (Math.abs(sum - 1) > SUM_TOLERANCE) {
      throw InputError.at(source?.locate(['dimensions']), 'weights.sum', {sum: round(sum, 6)}, t('hint.weightsSum'))
    }
    // A sum a little off 1 (1.0009) is a rounding slip: rescale, and say so, rather than score
    // with weights that do not add up.
    if (Math.abs(sum - 1) <= EXACT) return {dimensions, shares, source: 'file', warnings: []}
    const rescaled = Object.fromEntries(DIMENSIONS.map((d) => [d, dimensions[d] / sum])) as Record<DimensionId, number>
    return {dimensions: rescaled, shares, source: 'file', warnings: [t('weights.normalised', {sum: round(sum, 6)})]}
  }
  return {shares, ...ahpDimensionWeights(file.ahp!, source)}
}

/** One stakeholder of a group AHP: their share of the group, their own consistency and weights. */
export interface StakeholderJudgement {
  name: string
  weight: number
  consistencyRatio: number
  dimensions: Record<DimensionId, number>
}

type AhpSection = NonNullable<WeightsFile['ahp']>

function ahpDimensionWeights(ahp: AhpSection, source?: SourceDocument): Omit<ResolvedWeights, 'shares'> {
  const table = (ahp.randomIndex ?? 'saaty') as RandomIndexTable
  if ((ahp.matrix === undefined) === (ahp.stakeholders === undefined)) {
    throw InputError.at(source?.locate(['ahp'], {key: true}), 'ahp.oneOf', {}, t('hint.ahpOneOf'))
  }
  const byDimension = (weights: number[]) => Object.fromEntries(DIMENSIONS.map((d, i) => [d, weights[i]])) as Record<DimensionId, number>
  if (ahp.matrix) {
    const result = consistentEnough(ahpWeights(checkedMatrix(ahp.matrix, ['ahp', 'matrix'], source), table), ['ahp', 'matrix'], source)
    return {dimensions: byDimension(result.weights), source: 'ahp', ahp: {...result, randomIndex: table}, warnings: []}
  }
  const group = ahp.stakeholders!
  const matrices = group.map((s, k) => checkedMatrix(s.matrix, ['ahp', 'stakeholders', k, 'matrix'], source))
  const total = group.reduce((sum, s) => sum + (s.weight ?? 1), 0)
  const stakeholders: StakeholderJudgement[] = group.map((s, k) => {
    const own = ahpWeights(matrices[k], table)
    return {name: s.name, weight: (s.weight ?? 1) / total, consistencyRatio: own.consistencyRatio, dimensions: byDimension(own.weights)}
  })
  const result = consistentEnough(
    ahpWeights(aggregateJudgements(matrices, stakeholders.map((s) => s.weight)), table),
    ['ahp', 'stakeholders'],
    source,
  )
  // One person's contradictions are theirs to revisit, but the group matrix can still be sound:
  // warn and go on; only an inconsistent group matrix stops the scoring.
  const warnings = stakeholders
    .filter((s) => s.consistencyRatio >= CONSISTENCY_LIMIT)
    .map((s) => t('ahp.stakeholderInconsistent', {name: s.name, cr: round(s.consistencyRatio, 4), limit: CONSISTENCY_LIMIT}))
  return {dimensions: byDimension(result.weights), source: 'ahp', ahp: {...result, randomIndex: table, stakeholders}, warnings}
}

function checkedMatrix(rows: (number | string)[][], path: (string | number)[], source?: SourceDocument): number[][] {
  const matrix = rows.map((row) => row.map(parseJudgement))
  const defect = findMatrixDefect(matrix)
  if (defect) {
    throw InputError.at(source?.locate([...path, defect.row, defect.col]), `ahp.${defect.kind}`, {
      row: defect.row + 1,
      col: defect.col + 1,
      n: DIMENSIONS.length,
    })
  }
  return matrix
}

function consistentEnough(result: AhpResult, path: (string | number)[], source?: SourceDocument): AhpResult {
  if (result.consistencyRatio >= CONSISTENCY_LIMIT) {
    throw InputError.at(
      source?.locate(path),
      'ahp.inconsistent',
      {cr: round(result.consistencyRatio, 4), limit: CONSISTENCY_LIMIT},
      t('hint.ahpInconsistent'),
    )
  }
  return result
}

function indicatorShares(relative: Record<string, number | undefined>): Record<string, number> {
  const importance = (id: string) => relative[id] ?? 1
  const totals = new Map<DimensionId, number>()
  for (const indicator of INDICATORS) totals.set(indicator.dimension, (totals.get(indicator.dimension) ?? 0) + importance(indicator.id))
  return Object.fromEntries(INDICATORS.map((i) => [i.id, importance(i.id) / totals.get(i.dimension)!]))
}
