import {column, vector} from './normalise.js'
import type {ScoringMethod} from './types.js'

/**
 * TOPSIS (Hwang & Yoon 1981): vector-normalise, weight, measure the Euclidean distance to the
 * ideal and anti-ideal alternatives; closeness Cᵢ = S⁻ᵢ / (S⁺ᵢ + S⁻ᵢ) in [0, 1].
 */
export const topsis: ScoringMethod = (matrix, weights) => {
  const weighted = matrix.criteria.map((_, j) => vector(column(matrix, j)).map((r) => r * weights[j]))
  const ideal = matrix.criteria.map((c, j) => (c.direction === 'benefit' ? Math.max : Math.min)(...weighted[j]))
  const antiIdeal = matrix.criteria.map((c, j) => (c.direction === 'benefit' ? Math.min : Math.max)(...weighted[j]))
  return matrix.values.map((_, i) => {
    const toIdeal = Math.hypot(...weighted.map((col, j) => col[i] - ideal[j]))
    const toAntiIdeal = Math.hypot(...weighted.map((col, j) => col[i] - antiIdeal[j]))
    const spread = toIdeal + toAntiIdeal
    // Every alternative identical on every weighted criterion: nobody is closer to the ideal.
    return spread === 0 ? 1 : toAntiIdeal / spread
  })
}
