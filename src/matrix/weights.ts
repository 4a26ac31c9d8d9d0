import {DEFAULT_DIMENSION_WEIGHTS, DIMENSIONS, type DimensionId, INDICATORS} from '../catalog/matrix.js'
import type {SourceDocument} from '../config/source.js'
import type {WeightsFile} from '../config/schemas/weights.js'
import {InputError} from '../errors.js'
import {t} from '../i18n/index.js'
import {round} from '../util/number.js'
import {ahpWeights, CONSISTENCY_LIMIT, findMatrixDefect, parseJudgement, type AhpResult, type RandomIndexTable} from './ahp.js'

/** Weights sum to 1 when within this of it (people write 0.333 + 0.333 + 0.334). */
export const SUM_TOLERANCE = 1e-3

/** A sum this close to 1 is 1 (floating point); anything else inside SUM_TOLERANCE is rescaled. */
const EXACT = 1e-9

export interface ResolvedWeights {
  dimensions: Record<DimensionId, number>
  /** Share of each indicator within its dimension (the shares of a dimension sum to 1). */
  shares: Record<string, number>
  source: 'default' | 'file' | 'ahp'
  ahp?: AhpResult & {randomIndex: RandomIndexTable}
  /** What was adjusted on the way, for the user to see (e.g. weights rescaled to sum to 1). */
  warnings: string[]
}

/** Indicator weights (in INDICATORS order) for dimension weights in DIMENSIONS order. */
export function indicatorWeights(dimensionWeights: readonly number[], shares: Record<string, number>): number[] {
  return INDICATORS.map((indicator) => dimensionWeights[DIMENSIONS.indexOf(indicator.dimension)] * shares[indicator.id])
}

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
  const table = (file.ahp!.randomIndex ?? 'saaty') as RandomIndexTable
  const matrix = file.ahp!.matrix.map((row) => row.map(parseJudgement))
  const defect = findMatrixDefect(matrix)
  if (defect) {
    throw InputError.at(source?.locate(['ahp', 'matrix', defect.row, defect.col]), `ahp.${defect.kind}`, {
      row: defect.row + 1,
      col: defect.col + 1,
      n: DIMENSIONS.length,
    })
  }
  const result = ahpWeights(matrix, table)
  if (result.consistencyRatio >= CONSISTENCY_LIMIT) {
    throw InputError.at(
      source?.locate(['ahp', 'matrix']),
      'ahp.inconsistent',
      {cr: round(result.consistencyRatio, 4), limit: CONSISTENCY_LIMIT},
      t('hint.ahpInconsistent'),
    )
  }
  const dimensions = Object.fromEntries(DIMENSIONS.map((d, i) => [d, result.weights[i]])) as Record<DimensionId, number>
  return {dimensions, shares, source: 'ahp', ahp: {...result, randomIndex: table}, warnings: []}
}

function indicatorShares(relative: Record<string, number | undefined>): Record<string, number> {
  const importance = (id: string) => relative[id] ?? 1
  const totals = new Map<DimensionId, number>()
  for (const indicator of INDICATORS) totals.set(indicator.dimension, (totals.get(indicator.dimension) ?? 0) + importance(indicator.id))
  return Object.fromEntries(INDICATORS.map((i) => [i.id, importance(i.id) / totals.get(i.dimension)!]))
}
