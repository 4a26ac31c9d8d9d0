import {describe, expect, it} from 'vitest'

import {minMax, vector} from '../../../src/matrix/normalise.js'
import {topsis} from '../../../src/matrix/topsis.js'
import type {DecisionMatrix} from '../../../src/matrix/types.js'
import {weightedSum} from '../../../src/matrix/wsm.js'

// The phone example used in many TOPSIS tutorials: price (cost), storage, camera, looks (benefit),
// equal weights. Reference values computed independently with numpy and matching the published ones.
const phones: DecisionMatrix = {
  criteria: [
    {id: 'price', direction: 'cost'},
    {id: 'storage', direction: 'benefit'},
    {id: 'camera', direction: 'benefit'},
    {id: 'looks', direction: 'benefit'},
  ],
  values: [
    [250, 16, 12, 5],
    [200, 16, 8, 3],
    [300, 32, 16, 4],
    [275, 32, 8, 4],
    [225, 16, 16, 2],
  ],
}
const equal = [0.25, 0.25, 0.25, 0.25]

describe('normalisation', () => {
  it('min-max maps the best to 1 and the worst to 0 in both directions', () => {
    expect(minMax([10, 20, 30], 'benefit')).toEqual([0, 0.5, 1])
    expect(minMax([10, 20, 30], 'cost')).toEqual([1, 0.5, 0])
  })

  it('min-max gives everyone 1 on a criterion that does not discriminate', () => {
    expect(minMax([7, 7, 7], 'cost')).toEqual([1, 1, 1])
  })

  it('vector normalisation divides by the Euclidean norm', () => {
    expect(vector([3, 4])).toEqual([0.6, 0.8])
    expect(vector([0, 0])).toEqual([0, 0])
  })
})

describe('weighted sum', () => {
  it('matches the hand-computed scores', () => {
    // Phone 1: price (300-250)/100 = 0.5, storage 0, camera (12-8)/8 = 0.5, looks (5-2)/3 = 1 → 0.5
    const scores = weightedSum(phones, equal)
    const expected = [0.5, 0.333333, 0.666667, 0.479167, 0.4375]
    scores.forEach((s, i) => expect(s).toBeCloseTo(expected[i], 5))
  })

  it('follows the weights: all weight on price ranks the cheapest first', () => {
    const scores = weightedSum(phones, [1, 0, 0, 0])
    expect(scores.indexOf(Math.max(...scores))).toBe(1)
  })
})

describe('TOPSIS', () => {
  it('matches the standard definition to 4 decimals', () => {
    const scores = topsis(phones, equal)
    const expected = [0.534277, 0.308368, 0.691632, 0.534737, 0.401046]
    scores.forEach((s, i) => expect(s).toBeCloseTo(expected[i], 4))
  })

  it('scores the ideal alternative 1 and the anti-ideal 0', () => {
    const matrix: DecisionMatrix = {
      criteria: [
        {id: 'a', direction: 'benefit'},
        {id: 'b', direction: 'cost'},
      ],
      values: [
        [10, 1],
        [5, 5],
        [1, 10],
      ],
    }
    const [best, , worst] = topsis(matrix, [0.5, 0.5])
    expect(best).toBeCloseTo(1, 10)
    expect(worst).toBeCloseTo(0, 10)
  })
})
