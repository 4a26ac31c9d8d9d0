import {column, minMax} from './normalise.js'
import type {ScoringMethod} from './types.js'

/** Weighted sum model over min-max normalised values: score = Σ wⱼ·nᵢⱼ, in [0, 1]. */
export const weightedSum: ScoringMethod = (matrix, weights) => {
  const normalised = matrix.criteria.map((criterion, j) => minMax(column(matrix, j), criterion.direction))
  return matrix.values.map((_, i) => weights.reduce((sum, w, j) => sum + w * normalised[j][i], 0))
}
