import {readFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {ScoreReport} from '../../src/config/schemas/score.js'
import {mailops, tempFile} from '../helpers/cli.js'
import {expectValid} from '../helpers/schema.js'

describe('Monte Carlo weight sensitivity and agreement between methods', () => {
  it('reports P(rank = 1) and the rank distribution of 10,000 Dirichlet draws, reproducibly', () => {
    const result = mailops(['score', '--json'])
    expect(result.code, result.stderr).toBe(0)
    const report = result.json()
    expectValid(ScoreReport, report)
    expect(report.monteCarlo).toMatchObject({distribution: 'dirichlet', draws: 10_000, concentration: 100, seed: 1})
    expect(report.monteCarlo.providers.map((p: {id: string}) => p.id)).toEqual(report.ranking.map((r: {id: string}) => r.id))
    const first = report.monteCarlo.providers.reduce((sum: number, p: {pFirst: number}) => sum + p.pFirst, 0)
    expect(first).toBeCloseTo(1, 12)
    for (const p of report.monteCarlo.providers) expect(p.ranks.reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(1, 12)
    expect(mailops(['score', '--json']).json().monteCarlo).toEqual(report.monteCarlo)
  })

  it('splits first place between the two leaders when the weights sit at a crossing', () => {
    // Put the weight with the nearest change of leader right at its crossing (others rescaled):
    // drawn around it, the weights fall on either side about half the time.
    const base = mailops(['score', '--json']).json()
    const crossing = base.sensitivity.dimensions.filter((s: {leaderAbove?: string}) => s.leaderAbove).sort((a: {max: number; value: number}, b: {max: number; value: number}) => a.max - a.value - (b.max - b.value))[0]
    const dims = base.weights.dimensions as Record<string, number>
    const rest = 1 - dims[crossing.weight]
    const moved = Object.fromEntries(Object.entries(dims).map(([d, w]) => [d, d === crossing.weight ? crossing.max : (w * (1 - crossing.max)) / rest]))
    const weights = tempFile('weights.yaml', `dimensions: ${JSON.stringify(moved)}\n`)
    const report = mailops(['score', '--weights', weights, '--draws', '4000', '--json']).json()
    const share = (id: string) => report.monteCarlo.providers.find((p: {id: string}) => p.id === id).pFirst
    const [top, challenger] = [base.ranking[0].id, crossing.leaderAbove]
    expect(share(top) + share(challenger)).toBeGreaterThan(0.95)
    expect(share(top)).toBeGreaterThan(0.2)
    expect(share(challenger)).toBeGreaterThan(0.2)
  })

  it("shows WSM vs TOPSIS agreement (Kendall's tau-b) with the ranking, in the table, the Markdown and the report", () => {
    const report = mailops(['score', '--json']).json()
    expect(report.agreement).toMatchObject({other: 'topsis', statistic: 'kendall-tau-b'})
    expect(report.agreement.tau).toBeGreaterThanOrEqual(-1)
    expect(mailops(['score']).stdout).toMatch(/Agreement with TOPSIS, vector normalised: Kendall's tau-b -?\d\.\d{3}/)
    expect(mailops(['score', '--format', 'md']).stdout).toContain('## Monte Carlo: rank shares over 10,000 draws')
    const out = join(dirname(tempFile('x', '')), 'report')
    expect(mailops(['assess', '--company', 'A', '--industry', 'fmcg', '--revenue', '80M', '--seats', '600', '--zone', 'apac', '--no-probe', '--out-dir', out]).code).toBe(0)
    const md = readFileSync(join(out, 'report.md'), 'utf8')
    expect(md).toMatch(/comes first in \d+\.\d% of them\. TOPSIS agrees with the ranking at Kendall tau-b/)
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('<h3>Monte Carlo: rank shares over 10,000 draws')
  })
})
