import {createHash, createPublicKey, type KeyObject, X509Certificate} from 'node:crypto'
import {isIPv6} from 'node:net'

import {mtaStsHost, mxHosts, nodeFqdn, recordNames, spfSenders, tlsaName} from './names.js'

export interface DnsNode {
  name: string
  address: string
  role: 'core' | 'edge'
  /**
   * An MX's TLSA 3 1 1 data (tlsaDigest): the key it serves now, and the next one's when a
   * rotation is coming (published before the new key is deployed, so no validating sender ever
   * sees a key without its record: RFC 7671 §8.1).
   */
  tlsa?: {current: string; next?: string}
}

export interface DnsRecord {
  name: string
  type: 'A' | 'AAAA' | 'MX' | 'TXT' | 'TLSA' | 'CAA' | 'PTR'
  value: string
  /** MX preference */
  priority?: number
  comment?: string
}

export interface DnsInput {
  domain: string
  nodes: DnsNode[]
  dkimSelector: string
  /** base64 DER SubjectPublicKeyInfo, as read back from the core */
  dkimPublic: string
  dmarcPolicy: 'none' | 'quarantine' | 'reject'
  /** CAA issuer domains (vars.caa_issuers): the CAs allowed to issue for the domain; none, no CAA record */
  caaIssuers?: readonly string[]
  /** the edges the route plan sends mail out through (vars.route_plan): SPF allows them beside the cores */
  egressEdges?: readonly string[]
}

/** SHA-256 of a key's DER SubjectPublicKeyInfo, in hex: TLSA selector 1 (SPKI), matching type 1 (SHA-256). */
export const spkiSha256 = (key: KeyObject) => createHash('sha256').update(key.export({type: 'spki', format: 'der'})).digest('hex')

/**
 * The TLSA 3 1 1 data of a PEM certificate chain (its leaf, the first certificate: the one the
 * server presents) or of a PEM public key. DANE-EE with the public key alone (RFC 7671 §5.1):
 * it survives a renewal that keeps the key, and names no CA.
 */
export function tlsaDigest(pem: string): string {
  const leaf = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(pem)?.[0]
  return spkiSha256(leaf ? new X509Certificate(leaf).publicKey : createPublicKey(pem))
}

/** How long senders may cache the policy: one week (RFC 8461 §3.2 allows up to 31557600 s). */
export const MTA_STS_MAX_AGE = 604_800

/**
 * The MTA-STS policy (RFC 8461 §3.2) to serve at https://mta-sts.DOMAIN/.well-known/mta-sts.txt:
 * enforce, every MX (the edges) by name. The one text: `mailops dns` prints it, deploy puts it
 * on the edges, verify expects it.
 */
export function mtaStsPolicy(input: {domain: string; nodes: ReadonlyArray<{name: string; role: 'core' | 'edge'}>}): string {
  const mx = mxHosts(input.nodes).map((n) => `mx: ${nodeFqdn(n, input.domain)}`)
  return ['version: STSv1', 'mode: enforce', ...mx, `max_age: ${MTA_STS_MAX_AGE}`, ''].join('\r\n')
}

/**
 * The id of the _mta-sts TXT record (RFC 8461 §3.1: 1-32 letters and digits) for a policy: from
 * the SHA-256 of its text, so it is the same on every run and changes exactly when the policy does
 * (a sender refetches the policy only when the id changes).
 */
export const mtaStsId = (policy: string) => createHash('sha256').update(policy).digest('hex').slice(0, 20)

/**
 * What to publish for a deployed domain: A per node, MX per edge (with its TLSA records), SPF naming the nodes that
 * send (the cores, and the route plan's egress edges), DKIM with the key the core signs with, DMARC, MTA-STS, TLS-RPT,
 * the policy host mta-sts.DOMAIN (the edges), CAA for vars.caa_issuers, and the PTR each node's
 * address should have (set at the address's owner).
 */
