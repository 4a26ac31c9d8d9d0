import {readFileSync} from 'node:fs'

import {describe, expect, it} from 'vitest'

import {dnsRecords, mtaStsPolicy, tlsaDigest, txtStrings, zoneSnippet} from '../../../src/dns/records.js'

// A fixed certificate and a next public key, with their digests as openssl gives them:
// openssl x509 -in current.pem -pubkey -noout | openssl pkey -pubin -outform DER | sha256sum
// openssl pkey -pubin -in next.pub -outform DER | sha256sum
const fixture = (name: string) => readFileSync(new URL(`../../fixtures/dane/${name}`, import.meta.url), 'utf8')
const CURRENT_DIGEST = '10736d247c3a93e2a56bb9fa8897ceee5b72fb47a7b05861f4630a6a8648432f'
const NEXT_DIGEST = 'c26f56723a305dccff205d1b937edd715dafc77bd24a8b210b2f807f9aa0e5aa'

const input = {
  domain: 'example.com',
  nodes: [
    {name: 'core1', address: '198.18.0.11', role: 'core' as const},
    {name: 'mx-eu', address: '198.18.0.12', role: 'edge' as const},
    {name: 'mx-ap', address: '198.18.0.13', role: 'edge' as const},
  ],
  dkimSelector: 'mail',
  dkimPublic: 'A'.repeat(392),
  dmarcPolicy: 'reject' as const,
}

describe('DNS records', () => {
  it('gives MX per edge, SPF for the senders, DKIM, DMARC, MTA-STS, TLS-RPT and PTR', () => {
    const records = dnsRecords(input)
    expect(records.filter((r) => r.type === 'MX').map((r) => r.value)).toEqual(['mx-eu.example.com.', 'mx-ap.example.com.'])
    expect(records.find((r) => r.comment === 'SPF')!.value).toBe('v=spf1 ip4:198.18.0.11 -all')
    expect(records.find((r) => r.comment === 'DKIM')!.name).toBe('mail._domainkey.example.com.')
    expect(records.find((r) => r.comment === 'DMARC')!.value).toMatch(/^v=DMARC1; p=reject;/)
    expect(records.find((r) => r.comment === 'TLS-RPT')!.value).toBe('v=TLSRPTv1; rua=mailto:tlsrpt@example.com')
    expect(records.filter((r) => r.type === 'PTR').map((r) => r.name)).toContain('12.0.18.198.in-addr.arpa.')
    expect(mtaStsPolicy(input)).toBe('version: STSv1\r\nmode: enforce\r\nmx: mx-eu.example.com\r\nmx: mx-ap.example.com\r\nmax_age: 604800\r\n')
  })

  it('splits long TXT data into strings of at most 255 octets', () => {
    const split = txtStrings('x'.repeat(600))
    expect(split).toBe(`( "${'x'.repeat(255)}" "${'x'.repeat(255)}" "${'x'.repeat(90)}" )`)
    expect(txtStrings('v=spf1 -all')).toBe('"v=spf1 -all"')
    expect(zoneSnippet(dnsRecords(input))).toMatch(/^mail\._domainkey\.example\.com\.\t3600\tIN\tTXT\t\( "v=DKIM1; k=rsa; p=A+" "A+" \)\t; DKIM$/m)
  })

  it("gives each MX a TLSA 3 1 1 of its certificate's key, and the next key's beside it before a rotation", () => {
    expect(tlsaDigest(fixture('current.pem'))).toBe(CURRENT_DIGEST)
    // The leaf of a chain is the first certificate: the CA after it (ca.pem holds the next key) changes nothing.
    expect(tlsaDigest(`${fixture('current.pem')}${fixture('ca.pem')}`)).toBe(CURRENT_DIGEST)
    expect(tlsaDigest(fixture('ca.pem'))).toBe(NEXT_DIGEST)
    expect(tlsaDigest(fixture('next.pub'))).toBe(NEXT_DIGEST)
    const nodes = input.nodes.map((n) => (n.name === 'mx-eu' ? {...n, tlsa: {current: CURRENT_DIGEST, next: NEXT_DIGEST}} : n.name === 'mx-ap' ? {...n, tlsa: {current: NEXT_DIGEST}} : n))
    const tlsa = dnsRecords({...input, nodes}).filter((r) => r.type === 'TLSA')
    expect(tlsa).toEqual([
      {name: '_25._tcp.mx-eu.example.com.', type: 'TLSA', value: `3 1 1 ${CURRENT_DIGEST}`, comment: 'DANE'},
      {name: '_25._tcp.mx-eu.example.com.', type: 'TLSA', value: `3 1 1 ${NEXT_DIGEST}`, comment: 'DANE, the next key'},
      {name: '_25._tcp.mx-ap.example.com.', type: 'TLSA', value: `3 1 1 ${NEXT_DIGEST}`, comment: 'DANE'},
    ])
    expect(zoneSnippet(tlsa)).toContain(`_25._tcp.mx-eu.example.com.\t3600\tIN\tTLSA\t3 1 1 ${CURRENT_DIGEST}\t; DANE\n`)
    // No TLSA for a node that is not an MX, nor for an MX whose key is unknown.
    expect(dnsRecords(input).filter((r) => r.type === 'TLSA')).toEqual([])
  })
})
