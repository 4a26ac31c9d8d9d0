import {execFileSync} from 'node:child_process'
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {PALETTE} from '../../src/report/svg.js'
import {mailops, ROOT} from '../helpers/cli.js'
import {readPng} from '../helpers/png.js'
import {Terminal} from '../helpers/tmux.js'

const EPOCH = '1800000000'
const work = () => mkdtempSync(join(tmpdir(), 'mailops-assess-'))

describe('mailops assess on a terminal (tmux, the real binary and prompts)', () => {
  it('asks every question, lets an answer be changed, and its answers.yaml replays the same report', async () => {
    const dir = work()
    const out = join(dir, 'interactive')
    const terminal = new Terminal(`cd ${ROOT} && SOURCE_DATE_EPOCH=${EPOCH} node bin/run.js assess --no-probe --out-dir ${out}; echo "EXIT=$?"; sleep 60`)
    try {
      await terminal.answer('Company', 'ACME Trading', 'Enter')
      await terminal.answer('Industry', 'Down', 'Enter')
      await terminal.answer('Currency', 'Enter')
      await terminal.answer('Annual revenue in USD (e.g. 120M)', '80M', 'Enter')
      await terminal.answer('Mail seats', '600', 'Enter')
      await terminal.answer('Yearly seat growth', 'Enter')
      await terminal.answer('Target markets', 'Space', 'Down', 'Space', 'Enter')
      await terminal.answer('Compliance needs', 'Space', 'Enter')
      await terminal.answer('Current mail system', 'Enter')
      await terminal.answer('Candidate providers', 'Enter')
      await terminal.answer('Billing', 'Enter')
      await terminal.answer('Years to cost', 'Enter')
      await terminal.answer('Rollout start', '2027-01-01', 'Enter')
      await terminal.answer('Rollout plan', 'Enter')
      // The summary, then "change an answer": seats 600 → 650.
      await terminal.answer('Run the assessment with these answers?', 'Down', 'Enter')
      await terminal.answer('Which answer?', 'Down', 'Down', 'Down', 'Down', 'Enter')
      // Seats are the fifth answer: company, industry, currency, revenue, seats.
      await terminal.waitFor(/Mail seats.*\(600\)/)
      terminal.send('BSpace', 'BSpace', 'BSpace', '650', 'Enter')
      await terminal.waitFor(/│ Mail seats\s+│ 650/)
      terminal.send('Enter')
      const screen = await terminal.waitFor('EXIT=', 30_000)
      expect(screen).toContain('EXIT=0')
      // Progress while it computes, then the result: the recommendation, the TCO line, where the files went.
      expect(screen).toMatch(/\]\s+writing the report/)
      expect(screen).toMatch(/Recommended: [\s\S]*Cost: [\s\S]*report written to/)
    } finally {
      terminal.close()
    }
    const answers = readFileSync(join(out, 'answers.yaml'), 'utf8')
    expect(answers).toContain('company: ACME Trading')
    expect(answers).toContain('industry: manufacturing')
    expect(answers).toContain('seats: 650')
    expect(answers).toContain('revenue: 80000000')
    expect(answers).toMatch(/zones:\n\s+- apac\n\s+- europe/)
    expect(answers).toMatch(/compliance:\n\s+- gdpr/)

    const replay = join(dir, 'replay')
    const result = mailops(['assess', '--answers', join(out, 'answers.yaml'), '--no-probe', '--out-dir', replay], {SOURCE_DATE_EPOCH: EPOCH})
    expect(result.code, result.stderr).toBe(0)
    for (const file of ['report.md', 'report.html', 'inventory.yaml']) {
      expect(readFileSync(join(replay, file), 'utf8'), file).toBe(readFileSync(join(out, file), 'utf8'))
    }
  })
})

