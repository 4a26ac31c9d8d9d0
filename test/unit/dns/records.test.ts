import {readFileSync} from 'node:fs'

import {describe, expect, it} from 'vitest'

import {createHash} from 'node:crypto'

import {certificateNames} from '../../../src/dns/names.js'
import {dnsRecords, mtaStsId, mtaStsPolicy, tlsaDigest, txtStrings, zoneSnippet} from '../../../src/dns/records.js'

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

  it("SPF allows the route plan's egress edges beside the cores: mail leaves from them as themselves", () => {
    const spf = (egressEdges?: string[]) => dnsRecords({...input, egressEdges}).find((r) => r.comment === 'SPF')!.value
    expect(spf(['mx-ap'])).toBe('v=spf1 ip4:198.18.0.11 ip4:198.18.0.13 -all')
    expect(spf(['mx-eu', 'mx-ap'])).toBe('v=spf1 ip4:198.18.0.11 ip4:198.18.0.12 ip4:198.18.0.13 -all')
    // A name that is not an edge of the nodes adds nothing; no plan, the cores alone.
    expect(spf(['core1', 'nope'])).toBe('v=spf1 ip4:198.18.0.11 -all')
    expect(spf([])).toBe('v=spf1 ip4:198.18.0.11 -all')
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

  it('publishes the MTA-STS policy host at the edges, with an id that is the hash of the policy and changes exactly with it', () => {
    const records = dnsRecords(input)
    expect(records.filter((r) => r.name === 'mta-sts.example.com.')).toEqual([
      {name: 'mta-sts.example.com.', type: 'A', value: '198.18.0.12', comment: 'MTA-STS policy host'},
      {name: 'mta-sts.example.com.', type: 'A', value: '198.18.0.13', comment: 'MTA-STS policy host'},
    ])
    const policy = mtaStsPolicy(input)
    const id = createHash('sha256').update(policy).digest('hex').slice(0, 20)
    expect(mtaStsId(policy)).toBe(id)
    expect(records.find((r) => r.comment === 'MTA-STS')!.value).toBe(`v=STSv1; id=${id}`)
    // The same inventory gives the same id; one edge fewer (another MX set) another.
    expect(dnsRecords(input).find((r) => r.comment === 'MTA-STS')!.value).toBe(`v=STSv1; id=${id}`)
    const fewer = {...input, nodes: input.nodes.filter((n) => n.name !== 'mx-ap')}
    expect(dnsRecords(fewer).find((r) => r.comment === 'MTA-STS')!.value).not.toBe(`v=STSv1; id=${id}`)
    // An edge with an IPv6 address is an AAAA of the policy host.
    const v6 = {...input, nodes: input.nodes.map((n) => (n.name === 'mx-ap' ? {...n, address: '2001:db8::13'} : n))}
    expect(dnsRecords(v6).filter((r) => r.name === 'mta-sts.example.com.').map((r) => `${r.type} ${r.value}`)).toEqual(['A 198.18.0.12', 'AAAA 2001:db8::13'])
    // ...and of its own name, and a core or egress edge with one is an ip6 mechanism of SPF.
    expect(dnsRecords(v6).filter((r) => r.name === 'mx-ap.example.com.').map((r) => `${r.type} ${r.value}`)).toEqual(['AAAA 2001:db8::13'])
    const v6core = {...input, nodes: input.nodes.map((n) => (n.role === 'core' ? {...n, address: '2001:db8::11'} : n))}
    expect(dnsRecords({...v6core, egressEdges: ['mx-eu']}).find((r) => r.comment === 'SPF')!.value).toBe('v=spf1 ip6:2001:db8::11 ip4:198.18.0.12 -all')
  })

  it('publishes a CAA issue record per allowed CA, and none when no CA is named', () => {
    expect(dnsRecords(input).filter((r) => r.type === 'CAA')).toEqual([])
    const caa = dnsRecords({...input, caaIssuers: ['letsencrypt.org', 'ca.example.net']}).filter((r) => r.type === 'CAA')
    expect(caa).toEqual([
      {name: 'example.com.', type: 'CAA', value: '0 issue "letsencrypt.org"', comment: 'CAA'},
      {name: 'example.com.', type: 'CAA', value: '0 issue "ca.example.net"', comment: 'CAA'},
    ])
    expect(zoneSnippet(caa)).toContain('example.com.\t3600\tIN\tCAA\t0 issue "letsencrypt.org"\t; CAA\n')
  })

  it("names what a node's certificate must carry: an edge also mta-sts.DOMAIN, where it serves the policy", () => {
    expect(certificateNames({name: 'mx-eu', role: 'edge'}, 'example.com')).toEqual(['mx-eu.example.com', 'mta-sts.example.com'])
    expect(certificateNames({name: 'core1', role: 'core'}, 'example.com')).toEqual(['core1.example.com'])
  })
})
