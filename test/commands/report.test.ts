import {readFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {mailops, tempFile} from '../helpers/cli.js'

const client = ['--company', 'ACME Werke', '--industry', 'manufacturing', '--currency', 'EUR', '--fx-rate', '0.92', '--revenue', '120M', '--seats', '1500', '--seat-growth', '5%', '--zone', 'apac,europe', '--current-system', 'exchange-onprem', '--start', '2027-01-01', '--no-probe']

function report(...flags: string[]) {
  const out = join(dirname(tempFile('x', '')), 'report')
  const result = mailops(['assess', ...client, ...flags, '--out-dir', out], {SOURCE_DATE_EPOCH: '1800000000'})
  expect(result.code, result.stderr).toBe(0)
  return {md: readFileSync(join(out, 'report.md'), 'utf8'), html: readFileSync(join(out, 'report.html'), 'utf8')}
}

const section = (md: string, title: string) => md.split(/^## /m).find((s) => s.startsWith(title)) ?? ''
const text = (html: string) => html.replaceAll(/<[^>]+>/g, ' ').replaceAll('&amp;', '&').replaceAll('&#39;', "'").replaceAll('&quot;', '"').replaceAll(/\s+/g, ' ')

describe('the report a client receives', () => {
  it('HTML says everything report.md says: every heading and every table cell (sensitivity, budget, RACI, NPV rate)', () => {
    const {md, html} = report('--compliance', 'gdpr,pipl')
    const headings = [...md.replace(/```mermaid[\s\S]*?```/, '').matchAll(/^#{1,3} (.*)$/gm)].map((m) => m[1])
    const htmlHeadings = [...html.matchAll(/<h[1-3]>([^<]*)<\/h[1-3]>/g)].map((m) => m[1].replaceAll('&amp;', '&').replaceAll('&#39;', "'"))
    expect(htmlHeadings).toEqual(headings)
    for (const wanted of ['Sensitivity', 'Transformation budget', 'Tasks and RACI', 'NPV at 8.0%', 'Assumptions', 'Risks', 'Executive summary']) expect(htmlHeadings.join('\n')).toContain(wanted)
    const page = text(html)
    for (const row of md.matchAll(/^\| (.*) \|$/gm)) {
      for (const cell of row[1].split(/ (?<!\\)\| /)) if (!/^-+:?$/.test(cell)) expect(page).toContain(cell.replaceAll('\\|', '|').replaceAll('<br>', ' ').trim())
    }
    // Numbers are right-aligned.
    expect(html).toMatch(/<td class="num">€\d/)
  })

  it('opens with the recommendation and why, and states its assumptions and risks', () => {
    const {md} = report('--compliance', 'gdpr,pipl')
    const summary = section(md, 'Executive summary')
    expect(summary).toMatch(/- Recommended: Microsoft 365 \(Exchange Online Plan 1\), score 0\.\d{3}, ahead of /)
    expect(summary).toMatch(/- Why: it leads on [A-Z][^;]+ \(\+0\.\d{3}\)/)
    expect(summary).toMatch(/- How stable: the recommendation holds while any one dimension weight moves by up to \d+\.\d points/)
    expect(summary).toContain('meets PIPL only with extra work')
    const assumptions = section(md, 'Assumptions')
    expect(assumptions).toContain('1 USD = 0.92 EUR')
    expect(assumptions).toContain('Microsoft 365 (Exchange Online Plan 1) 2025-04-01')
    expect(assumptions).toContain('staff €82,800 per engineer-year')
    expect(assumptions).toContain('growing 5.0% a year')
    const risks = section(md, 'Risks')
    expect(risks).toContain('Microsoft 365 (Exchange Online Plan 1): PIPL: No mainland-China region')
    expect(risks).toContain('Migration from Exchange on premises: 1500 mailboxes to move, €41,400 in year 0')
  })

  it('gives next steps that follow the recommendation', () => {
    const saas = section(report().md, 'Next steps')
    expect(saas).toContain('Ask Microsoft 365 (Exchange Online Plan 1) for a quote')
    expect(saas).toContain('Migrate mailboxes from Exchange on premises')
    expect(saas).not.toContain('mailops deploy')
    const own = section(report('--candidates', 'self-hosted').md, 'Next steps')
    expect(own).toContain('mailops deploy -i inventory.yaml')
    expect(own).not.toContain('for a quote')
  })

  it('draws each provider in one colour in every chart, on axes with ticks and units', () => {
    const {html} = report()
    const fills = (chart: string) => {
      const svg = html.match(new RegExp(`<figure id="chart-${chart}">([\\s\\S]*?)</figure>`))![1]
      return new Map([...svg.matchAll(/fill="(#[0-9a-f]{6})"><title>([^:<]+):/g)].map((m) => [m[2], m[1]]))
    }
    const scores = fills('scores')
    const costs = fills('tco')
    expect(scores.size).toBe(6)
    for (const [name, colour] of scores) expect(costs.get(name), name).toBe(colour)
    expect(new Set(scores.values()).size).toBe(6)
    const scoreChart = html.match(/<figure id="chart-scores">[\s\S]*?<\/figure>/)![0]
    for (const tick of ['0.00', '0.20', '0.40', '0.60', '0.80', '1.00']) expect(scoreChart).toContain(`>${tick}</text>`)
    expect(scoreChart).toContain('>score (0-1)</text>')
    expect(html.match(/<figure id="chart-tco">[\s\S]*?<\/figure>/)![0]).toContain('>EUR</text>')
    expect(html).toContain('<figcaption>Cost per year</figcaption>')
  })
})
