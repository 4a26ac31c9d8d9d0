import {readFileSync} from 'node:fs'

import {describe, expect, it} from 'vitest'

import {assessControls} from '../../../src/evidence/pack.js'
import {complianceMarkdown, covers, NOT_EVIDENCE, PROFILES} from '../../../src/evidence/profiles.js'
import {CHECK_IDS} from '../../../src/verify/catalog.js'

describe('compliance profiles', () => {
  it('name only checks verify has (or a group of them, or every check, or the audit trail)', () => {
    for (const profile of Object.values(PROFILES)) {
      for (const control of profile.controls) {
        for (const pattern of control.checks) expect(pattern === 'audit.chain' || CHECK_IDS.some((id) => covers(pattern, id)), `${control.id}: ${pattern}`).toBe(true)
        // A control no check evidences says why.
        if (control.checks.length === 0) expect(control.gap, control.id).toBeTruthy()
      }
    }
  })

  it("place every check verify has: a control's evidence, or named as evidence of none", () => {
    const named = Object.values(PROFILES).flatMap((p) => p.controls.flatMap((c) => c.checks.filter((k) => k !== '*')))
    const placed = (id: string) => named.some((pattern) => covers(pattern, id)) || (NOT_EVIDENCE as readonly string[]).includes(id)
    expect(CHECK_IDS.filter((id) => !placed(id)), 'add it to a group of src/evidence/profiles.ts or to NOT_EVIDENCE').toEqual([])
    expect(NOT_EVIDENCE.filter((id) => named.some((pattern) => covers(pattern, id)))).toEqual([])
  })

  it('are documented in docs/compliance.md, kept current', () => {
    const doc = readFileSync(new URL('../../../docs/compliance.md', import.meta.url), 'utf8')
    expect(doc, "run: node --import tsx -e \"import('./src/evidence/profiles.ts').then(m => process.stdout.write(m.complianceMarkdown()))\" > docs/compliance.md").toBe(complianceMarkdown())
  })

  it('rate a control by the worst of its results, and never as met without one', () => {
    const results = [
      {id: 'tls.protocols', status: 'pass' as const},
      {id: 'tls.suites', status: 'warn' as const},
      {id: 'auth.before-tls', status: 'pass' as const},
      {id: 'auth.login', status: 'fail' as const},
      {id: 'host.logrotate', status: 'skip' as const},
      {id: 'audit.chain', status: 'pass' as const},
    ]
    const byId = Object.fromEntries(assessControls('gdpr', results).map((c) => [c.id, c]))
    expect(byId['Art. 32(1)(a) in transit']).toMatchObject({status: 'partly', checks: [{id: 'tls.protocols', pass: 1}, {id: 'tls.suites', warn: 1}, {id: 'auth.before-tls', pass: 1}]})
    expect(byId['Art. 32(1)(b)'].status).toBe('not-met')
    // Skipped is not evidence; nor is a control mailops has nothing for.
    expect(byId['Art. 5(1)(e)'].status).toBe('not-evidenced')
    expect(byId['Art. 32(1)(a) at rest']).toMatchObject({status: 'not-evidenced', checks: []})
    expect(byId['Art. 5(2)'].status).toBe('met')
    // Mail at rest is evidenced by delivery.at-rest on every profile that asks for it; SM4's absence is said for PIPL.
    for (const [profile, id] of [['gdpr', 'Art. 32(1)(a) at rest'], ['pipl', 'Art. 51(3) at rest'], ['hipaa', '164.312(a)(2)(iv)'], ['ccpa', '1798.150(a)(1)']] as const) {
      const control = assessControls(profile, [{id: 'delivery.at-rest', status: 'pass'}]).find((c) => c.id === id)
      expect(control, `${profile} ${id}`).toMatchObject({status: 'met', checks: [{id: 'delivery.at-rest', pass: 1}]})
    }
    expect(assessControls('pipl', []).find((c) => c.id === 'Art. 51(3) at rest')!.gap).toContain('SM4 at rest is not available')
  })
})
