import {describe, expect, it} from 'vitest'

import {headerLiteral} from '../../../src/verify/delivery.js'
import {authResultsOutcome, forgedAuthResults} from '../../../src/verify/filter.js'
import type {VerifyNode} from '../../../src/verify/types.js'

const edge: VerifyNode = {name: 'node2', address: '198.18.9.12', role: 'edge', fqdn: 'node2.example.test'}
const own = 'Authentication-Results: node2.example.test; dkim=none; dmarc=none; spf=none (no SPF policy) smtp.mailfrom=verify@mailops.invalid'

describe('inbound filtering checks', () => {
  it('reads the header fields of an IMAP FETCH literal, unfolded', () => {
    const literal = 'Authentication-Results: node2.example.test;\r\n\tdkim=none;\r\n\tdmarc=none\r\nX-Spam: Yes\r\n\r\n'
    const response = `* 1 FETCH (UID 7 BODY[HEADER.FIELDS (AUTHENTICATION-RESULTS X-SPAM)] {${literal.length}}\r\n${literal})\r\nA3 OK Fetch completed.\r\n`
    expect(headerLiteral(response)).toBe('Authentication-Results: node2.example.test; dkim=none; dmarc=none\r\nX-Spam: Yes')
    expect(headerLiteral('* 1 FETCH (UID 7)\r\nA3 OK\r\n')).toBe('')
  })

  it("passes the edge's own Authentication-Results with spf, dkim and dmarc, and nothing else", () => {
    expect(authResultsOutcome(edge, own)).toMatchObject({status: 'pass', message: 'Authentication-Results from node2.example.test: spf=none dkim=none dmarc=none'})
    // No filter: the probe's forged field, in the edge's name, arrives as it was written.
    expect(authResultsOutcome(edge, forgedAuthResults(edge))).toMatchObject({status: 'fail', message: expect.stringContaining("the sender's own Authentication-Results"), hint: expect.stringContaining('milter_headers')})
    expect(authResultsOutcome(edge, `${own}\r\n${forgedAuthResults(edge)}`).status).toBe('fail')
    expect(authResultsOutcome(edge, '')).toMatchObject({status: 'fail', message: 'no Authentication-Results from node2.example.test on the delivered message'})
    // Another host's field (an upstream relay's) is not the edge's verdict.
    expect(authResultsOutcome(edge, own.replace('node2.example.test;', 'mx.elsewhere.test;')).status).toBe('fail')
    expect(authResultsOutcome(edge, own.replace(' dmarc=none;', '')).message).toBe('Authentication-Results from node2.example.test has no dmarc result')
  })
})
