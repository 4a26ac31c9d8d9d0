import type {DrillReport} from '../drill/drill.js'
import {t} from '../i18n/index.js'
import {tabular} from '../util/table.js'
import {escapeXml as escape} from '../util/xml.js'

const s = (ms: number | null) => (ms === null ? '-' : `${(ms / 1000).toFixed(1)} s`)

/** The drill as a table: each figure, its target where it has one, and each verdict. */
export function renderDrill(report: DrillReport): string {
  const f = report.figures
  const status = (id: DrillReport['checks'][number]['id']) => report.checks.find((c) => c.id === id)!.status
  const rows = [
    [t('drill.row.smtp', {core: report.replica}), s(f.smtpMs), '', ''],
    [t('drill.row.imap', {core: report.replica}), s(f.imapMs), '', ''],
    [t('drill.row.submit', {core: report.replica}), s(f.submitMs), '', ''],
    ['RTO', s(f.rtoMs), s(report.targets.rtoMs), status('rto')],
    ['RPO', `${f.rpoAtLeast ? '≥ ' : ''}${s(f.rpoMs)}`, s(report.targets.rpoMs), status('rpo')],
    [t('drill.row.lag', {samples: f.lag.samples}), `p50 ${s(f.lag.p50Ms)} · p95 ${s(f.lag.p95Ms)} · p99 ${s(f.lag.p99Ms)}`, '', ''],
    [t('drill.row.lastSync'), report.replicationAtFault ? s(report.replicationAtFault.lastSyncAgeMs) : '-', '', ''],
    [t('drill.row.resync', {core: report.failed}), s(f.resyncMs), '', status('resync')],
    [t('drill.row.lost'), String(f.lost.length), '0', status('lost')],
    [t('drill.row.duplicates'), String(f.duplicates.length), '0', status('duplicates')],
    ['UIDVALIDITY', report.uidvalidity.every((u) => u.after === u.before) ? t('drill.row.unchanged') : t('drill.row.changed'), '', status('uidvalidity')],
  ]
  const head = t('drill.summary', {run: report.run, failed: report.failed, replica: report.replica, edges: report.edges.join(', '), sent: report.canaries.sent, accepted: report.canaries.accepted, interval: s(report.canaries.intervalMs)})
  const failed = report.checks.filter((c) => c.status === 'fail').map((c) => `✗ ${c.id}: ${c.message}`)
  return [head, tabular('table', ['', t('drill.col.measured'), t('drill.col.target'), ''], rows), ...failed, report.audit ? t('drill.audit', {file: report.audit}) : ''].filter(Boolean).join('\n')
}

/** JUnit XML for CI: one testsuite for the drill, one testcase per verdict. */
export function drillJunit(report: DrillReport): string {
  const failures = report.checks.filter((c) => c.status === 'fail').length
  const seconds = ((Date.parse(report.endedAt) - Date.parse(report.startedAt)) / 1000).toFixed(3)
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="mailops drill" tests="${report.checks.length}" failures="${failures}" errors="0" time="${seconds}">`,
    `  <testsuite name="${escape(`${report.failed} → ${report.replica}`)}" id="0" timestamp="${report.startedAt.slice(0, 19)}" tests="${report.checks.length}" failures="${failures}" errors="0" skipped="0" time="${seconds}">`,
    ...report.checks.map((c) =>
      c.status === 'pass'
        ? `    <testcase name="${c.id}" classname="drill.${escape(report.failed)}" time="0.000"><system-out>${escape(c.message)}</system-out></testcase>`
        : `    <testcase name="${c.id}" classname="drill.${escape(report.failed)}" time="0.000">\n      <failure message="${escape(c.message)}" type="fail">${escape(c.message)}</failure>\n    </testcase>`,
    ),
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n')
}
