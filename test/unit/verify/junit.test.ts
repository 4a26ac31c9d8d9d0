import {describe, expect, it} from 'vitest'

import {junitXml} from '../../../src/verify/junit.js'
import type {NodeReport} from '../../../src/verify/node-checks.js'
import {outcome} from '../../../src/verify/types.js'
import {xmllint} from '../../helpers/junit.js'

const nodes: NodeReport[] = [
  {
    name: 'mx<1>',
    address: '198.18.0.12',
    role: 'edge',
    status: 'fail',
    ms: 1234,
    checks: [
      {...outcome('relay.open', 'fail', 'OPEN RELAY: accepted "x" & <y>', {evidence: '250 2.1.5 Ok\u0007'}), ms: 12},
      {...outcome('tls.expiry', 'warn', 'certificate expires in 20 days', {target: 'smtp:25'}), ms: 5},
      {...outcome('auth.login', 'skip', 'no verify account', {target: 'imaps:993'}), ms: 0},
      {...outcome('host.services', 'error', 'over SSH: timed out'), ms: 10_000},
      {...outcome('smtp.vrfy', 'pass', 'VRFY is disabled'), ms: 3},
    ],
  },
]

describe('JUnit report', () => {
  it('is valid against the Jenkins JUnit schema, escaping what XML cannot hold', () => {
    const xml = junitXml(nodes, false, new Date('2026-11-23T10:00:00Z'))
    const lint = xmllint(xml)
    expect(lint.status, lint.stderr).toBe(0)
    expect(xml).toContain('<testsuite name="mx&lt;1&gt;" id="0" hostname="198.18.0.12" timestamp="2026-11-23T10:00:00" tests="5" failures="1" errors="1" skipped="1" time="1.234">')
    expect(xml).toContain('<failure message="OPEN RELAY: accepted &quot;x&quot; &amp; &lt;y&gt;" type="fail">')
    expect(xml).not.toContain('\u0007')
    expect(xml).toContain('<testcase name="tls.expiry [smtp:25]" classname="mx&lt;1&gt;.tls" time="0.005">\n      <system-out>warning: certificate expires in 20 days')
    expect(xml).toContain('<error message="over SSH: timed out" type="unreachable">')
  })

  it('turns warnings into failures under --strict', () => {
    const xml = junitXml(nodes, true, new Date())
    expect(xml).toMatch(/<testsuites name="mailops verify" tests="5" failures="2" errors="1"/)
    expect(xml).toContain('<failure message="certificate expires in 20 days" type="warn">')
    expect(xmllint(xml).status).toBe(0)
  })
})
