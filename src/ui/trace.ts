import {t} from '../i18n/index.js'
import type {TraceReport} from '../trace/trace.js'
import {tabular} from '../util/table.js'

/** The stamp as precise as the log that wrote it (whole seconds for Postfix, ms for Dovecot); the date only when the trail spans days. */
const stamp = (at: string, precision: number, withDate: boolean) => (withDate ? at.slice(0, 19).replace('T', ' ') : at.slice(11, 19)) + (precision > 0 ? at.slice(19, 23) : '')

/** The timeline: one row per log line, each hop's delays, then the outcome and what the stamps mean. */
export function renderTrace(report: TraceReport): string {
  const days = new Set(report.events.map((e) => e.at.slice(0, 10)))
  const table = tabular(
    'table',
    ['UTC', 'node', 'program', 'queue', 'event', 'detail'],
    report.events.map((e) => [
      stamp(e.at, e.precision, days.size > 1),
      e.host,
      e.program,
      e.queueId ?? '',
      e.kind,
      e.delaysMs ? `${e.relay} (delays ${e.delaysMs.join('/')} ms)` : e.text,
    ]),
  )
  const failed = report.hosts.flatMap((h) => (h.error ? [`${h.host}: ${h.error.message}${h.error.hint ? `\n  ${h.error.hint}` : ''}`] : []))
  const summary = t('trace.summary', {messageId: report.messageId, days: [...days].join(', ') || '-', outcome: t(`trace.outcome.${report.outcome}`), events: report.events.length, hosts: report.hosts.length})
  return [...(report.events.length > 0 ? [table] : []), ...failed, summary, t('trace.precision')].join('\n')
}
