import {existsSync, readFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {Answers} from '../../src/config/schemas/answers.js'
import {AssessReport} from '../../src/config/schemas/reports.js'
import {catalog} from '../../src/i18n/index.js'
import {expectValid} from '../helpers/schema.js'
import {mailops, tempFile} from '../helpers/cli.js'

const EPOCH = {SOURCE_DATE_EPOCH: '1800000000'}
const flags = ['--company', 'ACME Trading', '--industry', 'fmcg', '--revenue', '80000000', '--seats', '600', '--zone', 'apac,europe', '--compliance', 'gdpr,pipl', '--start', '2027-01-01', '--no-probe']
const outDir = () => join(dirname(tempFile('x', '')), 'report')

describe('mailops assess without a terminal', () => {
  it('writes the report folder from flags, and the saved answers replay it exactly', () => {
    const out = outDir()
    const first = mailops(['assess', ...flags, '--out-dir', out, '--json'], EPOCH)
    expect(first.code, first.stderr).toBe(0)
    const result = first.json()
    expectValid(AssessReport, result)
    expectValid(Answers, result.answers)
    expect(result.files.map((f: string) => f.slice(out.length + 1))).toEqual(['report.md', 'report.html', 'answers.yaml', 'inventory.yaml', 'assessment.json'])
    expect(result.answers).toMatchObject({company: 'ACME Trading', zones: ['apac', 'europe'], currency: 'USD', years: 3, variant: 'cross-border'})
    const md = readFileSync(join(out, 'report.md'), 'utf8')
    expect(md).toContain('# Mail infrastructure assessment: ACME Trading')
    expect(md).toContain('Prepared on 2027-01-15')
    expect(md).toContain('```mermaid\ngantt')
    const inventory = readFileSync(join(out, 'inventory.yaml'), 'utf8')
    expect(inventory).toMatch(/name: core1[\s\S]*name: edge-apac[\s\S]*name: edge-europe/)

    const replay = outDir()
    const again = mailops(['assess', '--answers', join(out, 'answers.yaml'), '--no-probe', '--out-dir', replay], EPOCH)
    expect(again.code, again.stderr).toBe(0)
    for (const file of ['report.md', 'report.html', 'answers.yaml', 'inventory.yaml']) {
      expect(readFileSync(join(replay, file), 'utf8'), file).toBe(readFileSync(join(out, file), 'utf8'))
    }
  })

  it('shows each step while it computes, then a result summary: recommendation, deciding dimensions, TCO, where the files went', () => {
    const out = outDir()
    const result = mailops(['assess', ...flags, '--out-dir', out], EPOCH)
    expect(result.code, result.stderr).toBe(0)
    const steps = ['budget and TCO: 6 providers over 3 years', 'scoring 6 providers on 20 indicators, Monte Carlo 10,000 draws', 'laying out the cross-border trade rollout', 'writing the report']
    let at = 0
    for (const step of steps) {
      const found = result.stderr.indexOf(step, at)
      expect(found, step).toBeGreaterThan(-1)
      at = found
    }
    const summary = result.stderr.slice(result.stderr.indexOf('Result:'))
    expect(summary).toMatch(/^Result:\n {2}Recommended: [^\n]+, score 0\.\d{3}, ahead of /)
    expect(summary).toMatch(/\n {2}Why: it leads on [^\n]+\(\+0\.\d{3}\)/)
    expect(summary).toMatch(/\n {2}Cost: [^\n]+ per seat-year \(3-year NPV /)
    expect(summary).toContain(`report written to ${out}: report.md, report.html, answers.yaml, inventory.yaml, assessment.json`)
    // stdout stays the list of files.
    expect(result.stdout.trim().split('\n')).toEqual(['report.md', 'report.html', 'answers.yaml', 'inventory.yaml', 'assessment.json'].map((f) => join(out, f)))
    const zh = mailops(['assess', ...flags, '--out-dir', outDir(), '--lang', 'zh-CN'], EPOCH)
    expect(zh.stderr).toMatch(/结果：\n {2}推荐：/)
  })

  it('names the missing answers instead of prompting, and writes nothing', () => {
    const out = outDir()
    const result = mailops(['assess', '--company', 'ACME', '--no-probe', '--out-dir', out])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('answers missing: industry, revenue, seats, zones')
    expect(result.stderr).toContain('--industry --revenue --seats --zone')
    expect(existsSync(out)).toBe(false)
  })

  it('needs an exchange rate for a currency other than USD, and uses it', () => {
    const out = outDir()
    const missing = mailops(['assess', ...flags, '--currency', 'CNY', '--out-dir', out])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain('currency CNY needs the value of one USD in CNY')
    const file = tempFile('answers.yaml', 'currency: CNY\nfxRates: {USD: 7.2}\n')
    const result = mailops(['assess', ...flags, '--answers', file, '--out-dir', out, '--json'])
    expect(result.code, result.stderr).toBe(0)
    const assessment = JSON.parse(readFileSync(join(out, 'assessment.json'), 'utf8'))
    expect(assessment.tco.currency).toBe('CNY')
    // Microsoft 365: 600 seats × 4 USD × 12 × 7.2 in year 1.
    expect(assessment.tco.providers[0].years[1].licence).toBeCloseTo(600 * 4 * 12 * 7.2, 6)
  })

  it('rejects a bad answers file with file:line:col, and writes nothing', () => {
    const out = outDir()
    const file = tempFile('answers.yaml', 'company: ACME\nrevenue: -5\nzones: [apac, mars]\n')
    const result = mailops(['assess', '--answers', file, '--no-probe', '--out-dir', out])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain(`${file}:2:10: revenue: is -5; it must be > 0`)
    expect(result.stderr).toContain(`${file}:3:15: zones[1]: is "mars"; valid values: "apac", "europe", "americas"`)
    expect(existsSync(out)).toBe(false)
  })

  it('writes the whole report in Simplified Chinese with --lang zh-CN: no English label left', () => {
    const out = outDir()
    const result = mailops(['assess', ...flags, '--out-dir', out, '--lang', 'zh-CN'], EPOCH)
    expect(result.code, result.stderr).toBe(0)
    const en = catalog('en')
    const zh = catalog('zh-CN')
    for (const file of ['report.md', 'report.html']) {
      // Mermaid's own keywords (gantt, section, milestone) are syntax, not text.
      const text = readFileSync(join(out, file), 'utf8').replace(/```mermaid[\s\S]*?```/, '')
      expect(text).toContain('邮件基础设施评估：ACME Trading')
      // Every English message the report could print, in its fixed part (before any {placeholder}).
      for (const key of Object.keys(en) as Array<keyof typeof en>) {
        if (!/^(report|answer|zone|system|billing|tco|plan|score|latency|matrix)\./.test(key) || en[key] === zh[key]) continue
        const fixed = en[key].split('{')[0].trim()
        if (fixed.length >= 5) expect(text, `${file}: ${key}`).not.toContain(fixed)
      }
    }
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('<html lang="zh-CN">')
  })

  it('uses a saved latency report: the HTML gets the latency chart', () => {
    const latency = tempFile(
      'latency.json',
      JSON.stringify({
        measuredAt: '2026-11-22T10:00:00.000Z',
        targets: [
          {id: 'azure-westeurope', host: 'h', probe: 'tcp', cloud: 'azure', zone: 'europe', stats: {n: 5, min: 20, p50: 22, mean: 22, p95: 25, max: 25, stddev: 1, jitter: 1, loss: 0}},
          {id: 'aws-ap-southeast-1', host: 'h', probe: 'tcp', cloud: 'aws', zone: 'apac', stats: {n: 5, min: 80, p50: 85, mean: 85, p95: 90, max: 90, stddev: 2, jitter: 1, loss: 0}},
        ],
      }),
    )
    const out = outDir()
    const result = mailops(['assess', ...flags, '--latency', latency, '--out-dir', out], EPOCH)
    expect(result.code, result.stderr).toBe(0)
    const html = readFileSync(join(out, 'report.html'), 'utf8')
    expect(html).toContain('<figure id="chart-latency">')
    expect(html).toContain('azure-westeurope')
    // Self-contained: nothing loaded or linked from elsewhere (a source page named as text is fine).
    expect(html).not.toMatch(/<(script|link|img)\b|(src|href)=["']?https?:/)
  })
})
