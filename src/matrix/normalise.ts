import type {Direction} from '../catalog/matrix.js'
import type {DecisionMatrix} from './types.js'

export function column(matrix: DecisionMatrix, j: number): number[] {
  return matrix.values.map((row) => row[j])
}

/**
 * Min-max normalisation to [0, 1], best = 1. A criterion on which every alternative is equal
 * does not discriminate: everyone gets 1.
 */
export function minMax(values: readonly number[], direction: Direction): number[] {
  const min = Math.min(...values)
  const max = Math.max(...values)
  if (max === min) return values.map(() => 1)
  return values.map((x) => (direction === 'benefit' ? (x - min) / (max - min) : (max - x) / (max - min)))
}

/** Vector normalisation x / ||x||₂ (TOPSIS); an all-zero column stays zero. */
export function vector(values: readonly number[]): number[] {
  const norm = Math.hypot(...values)
  return values.map((x) => (norm === 0 ? 0 : x / norm))
}
