import {junitXml} from '../verify/junit.js'
import type {NodeReport} from '../verify/node-checks.js'
import type {CheckStatus} from '../verify/types.js'
import type {VerifyReport} from '../verify/verify.js'
import {tabular, useColour} from '../util/table.js'
import {t} from '../i18n/index.js'

const LABEL: Record<CheckStatus, string> = {pass: 'PASS', warn: 'WARN', fail: 'FAIL', skip: 'skip', error: 'ERROR'}
const COLOUR: Record<CheckStatus, string> = {pass: '32', warn: '33', fail: '31', skip: '90', error: '35'}

/** What verify prints: JUnit XML for CI, or a table per node. */
export function renderVerify(format: 'table' | 'junit', report: VerifyReport, now: Date): string {
  return format === 'junit' ? junitXml(report.nodes, report.strict, now) : [verifyTables(report.nodes, report.summary, report.strict), ...controlsTable(report)].join('\n\n')
}

/** With --profile: each control, its standing and the checks behind it; where the pack went. */
function controlsTable(report: VerifyReport): string[] {
  if (!report.profile) return []
  const {controls, title} = report.profile
  const count = (s: string) => controls.filter((c) => c.status === s).length
  const rows = controls.map((c) => [c.id, c.title, c.status, c.gap ?? c.checks.map((k) => `${k.id}${k.fail || k.error ? ' ✗' : k.warn ? ' !' : ''}`).join(' ')])
  const heading = t('evidence.controlsTitle', {profile: title, met: count('met'), total: controls.length, partly: count('partly'), notMet: count('not-met'), none: count('not-evidenced')})
  const written = report.evidence ? [t('evidence.written', {profile: report.profile.name, dir: report.evidence.dir, files: report.evidence.files.join(', ')})] : []
  return [`${heading}\n${tabular('table', ['control', 'what it asks', 'standing', 'evidence (checks)'], rows)}`, ...written]
}

/** One table per node: check, target, status, message; failures and warnings carry evidence and the fix. */
function verifyTables(nodes: readonly NodeReport[], summary: Record<CheckStatus, number>, strict: boolean): string {
  const paint = (status: CheckStatus) => (useColour() ? `\u001B[${COLOUR[status]}m${LABEL[status]}\u001B[0m` : LABEL[status])
  const sections = nodes.map((node) => {
    const rows = node.checks.map((c) => {
      const detail = c.status === 'pass' || c.status === 'skip' ? c.message : [c.message, c.evidence && `evidence: ${c.evidence}`, c.hint && `fix: ${c.hint}`].filter(Boolean).join('\n')
      return [c.id, c.target ?? '', paint(c.status), detail]
    })
    const title = `${node.name} (${node.role}${node.address === '-' ? '' : `, ${node.address}`}): ${LABEL[node.status]}`
    return `${title}\n${tabular('table', ['check', 'target', 'status', 'message'], rows)}`
  })
  const verdict = t(summary.error > 0 ? 'verify.unreachable' : summary.fail > 0 || (strict && summary.warn > 0) ? 'verify.failed' : 'verify.passed')
  return [...sections, t('verify.summary', {verdict, ...summary, strict: strict ? t('verify.strict') : ''})].join('\n\n')
}
