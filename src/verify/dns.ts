import {Resolver} from 'node:dns/promises'

import {spf} from 'mailauth'

import {recordNames} from '../dns/names.js'
import {mtaStsId} from '../dns/records.js'
import {dnssecCheck} from './dnssec.js'
import {type CheckResult, outcome, type VerifyNode} from './types.js'

/** A resolver bound to --resolver (ADDRESS or ADDRESS:PORT), or the system's. */
export function dnsResolver(server?: string): Resolver {
  const resolver = new Resolver({timeout: 3000, tries: 2})
  if (server) resolver.setServers([server])
  return resolver
}

/** The resolver in the shape mailauth takes: (name, type) → records. */
export const mailauthResolver = (resolver: Resolver) => (name: string, type: string) => resolver.resolve(name, type) as Promise<string[][] | string[]>

const txt = async (resolver: Resolver, name: string): Promise<string[]> => {
  try {
    return (await resolver.resolveTxt(name)).map((chunks) => chunks.join(''))
  } catch (error) {
    if (['ENOTFOUND', 'ENODATA'].includes((error as NodeJS.ErrnoException).code ?? '')) return []
    throw error
  }
}

/** Tags of a tag=value record (DKIM, DMARC, MTA-STS, TLS-RPT): "v=DMARC1; p=reject" → {v, p} */
export function recordTags(record: string): Record<string, string> {
  return Object.fromEntries(
    record
      .split(';')
      .map((part) => part.trim())
      .filter(Boolean)
      .map((part) => [part.slice(0, part.indexOf('=')).trim().toLowerCase(), part.slice(part.indexOf('=') + 1).trim()]),
  )
}

const SPF_TERM = /^([+?~-]?)(all|include:\S+|a(:\S+)?(\/\d+)?|mx(:\S+)?(\/\d+)?|ptr(:\S+)?|ip4:[\d./]+|ip6:[\da-f:./]+|exists:\S+)$|^(redirect|exp)=\S+$/i

/** Syntax problems of an SPF record that DNS alone shows (lookups are counted by evaluation). */
export function spfProblems(record: string): string[] {
  const [version, ...terms] = record.trim().split(/\s+/)
  const problems: string[] = []
  if (version !== 'v=spf1') problems.push('does not start with v=spf1')
  for (const term of terms) {
    if (!SPF_TERM.test(term)) problems.push(`unknown term ${term}`)
    else if (/^[+?]?all$/i.test(term)) problems.push(`${term} lets anyone send as the domain`)
  }
  return problems
}

export interface DnsExpectations {
  domain: string
  edges: VerifyNode[]
  cores: VerifyNode[]
  /** the nodes mail leaves from, which SPF must allow: the cores, and the route plan's egress edges */
  senders: VerifyNode[]
  selector: string
  /** the MTA-STS policy mailops computes for the inventory: what the edges must serve, and whose id the record must carry */
  mtaStsPolicy: string
  /** vars.caa_issuers: the CAs the CAA records must allow */
  caaIssuers: readonly string[]
}

