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
