import type {Resolver} from 'node:dns/promises'
import {request} from 'node:https'
import {checkServerIdentity} from 'node:tls'

import {MTA_STS_PATH, mtaStsHost, mtaStsUrl} from '../dns/names.js'
import {type CheckResult, outcome, type ProbeContext, type VerifyNode} from './types.js'

/** RFC 8461 §3.2: the longest max_age a policy may give (about one year). */
export const MTA_STS_MAX_AGE_LIMIT = 31_557_600
/** RFC 8461 §3.3: senders should not read more of a policy than this. */
const POLICY_BYTES = 64 * 1024

export interface MtaStsPolicy {
  version?: string
  mode?: string
  maxAge?: number
  mx: string[]
  /** what makes it invalid, in words; empty: a policy a sender applies */
  problems: string[]
}

// RFC 8461 §3.2's grammar: field names and the version and mode values are case-sensitive (%s);
// an mx is a domain, optionally "*." and a domain (one label of wildcard, §4.1).
const LABEL = '[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?'
const DOMAIN = new RegExp(`^(\\*\\.)?${LABEL}(\\.${LABEL})+$`)
const FIELD = /^([A-Za-z0-9][A-Za-z0-9_.-]{0,31}):[ \t]*([\x21-\x7e]([\x20-\x7e]*[\x21-\x7e])?)[ \t]*$/

/**
 * A policy file parsed strictly (RFC 8461 §3.2): lines end in CRLF or LF; version STSv1, mode
 * (enforce, testing or none), max_age (at most 10 digits, at most 31557600) and, unless the mode
 * is none, at least one mx are required; a field other than mx given twice is ambiguous (the RFC
 * defines one value for each); unknown fields are extensions and ignored.
 */
export function parseMtaStsPolicy(text: string): MtaStsPolicy {
  const policy: MtaStsPolicy = {mx: [], problems: []}
  const seen = new Set<string>()
  const lines = text.split(/\r?\n/)
  if (lines.at(-1) === '') lines.pop()
  for (const [i, line] of lines.entries()) {
    const field = FIELD.exec(line)
    if (!field) {
      policy.problems.push(`line ${i + 1} is not "key: value": ${JSON.stringify(line.slice(0, 80))}`)
      continue
    }
    const [, key, value] = field
    if (key !== 'mx' && seen.has(key)) policy.problems.push(`${key} is given more than once`)
    seen.add(key)
    if (key === 'version') policy.version ??= value
    else if (key === 'mode') policy.mode ??= value
    else if (key === 'max_age') {
      if (!/^\d{1,10}$/.test(value)) policy.problems.push(`max_age ${value} is not 1 to 10 digits`)
      else policy.maxAge ??= Number(value)
    } else if (key === 'mx') {
      if (DOMAIN.test(value)) policy.mx.push(value.toLowerCase())
      else policy.problems.push(`mx ${value} is not a domain name or *.domain`)
    }
  }
  if (policy.version !== 'STSv1') policy.problems.push(policy.version === undefined ? 'no version field (version: STSv1 must be given)' : `version ${policy.version} is not STSv1`)
  if (policy.mode === undefined) policy.problems.push('no mode field')
  else if (!['enforce', 'testing', 'none'].includes(policy.mode)) policy.problems.push(`mode ${policy.mode} is not enforce, testing or none`)
  if (policy.maxAge === undefined && !policy.problems.some((p) => p.startsWith('max_age'))) policy.problems.push('no max_age field')
  if (policy.maxAge !== undefined && policy.maxAge > MTA_STS_MAX_AGE_LIMIT) policy.problems.push(`max_age ${policy.maxAge} is above ${MTA_STS_MAX_AGE_LIMIT} (RFC 8461 §3.2)`)
  if (policy.mode !== 'none' && policy.mx.length === 0) policy.problems.push('no mx field: a policy that is not mode none must name its MX hosts')
  return policy
}

/** RFC 8461 §4.1: an mx pattern matches the MX name itself, or with "*." any one label in its place. */
export function mxMatches(pattern: string, mx: string): boolean {
  const name = mx.toLowerCase().replace(/\.$/, '')
  const wanted = pattern.toLowerCase()
  if (!wanted.startsWith('*.')) return name === wanted
  const dot = name.indexOf('.')
  return dot > 0 && name.slice(dot + 1) === wanted.slice(2)
}

interface Fetched {
  status: number
  contentType: string
  location?: string
  body: string
}

/**
 * GET https://mta-sts.DOMAIN/.well-known/mta-sts.txt from one address, as a sender does (RFC 8461
 * §3.3): the certificate must chain to `ca` (the system's roots without it) and carry the policy
 * host's name; redirects are reported, never followed.
 */