export function dnsRecords(input: DnsInput): DnsRecord[] {
  const fqdn = (n: DnsNode) => `${nodeFqdn(n, input.domain)}.`
  const edges = mxHosts(input.nodes)
  const senders = spfSenders(input.nodes, input.nodes.filter((n) => n.role === 'edge' && (input.egressEdges ?? []).includes(n.name)))
  const names = recordNames(input.domain, input.dkimSelector)
  const policy = mtaStsPolicy(input)
  return [
    ...input.nodes.map((n): DnsRecord => ({name: fqdn(n), type: isIPv6(n.address) ? 'AAAA' : 'A', value: n.address})),
    ...edges.map((n): DnsRecord => ({name: `${input.domain}.`, type: 'MX', priority: 10, value: fqdn(n)})),
    ...edges.flatMap((n): DnsRecord[] =>
      n.tlsa
        ? [
            {name: tlsaName(fqdn(n)), type: 'TLSA', value: `3 1 1 ${n.tlsa.current}`, comment: 'DANE'},
            ...(n.tlsa.next ? [{name: tlsaName(fqdn(n)), type: 'TLSA' as const, value: `3 1 1 ${n.tlsa.next}`, comment: 'DANE, the next key'}] : []),
          ]
        : [],
    ),
    {name: `${input.domain}.`, type: 'TXT', value: `v=spf1 ${senders.map((n) => `${isIPv6(n.address) ? 'ip6' : 'ip4'}:${n.address}`).join(' ')} -all`, comment: 'SPF'},
    {name: `${names.dkim}.`, type: 'TXT', value: `v=DKIM1; k=rsa; p=${input.dkimPublic}`, comment: 'DKIM'},
    {name: `${names.dmarc}.`, type: 'TXT', value: `v=DMARC1; p=${input.dmarcPolicy}; adkim=s; aspf=s; rua=mailto:dmarc-reports@${input.domain}`, comment: 'DMARC'},
    {name: `${names.mtaSts}.`, type: 'TXT', value: `v=STSv1; id=${mtaStsId(policy)}`, comment: 'MTA-STS'},
    // The policy's host name: the edges serve it (RFC 8461 §3.3).
    ...edges.map((n): DnsRecord => ({name: `${mtaStsHost(input.domain)}.`, type: isIPv6(n.address) ? 'AAAA' : 'A', value: n.address, comment: 'MTA-STS policy host'})),
    // RFC 8659: only these CAs may issue certificates for the domain (and its names below).
    ...(input.caaIssuers ?? []).map((issuer): DnsRecord => ({name: `${input.domain}.`, type: 'CAA', value: `0 issue "${issuer}"`, comment: 'CAA'})),
    {name: `${names.tlsRpt}.`, type: 'TXT', value: `v=TLSRPTv1; rua=mailto:tlsrpt@${input.domain}`, comment: 'TLS-RPT'},
    ...input.nodes.map((n): DnsRecord => ({name: `${n.address.split('.').reverse().join('.')}.in-addr.arpa.`, type: 'PTR', value: fqdn(n), comment: 'set by the owner of the address'})),
  ]
}

/** TXT data as quoted strings of at most 255 octets each (RFC 1035 §3.3.14). */
export function txtParts(value: string): string[] {
  const parts: string[] = []
  for (let i = 0; i < value.length; i += 255) parts.push(`"${value.slice(i, i + 255).replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`)
  return parts
}

/** TXT data for a zone file: several strings in parentheses, which only a zone file reads as grouping (nsupdate would store them as text). */
export function txtStrings(value: string): string {
  const parts = txtParts(value)
  return parts.length > 1 ? `( ${parts.join(' ')} )` : parts[0]
}

/** A zone-file snippet (the PTR lines commented out: they belong to the address's owner). */
export function zoneSnippet(records: readonly DnsRecord[]): string {
  return (
    records
      .map((r) => {
        const data = r.type === 'TXT' ? txtStrings(r.value) : r.type === 'MX' ? `${r.priority} ${r.value}` : r.value
        const line = `${r.name}\t3600\tIN\t${r.type}\t${data}${r.comment && r.type !== 'PTR' ? `\t; ${r.comment}` : ''}`
        return r.type === 'PTR' ? `; ${line}\t; ${r.comment}` : line
      })
      .join('\n') + '\n'
  )
}
