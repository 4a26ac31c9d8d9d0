import {afterEach, describe, expect, it} from 'vitest'

import {renderVerify} from '../../../src/ui/verify.js'
import type {VerifyReport} from '../../../src/verify/verify.js'

const report: VerifyReport = {
  strict: false,
  summary: {pass: 1, warn: 0, fail: 1, skip: 0, error: 0},
  nodes: [{name: 'mx1', address: '198.18.22.11', role: 'edge', status: 'fail', ms: 12, checks: [
    {id: 'smtp.banner', status: 'pass', message: '220 from mx1'},
    {id: 'relay.open', status: 'fail', message: 'relays for strangers'},
  ] as VerifyReport['nodes'][number]['checks']}],
}

describe("verify's table on a terminal", () => {
  const tty = process.stdout.isTTY
  afterEach(() => {
    process.stdout.isTTY = tty
    delete process.env.NO_COLOR
  })

  it('colours the statuses on a terminal, and not when NO_COLOR is set', () => {
    process.stdout.isTTY = true
    delete process.env.NO_COLOR
    expect(renderVerify('table', report, new Date())).toContain('\u001B[31mFAIL\u001B[0m')
    process.env.NO_COLOR = '1'
    const plain = renderVerify('table', report, new Date())
    expect(plain).toContain('FAIL')
    expect(plain).not.toContain('\u001B[')
  })
})
