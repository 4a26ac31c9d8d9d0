import type {DecisionMatrix, ScoringMethod} from './types.js'

export interface WeightStability {
  /** Index of the weight in the vector analysed. */
  index: number
  weight: number
  /** Smallest and largest value this weight can take (others rescaled) with the same leader. */
  min: number
  max: number
  /** Who leads just past each end; undefined when the leader holds all the way to 0 or 1. */
  leaderBelow?: number
  leaderAbove?: number
}

const GRID_STEPS = 400
const BISECTIONS = 50

/** The weight vector with weight k set to `value` and the others rescaled to keep the sum at 1. */
export function reweight(weights: readonly number[], k: number, value: number): number[] {
  const rest = 1 - weights[k]
  return weights.map((w, j) => (j === k ? value : rest === 0 ? (1 - value) / (weights.length - 1) : (w * (1 - value)) / rest))
}

export function leader(scores: readonly number[]): number {
  let best = 0
  for (let i = 1; i < scores.length; i++) if (scores[i] > scores[best] + 1e-12) best = i
  return best
}

/**
 * One-at-a-time sensitivity: for each weight, the interval over which the top-ranked
 * alternative stays on top. A grid finds the first change in each direction and bisection
 * pins the crossing; works for any scoring method, linear or not.
 */
export function weightStability(
  method: ScoringMethod,
  matrix: DecisionMatrix,
  weights: readonly number[],
  expand: (weights: number[]) => number[] = (w) => w,
): WeightStability[] {
  const leaderAt = (k: number, value: number) => leader(method(matrix, expand(reweight(weights, k, value))))
  const top = leader(method(matrix, expand([...weights])))
  return weights.map((weight, k) => {
    const edge = (target: number) => {
      let inside = weight
      for (let step = 1; step <= GRID_STEPS; step++) {
        const probe = weight + ((target - weight) * step) / GRID_STEPS
        const who = leaderAt(k, probe)
        if (who !== top) {
          let outside = probe
          for (let b = 0; b < BISECTIONS; b++) {
            const mid = (inside + outside) / 2
            if (leaderAt(k, mid) === top) inside = mid
            else outside = mid
          }
          return {bound: inside, next: leaderAt(k, outside)}
        }
        inside = probe
      }
      return {bound: target, next: undefined}
    }
    const below = edge(0)
    const above = edge(1)
    return {index: k, weight, min: below.bound, max: above.bound, leaderBelow: below.next, leaderAbove: above.next}
  })
}
