import {column, minMax} from './normalise.js'
import type {DecisionMatrix, ScoringMethod} from './types.js'

/** The weighted sum model prepared for one matrix: normalised once, then one dot product per weight vector. */
export function prepareWeightedSum(matrix: DecisionMatrix): (weights: readonly number[]) => number[] {
  const normalised = matrix.criteria.map((criterion, j) => minMax(column(matrix, j), criterion.direction))
  const n = matrix.values.length
  return (weights) => {
    // Indexed loops, no iterator: sensitivity and Monte Carlo call this ~20,000 times per score.
    const scores = new Array<number>(n).fill(0)
    for (let j = 0; j < normalised.length; j++) {
      const col = normalised[j]
      const w = weights[j]
      for (let i = 0; i < n; i++) scores[i] += w * col[i]
    }
    return scores
  }
}

/** Weighted sum model over min-max normalised values: score = Σ wⱼ·nᵢⱼ, in [0, 1]. */
export const weightedSum: ScoringMethod = (matrix, weights) => prepareWeightedSum(matrix)(weights)
