import {describe, expect, inject, it} from 'vitest'

import {mailops} from '../helpers/cli.js'

const lab = inject('lab')

describe('mailops dns', () => {
  // The shared lab is never deployed: its core answers over SSH but holds no DKIM key.
  it('exits 1 (a step failed), not 3 (unreachable), when the core it reached has no DKIM key', () => {
    const result = mailops(['dns', '-i', lab.inventory])
    expect(result.stderr).toContain('no DKIM key at /etc/opendkim/keys/dkim.private')
    expect(result.stderr).toContain('mailops deploy -i inventory.yaml')
    expect(result.code, result.stderr).toBe(1)
  })
})
