import {stringify} from 'yaml'

import {DIMENSION_NAMES, DIMENSIONS} from '../catalog/matrix.js'
import type {Assessment} from '../assess/run.js'
import {ANSWER_KEYS, type AnswerKey} from '../assess/answers.js'
import type {Answers} from '../config/schemas/answers.js'
import {t, type MessageKey} from '../i18n/index.js'
import {local} from '../i18n/text.js'
import {renderScore} from '../matrix/render.js'
import {planToMermaid} from '../plan/mermaid.js'
import {renderPlan} from '../plan/render.js'
import {renderTco} from '../tco/render.js'
import {money, percent, rate} from '../ui/format.js'
import {tabular} from '../ui/table.js'
import {barChart, escapeXml, ganttChart, groupedBarChart, PALETTE} from './svg.js'

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

function summaryLines(a: Assessment): string[] {
  const top = a.score.ranking[0]
  const cheapest = a.tco.providers.find((p) => p.id === a.tco.cheapestPerSeat)!
  const cur = (x: number) => money(x, a.tco.currency)
  return [
    t('report.recommendation', {name: top.name, score: top.score.toFixed(3), cheapest: cheapest.name, amount: cur(cheapest.perSeatYear)}),
    t('report.budgetLine', {low: cur(a.tco.budget.low.amount), high: cur(a.tco.budget.high.amount), mid: cur(a.tco.budget.mid.amount)}),
    t('report.planLine', {variant: t(key(`plan.variant.${a.plan.variant}`)), start: a.plan.start, end: a.plan.end}),
    a.answers.compliance.length > 0 ? t('report.compliance', {list: answerText(a.answers, 'compliance')}) : t('report.complianceNone'),
  ]
}

function latencyRows(a: Assessment): Array<Array<string | number>> {
  return (a.latency?.targets ?? []).map((r) => [r.id, r.zone ? t(key(`zone.${r.zone}`)) : '', r.probe, r.stats.p50 === null ? '-' : r.stats.p50.toFixed(1), `${r.stats.loss.toFixed(1)}%`])
}

const latencyHead = () => [t('latency.target'), t('latency.zone'), t('latency.probe'), 'p50 (ms)', t('latency.loss')]

