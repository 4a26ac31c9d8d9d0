import type {LatencyReport, TargetResult} from '../config/schemas/latency.js'
import {t} from '../i18n/index.js'
import type {Target} from './targets.js'
import {tabular, useColour} from '../util/table.js'

/** Good / fair / poor for mail: ≤ 50 ms and < 1% loss good, ≤ 150 ms and < 5% fair. */
export function grade(stats: TargetResult['stats']): 'good' | 'fair' | 'poor' {
  if (stats.p50 === null) return 'poor'
  if (stats.p50 <= 50 && stats.loss < 1) return 'good'
  if (stats.p50 <= 150 && stats.loss < 5) return 'fair'
  return 'poor'
}

const COLOURS = {good: '\u001B[32m', fair: '\u001B[33m', poor: '\u001B[31m'}

function paint(text: string, quality: keyof typeof COLOURS): string {
  return useColour() ? `${COLOURS[quality]}${text}\u001B[39m` : text
}

const ms = (x: number | null) => (x === null ? '-' : x.toFixed(2))

export function renderLatency(report: LatencyReport): string {
  const results = report.targets
  const several = new Set(results.map((r) => r.from)).size > 1
  const table = tabular(
    'table',
    [...(several ? [t('latency.from')] : []), t('latency.target'), t('latency.probe'), t('latency.zone'), 'n', 'min', 'p50', 'mean', 'p95', 'max', 'stddev', t('latency.jitter'), t('latency.loss'), ''],
    results.map((r) => [
      ...(several ? [r.from ?? 'local'] : []),
      r.port === undefined || r.id.endsWith(`:${r.port}`) ? r.id : `${r.id}:${r.port}`,
      r.probe,
      r.zone ?? '',
      `${r.stats.n}/${r.stats.sent ?? r.stats.n}`,
      ms(r.stats.min),
      paint(ms(r.stats.p50), grade(r.stats)),
      ms(r.stats.mean),
      ms(r.stats.p95),
      ms(r.stats.max),
      ms(r.stats.stddev),
      ms(r.stats.jitter),
      `${r.stats.loss.toFixed(1)}%`,
      paint(t(`latency.${grade(r.stats)}`), grade(r.stats)),
    ]),
    [...(several ? ['left' as const] : []), 'left', 'left', 'left', ...Array.from({length: 10}, () => 'right' as const), 'left'],
  )
  const parts = [table]
  const errors = results.filter((r) => r.error)
  if (errors.length > 0) parts.push(errors.map((r) => `! ${r.from === 'local' ? '' : `${r.from} → `}${r.id}: ${r.error}`).join('\n'))
  const smtp = results.filter((r) => r.phases && Object.keys(r.phases).length > 0)
  if (smtp.length > 0) {
    const phases = ['connect', 'banner', 'ehlo', 'starttls', 'tls', 'quit']
    parts.push(
      t('latency.phasesTitle'),
      tabular('table', [t('latency.target'), ...phases], smtp.map((r) => [r.id, ...phases.map((p) => ms(r.phases![p]?.p50 ?? null))])),
    )
  }
  if (report.zones && report.zones.length > 0) {
    parts.push(
      t('latency.zonesTitle'),
      tabular('table', [...(several ? [t('latency.from')] : []), t('latency.zone'), t('latency.probe'), t('latency.best'), 'p50'], report.zones.map((z) => [...(several ? [z.from] : []), z.zone, z.probe, z.best, ms(z.p50)])),
    )
  }
  if (several) parts.push(t('latency.matrixTitle'), renderMatrix(results))
  return parts.join('\n\n')
}

/** Rows are vantage points, columns targets, cells median RTT. */
export function renderMatrix(results: readonly TargetResult[]): string {
  const froms = [...new Set(results.map((r) => r.from ?? 'local'))]
  const columns = [...new Set(results.map((r) => `${r.id} (${r.probe})`))]
  const cell = (from: string, column: string) => {
    const r = results.find((x) => (x.from ?? 'local') === from && `${x.id} (${x.probe})` === column)
    return r ? paint(ms(r.stats.p50), grade(r.stats)) : ''
  }
  return tabular('table', ['', ...columns], froms.map((from) => [from, ...columns.map((c) => cell(from, c))]))
}

const CSV_COLUMNS = ['from', 'id', 'host', 'port', 'probe', 'cloud', 'region', 'zone', 'sent', 'n', 'min', 'p50', 'mean', 'p95', 'max', 'stddev', 'jitter', 'masd', 'loss', 'dnsMs', 'error'] as const

function csvCell(value: unknown): string {
  if (value === undefined || value === null) return ''
  const text = String(value)
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

/** RFC 4180 CSV, one row per target and vantage point. */
export function latencyCsv(report: LatencyReport): string {
  const rows = report.targets.map((r) => {
    const flat: Record<string, unknown> = {...r, ...r.stats}
    return CSV_COLUMNS.map((c) => csvCell(flat[c])).join(',')
  })
  return [CSV_COLUMNS.join(','), ...rows].join('\r\n') + '\r\n'
}

/** `latency --list`: the targets a run would probe. */
export function targetsTable(targets: readonly Target[]): string {
  return tabular('table', ['id', 'host', 'port', 'probe', 'zone'], targets.map((x) => [x.id, x.host, x.port ?? '', x.probe, x.zone ?? '']))
}
