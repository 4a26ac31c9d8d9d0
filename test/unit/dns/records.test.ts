import {describe, expect, it} from 'vitest'

import {dnsRecords, mtaStsPolicy, txtStrings, zoneSnippet} from '../../../src/dns/records.js'

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
})
