import {readFileSync} from 'node:fs'
import {describe, expect, it} from 'vitest'

import {ScoreReport} from '../../src/config/schemas/score.js'
import {mailops, tempFile} from '../helpers/cli.js'
import {expectValid} from '../helpers/schema.js'

const cio = '[[1, 1/2, 1/2, 2, 1], [2, 1, 1, 3, 2], [2, 1, 1, 3, 2], [1/2, 1/3, 1/3, 1, 1/2], [1, 1/2, 1/2, 2, 1]]'
const cfo = '[[1, 1, 1/2, 2, 1/3], [1, 1, 1/2, 2, 1/3], [2, 2, 1, 3, 1/2], [1/2, 1/2, 1/3, 1, 1/5], [3, 3, 2, 5, 1]]'
const dpo = '[[1, 1, 1/5, 1, 1], [1, 1, 1/4, 1, 1], [5, 4, 1, 5, 3], [1, 1, 1/5, 1, 1], [1, 1, 1/3, 1, 1]]'
/** Cyclic on its own (coverage > network > security > coverage): CR 1.29. */
const cyclic = '[[1, 9, 1/9, 1, 1], [1/9, 1, 9, 1, 1], [9, 1/9, 1, 1, 1], [1, 1, 1, 1, 1], [1, 1, 1, 1, 1]]'

const group = (...people: string[]) => tempFile('weights.yaml', `ahp:\n  stakeholders:\n${people.map((p) => `    - ${p}\n`).join('')}`)

describe('score --weights with a group of stakeholders (AIJ)', () => {
  it("aggregates three people's judgements, weighted, and reports each CR and the group's", () => {
    const weights = group(`{name: CIO, matrix: ${cio}}`, `{name: CFO, matrix: ${cfo}}`, `{name: DPO, weight: 2, matrix: ${dpo}}`)
    const result = mailops(['score', '--weights', weights, '--json'])
    expect(result.code, result.stderr).toBe(0)
    const report = result.json()
    expectValid(ScoreReport, report)
    expect(report.weights.source).toBe('ahp')
    // numpy (see test/unit/matrix/group-ahp.test.ts): group weights and CR of exp(Σ λ_k log A_k).
    expect(report.weights.dimensions.security).toBeCloseTo(0.394064, 6)
    expect(report.weights.dimensions.cost).toBeCloseTo(0.194894, 6)
    expect(report.weights.ahp).toMatchObject({aggregation: 'aij-geometric-mean', consistencyRatio: expect.closeTo(0.002227, 6)})
    expect(report.weights.ahp.stakeholders.map((s: {name: string; weight: number; consistencyRatio: number}) => [s.name, s.weight, Number(s.consistencyRatio.toFixed(6))])).toEqual([
      ['CIO', 0.25, 0.00296],
      ['CFO', 0.25, 0.003852],
      ['DPO', 0.5, 0.006327],
    ])
    expect(report.weights.ahp.stakeholders[2].dimensions.security).toBeCloseTo(0.511187, 6)

    const human = mailops(['score', '--weights', weights, '--format', 'md']).stdout
    expect(human).toContain("Weights from group AHP: the geometric mean of 3 stakeholders' judgements (AIJ), group consistency ratio 0.0022")
    expect(human).toMatch(/\| DPO \| 50\.0% \| 0\.0063 \| 11\.8% \| 12\.3% \| 51\.1% \| 11\.8% \| 13\.1% \|/)
    expect(human).toMatch(/\| group \(AIJ\) \| 100\.0% \| 0\.0022 \| 14\.0% \| 16\.7% \| 39\.4% \| 10\.4% \| 19\.5% \|/)
  })

  it("one person's inconsistency is a warning naming them; an inconsistent group stops with exit 2", () => {
    const mixed = mailops(['score', '--weights', group(`{name: CIO, matrix: ${cio}}`, `{name: CFO, matrix: ${cfo}}`, `{name: Sales, matrix: ${cyclic}}`), '--json'])
    expect(mixed.code, mixed.stderr).toBe(0)
    expect(mixed.stderr).toMatch(/Warning: Sales's AHP judgements are inconsistent on their own \(consistency ratio 1\.29\d*, limit 0\.1\)/)
    const file = group(`{name: A, matrix: ${cyclic}}`, `{name: B, matrix: ${cyclic}}`)
    const both = mailops(['score', '--weights', file])
    expect(both.code).toBe(2)
    expect(both.stderr).toContain(`${file}:3:5: AHP judgements are inconsistent: consistency ratio 1.2932`)
  })

  it('a bad judgement names the stakeholder’s cell; matrix and stakeholders together are refused', () => {
    const file = group(`{name: CIO, matrix: ${cio}}`, `{name: CFO, matrix: ${cfo.replace('[3, 3, 2, 5, 1]', '[3, 3, 2, 5, 12]')}}`)
    const bad = mailops(['score', '--weights', file])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(new RegExp(`${file}:4:\\d+: AHP judgement at row 5, column 5`))
    const twice = tempFile('weights.yaml', `ahp:\n  matrix: ${cio}\n  stakeholders:\n    - {name: A, matrix: ${cio}}\n    - {name: B, matrix: ${cio}}\n`)
    const refused = mailops(['score', '--weights', twice])
    expect(refused.code).toBe(2)
    expect(refused.stderr).toContain('`ahp` needs either `matrix` (one judge) or `stakeholders` (a group), exactly one of them')
    expect(readFileSync(twice, 'utf8')).toContain('stakeholders')
  })
})
