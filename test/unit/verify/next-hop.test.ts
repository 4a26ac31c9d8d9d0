import {describe, expect, it} from 'vitest'

import {nextHopOutcome, nextHopScript} from '../../../src/verify/next-hop.js'

const core = {name: 'node1', address: '198.18.9.11', role: 'core' as const, fqdn: 'node1.example.com'}
const line = (level: string) => `Dec  1 13:00:00 node2 postfix/smtp[4242]: ${level} TLS connection established to 198.18.9.11[198.18.9.11]:25: TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)`

describe('tls.next-hop: how the edge checked the core, from its own log', () => {
  it('passes only a Verified connection; Trusted (chain, not name), Untrusted and Anonymous fail with the fix', () => {
    const verified = nextHopOutcome(core, `${line('Verified')}\n`)
    expect(verified).toMatchObject({status: 'pass', evidence: expect.stringMatching(/^Verified TLS connection established to 198\.18\.9\.11/)})
    expect(verified.hint).toBeUndefined()
    for (const level of ['Trusted', 'Untrusted', 'Anonymous']) {
      const result = nextHopOutcome(core, line(level))
      expect(result, level).toMatchObject({status: 'fail', message: expect.stringContaining(`was ${level} TLS`), hint: expect.stringContaining('secure match=CORE.DOMAIN')})
    }
    expect(nextHopOutcome(core, line('Trusted')).message).toContain('chain was checked but not its name')
  })

  it('fails when the log has no TLS connection to the core at all (a hop in clear)', () => {
    expect(nextHopOutcome(core, '')).toMatchObject({status: 'fail', message: 'no TLS connection to node1 (198.18.9.11:25) in /var/log/postfix.log: the hop is in clear, or smtp_tls_loglevel is 0'})
  })

  it("looks for the core's own address and port, quoted for the shell", () => {
    expect(nextHopScript(core)).toContain("grep -F '[198.18.9.11]:25'")
  })
})
