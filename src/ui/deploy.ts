import type {DeployReport} from '../deploy/deploy.js'
import {t} from '../i18n/index.js'
import {tabular} from '../util/table.js'

/** Each host's diff (dry run), a table of hosts (what each changes: files, and stored mail to encrypt), and the run's one-line summary. */
export function renderDeploy(report: DeployReport): string {
  const diffs = report.hosts.flatMap((h) => (h.diff ? [h.diff] : []))
  // Stored mail encrypted in place (encryption at rest turned on over existing mail), after the files.
  const changes = (h: DeployReport['hosts'][number]) => [
    ...h.files.filter((f) => f.action !== 'unchanged').map((f) => f.path),
    ...(h.encrypt ? [h.encrypt.encrypted === undefined ? t('deploy.encryptPlanned', {count: h.encrypt.planned}) : t('deploy.encryptDone', {count: h.encrypt.encrypted, remaining: h.encrypt.remaining ?? 0})] : []),
  ]
  const table = tabular(
    'table',
    ['host', 'status', 'packages', 'changes', 'restarted', 'ms', 'error'],
    report.hosts.map((h) => [h.host, h.status, h.packages.join(' '), changes(h).join('\n'), h.restarted.join(' '), Math.round(h.ms), h.error ? `${h.error.message}${h.error.hint ? `\n${h.error.hint}` : ''}` : '']),
  )
  const count = (status: string) => report.hosts.filter((h) => h.status === status).length
  const summary = t('deploy.summary', {ok: count('unchanged') + count('changed') + count('planned'), changed: count('changed'), failed: count('failed'), skipped: count('skipped'), audit: report.audit ?? '-'})
  return [...diffs, table, summary].join('\n')
}
