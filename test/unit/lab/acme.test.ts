import {describe, expect, it} from 'vitest'

import {acmeDirectory, pebbleArgs, pebbleConfig, PEBBLE_ENV} from '../../../src/lab/acme.js'
import {labSpec} from '../../../src/lab/spec.js'

const spec = labSpec('acmex', 2, '198.18.46.0/24')
const dir = '/var/lib/mailops/lab/acmex'

describe("the lab's ACME server (Pebble)", () => {
  it('listens on the bridge only, validates on the ports a public CA uses and resolves through the lab resolver', () => {
    const config = JSON.parse(pebbleConfig(spec, dir)).pebble
    expect(config.listenAddress).toBe('198.18.46.1:14000')
    expect(config.managementListenAddress).toBe('198.18.46.1:15000')
    expect(config.httpPort).toBe(80)
    expect(config.tlsPort).toBe(443)
    expect(config.certificate).toBe(`${dir}/acme/listener.pem`)
    expect(config.privateKey).toBe(`${dir}/acme/listener.key`)
    expect(pebbleArgs(spec, dir)).toEqual(['-config', `${dir}/acme/pebble.json`, '-dnsserver', '198.18.46.1:53'])
    expect(acmeDirectory(spec)).toBe('https://198.18.46.1:14000/dir')
  })

  it('runs without sleeps, rejected nonces or reused authorizations', () => {
    expect(PEBBLE_ENV).toEqual({PEBBLE_VA_NOSLEEP: '1', PEBBLE_WFE_NONCEREJECT: '0', PEBBLE_AUTHZREUSE: '0'})
  })
})
