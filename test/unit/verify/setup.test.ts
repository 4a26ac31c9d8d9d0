import {describe, expect, it} from 'vitest'

import {parsePeer, prepareVerify, type VerifyRequest} from '../../../src/verify/setup.js'

const request = (over: Partial<VerifyRequest>): VerifyRequest => ({
  root: '.',
  targets: [],
  role: 'edge',
  timeoutMs: 1000,
  deliveryTimeoutMs: 1000,
  parallel: 4,
  acceptNew: false,
  now: new Date(),
  ...over,
})

describe('verify setup', () => {
  it('refuses what it cannot check, before any connection', async () => {
    await expect(prepareVerify(request({}))).rejects.toThrow(/nothing to verify/)
    await expect(prepareVerify(request({inventory: 'inventory.yaml', targets: ['198.18.0.12']}))).rejects.toThrow(/not both/)
    await expect(prepareVerify(request({targets: ['198.18.0.12'], only: ['host', 'tls']}))).rejects.toThrow('--only host needs an inventory')
    await expect(prepareVerify(request({targets: ['198.18.0.12'], only: ['auth.login']}))).rejects.toThrow('--only auth.login needs an inventory')
    await expect(prepareVerify(request({targets: ['bad host']}))).rejects.toThrow(/neither an IPv4 address nor a host or domain name/)
    await expect(prepareVerify(request({targets: ['198.18.0.12'], caFile: '/nonexistent/ca.pem'}))).rejects.toThrow('CA file /nonexistent/ca.pem: ENOENT')
  })

  it('gives bare addresses only the checks a stranger can make', async () => {
    const setup = await prepareVerify(request({targets: ['198.18.0.12'], role: 'core'}))
    expect(setup.nodes).toEqual([{name: '198.18.0.12', address: '198.18.0.12', fqdn: '198.18.0.12', role: 'core'}])
    expect([setup.selected('tls.expiry'), setup.selected('auth.before-tls'), setup.selected('relay.open')]).toEqual([true, true, true])
    expect([setup.selected('auth.login'), setup.selected('host.services'), setup.selected('dns.mx'), setup.selected('delivery.inbound')]).toEqual([false, false, false, false])
    expect(setup.ssh).toBeUndefined()
  })

  it('reads --peer as an IPv4 address and a port', () => {
    expect(parsePeer('198.18.0.1:2525')).toEqual({host: '198.18.0.1', port: 2525})
    expect(() => parsePeer('198.18.0.1')).toThrow("--peer '198.18.0.1' is not ADDRESS:PORT")
    expect(() => parsePeer('198.18.0.1:70000')).toThrow(/not ADDRESS:PORT/)
  })
})
