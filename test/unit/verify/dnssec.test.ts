import {createHash, X509Certificate} from 'node:crypto'
import {readFileSync} from 'node:fs'

import {describe, expect, it} from 'vitest'

import {serverAddress, tlsaMatches} from '../../../src/verify/dnssec.js'

const certificate = (name: string) => new X509Certificate(readFileSync(new URL(`../../fixtures/dane/${name}`, import.meta.url), 'utf8'))
const leaf = certificate('current.pem')
const ca = certificate('ca.pem')
// openssl x509 -in current.pem -pubkey -noout | openssl pkey -pubin -outform DER | sha256sum
const LEAF_SPKI_SHA256 = '10736d247c3a93e2a56bb9fa8897ceee5b72fb47a7b05861f4630a6a8648432f'
const record = (usage: number, selector: number, matchingType: number, hex: string) => ({usage, selector, matchingType, certificate: Buffer.from(hex, 'hex')})

describe('DANE matching (RFC 6698 §2.1, RFC 7672 §3.1)', () => {
  it('matches DANE-EE against the leaf: its key (selector 1) or the whole certificate (selector 0), by SHA-256, SHA-512 or in full', () => {
    expect(tlsaMatches(record(3, 1, 1, LEAF_SPKI_SHA256), [leaf, ca])).toBe(true)
    expect(tlsaMatches(record(3, 0, 1, createHash('sha256').update(leaf.raw).digest('hex')), [leaf])).toBe(true)
    expect(tlsaMatches(record(3, 1, 2, createHash('sha512').update(leaf.publicKey.export({type: 'spki', format: 'der'})).digest('hex')), [leaf])).toBe(true)
    expect(tlsaMatches(record(3, 0, 0, leaf.raw.toString('hex')), [leaf])).toBe(true)
    // Another key's digest (an old key's), or the CA's key under DANE-EE: no match.
    expect(tlsaMatches(record(3, 1, 1, LEAF_SPKI_SHA256.replace(/^./, '0')), [leaf, ca])).toBe(false)
    expect(tlsaMatches(record(3, 1, 1, createHash('sha256').update(ca.publicKey.export({type: 'spki', format: 'der'})).digest('hex')), [leaf, ca])).toBe(false)
  })

  it('matches DANE-TA against a certificate the server sends above its leaf, and never the PKIX usages', () => {
    const caDigest = createHash('sha256').update(ca.publicKey.export({type: 'spki', format: 'der'})).digest('hex')
    expect(tlsaMatches(record(2, 1, 1, caDigest), [leaf, ca])).toBe(true)
    expect(tlsaMatches(record(2, 1, 1, caDigest), [leaf])).toBe(false)
    expect(tlsaMatches(record(2, 1, 1, LEAF_SPKI_SHA256), [leaf, ca])).toBe(false)
    for (const usage of [0, 1]) expect(tlsaMatches(record(usage, 1, 1, LEAF_SPKI_SHA256), [leaf, ca])).toBe(false)
  })
})

describe("the resolver's address", () => {
  it("reads a Resolver's server strings: address, address:port, [IPv6]:port, bare IPv6", () => {
    expect(serverAddress('198.18.9.1')).toEqual({address: '198.18.9.1', port: 53})
    expect(serverAddress('198.18.9.1:5353')).toEqual({address: '198.18.9.1', port: 5353})
    expect(serverAddress('[::1]:5353')).toEqual({address: '::1', port: 5353})
    expect(serverAddress('::1')).toEqual({address: '::1', port: 53})
  })
})