/** The domain's records: MX, SPF, DMARC, MTA-STS, TLS-RPT, and whether they validate (DNSSEC). */
export async function domainDnsChecks(expect: DnsExpectations, resolver: Resolver, wanted: (id: CheckResult['id']) => boolean, timeoutMs: number): Promise<CheckResult[]> {
  const {domain} = expect
  const names = recordNames(domain, expect.selector)
  const guard = async (id: CheckResult['id'], check: () => Promise<CheckResult>) => {
    try {
      return await check()
    } catch (error) {
      return outcome(id, 'fail', `lookup failed: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`)
    }
  }
  const checks: Array<[CheckResult['id'], () => Promise<CheckResult>]> = [
    [
      'dns.mx',
      async () => {
        const mx = await resolver.resolveMx(domain).catch((error: NodeJS.ErrnoException) => (error.code === 'ENOTFOUND' || error.code === 'ENODATA' ? [] : Promise.reject(error)))
        const names = mx.map((m) => m.exchange.toLowerCase().replace(/\.$/, '')).sort()
        const wanted = expect.edges.map((e) => e.fqdn).sort()
        const evidence = mx.map((m) => `${m.priority} ${m.exchange}`).join(', ') || 'no MX'
        if (JSON.stringify(names) !== JSON.stringify(wanted)) return outcome('dns.mx', 'fail', `MX names ${names.join(', ') || 'nothing'}; expected the edges ${wanted.join(', ')}`, {evidence})
        for (const edge of expect.edges) {
          const addresses = await resolver.resolve4(edge.fqdn).catch(() => [] as string[])
          if (!addresses.includes(edge.address)) return outcome('dns.mx', 'fail', `${edge.fqdn} resolves to ${addresses.join(', ') || 'nothing'}, not ${edge.address}`, {evidence})
        }
        return outcome('dns.mx', 'pass', `MX → ${wanted.join(', ')}, each resolving to its edge`, {evidence})
      },
    ],
    [
      'dns.spf',
      async () => {
        const records = (await txt(resolver, domain)).filter((r) => /^v=spf1(\s|$)/i.test(r))
        if (records.length !== 1) return outcome('dns.spf', 'fail', records.length === 0 ? `no SPF record at ${domain}` : `${records.length} SPF records (exactly one allowed)`, {evidence: records.join(' | ')})
        const problems = spfProblems(records[0])
        if (problems.length > 0) return outcome('dns.spf', 'fail', problems.join('; '), {evidence: records[0]})
        for (const sender of expect.senders) {
          const result = await spf({sender: `postmaster@${domain}`, ip: sender.address, helo: sender.fqdn, mta: 'verify.mailops.invalid', resolver: mailauthResolver(resolver)})
          const lookups = result.lookups?.count ?? 0
          const which = sender.role === 'core' ? 'the core' : 'the egress edge'
          if (result.status.result !== 'pass') return outcome('dns.spf', 'fail', `SPF gives ${result.status.result} for ${which} ${sender.name} (${sender.address})${result.status.comment ? `: ${result.status.comment}` : ''}`, {evidence: records[0]})
          if (lookups > 10) return outcome('dns.spf', 'fail', `${lookups} DNS lookups (at most 10)`, {evidence: records[0]})
        }
        return outcome('dns.spf', 'pass', `allows ${expect.senders.map((c) => c.address).join(', ')}; no +all/?all`, {evidence: records[0]})
      },
    ],
    [
      'dns.dmarc',
      async () => {
        const records = (await txt(resolver, names.dmarc)).filter((r) => /^v=DMARC1/i.test(r))
        if (records.length !== 1) return outcome('dns.dmarc', 'fail', `${records.length} DMARC records at ${names.dmarc} (exactly one needed)`, {evidence: records.join(' | ')})
        const tags = recordTags(records[0])
        if (!['none', 'quarantine', 'reject'].includes(tags.p ?? '')) return outcome('dns.dmarc', 'fail', `policy p=${tags.p ?? '(missing)'} is not none, quarantine or reject`, {evidence: records[0]})
        if (tags.p === 'none') return outcome('dns.dmarc', 'warn', 'p=none only monitors: spoofed mail is still delivered', {evidence: records[0]})
        return outcome('dns.dmarc', 'pass', `p=${tags.p}`, {evidence: records[0]})
      },
    ],
    [
      'dns.mta-sts',
      async () => {
        const records = (await txt(resolver, names.mtaSts)).filter((r) => /^v=STSv1/i.test(r))
        const id = records.length === 1 ? recordTags(records[0]).id : undefined
        if (records.length > 1) return outcome('dns.mta-sts', 'fail', `${records.length} MTA-STS records at ${names.mtaSts}: senders then assume no policy (RFC 8461 §3.1)`, {evidence: records.join(' | ')})
        if (!id || !/^[A-Za-z0-9]{1,32}$/.test(id)) return outcome('dns.mta-sts', 'fail', records.length === 0 ? `no MTA-STS record at ${names.mtaSts}` : 'MTA-STS record without a valid id (1-32 letters and digits)', {evidence: records.join(' | ')})
        const current = mtaStsId(expect.mtaStsPolicy)
        if (id !== current) return outcome('dns.mta-sts', 'fail', `id ${id} is not the current policy's (${current}): the policy changed since the record was published, and senders keep the old one they cached until its max_age`, {evidence: records[0]})
        return outcome('dns.mta-sts', 'pass', `policy id ${id}, the current policy's`, {evidence: records[0]})
      },
    ],
    [
      'dns.tls-rpt',
      async () => {
        const records = (await txt(resolver, names.tlsRpt)).filter((r) => /^v=TLSRPTv1/i.test(r))
        const rua = records.length === 1 ? recordTags(records[0]).rua : undefined
        if (!rua || !/^(mailto:|https:)/.test(rua)) return outcome('dns.tls-rpt', 'fail', records.length === 0 ? `no TLS-RPT record at ${names.tlsRpt}` : 'TLS-RPT record without a mailto: or https: rua', {evidence: records.join(' | ')})
        return outcome('dns.tls-rpt', 'pass', `reports to ${rua}`, {evidence: records[0]})
      },
    ],
    ['dns.caa', () => caaCheck(expect, resolver)],
    ['dns.dnssec', () => dnssecCheck(expect, resolver, timeoutMs)],
  ]
  return Promise.all(checks.filter(([id]) => wanted(id)).map(([id, check]) => guard(id, check)))
}

/**
 * dns.caa (RFC 8659): the relevant CAA record set - the domain's, or its closest ancestor's
 * (§3, climbing towards the root) - exists and allows every CA of vars.caa_issuers to issue; a
 * critical property this check does not know stops every CA (§4.5). None anywhere: any CA may
 * issue, a warning when no issuer is expected, a failure when one is.
 */
