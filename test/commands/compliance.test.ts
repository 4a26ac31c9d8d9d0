import {dirname, join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {ScoreReport} from '../../src/config/schemas/score.js'
import {mailops, tempFile} from '../helpers/cli.js'
import {expectValid} from '../helpers/schema.js'

const ids = (report: {ranking: Array<{id: string}>}) => report.ranking.map((r) => r.id)

describe('compliance acts on the ranking', () => {
  it('does not rank a provider that cannot meet a required regime, and says why', () => {
    const result = mailops(['score', '--compliance', 'mlps', '--json'])
    expect(result.code, result.stderr).toBe(0)
    const report = result.json()
    expectValid(ScoreReport, report)
    expect(ids(report).sort()).toEqual(['alibaba-mail', 'self-hosted', 'tencent-exmail'])
    expect(report.compliance.excluded.map((e: {id: string}) => e.id)).toEqual(['m365', 'google-workspace', 'zoho-mail'])
    expect(report.compliance.excluded[0].reasons[0]).toMatchObject({regime: 'mlps', reason: expect.stringContaining('Not filed under China')})
    expect(report.compliance.asOf).toBe('2025-06-01')
    // Each candidate's standing carries its own date and the page it was read from.
    expect(report.compliance.standings.map((c: {id: string; asOf: string; source: string}) => [c.id, c.asOf, c.source.split('/')[2] ?? c.source])).toEqual([
      ['m365', '2025-06-01', 'learn.microsoft.com'],
      ['google-workspace', '2025-06-01', 'cloud.google.com'],
      ['zoho-mail', '2025-06-01', 'www.zoho.com'],
      ['tencent-exmail', '2025-06-01', 'exmail.qq.com'],
      ['alibaba-mail', '2025-06-01', 'www.alibabacloud.com'],
      ['self-hosted', '2025-06-01', 'mailops: the standing depends on where and how you run the nodes'],
    ])
    const text = mailops(['score', '--compliance', 'mlps']).stdout
    expect(text).toContain('Not ranked: cannot meet a required regime')
    expect(text).toContain('Compliance standing as of 2025-06-01')
    expect(text).toContain('Where each compliance standing was read')
    expect(text).toContain('│ 2025-06-01 │ https://learn.microsoft.com/compliance/regulatory/offering-home │')
  })

  it('ranks a provider that meets a regime only with extra work, flagged with the reason (PIPL data residency)', () => {
    const report = mailops(['score', '--compliance', 'gdpr,pipl', '--json']).json()
    expectValid(ScoreReport, report)
    expect(report.ranking).toHaveLength(6)
    const m365 = report.ranking.find((r: {id: string}) => r.id === 'm365')
    expect(m365.compliance).toEqual([{regime: 'pipl', status: 'gap', reason: expect.stringContaining('personal data of staff in China leaves China')}])
    const tencent = report.ranking.find((r: {id: string}) => r.id === 'tencent-exmail')
    expect(tencent.compliance.map((g: {regime: string}) => g.regime)).toEqual(['gdpr'])
    expect(mailops(['score', '--compliance', 'gdpr,pipl', '--format', 'md']).stdout).toMatch(/\| Microsoft 365 \(Exchange Online Plan 1\) ! \|/)
  })

  it('changes the recommendation of an assessment', () => {
    const base = ['assess', '--company', 'ACME', '--industry', 'manufacturing', '--revenue', '120M', '--seats', '1500', '--zone', 'apac,europe', '--no-probe', '--json']
    const out = () => join(dirname(tempFile('x', '')), 'report')
    const open = mailops([...base, '--out-dir', out()]).json()
    const china = mailops([...base, '--compliance', 'mlps', '--out-dir', out()]).json()
    expect(open.recommended).toBe('m365')
    expect(china.recommended).not.toBe('m365')
    expect(['alibaba-mail', 'self-hosted', 'tencent-exmail']).toContain(china.recommended)
  })

  it("takes a provider's standing from a providers file (the catalog is dated data), and fails when nobody is left", () => {
    const providers = tempFile('providers.yaml', 'providers:\n  - id: m365\n    compliance:\n      regimes:\n        mlps: {status: yes}\nonly: [m365, google-workspace]\n')
    const report = mailops(['score', '--providers', providers, '--compliance', 'mlps', '--json']).json()
    expect(ids(report)).toEqual(['m365'])
    const none = tempFile('providers.yaml', 'only: [m365, google-workspace]\n')
    const result = mailops(['score', '--providers', none, '--compliance', 'mlps'])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('no candidate can meet MLPS: m365: MLPS; google-workspace: MLPS')
  })
})

