import type {Resolver} from 'node:dns/promises'

import {describe, expect, it} from 'vitest'

import {mtaStsId, mtaStsPolicy} from '../../../src/dns/records.js'
import {caaCheck, domainDnsChecks} from '../../../src/verify/dns.js'
import {mxMatches, parseMtaStsPolicy} from '../../../src/verify/mta-sts.js'
import {ipv6Check} from '../../../src/verify/network.js'

const policyOf = (...lines: string[]) => `${lines.join('\r\n')}\r\n`

describe('MTA-STS policy files, parsed as RFC 8461 §3.2 writes them', () => {
  it('reads what mailops serves, and LF line ends as well as CRLF', () => {
    const served = mtaStsPolicy({domain: 'example.com', nodes: [{name: 'mx-eu', role: 'edge'}, {name: 'core1', role: 'core'}]})
    expect(parseMtaStsPolicy(served)).toEqual({version: 'STSv1', mode: 'enforce', maxAge: 604_800, mx: ['mx-eu.example.com'], problems: []})
    expect(parseMtaStsPolicy('version: STSv1\nmode: testing\nmx: *.example.com\nmax_age: 86400\nx_extension: anything goes\n')).toMatchObject({mode: 'testing', mx: ['*.example.com'], problems: []})
  })

  it.each([
    ['no version', policyOf('mode: enforce', 'mx: a.example.com', 'max_age: 86400'), 'no version field (version: STSv1 must be given)'],
    ['another version', policyOf('version: STSv2', 'mode: enforce', 'mx: a.example.com', 'max_age: 86400'), 'version STSv2 is not STSv1'],
    ['a version in other case (%s: case-sensitive)', policyOf('version: stsv1', 'mode: enforce', 'mx: a.example.com', 'max_age: 86400'), 'version stsv1 is not STSv1'],
    ['an unknown mode', policyOf('version: STSv1', 'mode: strict', 'mx: a.example.com', 'max_age: 86400'), 'mode strict is not enforce, testing or none'],
    ['a max_age above a year', policyOf('version: STSv1', 'mode: enforce', 'mx: a.example.com', 'max_age: 31557601'), 'max_age 31557601 is above 31557600 (RFC 8461 §3.2)'],
    ['a max_age that is no number', policyOf('version: STSv1', 'mode: enforce', 'mx: a.example.com', 'max_age: 1w'), 'max_age 1w is not 1 to 10 digits'],
    ['no max_age', policyOf('version: STSv1', 'mode: enforce', 'mx: a.example.com'), 'no max_age field'],
    ['no mx in enforce mode', policyOf('version: STSv1', 'mode: enforce', 'max_age: 86400'), 'no mx field: a policy that is not mode none must name its MX hosts'],
    ['a bad mx', policyOf('version: STSv1', 'mode: enforce', 'mx: *.*.example.com', 'max_age: 86400'), 'mx *.*.example.com is not a domain name or *.domain'],
    ['a mode given twice', policyOf('version: STSv1', 'mode: enforce', 'mode: none', 'mx: a.example.com', 'max_age: 86400'), 'mode is given more than once'],
    ['a line that is no field', policyOf('version: STSv1', 'mode enforce', 'mx: a.example.com', 'max_age: 86400'), 'line 2 is not "key: value": "mode enforce"'],
  ])('refuses %s', (_, text, problem) => {
    expect(parseMtaStsPolicy(text).problems).toContain(problem)
  })

  it('matches an MX by name or by a one-label wildcard (RFC 8461 §4.1)', () => {
    expect(mxMatches('mx1.example.com', 'MX1.example.com.')).toBe(true)
    expect(mxMatches('mx1.example.com', 'mx2.example.com')).toBe(false)
    expect(mxMatches('*.example.com', 'mx1.example.com')).toBe(true)
    expect(mxMatches('*.example.com', 'example.com')).toBe(false)
    expect(mxMatches('*.example.com', 'a.mx1.example.com')).toBe(false)
  })
})

