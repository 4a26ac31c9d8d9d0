import {describe, expect, it} from 'vitest'

import {INDICATORS} from '../../src/catalog/matrix.js'
import {ScoreReport} from '../../src/config/schemas/score.js'
import {TcoReport} from '../../src/config/schemas/tco.js'
import {mailops, tempFile} from '../helpers/cli.js'
import {expectValid} from '../helpers/schema.js'

describe('mailops score', () => {
  it('ranks the bundled catalog on defaults, as a table and as schema-valid JSON', () => {
    const table = mailops(['score'])
    expect(table.code).toBe(0)
    expect(table.stdout).toContain('Provider ranking (weighted sum, min-max normalised)')
    expect(table.stdout).toContain('Sensitivity')

    const result = mailops(['score', '--json'])
    expect(result.code).toBe(0)
    const report = result.json()
    expectValid(ScoreReport, report)
    expect(report.ranking).toHaveLength(6)
    expect(report.ranking.map((r: {rank: number}) => r.rank)).toEqual([1, 2, 3, 4, 5, 6])
    const scores = report.ranking.map((r: {score: number}) => r.score)
    expect([...scores].sort((a, b) => b - a)).toEqual(scores)
    expect(Object.keys(report.weights.indicators)).toEqual(INDICATORS.map((i) => i.id))
    expect(report.sensitivity.dimensions).toHaveLength(5)
    expect(report.sensitivity.indicators).toHaveLength(20)
  })

  it('takes AHP weights from a file and reports their consistency', () => {
    const weights = tempFile(
      'weights.yaml',
      [
        'ahp:',
        '  randomIndex: saaty',
        '  matrix:',
        '    - [1, 1/2, 1/2, 2, 1]',
        '    - [2, 1, 1, 3, 2]',
        '    - [2, 1, 1, 3, 2]',
        '    - [1/2, 1/3, 1/3, 1, 1/2]',
        '    - [1, 1/2, 1/2, 2, 1]',
      ].join('\n'),
    )
    const report = mailops(['score', '--weights', weights, '--method', 'topsis', '--json']).json()
    expectValid(ScoreReport, report)
    expect(report.method).toBe('topsis')
    expect(report.weights.source).toBe('ahp')
    // numpy.linalg.eig on the same matrix: 0.157772, 0.297834, 0.297834, 0.088788, 0.157772; CR 0.00296
    expect(report.weights.dimensions.network).toBeCloseTo(0.297834, 4)
    expect(report.weights.dimensions.extensibility).toBeCloseTo(0.088788, 4)
    expect(report.weights.ahp.consistencyRatio).toBeCloseTo(0.00296, 4)
  })

  it('overrides catalog values from a providers file and can restrict the field', () => {
    const providers = tempFile(
      'providers.yaml',
      ['providers:', '  - id: zoho-mail', '    values:', '      network.latency: 1', 'only: [zoho-mail, tencent-exmail]'].join('\n'),
    )
    const report = mailops(['score', '--providers', providers, '--json']).json()
    expect(report.ranking.map((r: {id: string}) => r.id).sort()).toEqual(['tencent-exmail', 'zoho-mail'])
    expect(report.ranking.find((r: {id: string}) => r.id === 'zoho-mail').values['network.latency']).toBe(1)
  })

  it('uses measured latency for network quality, so the network ranking follows the measurement', () => {
    const target = (cloud: string, zone: string, p50: number, loss: number) => ({
      id: `${cloud}-${zone}`,
      host: '127.0.0.1',
      cloud,
      zone,
      probe: 'tcp',
      stats: {n: 10, min: p50, p50, mean: p50, p95: p50, max: p50, stddev: 0, jitter: 0, loss},
    })
    // Azure (Microsoft 365) measured slow and lossy, Alibaba fast: their network scores swap.
    const latency = tempFile(
      'latency.json',
      JSON.stringify({
        measuredAt: '2026-11-22T10:00:00Z',
        targets: [
          target('azure', 'apac', 400, 20),
          target('azure', 'europe', 300, 10),
          target('alibaba', 'apac', 5, 0),
          target('alibaba', 'europe', 15, 0),
        ],
      }),
    )
    const before = mailops(['score', '--json']).json()
    const after = mailops(['score', '--latency', latency, '--json']).json()
    const network = (report: {ranking: Array<{id: string; dimensions: {network: number}}>}, id: string) =>
      report.ranking.find((r) => r.id === id)!.dimensions.network
    expect(network(before, 'm365')).toBeGreaterThan(network(before, 'alibaba-mail'))
    expect(network(after, 'm365')).toBeLessThan(network(after, 'alibaba-mail'))
    const m365 = after.ranking.find((r: {id: string}) => r.id === 'm365')
    expect(m365.values['network.latency']).toBe(350)
    expect(m365.values['network.loss']).toBe(15)
    expect(m365.sources).toEqual({'network.latency': 'measured', 'network.loss': 'measured'})
    expect(mailops(['score', '--latency', latency]).stdout).toContain('* uses measured latency')
  })

  it('uses computed TCO per seat-year for the cost indicator', () => {
    const scenario = tempFile('scenario.yaml', 'seats: 20000\nseatGrowth: 0\n')
    const tco = mailops(['tco', '--scenario', scenario, '--json'])
    expect(tco.code).toBe(0)
    expectValid(TcoReport, tco.json())
    const tcoFile = tempFile('tco.json', tco.stdout)
    const report = mailops(['score', '--tco', tcoFile, '--json']).json()
    for (const row of report.ranking) {
      const costed = tco.json().providers.find((p: {id: string}) => p.id === row.id)
      expect(row.values['cost.tco']).toBeCloseTo(costed.perSeatYear, 9)
      expect(row.sources['cost.tco']).toBe('tco')
    }
  })

  it('renders Markdown and Simplified Chinese', () => {
    const md = mailops(['score', '--format', 'md'])
    expect(md.stdout).toMatch(/^## Provider ranking/m)
    expect(md.stdout).toMatch(/^\| # \| Provider \| Score \|/m)
    const zh = mailops(['score', '--lang', 'zh-CN'])
    expect(zh.stdout).toContain('服务商排名')
    expect(zh.stdout).toContain('网络质量')
    expect(zh.stdout).not.toMatch(/Provider|Score|Sensitivity/)
  })
})

describe('mailops matrix', () => {
  it('lists all 20 indicators with unit, direction and weight', () => {
    const report = mailops(['matrix', '--json']).json()
    expect(report.indicators).toHaveLength(20)
    const text = mailops(['matrix', '--format', 'md']).stdout
    for (const indicator of INDICATORS) expect(text).toContain(`| ${indicator.id} |`)
  })
})

describe('docs/matrix.md', () => {
  it('is what `mailops matrix --format md` prints, so the reference cannot drift', async () => {
    const {readFileSync} = await import('node:fs')
    const {join} = await import('node:path')
    const {ROOT} = await import('../helpers/cli.js')
    const page = readFileSync(join(ROOT, 'docs', 'matrix.md'), 'utf8')
    expect(page).toContain(mailops(['matrix', '--format', 'md']).stdout)
  })
})