export async function caaCheck(expect: Pick<DnsExpectations, 'domain' | 'caaIssuers'>, resolver: Resolver): Promise<CheckResult> {
  const labels = expect.domain.split('.')
  let found: {name: string; records: Awaited<ReturnType<Resolver['resolveCaa']>>} | undefined
  for (let i = 0; i < labels.length - 1 && !found; i++) {
    const name = labels.slice(i).join('.')
    const records = await resolver.resolveCaa(name).catch((error: NodeJS.ErrnoException) => (['ENOTFOUND', 'ENODATA'].includes(error.code ?? '') ? [] : Promise.reject(error)))
    if (records.length > 0) found = {name, records}
  }
  const wanted = expect.caaIssuers
  if (!found) {
    return wanted.length === 0
      ? outcome('dns.caa', 'warn', `no CAA record at ${expect.domain} or above it: any CA may issue certificates for it`)
      : outcome('dns.caa', 'fail', `no CAA record at ${expect.domain} or above it, though vars.caa_issuers names ${wanted.join(', ')}`)
  }
  const shown = found.records.map((r) => Object.entries(r).filter(([k]) => k !== 'critical').map(([k, v]) => `${r.critical ? `${r.critical} ` : '0 '}${k} "${v}"`).join('')).join(', ')
  const unknownCritical = found.records.filter((r) => r.critical & 128 && !('issue' in r || 'issuewild' in r || 'iodef' in r))
  if (unknownCritical.length > 0) return outcome('dns.caa', 'fail', `a critical CAA property mailops does not know is set at ${found.name}: no CA may issue (RFC 8659 §4.5)`, {evidence: shown})
  const issuers = found.records.filter((r) => r.issue !== undefined).map((r) => r.issue!.split(';')[0].trim().toLowerCase())
  const refused = wanted.filter((ca) => !issuers.includes(ca.toLowerCase()))
  if (refused.length > 0) return outcome('dns.caa', 'fail', `CAA at ${found.name} does not allow ${refused.join(', ')} (vars.caa_issuers) to issue${issuers.length > 0 ? `; it allows ${issuers.filter(Boolean).join(', ') || 'no CA'}` : ''}`, {evidence: shown})
  return outcome('dns.caa', 'pass', `CAA at ${found.name} allows ${issuers.filter(Boolean).join(', ') || 'no CA (issue ";")'}${wanted.length === 0 ? '' : ', the expected issuers'}`, {evidence: shown})
}

/** The DKIM record against the key the core signs with. */
export async function dkimDnsCheck(expect: DnsExpectations, resolver: Resolver, keyOnNode: string | undefined): Promise<CheckResult> {
  const name = recordNames(expect.domain, expect.selector).dkim
  if (!keyOnNode) return outcome('dns.dkim', 'fail', 'the core has no DKIM key to compare with', {hint: 'Deploy the core: mailops deploy -i inventory.yaml'})
  try {
    const records = (await txt(resolver, name)).filter((r) => /(^|;)\s*p=/.test(r))
    if (records.length !== 1) return outcome('dns.dkim', 'fail', `${records.length} DKIM records at ${name} (exactly one needed)`)
    const published = (recordTags(records[0]).p ?? '').replaceAll(/\s/g, '')
    return published === keyOnNode
      ? outcome('dns.dkim', 'pass', `${name} publishes the core's key`)
      : outcome('dns.dkim', 'fail', `${name} publishes a different key than the one the core signs with`, {evidence: `published p=${published.slice(0, 24)}…, core p=${keyOnNode.slice(0, 24)}…`})
  } catch (error) {
    return outcome('dns.dkim', 'fail', `lookup failed: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`)
  }
}

/** Forward-confirmed reverse DNS: PTR to the node's name, and that name back to the address. */
export async function ptrCheck(node: VerifyNode, resolver: Resolver): Promise<CheckResult> {
  const names = await resolver.reverse(node.address).catch(() => [] as string[])
  const evidence = names.join(', ') || 'no PTR'
  if (names.length === 0) return outcome('dns.ptr', 'fail', `no PTR record for ${node.address}`, {evidence})
  const normalised = names.map((n) => n.toLowerCase().replace(/\.$/, ''))
  if (!normalised.includes(node.fqdn)) return outcome('dns.ptr', 'fail', `PTR of ${node.address} is ${evidence}, not ${node.fqdn}`, {evidence})
  const forward = await resolver.resolve4(node.fqdn).catch(() => [] as string[])
  if (!forward.includes(node.address)) return outcome('dns.ptr', 'fail', `${node.fqdn} does not resolve back to ${node.address}`, {evidence: `A ${forward.join(', ') || 'none'}`})
  return outcome('dns.ptr', 'pass', `${node.address} ↔ ${node.fqdn}`, {evidence})
}
