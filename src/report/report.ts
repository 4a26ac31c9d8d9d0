import {stringify} from 'yaml'

import {DIMENSION_NAMES} from '../catalog/matrix.js'
import {DIMENSIONS} from '../config/constants.js'
import type {Assessment} from '../config/schemas/assessment.js'
import {ANSWER_KEYS, type AnswerKey} from '../config/constants.js'
import type {Answers} from '../config/schemas/answers.js'
import {t, type MessageKey} from '../i18n/index.js'
import {local} from '../i18n/text.js'
import {renderScore} from '../matrix/score-tables.js'
import {planToMermaid} from '../rollout/mermaid.js'
import {renderPlan} from '../rollout/plan-table.js'
import {renderTco} from '../tco/tco-tables.js'
import {money, percent, rate} from '../util/format.js'
import {tabular} from '../util/table.js'
import {barChart, ganttChart, groupedBarChart, PALETTE} from './svg.js'
import {escapeXml} from '../util/xml.js'
import {assumptions, executiveSummary, nextSteps, risks} from './summary.js'

const key = (k: string) => k as MessageKey

/** An answer as a person reads it, in the report's language. */
export function answerText(answers: Answers, k: AnswerKey): string {
  const value = answers[k]
  switch (k) {
    case 'industry':
      return t(key(`tco.industry.${value}`))
    case 'revenue':
      return money(answers.revenue, answers.currency)
    case 'currency':
      return answers.currency === 'USD' || answers.fxRates?.USD === undefined
        ? answers.currency
        : `${answers.currency} (${t('tco.rate', {from: 'USD', rate: rate(answers.fxRates.USD), currency: answers.currency})})`
    case 'seatGrowth':
      return percent(answers.seatGrowth, 0)
    case 'zones':
      return answers.zones.map((z) => t(key(`zone.${z}`))).join(', ')
    case 'compliance':
      return answers.compliance.length > 0 ? answers.compliance.map((c) => c.toUpperCase()).join(', ') : '-'
    case 'currentSystem':
      return t(key(`system.${value}`))
    case 'billing':
      return t(key(`billing.${value}`))
    case 'variant':
      return t(key(`plan.variant.${value}`))
    default:
      return Array.isArray(value) ? value.join(', ') : String(value)
  }
}

function latencyRows(a: Assessment): Array<Array<string | number>> {
  return (a.latency?.targets ?? []).map((r) => [r.id, r.zone ? t(key(`zone.${r.zone}`)) : '', r.probe, r.stats.p50 === null ? '-' : r.stats.p50.toFixed(1), `${r.stats.loss.toFixed(1)}%`])
}

const latencyHead = () => [t('latency.target'), t('latency.zone'), t('latency.probe'), 'p50 (ms)', t('latency.loss')]
const bullets = (lines: string[]) => lines.map((line) => `- ${line}`).join('\n')

interface Section {
  /** The chart shown under the section's title in the HTML page. */
  chart?: 'latency' | 'scores' | 'tco' | 'gantt'
  markdown: string
}

