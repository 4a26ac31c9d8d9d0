import {describe, expect, it} from 'vitest'

import {ahpWeights, findMatrixDefect, parseJudgement} from '../../../src/matrix/ahp.js'

describe('AHP', () => {
  it('matches the principal eigenvector and consistency of a textbook 3×3 matrix to 4 decimals', () => {
    // Reference: numpy.linalg.eig on the same matrix.
    const result = ahpWeights([
      [1, 3, 5],
      [1 / 3, 1, 3],
      [1 / 5, 1 / 3, 1],
    ])
    expect(result.weights[0]).toBeCloseTo(0.636986, 4)
    expect(result.weights[1]).toBeCloseTo(0.258285, 4)
    expect(result.weights[2]).toBeCloseTo(0.104729, 4)
    expect(result.lambdaMax).toBeCloseTo(3.038511, 4)
    expect(result.consistencyIndex).toBeCloseTo(0.019256, 4)
    expect(result.consistencyRatio).toBeCloseTo(0.033199, 4)
  })

  it('uses the chosen random-index table', () => {
    const matrix = [
      [1, 3, 5],
      [1 / 3, 1, 3],
      [1 / 5, 1 / 3, 1],
    ]
    expect(ahpWeights(matrix, 'alonso-lamata').consistencyRatio).toBeCloseTo(0.036698, 4)
  })

  it('gives a perfectly consistent matrix CR 0 and weights proportional to its ratios', () => {
    const result = ahpWeights([
      [1, 2, 4],
      [1 / 2, 1, 2],
      [1 / 4, 1 / 2, 1],
    ])
    expect(result.weights.map((w) => w * 7)).toEqual([expect.closeTo(4, 10), expect.closeTo(2, 10), expect.closeTo(1, 10)])
    expect(result.consistencyRatio).toBeCloseTo(0, 10)
  })

  it('finds a 5×5 matrix with cyclic judgements inconsistent', () => {
    const result = ahpWeights([
      [1, 9, 1 / 9, 1, 1],
      [1 / 9, 1, 9, 1, 1],
      [9, 1 / 9, 1, 1, 1],
      [1, 1, 1, 1, 1],
      [1, 1, 1, 1, 1],
    ])
    expect(result.consistencyRatio).toBeCloseTo(1.293178, 4)
  })

  it('reads fractions', () => {
    expect(parseJudgement('1/3')).toBeCloseTo(1 / 3, 12)
    expect(parseJudgement(' 2 / 5 ')).toBeCloseTo(0.4, 12)
    expect(parseJudgement(7)).toBe(7)
  })

  it('names the cell that breaks the rules', () => {
    expect(findMatrixDefect([[1, 2], [0.5, 1]])).toBeUndefined()
    expect(findMatrixDefect([[1, 2], [0.33, 1]])).toEqual({row: 1, col: 0, kind: 'reciprocal'})
    expect(findMatrixDefect([[2, 2], [0.5, 1]])).toEqual({row: 0, col: 0, kind: 'diagonal'})
    expect(findMatrixDefect([[1, 12], [1 / 12, 1]])).toEqual({row: 0, col: 1, kind: 'range'})
    expect(findMatrixDefect([[1, 2], [0.5]])).toMatchObject({row: 1, kind: 'size'})
  })
})
