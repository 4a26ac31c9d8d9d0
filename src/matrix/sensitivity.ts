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

/**
 * Scores this close, relative to their size, are a tie (floating-point noise of a sum of 20
 * products is ~1e-15 of it); a tie goes to the earlier alternative.
 */
export const TIE_TOLERANCE = 1e-9

export function leader(scores: readonly number[]): number {
  let best = 0
  for (let i = 1; i < scores.length; i++) {
    if (scores[i] - scores[best] > TIE_TOLERANCE * Math.max(Math.abs(scores[i]), Math.abs(scores[best]))) best = i
  }
  return best
}

/** The alternative with the highest score other than `top`: who takes over at a crossing. */
function challenger(scores: readonly number[], top: number): number {
  let best = top === 0 ? 1 : 0
  for (let i = 0; i < scores.length; i++) if (i !== top && scores[i] > scores[best]) best = i
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
  const scoresAt = (k: number, value: number) => method(matrix, expand(reweight(weights, k, value)))
  const top = leader(method(matrix, expand([...weights])))
  // The leader keeps first place until someone is clearly ahead: a tie is not a change.
  const holds = (k: number, value: number) => {
    const scores = scoresAt(k, value)
    return scores.every((x, i) => i === top || x - scores[top] <= TIE_TOLERANCE * Math.max(Math.abs(x), Math.abs(scores[top])))
  }
  return weights.map((weight, k) => {
    const edge = (target: number) => {
      let inside = weight
      for (let step = 1; step <= GRID_STEPS; step++) {
        // The last step lands on the end itself: w + (1 − w)·step/400 can round past 1.
        const probe = step === GRID_STEPS ? target : weight + ((target - weight) * step) / GRID_STEPS
        if (!holds(k, probe)) {
          let outside = probe
          for (let b = 0; b < BISECTIONS; b++) {
            const mid = (inside + outside) / 2
            if (holds(k, mid)) inside = mid
            else outside = mid
          }
          // Just past the crossing the two are a hair apart: the one taking over is the best of the others.
          return {bound: inside, next: challenger(scoresAt(k, outside), top)}
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