/** The report as sections of Markdown: report.md is their text, report.html their rendering plus charts. */
function sections(a: Assessment, meta: {date: string; version: string}): Section[] {
  const answers = tabular('md', [t('report.question'), t('report.answer')], ANSWER_KEYS.map((k) => [t(key(`answer.${k}`)), answerText(a.answers, k)]))
  const latency = a.latency ? tabular('md', latencyHead(), latencyRows(a), ['left', 'left', 'left', 'right', 'right']) : t('report.latencyNone')
  return [
    {markdown: `# ${t('report.title', {company: a.answers.company})}\n\n${t('report.generated', {date: meta.date, version: meta.version})}`},
    {markdown: `## ${t('report.executive')}\n\n${bullets(executiveSummary(a))}`},
    {markdown: `## ${t('report.answers')}\n\n${answers}`},
    {markdown: `## ${t('report.assumptions')}\n\n${bullets(assumptions(a))}`},
    {markdown: `## ${t('report.risks')}\n\n${bullets(risks(a))}`},
    {chart: a.latency ? 'latency' : undefined, markdown: `## ${t('report.latency')}\n\n${latency}`},
    {chart: 'scores', markdown: `## ${t('report.ranking')}\n\n${renderScore(a.score, 'md').replace(/^## /gm, '### ')}`},
    {chart: 'tco', markdown: `## ${t('report.tco')}\n\n${renderTco(a.tco, 'md').replace(/^## /gm, '### ')}`},
    {chart: 'gantt', markdown: `## ${t('report.plan')}\n\n${renderPlan(a.plan, 'md').replace(/^## /gm, '### ')}\n\n\`\`\`mermaid\n${planToMermaid(a.plan).trimEnd()}\n\`\`\``},
    {markdown: `## ${t('report.next')}\n\n${bullets(nextSteps(a))}`},
  ]
}

export function reportMarkdown(a: Assessment, meta: {date: string; version: string}): string {
  return sections(a, meta).map((s) => s.markdown).join('\n\n') + '\n'
}

/** One colour per provider, the same in every chart: by the order the candidates were given. */
export function providerColours(a: Assessment): Map<string, string> {
  return new Map(a.answers.candidates.map((id, i) => [id, PALETTE[i % PALETTE.length]]))
}

const CHART_TITLES = {latency: 'report.latencyChart', scores: 'report.scoresChart', tco: 'report.tcoChart', gantt: 'report.ganttChart'} as const

function charts(a: Assessment): Record<NonNullable<Section['chart']>, string> {
  const colour = providerColours(a)
  const zoneColour = (zone?: string) => PALETTE[['apac', 'europe', 'americas'].indexOf(zone ?? '') + 1] ?? PALETTE[0]
  return {
    latency: a.latency
      ? barChart(
          t('report.latencyChart'),
          a.latency.targets.filter((r) => r.stats.p50 !== null).map((r) => ({label: r.id, value: r.stats.p50!, colour: zoneColour(r.zone)})),
          'ms',
        )
      : '',
    scores: groupedBarChart(
      t('report.scoresChart'),
      DIMENSIONS.map((d) => local(DIMENSION_NAMES[d])),
      a.score.ranking.map((r) => ({name: r.name, colour: colour.get(r.id), values: DIMENSIONS.map((d) => r.dimensions[d])})),
      t('report.scoreUnit'),
    ),
    tco: groupedBarChart(
      t('report.tcoChart'),
      a.tco.providers[0].years.map((y) => t('tco.year', {year: y.year})),
      a.tco.providers.map((p) => ({name: p.name, colour: colour.get(p.id), values: p.years.map((y) => y.total)})),
      a.tco.currency,
    ),
    gantt: ganttChart(
      t('report.ganttChart'),
      a.plan.phases.flatMap((p) => p.tasks.map((task) => ({label: task.name, start: task.start, end: task.end, group: p.number, milestone: task.milestone}))),
      a.plan.start,
      a.plan.end,
    ),
  }
}