export function reportMarkdown(a: Assessment, meta: {date: string; version: string}): string {
  const answers = tabular('md', [t('report.question'), t('report.answer')], ANSWER_KEYS.map((k) => [t(key(`answer.${k}`)), answerText(a.answers, k)]))
  const latency = a.latency ? tabular('md', latencyHead(), latencyRows(a)) : t('report.latencyNone')
  return [
    `# ${t('report.title', {company: a.answers.company})}`,
    '',
    t('report.generated', {date: meta.date, version: meta.version}),
    '',
    `## ${t('report.summary')}`,
    '',
    ...summaryLines(a).map((line) => `- ${line}`),
    '',
    `## ${t('report.answers')}`,
    '',
    answers,
    '',
    `## ${t('report.latency')}`,
    '',
    latency,
    '',
    renderScore(a.score, 'md').replace(/^## /gm, '### ').replace(/^### /, `## ${t('report.ranking')}\n\n### `),
    '',
    `## ${t('report.tco')}`,
    '',
    renderTco(a.tco, 'md').replace(/^## /gm, '### '),
    '',
    `## ${t('report.plan')}`,
    '',
    renderPlan(a.plan, 'md').replace(/^## /gm, '### '),
    '',
    '```mermaid',
    planToMermaid(a.plan).trimEnd(),
    '```',
    '',
    `## ${t('report.next')}`,
    '',
    `- ${t('report.nextInventory')}`,
    `- ${t('report.nextReplay')}`,
    '',
  ].join('\n')
}

function htmlTable(head: string[], rows: Array<Array<string | number>>): string {
  const cell = (tag: string) => (value: string | number) => `<${tag}>${escapeXml(String(value))}</${tag}>`
  return `<table><thead><tr>${head.map(cell('th')).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map(cell('td')).join('')}</tr>`).join('')}</tbody></table>`
}

/** The same report as one self-contained HTML page: inline CSS and SVG charts, nothing fetched. */
export function reportHtml(a: Assessment, meta: {date: string; version: string; lang: string}): string {
  const cur = (x: number) => money(x, a.tco.currency)
  const charts = [
    a.latency
      ? barChart(
          t('report.latencyChart'),
          a.latency.targets.filter((r) => r.stats.p50 !== null).map((r) => ({label: r.id, value: r.stats.p50!, colour: PALETTE[['apac', 'europe', 'americas'].indexOf(r.zone ?? '') + 1] ?? PALETTE[0]})),
          'ms',
        )
      : '',
    groupedBarChart(
      t('report.scoresChart'),
      DIMENSIONS.map((d) => local(DIMENSION_NAMES[d])),
      a.score.ranking.map((r) => ({name: r.name, values: DIMENSIONS.map((d) => r.dimensions[d])})),
      '',
    ),
    groupedBarChart(
      t('report.tcoChart'),
      a.tco.providers[0].years.map((y) => t('tco.year', {year: y.year})),
      a.tco.providers.map((p) => ({name: p.name, values: p.years.map((y) => y.total)})),
      a.tco.currency,
    ),
    ganttChart(
      t('report.ganttChart'),
      a.plan.phases.flatMap((p) => p.tasks.map((task) => ({label: task.name, start: task.start, end: task.end, group: p.number, milestone: task.milestone}))),
      a.plan.start,
      a.plan.end,
    ),
  ]
  const section = (title: string, body: string) => `<section><h2>${escapeXml(title)}</h2>${body}</section>`
  const ranking = htmlTable(
    [t('score.rank'), t('score.provider'), t('score.score'), ...DIMENSIONS.map((d) => local(DIMENSION_NAMES[d]))],
    a.score.ranking.map((r) => [r.rank, r.name, r.score.toFixed(4), ...DIMENSIONS.map((d) => r.dimensions[d].toFixed(3))]),
  )
  const tco = htmlTable(
    [t('score.provider'), ...a.tco.providers[0].years.map((y) => t('tco.year', {year: y.year})), t('tco.total'), t('tco.npv'), t('tco.perSeatYear')],
    a.tco.providers.map((p) => [p.name, ...p.years.map((y) => cur(y.total)), cur(p.total), cur(p.npv), cur(p.perSeatYear)]),
  )
  const phases = htmlTable(
    [t('plan.phase'), t('plan.start'), t('plan.end'), t('plan.budget')],
    a.plan.phases.map((p) => [`${p.number}. ${p.name}`, p.start, p.end, cur(p.budget)]),
  )
  return `<!doctype html>
<html lang="${escapeXml(meta.lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeXml(t('report.title', {company: a.answers.company}))}</title>
<style>
body{font-family:system-ui,'Noto Sans CJK SC',sans-serif;max-width:1000px;margin:2rem auto;padding:0 1rem;color:#111827;line-height:1.5}
h1{font-size:1.6rem}h2{font-size:1.25rem;border-bottom:1px solid #e5e7eb;padding-bottom:.25rem;margin-top:2rem}
table{border-collapse:collapse;margin:.75rem 0;font-size:.9rem}th,td{border:1px solid #e5e7eb;padding:.25rem .5rem;text-align:left}
th{background:#f3f4f6}figure{margin:1rem 0;overflow-x:auto}.muted{color:#6b7280}
</style>
</head>
<body>
<h1>${escapeXml(t('report.title', {company: a.answers.company}))}</h1>
<p class="muted">${escapeXml(t('report.generated', {date: meta.date, version: meta.version}))}</p>
${section(t('report.summary'), `<ul>${summaryLines(a).map((l) => `<li>${escapeXml(l)}</li>`).join('')}</ul>`)}
${section(t('report.answers'), htmlTable([t('report.question'), t('report.answer')], ANSWER_KEYS.map((k) => [t(key(`answer.${k}`)), answerText(a.answers, k)])))}
${section(t('report.latency'), a.latency ? `<figure id="chart-latency">${charts[0]}</figure>${htmlTable(latencyHead(), latencyRows(a))}` : `<p>${escapeXml(t('report.latencyNone'))}</p>`)}
${section(t('report.ranking'), `<figure id="chart-scores">${charts[1]}</figure>${ranking}`)}
${section(t('report.tco'), `<figure id="chart-tco">${charts[2]}</figure>${tco}`)}
${section(t('report.plan'), `<figure id="chart-gantt">${charts[3]}</figure>${phases}`)}
${section(t('report.next'), `<ul><li>${escapeXml(t('report.nextInventory'))}</li><li>${escapeXml(t('report.nextReplay'))}</li></ul>`)}
</body>
</html>
`
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
