import type {BackupReport} from '../backup/backup.js'
import type {RestoreReport} from '../backup/restore.js'
import {t} from '../i18n/index.js'
import {tabular} from '../util/table.js'

const size = (bytes: number) => (bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / 1024 / 1024).toFixed(1)} MiB`)

/** The backup: a line of totals, the folders and their counts, where the archive and its audit record are. */
export function renderBackup(report: BackupReport): string {
  const head = t('backup.summary', {run: report.run, host: report.host, messages: report.messages, mailboxes: report.mailboxes.length, users: report.users, config: report.config, size: size(report.bytes), seconds: (report.ms / 1000).toFixed(1)})
  const rows = report.mailboxes.map((b) => [b.user, b.mailbox, String(b.messages)])
  return [head, rows.length ? tabular('table', [t('backup.col.account'), t('backup.col.folder'), t('backup.col.messages')], rows, ['left', 'left', 'right']) : '', t('backup.archive', {archive: report.archive, sha256: report.sha256}), t('backup.audit', {file: report.audit})].filter(Boolean).join('\n')
}

/** The restore: each check in order, ✓ or ✗, then what differs; a failure reads as one. */
export function renderRestore(report: RestoreReport): string {
  const head = t('restore.summary', {run: report.run, mode: report.mode, archive: report.archive, source: report.source ?? '-', created: report.createdAt ?? '-'})
  const checks = report.checks.map((c) => `${c.status === 'pass' ? '✓' : '✗'} ${c.id}: ${c.message}`)
  const differences = report.differences.map((d) => `  ${t('restore.difference', {...d})}`)
  return [head, ...checks, ...differences, report.audit ? t('restore.audit', {file: report.audit}) : ''].filter(Boolean).join('\n')
}
