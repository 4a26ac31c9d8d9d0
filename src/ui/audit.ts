import type {AuditProblem} from '../audit/chain.js'
import type {AuditVerdict} from '../audit/verify.js'
import {t} from '../i18n/index.js'

/** One problem as a reader of the file wants it: where (file:line), and what happened there. */
export const problemText = (where: string, p: AuditProblem): string =>
  `${p.line > 0 ? `${where}:${p.line}` : where}: ${p.kind}: ${t(`audit.problem.${p.kind}`, p.params)}`

/** Each run and host, intact or with its problems, then the one-line summary. */
export function renderAuditVerdict(verdict: AuditVerdict): string {
  const out: string[] = []
  for (const run of verdict.runs) {
    out.push(t('audit.runLine', {run: run.run, records: run.records, state: run.problems.length > 0 ? t('audit.tampered') : t('audit.intact')}))
    out.push(...run.problems.map((p) => `  ${problemText(run.file, p)}`))
  }
  for (const host of verdict.hosts) {
    if (host.error) {
      out.push(`${host.host}: ${host.error.message}${host.error.hint ? `\n  ${host.error.hint}` : ''}`)
      continue
    }
    out.push(t('audit.hostLine', {host: host.host, records: host.records, signed: host.signedUpTo ?? '-', unsigned: host.unsigned}))
    out.push(...host.problems.map((p) => `  ${problemText(`${host.host}:/var/log/mailops/audit.jsonl`, p)}`))
  }
  const bad = [...verdict.runs, ...verdict.hosts].filter((v) => v.problems.length > 0 || ('error' in v && v.error)).length
  out.push(t('audit.summary', {runs: verdict.runs.length, hosts: verdict.hosts.length, key: verdict.key, bad}))
  return out.join('\n')
}