export function fetchPolicy(address: string, domain: string, ctx: Pick<ProbeContext, 'ca' | 'timeoutMs'>): Promise<Fetched> {
  const host = mtaStsHost(domain)
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: address,
        port: 443,
        path: MTA_STS_PATH,
        servername: host,
        headers: {host, 'user-agent': 'mailops-verify'},
        ...(ctx.ca ? {ca: ctx.ca} : {}),
        rejectUnauthorized: true,
        checkServerIdentity: (_name, cert) => checkServerIdentity(host, cert),
        timeout: ctx.timeoutMs,
        agent: false,
      },
      (response) => {
        const chunks: Buffer[] = []
        let size = 0
        response.on('data', (chunk: Buffer) => {
          size += chunk.length
          if (size > POLICY_BYTES) {
            req.destroy(new Error(`the policy is larger than ${POLICY_BYTES} bytes`))
            return
          }
          chunks.push(chunk)
        })
        response.on('end', () =>
          resolve({status: response.statusCode ?? 0, contentType: String(response.headers['content-type'] ?? ''), location: response.headers.location, body: Buffer.concat(chunks).toString('utf8')}),
        )
        response.on('error', reject)
      },
    )
    req.on('timeout', () => req.destroy(new Error(`no answer within ${ctx.timeoutMs} ms`)))
    req.on('error', reject)
    req.end()
  })
}

/**
 * dns.mta-sts-policy, per edge: the edge serves the policy as a sender fetches it (HTTPS with a
 * certificate valid for mta-sts.DOMAIN from the expected CA, 200, text/plain, RFC 8461 §3.3), it
 * parses strictly (§3.2), its mode is enforce, and every MX the domain publishes matches one of
 * its mx patterns (§4.1) - else senders that enforce it refuse to deliver to that MX.
 */
export async function mtaStsPolicyCheck(edge: VerifyNode, expect: {domain: string; policy: string}, resolver: Resolver, ctx: ProbeContext): Promise<CheckResult> {
  const id = 'dns.mta-sts-policy'
  const host = mtaStsHost(expect.domain)
  const published = await resolver.resolve4(host).catch(() => [] as string[])
  if (published.length === 0) return outcome(id, 'fail', `${host} does not resolve: senders cannot fetch the policy`)
  let fetched: Fetched
  try {
    fetched = await fetchPolicy(edge.address, expect.domain, ctx)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    return outcome(id, 'fail', `GET ${mtaStsUrl(expect.domain)} from ${edge.address}: ${code ? `${code}: ` : ''}${(error as Error).message}`)
  }
  const evidence = fetched.body.replaceAll('\r\n', '\n').trimEnd().replaceAll('\n', ' | ')
  if (fetched.status >= 300 && fetched.status < 400) return outcome(id, 'fail', `answered ${fetched.status} (redirect to ${fetched.location ?? '?'}): senders must not follow redirects (RFC 8461 §3.3)`)
  if (fetched.status !== 200) return outcome(id, 'fail', `answered HTTP ${fetched.status}, not 200`)
  if (!/^text\/plain\s*(;|$)/i.test(fetched.contentType)) return outcome(id, 'fail', `served as ${fetched.contentType || 'no media type'}, not text/plain (RFC 8461 §3.2)`, {evidence})
  const policy = parseMtaStsPolicy(fetched.body)
  if (policy.problems.length > 0) return outcome(id, 'fail', `invalid policy: ${policy.problems.join('; ')}`, {evidence})
  const mx = await resolver.resolveMx(expect.domain).then((records) => records.map((r) => r.exchange.toLowerCase().replace(/\.$/, '')), () => [] as string[])
  const uncovered = mx.filter((name) => !policy.mx.some((pattern) => mxMatches(pattern, name)))
  if (uncovered.length > 0) return outcome(id, 'fail', `the policy's mx (${policy.mx.join(', ')}) does not match the MX ${uncovered.join(', ')}: senders enforcing it refuse to deliver there`, {evidence})
  if (policy.mode !== 'enforce') return outcome(id, policy.mode === 'testing' ? 'warn' : 'fail', `mode ${policy.mode}: senders do not enforce TLS to the MX hosts (enforce expected)`, {evidence})
  if (fetched.body !== expect.policy) return outcome(id, 'warn', "valid, but not the policy mailops computes for the inventory: the edge was not redeployed since the inventory changed", {evidence})
  const where = published.includes(edge.address) ? '' : ` (though ${host} resolves to ${published.join(', ')}, not this edge)`
  return outcome(id, published.includes(edge.address) ? 'pass' : 'warn', `serves a valid enforce policy covering every MX (${mx.sort().join(', ') || 'none published'}), max_age ${policy.maxAge}, over HTTPS for ${host}${where}`, {evidence})
}
