import {describe, expect, it} from 'vitest'

import {selection} from '../../../src/verify/select.js'

describe('verify --only/--skip', () => {
  it('selects by group or id, and skips win over only', () => {
    const all = selection()
    expect(all('tls.expiry') && all('host.queue')).toBe(true)
    const tlsOnly = selection(['tls', 'relay.open'])
    expect([tlsOnly('tls.expiry'), tlsOnly('relay.open'), tlsOnly('smtp.banner')]).toEqual([true, true, false])
    const noExpiry = selection(['tls'], ['tls.expiry'])
    expect([noExpiry('tls.chain'), noExpiry('tls.expiry')]).toEqual([true, false])
    expect(selection([], ['delivery'])('delivery.inbound')).toBe(false)
  })

  it('refuses a name that is neither a group nor a check id, listing the groups', () => {
    expect(() => selection(['tsl'])).toThrow(/unknown check or group 'tsl'/)
    try {
      selection([], ['tls.expiri'])
    } catch (error) {
      expect((error as {exit: number; hint: string}).exit).toBe(2)
      expect((error as {hint: string}).hint).toContain('network, smtp, tls, auth, relay, route, delivery, dns, host')
    }
  })
})
