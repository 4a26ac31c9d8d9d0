import {readFileSync} from 'node:fs'
import {describe, expect, it} from 'vitest'

import {VerifyReport} from '../../../src/config/schemas/reports.js'
import {CHECK_IDS, CHECKS, checksMarkdown, GROUPS, groupOf} from '../../../src/verify/catalog.js'

describe('verify check catalog', () => {
  it('documents every check in docs/verify-checks.md, kept current', () => {
    const doc = readFileSync(new URL('../../../docs/verify-checks.md', import.meta.url), 'utf8')
    expect(doc, 'run: node bin/run.js verify --list > docs/verify-checks.md').toBe(checksMarkdown())
    for (const id of CHECK_IDS) expect(doc).toContain(`\`${id}\``)
  })

  it('files every check under a known group, with what it proves and how to fix it', () => {
    for (const id of CHECK_IDS) {
      expect(GROUPS).toContain(groupOf(id))
      expect(CHECKS[id].proves.length).toBeGreaterThan(20)
      expect(CHECKS[id].fix.length).toBeGreaterThan(20)
    }
    expect(new Set(CHECK_IDS.map(groupOf))).toEqual(new Set(GROUPS))
  })

  it("gives every check an id that verify --json's schema accepts (network.ipv6 has a digit)", () => {
    const id = new RegExp(VerifyReport.properties.nodes.items.properties.checks.items.properties.id.pattern!)
    for (const check of CHECK_IDS) expect(check).toMatch(id)
  })
})
