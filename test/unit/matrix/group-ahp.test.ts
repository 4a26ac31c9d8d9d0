import {describe, expect, it} from 'vitest'

import {aggregateJudgements, ahpWeights} from '../../../src/matrix/ahp.js'

/** The reciprocal matrix of ratios w_i / w_j: perfectly consistent. */
const consistent = (w: number[]) => w.map((wi) => w.map((wj) => wi / wj))

describe('group AHP: aggregation of individual judgements (AIJ)', () => {
  it("reproduces Saaty's published three-person example: judgements 2, 3 and 4 give ∛24, and the reciprocals give its reciprocal", () => {
    // Source: Decision Lens, "Combining group members' judgments" (blog.decisionlens.com, June 2007),
    // after Aczél & Saaty (1983): three people say an apple is 2, 3 and 4 times an orange; the
    // group judgement is (2·3·4)^(1/3) and the reciprocal requirement holds only for this mean.
    const people = [2, 3, 4].map((a) => [
      [1, a],
      [1 / a, 1],
    ])
    const group = aggregateJudgements(people)
    expect(group[0][1]).toBeCloseTo(Math.cbrt(24), 12)
    expect(group[0][1]).toBeCloseTo(2.884499, 6)
    expect(group[1][0]).toBeCloseTo(1 / Math.cbrt(24), 12)
    // The arithmetic mean would fail it: 3 one way, 13/36 (not 1/3) the other.
    expect(group[0][1] * group[1][0]).toBeCloseTo(1, 14)
  })

  it('keeps consistent judges consistent: the group priorities are the normalised weighted geometric mean of theirs (Barzilai & Golany 1994)', () => {
    const judges = [
      [0.4, 0.3, 0.2, 0.05, 0.05],
      [0.1, 0.2, 0.3, 0.2, 0.2],
      [0.2, 0.2, 0.2, 0.2, 0.2],
    ]
    const lambda = [3, 1, 1]
    const result = ahpWeights(aggregateJudgements(judges.map(consistent), lambda))
    const geometric = judges[0].map((_, i) => judges.reduce((p, w, k) => p * w[i] ** (lambda[k] / 5), 1))
    const total = geometric.reduce((a, b) => a + b, 0)
    for (const [i, g] of geometric.entries()) expect(result.weights[i]).toBeCloseTo(g / total, 12)
    expect(result.consistencyRatio).toBeCloseTo(0, 10)
  })

  it('a 5×5 group of three with weights 1, 1, 2: the group matrix, its weights and CR match numpy to 6 decimals', () => {
    // Reference: numpy.linalg.eig on exp(Σ λ_k log A_k), λ = (1/4, 1/4, 1/2); Saaty's RI(5) = 1.12.
    const cio = [[1, 1 / 2, 1 / 2, 2, 1], [2, 1, 1, 3, 2], [2, 1, 1, 3, 2], [1 / 2, 1 / 3, 1 / 3, 1, 1 / 2], [1, 1 / 2, 1 / 2, 2, 1]]
    const cfo = [[1, 1, 1 / 2, 2, 1 / 3], [1, 1, 1 / 2, 2, 1 / 3], [2, 2, 1, 3, 1 / 2], [1 / 2, 1 / 2, 1 / 3, 1, 1 / 5], [3, 3, 2, 5, 1]]
    const dpo = [[1, 1, 1 / 5, 1, 1], [1, 1, 1 / 4, 1, 1], [5, 4, 1, 5, 3], [1, 1, 1 / 5, 1, 1], [1, 1, 1 / 3, 1, 1]]
    const group = aggregateJudgements([cio, cfo, dpo], [1, 1, 2])
    expect(group[0]).toEqual([1, 0.840896, 0.316228, 1.414214, 0.759836].map((x) => expect.closeTo(x, 6)))
    expect(group[2][3]).toBeCloseTo(3.872983, 6)
    const result = ahpWeights(group)
    expect(result.weights).toEqual([0.139763, 0.167276, 0.394064, 0.104003, 0.194894].map((x) => expect.closeTo(x, 6)))
    expect(result.lambdaMax).toBeCloseTo(5.009975, 6)
    expect(result.consistencyRatio).toBeCloseTo(0.002227, 6)
    // Each judge's own CR, as numpy gives it.
    expect([cio, cfo, dpo].map((m) => ahpWeights(m).consistencyRatio)).toEqual([0.00296, 0.003852, 0.006327].map((x) => expect.closeTo(x, 6)))
  })
})