describe('the interview keeps every answer honest', () => {
  it('asks for the exchange rate again when the currency is changed at the review, and shows it', async () => {
    const dir = work()
    const out = join(dir, 'fx')
    const answers = join(dir, 'given.yaml')
    writeFileSync(answers, 'company: ACME\nindustry: fmcg\nrevenue: 120000000\nseats: 1500\nzones: [apac, europe]\nseatGrowth: 0.05\ncompliance: []\ncurrentSystem: other\ncandidates: [m365, self-hosted]\nbilling: annual\nyears: 3\nstart: 2027-01-01\nvariant: cross-border\n')
    const terminal = new Terminal(`cd ${ROOT} && SOURCE_DATE_EPOCH=${EPOCH} node bin/run.js assess --answers ${answers} --no-probe --out-dir ${out}; echo "EXIT=$?"; sleep 60`)
    try {
      // Only the currency was left out: USD by default; change it at the review to EUR.
      await terminal.answer('Currency', 'Enter')
      await terminal.answer('Run the assessment with these answers?', 'Down', 'Enter')
      await terminal.answer('Which answer?', 'Down', 'Down', 'Enter')
      await terminal.waitFor(/Currency.*\(USD\)/)
      terminal.send('EUR', 'Enter')
      await terminal.answer('Value of 1 USD in EUR', '0.92', 'Enter')
      await terminal.waitFor(/│ Currency\s+│ EUR \(1 USD = 0\.92 EUR\)/)
      // And once more to JPY: the EUR rate is not offered for yen.
      terminal.send('Down', 'Enter')
      await terminal.answer('Which answer?', 'Down', 'Down', 'Enter')
      terminal.send('BSpace', 'BSpace', 'BSpace', 'JPY', 'Enter')
      const screen = await terminal.waitFor('Value of 1 USD in JPY')
      expect(screen).not.toMatch(/Value of 1 USD in JPY.*0\.92/)
      terminal.send('150', 'Enter')
      await terminal.waitFor(/│ Currency\s+│ JPY \(1 USD = 150 JPY\)/)
      terminal.send('Enter')
      expect(await terminal.waitFor('EXIT=', 30_000)).toContain('EXIT=0')
    } finally {
      terminal.close()
    }
    const assessment = JSON.parse(readFileSync(join(out, 'assessment.json'), 'utf8'))
    expect(assessment.answers).toMatchObject({currency: 'JPY', fxRates: {USD: 150}})
    expect(assessment.tco.assumptions.fteAnnualCost).toBe(90_000 * 150)
  })

  it('Ctrl-C ends quietly with 130 and keeps the answers given, which replay from there', async () => {
    const dir = work()
    const out = join(dir, 'stopped')
    const terminal = new Terminal(`cd ${ROOT} && node bin/run.js assess --no-probe --out-dir ${out}; echo "EXIT=$?"; sleep 60`)
    let screen: string
    try {
      await terminal.answer('Company', 'ACME Trading', 'Enter')
      await terminal.answer('Industry', 'Down', 'Enter')
      await terminal.answer('Currency', 'Enter')
      await terminal.waitFor('Annual revenue')
      terminal.send('C-c')
      screen = await terminal.waitFor('EXIT=')
    } finally {
      terminal.close()
    }
    expect(screen).toContain('EXIT=130')
    expect(screen).not.toMatch(/bug|Error|at .*\.js:\d+/)
    const partial = `${out}.answers-partial.yaml`
    expect(screen).toContain(partial)
    const saved = readFileSync(partial, 'utf8')
    expect(saved).toContain('company: ACME Trading')
    expect(saved).toContain('industry: manufacturing')
    expect(saved).toContain('currency: USD')
    expect(saved).not.toContain('revenue')
  })
})

describe('report.html in headless Chromium', () => {
  const screenshot = (html: string, png: string) =>
    execFileSync(
      'chromium',
      [
        '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', `--user-data-dir=${work()}`, '--hide-scrollbars', '--window-size=1100,6400',
        `--screenshot=${png}`, `file://${html}`,
      ],
      {stdio: 'ignore', timeout: 60_000},
    )

  it.each(['en', 'zh-CN'])('renders its charts (%s)', (lang) => {
    const dir = work()
    const out = join(dir, 'report')
    // The consultant's client: euros, GDPR + PIPL, moving off Exchange; every section of the report is drawn.
    const result = mailops(['assess', '--company', 'ACME', '--industry', 'manufacturing', '--currency', 'EUR', '--fx-rate', '0.92', '--revenue', '120M', '--seats', '1500', '--zone', 'apac,europe', '--compliance', 'gdpr,pipl', '--current-system', 'exchange-onprem', '--no-probe', '--out-dir', out, '--lang', lang])
    expect(result.code, result.stderr).toBe(0)
    const png = join(dir, 'shot.png')
    screenshot(join(out, 'report.html'), png)
    const image = readPng(png)
    expect(image.width).toBe(1100)
    // The bars are drawn in the palette's colours: count them on screen.
    const hex = (c: string) => [1, 3, 5].map((i) => Number.parseInt(c.slice(i, i + 2), 16))
    const counts = PALETTE.slice(0, 6).map(() => 0)
    const targets = PALETTE.slice(0, 6).map(hex)
    for (let y = 0; y < image.height; y += 2) {
      for (let x = 0; x < image.width; x += 2) {
        const [r, g, b] = image.pixel(x, y)
        targets.forEach(([tr, tg, tb], k) => {
          if (Math.abs(r - tr) + Math.abs(g - tg) + Math.abs(b - tb) < 24) counts[k]++
        })
      }
    }
    // Six providers in the score and TCO charts, four phases in the Gantt: every colour shows.
    for (const [k, count] of counts.entries()) expect(count, `pixels of ${PALETTE[k]}`).toBeGreaterThan(200)
    // The page is in the language asked for, executive summary first.
    const html = readFileSync(join(out, 'report.html'), 'utf8')
    expect(html.indexOf(lang === 'en' ? '<h2>Executive summary</h2>' : '<h2>执行摘要</h2>')).toBeGreaterThan(0)
    expect(html).toContain(lang === 'en' ? '<figcaption>Cost per year</figcaption>' : '<figcaption>')
  })
})