/** A resolver answering from a table (name → records) per type; anything else is ENODATA. */
function resolverOf(table: {caa?: Record<string, object[]>; txt?: Record<string, string[]>; aaaa?: Record<string, string[]>}): Resolver {
  const lookup = <T>(records: Record<string, T[]> | undefined, name: string): Promise<T[]> =>
    records?.[name] ? Promise.resolve(records[name]) : Promise.reject(Object.assign(new Error('no data'), {code: 'ENODATA'}))
  return {
    resolveCaa: (name: string) => lookup(table.caa, name),
    resolveTxt: (name: string) => lookup(table.txt, name).then((r) => r.map((s) => [s])),
    resolve6: (name: string) => lookup(table.aaaa, name),
  } as unknown as Resolver
}

describe('dns.caa (RFC 8659)', () => {
  const expect_ = (caaIssuers: string[]) => ({domain: 'mail.example.com', caaIssuers})

  it('passes when the domain allows every expected CA, and finds the record at the closest ancestor', async () => {
    expect(await caaCheck(expect_(['letsencrypt.org']), resolverOf({caa: {'mail.example.com': [{critical: 0, issue: 'letsencrypt.org'}]}}))).toMatchObject({status: 'pass'})
    const above = await caaCheck(expect_(['letsencrypt.org']), resolverOf({caa: {'example.com': [{critical: 0, issue: 'letsencrypt.org; validationmethods=dns-01'}]}}))
    expect(above).toMatchObject({status: 'pass', message: 'CAA at example.com allows letsencrypt.org, the expected issuers'})
  })

  it('fails when the record set leaves an expected CA out, or a critical property it does not know stops all', async () => {
    const other = await caaCheck(expect_(['letsencrypt.org']), resolverOf({caa: {'mail.example.com': [{critical: 0, issue: 'pki.goog'}]}}))
    expect(other).toMatchObject({status: 'fail', message: 'CAA at mail.example.com does not allow letsencrypt.org (vars.caa_issuers) to issue; it allows pki.goog'})
    const critical = await caaCheck(expect_([]), resolverOf({caa: {'mail.example.com': [{critical: 128, contactemail: 'x@example.com'}]}}))
    expect(critical).toMatchObject({status: 'fail'})
    expect(critical.message).toContain('no CA may issue (RFC 8659 §4.5)')
  })

  it('warns without any CAA when none is expected, and fails when one is', async () => {
    expect(await caaCheck(expect_([]), resolverOf({}))).toMatchObject({status: 'warn', message: 'no CAA record at mail.example.com or above it: any CA may issue certificates for it'})
    expect(await caaCheck(expect_(['letsencrypt.org']), resolverOf({}))).toMatchObject({status: 'fail'})
  })
})

describe('dns.mta-sts: the record and the id of the current policy', () => {
  const policy = mtaStsPolicy({domain: 'example.com', nodes: [{name: 'mx-eu', role: 'edge'}]})
  const expectations = {domain: 'example.com', edges: [], cores: [], senders: [], selector: 'mail', mtaStsPolicy: policy, caaIssuers: []}
  const check = async (records: string[]) => (await domainDnsChecks(expectations, resolverOf({txt: {'_mta-sts.example.com': records}}), (id) => id === 'dns.mta-sts', 1000))[0]

  it("passes the current policy's id and fails a stale one, or two records", async () => {
    expect(await check([`v=STSv1; id=${mtaStsId(policy)}`])).toMatchObject({status: 'pass'})
    const before = mtaStsPolicy({domain: 'example.com', nodes: [{name: 'mx-eu', role: 'edge'}, {name: 'mx-ap', role: 'edge'}]})
    const stale = await check([`v=STSv1; id=${mtaStsId(before)}`])
    expect(stale).toMatchObject({status: 'fail'})
    expect(stale.message).toMatch(/^id \w+ is not the current policy's \(\w+\): the policy changed since the record was published/)
    expect(await check([`v=STSv1; id=${mtaStsId(policy)}`, 'v=STSv1; id=2'])).toMatchObject({status: 'fail', message: '2 MTA-STS records at _mta-sts.example.com: senders then assume no policy (RFC 8461 §3.1)'})
  })
})

describe('network.ipv6', () => {
  it('does not apply to an MX without AAAA, and says so rather than passing', async () => {
    const result = await ipv6Check({name: 'mx-eu', address: '198.18.0.12', role: 'edge', fqdn: 'mx-eu.example.com'}, resolverOf({}), {timeoutMs: 1000})
    expect(result).toMatchObject({status: 'skip', message: expect.stringContaining('mx-eu.example.com has no AAAA record')})
  })
})
