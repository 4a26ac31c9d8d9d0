import type {NodeReport} from './node-checks.js'
import type {CheckResult} from './types.js'
import {escapeXml as escape} from '../util/xml.js'


const seconds = (ms: number) => (ms / 1000).toFixed(3)
const caseName = (c: CheckResult) => (c.target ? `${c.id} [${c.target}]` : c.id)
const detail = (c: CheckResult) => [c.message, c.evidence && `evidence: ${c.evidence}`, c.hint && `fix: ${c.hint}`].filter(Boolean).join('\n')

/**
 * JUnit XML as CI servers read it (Jenkins, GitLab, GitHub test reporters): one testsuite per
 * node, one testcase per check. fail → <failure>, error → <error>, skip → <skipped>; a warning is
 * a <failure> under --strict and otherwise passes with its message in <system-out>.
 */
export function junitXml(nodes: readonly NodeReport[], strict: boolean, timestamp: Date): string {
  const failed = (c: CheckResult) => c.status === 'fail' || (strict && c.status === 'warn')
  const count = (checks: CheckResult[], test: (c: CheckResult) => boolean) => checks.filter(test).length
  const all = nodes.flatMap((n) => n.checks)
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="mailops verify" tests="${all.length}" failures="${count(all, failed)}" errors="${count(all, (c) => c.status === 'error')}" time="${seconds(Math.max(0, ...nodes.map((n) => n.ms)))}">`,
  ]
  for (const [index, node] of nodes.entries()) {
    const checks = node.checks
    lines.push(
      `  <testsuite name="${escape(node.name)}" id="${index}" hostname="${escape(node.address)}" timestamp="${timestamp.toISOString().slice(0, 19)}" tests="${checks.length}" failures="${count(checks, failed)}" errors="${count(checks, (c) => c.status === 'error')}" skipped="${count(checks, (c) => c.status === 'skip')}" time="${seconds(node.ms)}">`,
    )
    for (const check of checks) {
      const open = `    <testcase name="${escape(caseName(check))}" classname="${escape(`${node.name}.${check.group}`)}" time="${seconds(check.ms)}"`
      if (check.status === 'pass') lines.push(`${open}/>`)
      else if (failed(check)) lines.push(`${open}>`, `      <failure message="${escape(check.message)}" type="${check.status}">${escape(detail(check))}</failure>`, '    </testcase>')
      else if (check.status === 'error') lines.push(`${open}>`, `      <error message="${escape(check.message)}" type="unreachable">${escape(detail(check))}</error>`, '    </testcase>')
      else if (check.status === 'skip') lines.push(`${open}>`, `      <skipped>${escape(check.message)}</skipped>`, '    </testcase>')
      else lines.push(`${open}>`, `      <system-out>${escape(`warning: ${detail(check)}`)}</system-out>`, '    </testcase>')
    }
    lines.push('  </testsuite>')
  }
  lines.push('</testsuites>', '')
  return lines.join('\n')
}
