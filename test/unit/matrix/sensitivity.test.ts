import {describe, expect, it} from 'vitest'

import {leader, reweight, weightStability} from '../../../src/matrix/sensitivity.js'
import {topsis} from '../../../src/matrix/topsis.js'
import type {DecisionMatrix} from '../../../src/matrix/types.js'
import {weightedSum} from '../../../src/matrix/wsm.js'

// Two alternatives, two benefit criteria: A is best on c1, B on c2. Min-max gives A (1, 0), B (0, 1);
// with weights (w, 1 − w) A scores w and B 1 − w, so A leads exactly while w > 0.5.
const twoByTwo: DecisionMatrix = {
  criteria: [
    {id: 'c1', direction: 'benefit'},
    {id: 'c2', direction: 'benefit'},
  ],
  values: [
    [10, 0],
    [0, 10],
  ],
}

describe('reweight', () => {
  it('rescales the other weights proportionally to keep the sum at 1', () => {
    const w = reweight([0.5, 0.3, 0.2], 0, 0.8)
    expect(w[0]).toBe(0.8)
    expect(w[1]).toBeCloseTo(0.12, 12)
    expect(w[2]).toBeCloseTo(0.08, 12)
  })
})

describe('weight stability', () => {
  it('finds the analytic crossing of a weighted sum', () => {
    const [c1, c2] = weightStability(weightedSum, twoByTwo, [0.7, 0.3])
    expect(c1.min).toBeCloseTo(0.5, 6)
    expect(c1.max).toBe(1)
    expect(c1.leaderBelow).toBe(1)
    expect(c1.leaderAbove).toBeUndefined()
    expect(c2.max).toBeCloseTo(0.5, 6)
    expect(c2.min).toBe(0)
  })

  it('keeps the leader everywhere inside the interval and loses it just outside (TOPSIS, 3 criteria)', () => {
    const matrix: DecisionMatrix = {
      criteria: [
        {id: 'a', direction: 'benefit'},
        {id: 'b', direction: 'cost'},
        {id: 'c', direction: 'benefit'},
      ],
      values: [
        [9, 5, 3],
        [6, 2, 4],
        [4, 3, 9],
      ],
    }
    const weights = [0.5, 0.3, 0.2]
    const top = leader(topsis(matrix, weights))
    for (const s of weightStability(topsis, matrix, weights)) {
      for (const inside of [s.min + 1e-4, (s.min + s.max) / 2, s.max - 1e-4]) {
        expect(leader(topsis(matrix, reweight(weights, s.index, inside)))).toBe(top)
      }
      if (s.leaderBelow !== undefined) expect(leader(topsis(matrix, reweight(weights, s.index, s.min - 1e-4)))).not.toBe(top)
      if (s.leaderAbove !== undefined) expect(leader(topsis(matrix, reweight(weights, s.index, s.max + 1e-4)))).not.toBe(top)
    }
  })
})

/** A small seeded generator (mulberry32), so the random problems are the same on every run. */
function random(seed: number): () => number {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let x = Math.imul(a ^ (a >>> 15), 1 | a)
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x
    return ((x ^ (x >>> 14)) >>> 0) / 4_294_967_296
  }
}

function argmax(scores: readonly number[]): number {
  return scores.reduce((best, x, i) => (x > scores[best] ? i : best), 0)
}

describe('weight stability on 500 random problems', () => {
  // Weights up to 0.98 (near 1, where a step past the end matters) and values on very different
  // scales (so scores are not all of one size): the bounds stay in [0, 1], and the leader
  // named past each end is the one who really leads a little further out.
  it.each([
    ['weighted sum', weightedSum],
    ['TOPSIS', topsis],
  ] as const)('%s: bounds inside [0, 1] and the right leader past each end', (_, method) => {
    const next = random(12)
    let checked = 0
    for (let problem = 0; problem < 250; problem++) {
      const alternatives = 3 + Math.floor(next() * 4)
      const criteria = 2 + Math.floor(next() * 4)
      const scale = 10 ** Math.floor(next() * 6)
      const matrix: DecisionMatrix = {
        criteria: Array.from({length: criteria}, (_, j) => ({id: `c${j}`, direction: next() < 0.5 ? 'benefit' : 'cost'})),
        values: Array.from({length: alternatives}, () => Array.from({length: criteria}, () => Math.round(next() * 9 * scale) + 1)),
      }
      const heavy = next() < 0.3
      const raw = Array.from({length: criteria}, (_, j) => (heavy && j === 0 ? 0.98 * criteria * 10 : next() + 0.01))
      const total = raw.reduce((a, b) => a + b, 0)
      const weights = raw.map((w) => w / total)
      const top = leader(method(matrix, weights))
      for (const s of weightStability(method, matrix, weights)) {
        expect(s.min).toBeGreaterThanOrEqual(0)
        expect(s.max).toBeLessThanOrEqual(1)
        expect(s.min).toBeLessThanOrEqual(s.weight + 1e-12)
        expect(s.max).toBeGreaterThanOrEqual(s.weight - 1e-12)
        const beyond = (edge: number, toward: number) => edge + (toward - edge) * 1e-6
        if (s.leaderAbove !== undefined) {
          const scores = method(matrix, reweight(weights, s.index, beyond(s.max, 1)))
          expect(argmax(scores), `problem ${problem}, weight ${s.index}: leader above`).toBe(s.leaderAbove)
          checked++
        }
        if (s.leaderBelow !== undefined) {
          const scores = method(matrix, reweight(weights, s.index, beyond(s.min, 0)))
          expect(argmax(scores), `problem ${problem}, weight ${s.index}: leader below`).toBe(s.leaderBelow)
          checked++
        }
        const middle = method(matrix, reweight(weights, s.index, (s.min + s.max) / 2))
        expect(Math.max(...middle) - middle[top]).toBeLessThanOrEqual(1e-9)
      }
    }
    expect(checked).toBeGreaterThan(100)
  })
})