/** The same report as one self-contained HTML page: inline CSS and SVG charts, nothing fetched. */
export function reportHtml(a: Assessment, meta: {date: string; version: string; lang: string}): string {
  const figures = charts(a)
  const body = sections(a, meta)
    .map((s) => {
      // The Gantt chart draws what the Mermaid source describes: the page shows the chart.
      const html = markdownToHtml(s.markdown.replace(/```mermaid[\s\S]*?```/, ''))
      if (!s.chart || !figures[s.chart]) return `<section>${html}</section>`
      const figure = `<figure id="chart-${s.chart}"><figcaption>${escapeXml(t(CHART_TITLES[s.chart]))}</figcaption>${figures[s.chart]}</figure>`
      return `<section>${html.replace(/(<\/h[12]>)/, `$1${figure}`)}</section>`
    })
    .join('\n')
  return `<!doctype html>
<html lang="${escapeXml(meta.lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeXml(t('report.title', {company: a.answers.company}))}</title>
<style>
body{font-family:system-ui,'Noto Sans CJK SC',sans-serif;max-width:1000px;margin:2rem auto;padding:0 1rem;color:#111827;line-height:1.5}
h1{font-size:1.6rem}h2{font-size:1.25rem;border-bottom:1px solid #e5e7eb;padding-bottom:.25rem;margin-top:2rem}h3{font-size:1.05rem}
table{border-collapse:collapse;margin:.75rem 0;font-size:.85rem}th,td{border:1px solid #e5e7eb;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f4f6}figcaption{font-weight:600;margin-bottom:.25rem}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}figure{margin:1rem 0;overflow-x:auto}
</style>
</head>
<body>
${body}
</body>
</html>
`
}

/**
 * Markdown as this report writes it (headings, bullet lists, pipe tables with alignment, plain
 * paragraphs) turned into HTML, every text escaped: both files say the same by construction.
 */
export function markdownToHtml(markdown: string): string {
  const out: string[] = []
  const lines = markdown.split('\n')
  const run = (i: number, test: (line: string) => boolean) => {
    let j = i
    while (j < lines.length && test(lines[j])) j++
    return lines.slice(i, j)
  }
  const cells = (line: string) => line.slice(2, -2).split(/ (?<!\\)\| /).map((c) => c.replaceAll('\\|', '|').replaceAll('\\\\', '\\'))
  for (let i = 0; i < lines.length; ) {
    const line = lines[i]
    const heading = /^(#{1,3}) (.*)$/.exec(line)
    if (line.trim() === '') {
      i++
    } else if (heading) {
      out.push(`<h${heading[1].length}>${escapeXml(heading[2])}</h${heading[1].length}>`)
      i++
    } else if (line.startsWith('- ')) {
      const items = run(i, (l) => l.startsWith('- '))
      out.push(`<ul>${items.map((l) => `<li>${escapeXml(l.slice(2))}</li>`).join('')}</ul>`)
      i += items.length
    } else if (line.startsWith('|')) {
      const rows = run(i, (l) => l.startsWith('|'))
      const right = cells(rows[1] ?? '').map((c) => c.endsWith(':'))
      const cell = (tag: string) => (text: string, k: number) =>
        `<${tag}${right[k] ? ' class="num"' : ''}>${text.split('<br>').map(escapeXml).join('<br>')}</${tag}>`
      out.push(`<table><thead><tr>${cells(rows[0]).map(cell('th')).join('')}</tr></thead><tbody>${rows.slice(2).map((l) => `<tr>${cells(l).map(cell('td')).join('')}</tr>`).join('')}</tbody></table>`)
      i += rows.length
    } else {
      const text = run(i, (l) => l.trim() !== '' && !l.startsWith('|') && !l.startsWith('- ') && !/^#{1,3} /.test(l))
      out.push(`<p>${text.map(escapeXml).join('<br>')}</p>`)
      i += text.length
    }
  }
  return out.join('\n')
}

/** A deployable starting point: a core node and an edge per chosen zone, addresses to fill in. */
export function inventorySkeleton(answers: Answers): string {
  const hosts = [
    {name: 'core1', address: '192.0.2.10', role: 'core', region: answers.zones[0]},
    ...answers.zones.map((zone, i) => ({name: `edge-${zone}`, address: `192.0.2.${20 + i}`, role: 'edge', region: zone})),
  ]
  return (
    `# Inventory skeleton from mailops assess for ${answers.company}.\n` +
    '# Replace the documentation addresses (192.0.2.0/24) with your nodes and set the mail domain.\n' +
    stringify({defaults: {user: 'root', port: 22}, vars: {domain: 'example.com'}, hosts})
  )
}
