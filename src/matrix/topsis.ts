import {column, vector} from './normalise.js'
import type {DecisionMatrix, ScoringMethod} from './types.js'

/** TOPSIS prepared for one matrix: the vector normalisation does not depend on the weights. */
export function prepareTopsis(matrix: DecisionMatrix): (weights: readonly number[]) => number[] {
  const normalised = matrix.criteria.map((_, j) => vector(column(matrix, j)))
  const benefit = matrix.criteria.map((c) => c.direction === 'benefit')
  const n = matrix.values.length
  // Plain loops: Monte Carlo calls this 10,000 times.
  return (weights) => {
    const toIdeal = new Array<number>(n).fill(0)
    const toAntiIdeal = new Array<number>(n).fill(0)
    for (let j = 0; j < normalised.length; j++) {
      const col = normalised[j]
      let max = -Infinity
      let min = Infinity
      for (let i = 0; i < n; i++) {
        if (col[i] > max) max = col[i]
        if (col[i] < min) min = col[i]
      }
      const ideal = (benefit[j] ? max : min) * weights[j]
      const anti = (benefit[j] ? min : max) * weights[j]
      for (let i = 0; i < n; i++) {
        const v = col[i] * weights[j]
        toIdeal[i] += (v - ideal) ** 2
        toAntiIdeal[i] += (v - anti) ** 2
      }
    }
    return toIdeal.map((square, i) => {
      const plus = Math.sqrt(square)
      const minus = Math.sqrt(toAntiIdeal[i])
      // Every alternative identical on every weighted criterion: nobody is closer to the ideal.
      return plus + minus === 0 ? 1 : minus / (plus + minus)
    })
  }
}

/**
 * TOPSIS (Hwang & Yoon 1981): vector-normalise, weight, measure the Euclidean distance to the
 * ideal and anti-ideal alternatives; closeness Cᵢ = S⁻ᵢ / (S⁺ᵢ + S⁻ᵢ) in [0, 1].
 */
export const topsis: ScoringMethod = (matrix, weights) => prepareTopsis(matrix)(weights)
