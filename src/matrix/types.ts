import type {Direction} from '../catalog/matrix.js'

/** Alternatives (rows) scored on criteria (columns). */
export interface DecisionMatrix {
  criteria: ReadonlyArray<{id: string; direction: Direction}>
  /** values[alternative][criterion] */
  values: ReadonlyArray<ReadonlyArray<number>>
}

/** Maps criterion weights (same order as the criteria, summing to 1) to a score per alternative. */
export type ScoringMethod = (matrix: DecisionMatrix, weights: readonly number[]) => number[]
