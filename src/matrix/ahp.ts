/**
 * Analytic Hierarchy Process: weights from a reciprocal pairwise-comparison matrix as its
 * principal eigenvector, with Saaty's consistency ratio CR = CI / RI, CI = (λmax − n)/(n − 1).
 */

import type {RandomIndexTable} from '../config/constants.js'

/** Random consistency indices by matrix size n (index = n). */
export const RANDOM_INDEX: Record<RandomIndexTable, readonly number[]> = {
  /** Saaty (1980), the table most tools use. */
  saaty: [0, 0, 0, 0.58, 0.9, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49],
  /** Alonso & Lamata (2006), from 100 000 random matrices per size. */
  'alonso-lamata': [0, 0, 0, 0.5247, 0.8816, 1.1086, 1.2479, 1.3417, 1.4057, 1.4499, 1.4854],
}

/** Saaty's rule: a ratio of 0.10 or more means the judgements should be revisited. */
export const CONSISTENCY_LIMIT = 0.1

export interface AhpResult {
  weights: number[]
  lambdaMax: number
  consistencyIndex: number
  consistencyRatio: number
}

export function ahpWeights(matrix: readonly (readonly number[])[], table: RandomIndexTable = 'saaty'): AhpResult {
  const n = matrix.length
  let w = Array.from({length: n}, () => 1 / n)
  // Power iteration converges to the principal (Perron) eigenvector of a positive matrix.
  for (let iteration = 0; iteration < 10_000; iteration++) {
    const next = multiply(matrix, w)
    const sum = next.reduce((a, b) => a + b, 0)
    const normalised = next.map((x) => x / sum)
    const change = Math.max(...normalised.map((x, i) => Math.abs(x - w[i])))
    w = normalised
    if (change < 1e-15) break
  }
  const aw = multiply(matrix, w)
  const lambdaMax = aw.reduce((sum, x, i) => sum + x / w[i], 0) / n
  const consistencyIndex = n > 2 ? (lambdaMax - n) / (n - 1) : 0
  const ri = RANDOM_INDEX[table][n] ?? RANDOM_INDEX[table].at(-1)!
  const consistencyRatio = n > 2 ? consistencyIndex / ri : 0
  return {weights: w, lambdaMax, consistencyIndex, consistencyRatio}
}

/**
 * Aggregation of individual judgements (AIJ): each cell is the weighted geometric mean of the
 * stakeholders' judgements, a_ij = Π_k a_ij(k)^λ_k with Σ λ_k = 1. It is the one mean that keeps
 * the group matrix reciprocal (Aczél & Saaty 1983) and the one Forman & Peniwati (1998) give
 * for a group that decides as one unit. Weights default to equal.
 */
export function aggregateJudgements(matrices: readonly (readonly (readonly number[])[])[], weights?: readonly number[]): number[][] {
  const lambda = weights ?? matrices.map(() => 1)
  const total = lambda.reduce((a, b) => a + b, 0)
  const n = matrices[0].length
  return Array.from({length: n}, (_, i) =>
    Array.from({length: n}, (_, j) => Math.exp(matrices.reduce((sum, m, k) => sum + (lambda[k] / total) * Math.log(m[i][j]), 0))),
  )
}

function multiply(matrix: readonly (readonly number[])[], vector: readonly number[]): number[] {
  return matrix.map((row) => row.reduce((sum, a, j) => sum + a * vector[j], 0))
}

/** Reads a judgement: a number, or a fraction such as "1/3". */
export function parseJudgement(value: number | string): number {
  if (typeof value === 'number') return value
  const [numerator, denominator] = value.split('/').map(Number)
  return denominator === undefined ? numerator : numerator / denominator
}

/** The first cell that breaks the rules of a pairwise matrix, or undefined when it is sound. */
export function findMatrixDefect(matrix: readonly (readonly number[])[]):
  | {row: number; col: number; kind: 'size' | 'diagonal' | 'range' | 'reciprocal'}
  | undefined {
  const n = matrix.length
  for (const [i, row] of matrix.entries()) {
    if (row.length !== n) return {row: i, col: Math.min(row.length, n) - 1, kind: 'size'}
    for (const [j, a] of row.entries()) {
      if (i === j && a !== 1) return {row: i, col: j, kind: 'diagonal'}
      if (!(a >= 1 / 9 - 1e-9 && a <= 9 + 1e-9)) return {row: i, col: j, kind: 'range'}
    }
  }
  // People write 0.33 for 1/3: accept a product within 2% of 1.
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (Math.abs(matrix[i][j] * matrix[j][i] - 1) > 0.02) return {row: j, col: i, kind: 'reciprocal'}
    }
  }
  return undefined
}
