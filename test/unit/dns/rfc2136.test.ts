import {describe, expect, it} from 'vitest'

import type {DnsRecord} from '../../../src/dns/records.js'
import {normalData, nsupdateScript, parseAnswers, parseUpdateServer, planUpdate} from '../../../src/dns/rfc2136.js'

const ZONE = 'example.test'
const hex = '0c72ac70b745ac19998811b131d662c9ac69dbdbe7cb23e5b514b56664c5d3d6'
const records: DnsRecord[] = [
  {name: 'node1.example.test.', type: 'A', value: '198.18.0.11'},
  {name: 'example.test.', type: 'MX', priority: 10, value: 'node2.example.test.'},
  {name: '_25._tcp.node2.example.test.', type: 'TLSA', value: `3 1 1 ${hex}`},
  {name: 'example.test.', type: 'TXT', value: 'v=spf1 ip4:198.18.0.11 -all'},
  {name: '11.0.18.198.in-addr.arpa.', type: 'PTR', value: 'node1.example.test.'},
]
// What dig +noall +answer prints for a server that has them all (TLSA hex split, upper case, as BIND's dig does).
const published = [
  'node1.example.test.\t3600\tIN\tA\t198.18.0.11',
  'example.test.\t\t3600\tIN\tMX\t10 node2.example.test.',
  `_25._tcp.node2.example.test. 3600 IN\tTLSA\t3 1 1 ${hex.slice(0, 56).toUpperCase()} ${hex.slice(56).toUpperCase()}`,
  'example.test.\t\t3600\tIN\tTXT\t"google-site-verification=abc"',
  'example.test.\t\t3600\tIN\tTXT\t"v=spf1 ip4:198.18.0.11 " "-all"',
].join('\n')

describe('RFC 2136 push', () => {
  it('reads an address with an optional port, never a name', () => {
    expect(parseUpdateServer('192.0.2.53', undefined)).toEqual({address: '192.0.2.53', port: 53, keyFile: undefined})
    expect(parseUpdateServer('127.0.0.1:5353', undefined)).toMatchObject({address: '127.0.0.1', port: 5353})
    expect(parseUpdateServer('[2001:db8::53]:54', undefined)).toMatchObject({address: '2001:db8::53', port: 54})
    expect(parseUpdateServer('2001:db8::53', undefined)).toMatchObject({address: '2001:db8::53', port: 53})
    for (const bad of ['ns1.example.net', '192.0.2.53:0', '192.0.2.53:70000', '', '192.0.2.53;rm']) expect(() => parseUpdateServer(bad, undefined), bad).toThrow(/is not an address/)
    expect(() => parseUpdateServer('127.0.0.1', '/nonexistent/mailops.key')).toThrow('--tsig-key /nonexistent/mailops.key does not exist')
  })

  it("compares dig's presentation form with the records: split TXT strings joined, TLSA hex in any case and grouping", () => {
    expect(normalData('TXT', '"v=spf1 ip4:198.18.0.11 " "-all"')).toBe('v=spf1 ip4:198.18.0.11 -all')
    expect(normalData('TXT', '"say \\"hi\\""')).toBe('say "hi"')
    expect(normalData('TLSA', `3 1 1 ${hex.slice(0, 56).toUpperCase()} ${hex.slice(56).toUpperCase()}`)).toBe(`3 1 1 ${hex}`)
    expect(normalData('MX', '10 Node2.Example.Test.')).toBe('10 node2.example.test.')
  })

  it('sends nothing when the server has every record set; PTRs are skipped, the apex TXT of others is not ours', () => {
    const plan = planUpdate(ZONE, records, parseAnswers(published))
    expect(plan).toMatchObject({zone: 'example.test.', changes: [], unchanged: 4})
    expect(plan.skipped.map((r) => r.type)).toEqual(['PTR'])
  })

  it("replaces a whole record set it owns, and of the apex TXT only the SPF record: a site verification stays", () => {
    const stale = published.replace('198.18.0.11', '198.18.0.99').replace('"v=spf1 ip4:198.18.0.11 " "-all"', '"v=spf1 -all"')
    const plan = planUpdate(ZONE, records, parseAnswers(stale))
    expect(plan.changes.map((c) => `${c.name} ${c.type}`)).toEqual(['node1.example.test. A', 'example.test. TXT'])
    const script = nsupdateScript({address: '127.0.0.1', port: 5353}, plan)
    expect(script).toBe(
      [
        'server 127.0.0.1 5353',
        'zone example.test.',
        'update delete node1.example.test. A',
        'update add node1.example.test. 3600 A 198.18.0.11',
        'update delete example.test. TXT "v=spf1 -all"',
        'update add example.test. 3600 TXT "v=spf1 ip4:198.18.0.11 -all"',
        'send',
        '',
      ].join('\n'),
    )
    expect(script).not.toContain('google-site-verification')
  })

  it('adds a record set the server lacks, without a delete', () => {
    const plan = planUpdate(ZONE, records, parseAnswers(published.split('\n').filter((l) => !l.includes('TLSA')).join('\n')))
    expect(nsupdateScript({address: '127.0.0.1', port: 53}, plan)).toContain(`update add _25._tcp.node2.example.test. 3600 TLSA 3 1 1 ${hex}\nsend`)
    expect(nsupdateScript({address: '127.0.0.1', port: 53}, plan)).not.toContain('update delete')
  })

  it('sends a long TXT (a 2048-bit DKIM key) as strings side by side: parentheses are zone-file syntax, stored as text by an update', () => {
    const dkim: DnsRecord = {name: 'mail._domainkey.example.test.', type: 'TXT', value: `v=DKIM1; k=rsa; p=${'A'.repeat(400)}`}
    const script = nsupdateScript({address: '127.0.0.1', port: 53}, planUpdate(ZONE, [dkim], new Map()))
    expect(script).toContain(`update add mail._domainkey.example.test. 3600 TXT "v=DKIM1; k=rsa; p=${'A'.repeat(237)}" "${'A'.repeat(163)}"\n`)
    expect(script).not.toContain('(')
    // Read back split, it is the same record: nothing to send.
    expect(planUpdate(ZONE, [dkim], parseAnswers(`mail._domainkey.example.test. 3600 IN TXT "v=DKIM1; k=rsa; p=${'A'.repeat(237)}" "${'A'.repeat(163)}"`)).changes).toEqual([])
  })

  it('refuses a value with a line break: it would be a second nsupdate command, not data', () => {
    const hostile: DnsRecord[] = [{name: 'example.test.', type: 'CAA', value: '0 issue "ca.example"\nupdate delete example.test. ANY'}]
    expect(() => nsupdateScript({address: '127.0.0.1', port: 53}, planUpdate(ZONE, hostile, new Map()))).toThrow(/line break/)
  })
})
