/** Small self-contained SVG charts for the report: no script, no external asset. */

import {escapeXml} from '../util/xml.js'

export const PALETTE = ['#2563eb', '#16a34a', '#ea580c', '#9333ea', '#0891b2', '#dc2626', '#ca8a04', '#4b5563']

const FONT = `font-family="system-ui, 'Noto Sans CJK SC', sans-serif" font-size="12"`

/** Round tick values from 0 to at least `max`: 1, 2 or 5 times a power of ten, about five steps. */
export function ticks(max: number): number[] {
  if (!(max > 0)) return [0, 1]
  const raw = max / 5
  const power = 10 ** Math.floor(Math.log10(raw))
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw)!
  return Array.from({length: Math.ceil(max / step - 1e-9) + 1}, (_, i) => i * step)
}
const format = (x: number) => (x >= 100 ? Math.round(x).toLocaleString('en-US') : x.toFixed(x >= 10 ? 1 : 2))

/** Horizontal bars, one per row, scaled to the largest value. */
export function barChart(title: string, rows: Array<{label: string; value: number; colour?: string}>, unit: string): string {
  const rowHeight = 22
  const labelWidth = 240
  const barWidth = 380
  const height = 30 + rows.length * rowHeight + 10
  const scale = ticks(Math.max(...rows.map((r) => r.value), 1e-9))
  const max = scale.at(-1)!
  const bottom = 30 + rows.length * rowHeight
  const axis =
    scale
      .map((v) => {
        const x = labelWidth + (v / max) * barWidth
        return `<line x1="${x.toFixed(1)}" y1="26" x2="${x.toFixed(1)}" y2="${bottom}" stroke="#e5e7eb"/><text x="${x.toFixed(1)}" y="${bottom + 14}" text-anchor="middle">${format(v)}</text>`
      })
      .join('') + `<text x="${labelWidth + barWidth + 8}" y="${bottom + 14}">${escapeXml(unit)}</text>`
  const bars = rows
    .map((r, i) => {
      const y = 30 + i * rowHeight
      const w = Math.max(1, (r.value / max) * barWidth)
      return (
        `<text x="${labelWidth - 8}" y="${y + 15}" text-anchor="end">${escapeXml(clip(r.label, 34))}</text>` +
        `<rect class="bar" x="${labelWidth}" y="${y + 3}" width="${w.toFixed(1)}" height="${rowHeight - 6}" fill="${r.colour ?? PALETTE[0]}"/>` +
        `<text x="${labelWidth + w + 6}" y="${y + 15}">${format(r.value)} ${escapeXml(unit)}</text>`
      )
    })
    .join('')
  return svg(title, labelWidth + barWidth + 120, height + 20, axis + bars)
}

/** Vertical bars grouped by category, one colour per series, with a legend. */
export function groupedBarChart(title: string, categories: string[], series: Array<{name: string; values: number[]; colour?: string}>, unit: string): string {
  const plotHeight = 200
  const groupWidth = Math.max(130, series.length * 14 + 20)
  const left = 70
  const width = left + categories.length * groupWidth + 20
  const height = 30 + plotHeight + 40 + series.length * 18
  const scale = ticks(Math.max(...series.flatMap((s) => s.values), 1e-9))
  const max = scale.at(-1)!
  const colourOf = (k: number) => series[k].colour ?? PALETTE[k % PALETTE.length]
  const barWidth = (groupWidth - 20) / series.length
  const bars = categories
    .map((category, c) => {
      const x0 = left + c * groupWidth + 10
      const group = series
        .map((s, k) => {
          const h = (s.values[c] / max) * plotHeight
          return `<rect class="bar" x="${(x0 + k * barWidth).toFixed(1)}" y="${(30 + plotHeight - h).toFixed(1)}" width="${(barWidth - 1).toFixed(1)}" height="${Math.max(h, 0.5).toFixed(1)}" fill="${colourOf(k)}"><title>${escapeXml(`${s.name}: ${format(s.values[c])} ${unit}`)}</title></rect>`
        })
        .join('')
      return group + `<text x="${x0 + (groupWidth - 20) / 2}" y="${30 + plotHeight + 16}" text-anchor="middle">${escapeXml(category)}</text>`
    })
    .join('')
  const axis =
    scale
      .map((v) => {
        const y = 30 + plotHeight - (v / max) * plotHeight
        return `<line x1="${left}" y1="${y.toFixed(1)}" x2="${width - 10}" y2="${y.toFixed(1)}" stroke="${v === 0 ? '#9ca3af' : '#e5e7eb'}"/><text x="${left - 6}" y="${(y + 4).toFixed(1)}" text-anchor="end">${format(v)}</text>`
      })
      .join('') + `<text x="${left - 6}" y="20" text-anchor="end">${escapeXml(unit)}</text>`
  const legend = series
    .map((s, k) => {
      const x = left
      const y = 30 + plotHeight + 38 + k * 18
      return `<rect x="${x}" y="${y - 10}" width="10" height="10" fill="${colourOf(k)}"/><text x="${x + 14}" y="${y}">${escapeXml(s.name)}</text>`
    })
    .join('')
  return svg(title, Math.max(width, left + 660), height, axis + bars + legend)
}

export interface GanttRow {
  label: string
  start: string
  end: string
  group: number
  milestone: boolean
}

/** A Gantt chart over calendar dates (ISO), one row per task, coloured by phase. */
export function ganttChart(title: string, rows: GanttRow[], from: string, to: string): string {
  const rowHeight = 20
  const labelWidth = 340
  const plotWidth = 520
  const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 86_400_000
  const span = day(to) + 1 - day(from)
  const x = (iso: string) => labelWidth + ((day(iso) - day(from)) / span) * plotWidth
  const height = 40 + rows.length * rowHeight + 10
  const body = rows
    .map((r, i) => {
      const y = 40 + i * rowHeight
      const colour = PALETTE[(r.group - 1) % PALETTE.length]
      const label = `<text x="${labelWidth - 8}" y="${y + 14}" text-anchor="end">${escapeXml(clip(r.label, 44))}</text>`
      if (r.milestone) {
        const cx = x(r.end) + plotWidth / span
        return label + `<path class="bar" d="M ${cx.toFixed(1)} ${y + 3} l 7 7 l -7 7 l -7 -7 z" fill="${colour}"/>`
      }
      const w = x(r.end) + plotWidth / span - x(r.start)
      return label + `<rect class="bar" x="${x(r.start).toFixed(1)}" y="${y + 3}" width="${w.toFixed(1)}" height="${rowHeight - 6}" rx="3" fill="${colour}"/>`
    })
    .join('')
  const axis = `<text x="${labelWidth}" y="30">${escapeXml(from)}</text><text x="${labelWidth + plotWidth}" y="30" text-anchor="end">${escapeXml(to)}</text>` +
    `<line x1="${labelWidth}" y1="34" x2="${labelWidth + plotWidth}" y2="34" stroke="#9ca3af"/>`
  return svg(title, labelWidth + plotWidth + 30, height, axis + body)
}

/** Long labels end in an ellipsis (the full text is in the tables beside each chart). */
function clip(text: string, max: number): string {
  return [...text].length > max ? `${[...text].slice(0, max - 1).join('')}…` : text
}

function svg(title: string, width: number, height: number, body: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${escapeXml(title)}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" ${FONT} fill="#111827"><title>${escapeXml(title)}</title>${body}</svg>`
}
