import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {ScoreReport} from '../../src/config/schemas/score.js'
import {mailops, ROOT, tempFile} from '../helpers/cli.js'
import {expectValid} from '../helpers/schema.js'

/** The first ```yaml block after `marker` in the README: the examples a reader copies. */
function readmeYaml(marker: string): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
  const from = readme.indexOf(marker)
  expect(from, marker).toBeGreaterThan(-1)
  return readme.slice(from).match(/```yaml\n([\s\S]*?)```/)![1]
}

describe('mailops score: the inputs a consultant writes', () => {
  it("accepts the README's own weights file (AHP plus one indicator's importance)", () => {
    const weights = tempFile('weights.yaml', readmeYaml('Weights file:'))
    const result = mailops(['score', '--weights', weights, '--json'])
    expect(result.code, result.stderr).toBe(0)
    const report = result.json()
    expectValid(ScoreReport, report)
    // network.latency counts twice as much as each of the three other network indicators: 2/5 of the dimension.
    expect(report.weights.indicators['network.latency'] / report.weights.dimensions.network).toBeCloseTo(0.4, 12)
    expect(report.weights.indicators['network.loss'] / report.weights.dimensions.network).toBeCloseTo(0.2, 12)
  })

  it("accepts the README's group weights file: three stakeholders, the third counting twice", () => {
    const result = mailops(['score', '--weights', tempFile('weights.yaml', readmeYaml("A group's weights file")), '--json'])
    expect(result.code, result.stderr).toBe(0)
    expect(result.json().weights.ahp.stakeholders.map((s: {weight: number}) => s.weight)).toEqual([0.25, 0.25, 0.5])
  })

  it('accepts a providers file with only `only:`', () => {
    const providers = tempFile('providers.yaml', 'only: [m365, zoho-mail]\n')
    const result = mailops(['score', '--providers', providers, '--json'])
    expect(result.code, result.stderr).toBe(0)
    expect(result.json().ranking.map((r: {id: string}) => r.id).sort()).toEqual(['m365', 'zoho-mail'])
  })

  it('accepts a partial price override and costs with it, the rest of the price kept', () => {
    const providers = tempFile('providers.yaml', 'providers:\n  - id: m365\n    pricing:\n      perSeatMonth: {annual: 3}\n')
    const result = mailops(['tco', '--providers', providers, '--json'])
    expect(result.code, result.stderr).toBe(0)
    const m365 = result.json().providers.find((p: {id: string}) => p.id === 'm365')
    // 500 seats × 3 USD × 12 months; the monthly price (4.8) and the asOf date stay the catalog's.
    expect(m365.years[1].licence).toBeCloseTo(500 * 3 * 12, 9)
    expect(m365.priceAsOf).toBe('2025-04-01')
  })

  it('rejects a negative indicator value with file:line:col', () => {
    const providers = tempFile('providers.yaml', 'providers:\n  - id: zoho-mail\n    values:\n      cost.tco: -1e308\n')
    const result = mailops(['score', '--providers', providers])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain(`${providers}:4:17: providers[0].values.cost.tco: is -1e+308; it must be >= 0`)
  })

  it('refuses values so large that the scores overflow, instead of ranking a NaN first', () => {
    const providers = tempFile(
      'providers.yaml',
      'providers:\n  - id: zoho-mail\n    values: {cost.tco: 1.7e308}\n  - id: m365\n    values: {cost.tco: 1.7e308}\n',
    )
    for (const method of ['wsm', 'topsis']) {
      const result = mailops(['score', '--providers', providers, '--method', method, '--json'])
      expect(result.code, method).toBe(2)
      expect(result.json().error.message).toContain('indicator cost.tco: values up to 1.7e+308 are too large to compare')
    }
  })

  it('rescales dimension weights that sum to 1.0009, and says so on stderr and in the JSON', () => {
    const weights = tempFile('weights.yaml', 'dimensions: {coverage: 0.2009, network: 0.25, security: 0.25, extensibility: 0.15, cost: 0.15}\n')
    const result = mailops(['score', '--weights', weights, '--json'])
    expect(result.code, result.stderr).toBe(0)
    const report = result.json()
    expectValid(ScoreReport, report)
    const dimensions = Object.values(report.weights.dimensions) as number[]
    expect(dimensions.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12)
    expect(report.weights.dimensions.coverage).toBeCloseTo(0.2009 / 1.0009, 12)
    expect(report.warnings).toEqual(['dimension weights sum to 1.0009, not 1: each was divided by 1.0009 so that they do'])
    expect(result.stderr).toContain('Warning: dimension weights sum to 1.0009')
    // Off by more than 0.001 is a mistake, not a rounding slip.
    const wrong = tempFile('weights.yaml', 'dimensions: {coverage: 0.3, network: 0.25, security: 0.25, extensibility: 0.15, cost: 0.15}\n')
    expect(mailops(['score', '--weights', wrong]).code).toBe(2)
  })

  it('refuses a TCO report that costs only some of the scored providers (another scenario, another currency)', () => {
    const scenario = tempFile('scenario.yaml', 'currency: EUR\nfxRates: {USD: 0.92}\nproviders: [m365, zoho-mail]\n')
    const tco = mailops(['tco', '--scenario', scenario, '--json'])
    expect(tco.code, tco.stderr).toBe(0)
    const file = tempFile('tco.json', tco.stdout)
    const partial = mailops(['score', '--tco', file])
    expect(partial.code).toBe(2)
    expect(partial.stderr).toContain('the TCO report costs m365, zoho-mail (in EUR) but not google-workspace, tencent-exmail, alibaba-mail, self-hosted')
    // Scoring just the costed providers is consistent.
    const only = tempFile('providers.yaml', 'only: [m365, zoho-mail]\n')
    const scored = mailops(['score', '--tco', file, '--providers', only, '--json'])
    expect(scored.code, scored.stderr).toBe(0)
    expect(scored.json().ranking.every((r: {sources: Record<string, string>}) => r.sources['cost.tco'] === 'tco')).toBe(true)
  })
})
