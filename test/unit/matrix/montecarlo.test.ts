import {describe, expect, it} from 'vitest'

import {dirichlet, kendallTauB, monteCarlo, seededRandom} from '../../../src/matrix/montecarlo.js'
import type {DecisionMatrix} from '../../../src/matrix/types.js'
import {prepareWeightedSum} from '../../../src/matrix/wsm.js'

describe("Kendall's tau-b", () => {
  it('matches the worked example of the SciPy documentation (scipy.stats.kendalltau, with ties)', () => {
    // https://docs.scipy.org/doc/scipy/reference/generated/scipy.stats.kendalltau.html
    // x1 = [12, 2, 1, 12, 2], x2 = [1, 4, 7, 1, 0] → statistic -0.47140452079103173
    expect(kendallTauB([12, 2, 1, 12, 2], [1, 4, 7, 1, 0])).toBeCloseTo(-0.47140452079103173, 14)
  })

  it('is 1 for the same order and -1 for the reverse', () => {
    expect(kendallTauB([1, 2, 3, 4], [10, 20, 30, 40])).toBe(1)
    expect(kendallTauB([1, 2, 3, 4], [4, 3, 2, 1])).toBe(-1)
  })
})

describe('Dirichlet draws', () => {
  it('have the chosen weights as their mean and the documented spread', () => {
    const random = seededRandom(7)
    const w = [0.2, 0.25, 0.25, 0.15, 0.15]
    const n = 20_000
    const sums = w.map(() => 0)
    const squares = w.map(() => 0)
    for (let i = 0; i < n; i++) {
      const d = dirichlet(w, 100, random)
      expect(d.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12)
      d.forEach((x, k) => {
        sums[k] += x
        squares[k] += x * x
      })
    }
    for (const [k, wk] of w.entries()) {
      const mean = sums[k] / n
      const sd = Math.sqrt(squares[k] / n - mean * mean)
      expect(mean).toBeCloseTo(wk, 2)
      // Var = w(1 − w)/(κ + 1) for Dirichlet(κw).
      expect(sd).toBeCloseTo(Math.sqrt((wk * (1 - wk)) / 101), 2)
    }
  })
})

describe('Monte Carlo rank shares', () => {
  it('match the exact probability of a two-criterion crossing (Beta tail = binomial sum)', () => {
    // A wins on c1, B on c2: A is first iff w1 > 0.5. With weights (0.55, 0.45) and κ = 100,
    // w1 ~ Beta(55, 45), and P(w1 ≤ 0.5) = I_0.5(55, 45) = P(Binomial(99, 1/2) ≥ 55) (Abramowitz & Stegun 26.5.24).
    const matrix: DecisionMatrix = {criteria: [{id: 'c1', direction: 'benefit'}, {id: 'c2', direction: 'benefit'}], values: [[10, 0], [0, 10]]}
    const result = monteCarlo(prepareWeightedSum(matrix), matrix.values.length, [0.55, 0.45], (w) => w, {draws: 40_000, concentration: 100, seed: 3})
    let below = 0
    let choose = 1
    for (let k = 0; k <= 99; k++) {
      if (k >= 55) below += choose / 2 ** 99
      choose = (choose * (99 - k)) / (k + 1)
    }
    expect(below).toBeCloseTo(0.157440, 6)
    const exact = 1 - below
    // 40 000 draws: standard error √(p(1−p)/n) ≈ 0.002.
    expect(Math.abs(result.rankShare[0][0] - exact)).toBeLessThan(0.008)
    expect(result.rankShare[0][0] + result.rankShare[1][0]).toBeCloseTo(1, 12)
    expect(result.rankShare[0][1]).toBeCloseTo(result.rankShare[1][0], 12)
  })

  it('replays exactly from its seed', () => {
    const matrix: DecisionMatrix = {criteria: [{id: 'c1', direction: 'benefit'}, {id: 'c2', direction: 'cost'}], values: [[3, 5], [4, 6], [2, 1]]}
    const a = monteCarlo(prepareWeightedSum(matrix), matrix.values.length, [0.6, 0.4], (w) => w, {draws: 500})
    expect(monteCarlo(prepareWeightedSum(matrix), matrix.values.length, [0.6, 0.4], (w) => w, {draws: 500})).toEqual(a)
  })
})
