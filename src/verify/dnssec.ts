import {createHash, randomInt, X509Certificate} from 'node:crypto'
import {createSocket} from 'node:dgram'
import type {Resolver} from 'node:dns/promises'
import {isIPv6} from 'node:net'
import type {DetailedPeerCertificate} from 'node:tls'

import * as dnsPacket from 'dns-packet'

import {tlsaName} from '../dns/names.js'
import {spkiSha256} from '../dns/records.js'
import {NoTls, openTls} from './tls.js'
import {type CheckResult, ENDPOINTS, outcome, type ProbeContext, type VerifyNode} from './types.js'

/** What a validating resolver said about one name and type. */
export interface SecureAnswer {
  rcode: string
  /** the AD bit: the resolver validated the answer (RFC 4035 §3.2.3) */
  authentic: boolean
  answers: dnsPacket.Answer[]
}

/** "198.18.9.1", "198.18.9.1:5353", "[::1]:53" (a Resolver's getServers()) → address and port. */
export function serverAddress(server: string): {address: string; port: number} {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(server)
  if (bracketed) return {address: bracketed[1], port: Number(bracketed[2] ?? 53)}
  if (isIPv6(server)) return {address: server, port: 53}
  const [address, port] = server.split(':')
  return {address, port: Number(port ?? 53)}
}

/**
 * One query to a recursive resolver with DNSSEC asked for: DO (RRSIGs in the answer) and AD set
 * (RFC 6840 §5.7), so that the answer's AD bit says whether the resolver validated it. Node's own
 * resolver (c-ares) hides the header and has no TLSA, hence this. `checkingDisabled` (CD) asks
 * for the data even when it does not validate: what a bogus answer would have been.
 */
export async function secureQuery(server: string, name: string, type: dnsPacket.RecordType, options: {timeoutMs: number; checkingDisabled?: boolean}): Promise<SecureAnswer> {
  const {address, port} = serverAddress(server)
  const id = randomInt(0, 65_536)
  const query = dnsPacket.encode({
    type: 'query',
    id,
    flags: dnsPacket.RECURSION_DESIRED | dnsPacket.AUTHENTIC_DATA | (options.checkingDisabled ? dnsPacket.CHECKING_DISABLED : 0),
    questions: [{type, name, class: 'IN'}],
    additionals: [{type: 'OPT', name: '.', udpPayloadSize: 4096, flags: dnsPacket.DNSSEC_OK} as dnsPacket.Answer],
  })
  const socket = createSocket(isIPv6(address) ? 'udp6' : 'udp4')
  try {
    const response = await new Promise<dnsPacket.DecodedPacket>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer from ${server} within ${options.timeoutMs} ms`)), options.timeoutMs)
      // UDP may lose the query or its answer: asked once more half-way, as a stub resolver would.
      const again = setTimeout(() => socket.send(query, port, address), options.timeoutMs / 2)
      const settled = () => {
        clearTimeout(timer)
        clearTimeout(again)
      }
      socket.on('error', (error) => {
        settled()
        reject(error)
      })
      socket.on('message', (message) => {
        let decoded: dnsPacket.DecodedPacket
        try {
          decoded = dnsPacket.decode(message)
        } catch {
          return
        }
        if (decoded.id !== id) return
        settled()
        resolve(decoded)
      })
      socket.send(query, port, address)
    })
    if (response.flag_tc) throw new Error(`the answer from ${server} for ${name} ${type} was truncated`)
    return {rcode: (response as dnsPacket.DecodedPacket & {rcode: string}).rcode, authentic: response.flag_ad, answers: response.answers ?? []}
  } finally {
    socket.close()
  }
}

/** The resolver verify asks: --resolver, or the system's first. */
const firstServer = (resolver: Resolver) => resolver.getServers()[0]

/** Whether `name` `type` validates, and if not, why, in words for a check's message. */
async function validation(server: string, name: string, type: dnsPacket.RecordType, timeoutMs: number): Promise<{ok: boolean; said: string}> {
  const answer = await secureQuery(server, name, type, {timeoutMs})
  const data = answer.answers.filter((a) => a.type === type)
  if (answer.rcode === 'NOERROR' && answer.authentic && data.length > 0) return {ok: true, said: `${name} ${type}: AD`}
  if (answer.rcode === 'SERVFAIL') {
    // A validating resolver gives SERVFAIL for a bogus answer: with CD it hands over what it refused.
    const unchecked = await secureQuery(server, name, type, {timeoutMs, checkingDisabled: true}).catch(() => undefined)
    const signed = unchecked?.answers.some((a) => a.type === 'RRSIG')
    return {ok: false, said: `${name} ${type}: SERVFAIL${signed ? ', though the data comes with RRSIGs when checking is disabled: the signatures do not validate (bogus)' : ''}`}
  }
  if (answer.rcode !== 'NOERROR' || data.length === 0) return {ok: false, said: `${name} ${type}: ${answer.rcode === 'NOERROR' ? 'no data' : answer.rcode}`}
  const signed = answer.answers.some((a) => a.type === 'RRSIG')
  return {ok: false, said: `${name} ${type}: no AD bit (${signed ? 'signed, but the resolver did not validate it: is it a validating resolver with the zone\'s trust anchor?' : 'not signed'})`}
}

/**
 * dns.dnssec: the domain (its SOA) and every MX name (its A record) resolve with the AD bit
 * through the resolver - signed, and validated up to a trust anchor (internet.nl's "DNSSEC
 * existence" and "DNSSEC validity", for the domain and for its mail servers).
 */
export async function dnssecCheck(expect: {domain: string; edges: readonly VerifyNode[]}, resolver: Resolver, timeoutMs: number): Promise<CheckResult> {
  const server = firstServer(resolver)
  const names: Array<[string, dnsPacket.RecordType]> = [[expect.domain, 'SOA'], ...expect.edges.map((e): [string, dnsPacket.RecordType] => [e.fqdn, 'A'])]
  const results = await Promise.all(names.map(([name, type]) => validation(server, name, type, timeoutMs)))
  const evidence = results.map((r) => r.said).join('; ')
  const failed = results.filter((r) => !r.ok)
  if (failed.length > 0) return outcome('dns.dnssec', 'fail', failed.map((r) => r.said).join('; '), {evidence: `resolver ${server}: ${evidence}`})
  return outcome('dns.dnssec', 'pass', `${expect.domain} and ${expect.edges.map((e) => e.fqdn).join(', ')} validate (AD from ${server})`, {evidence})
}

/** The certificate data a TLSA record of this selector and matching type compares with (RFC 6698 §2.1). */
function association(cert: X509Certificate, selector: number, matchingType: number): string | undefined {
  const data = selector === 0 ? cert.raw : selector === 1 ? cert.publicKey.export({type: 'spki', format: 'der'}) : undefined
  if (!data) return undefined
  if (matchingType === 0) return data.toString('hex')
  if (matchingType === 1) return createHash('sha256').update(data).digest('hex')
  if (matchingType === 2) return createHash('sha512').update(data).digest('hex')
  return undefined
}

/**
 * Whether a TLSA record matches a served chain (leaf first) as an SMTP client may use it (RFC
 * 7672 §3.1): DANE-EE (3) the leaf, DANE-TA (2) a certificate above it; PKIX-TA/EE (0, 1) never.
 */
export function tlsaMatches(record: dnsPacket.TlsaData, chain: readonly X509Certificate[]): boolean {
  const candidates = record.usage === 3 ? chain.slice(0, 1) : record.usage === 2 ? chain.slice(1) : []
  return candidates.some((cert) => association(cert, record.selector, record.matchingType) === record.certificate.toString('hex'))
}

/** The chain the server sent, leaf first (Node links each certificate to its issuer; a root to itself). */
function servedChain(leaf: DetailedPeerCertificate): X509Certificate[] {
  const chain: X509Certificate[] = []
  for (let c: DetailedPeerCertificate | undefined = leaf; c?.raw && chain.length < 10; c = c.issuerCertificate === c ? undefined : c.issuerCertificate) chain.push(new X509Certificate(c.raw))
  return chain
}

/**
 * dns.dane: the MX's TLSA records at _25._tcp.NAME, validated (AD: an unsigned TLSA is unusable,
 * RFC 7672 §2.2), and one of them matches what the MX serves on STARTTLS: DANE-EE (3) against
 * the leaf, DANE-TA (2) against a certificate of the chain it sends; PKIX-TA/EE (0, 1) are not
 * for SMTP (RFC 7672 §3.1.3) and never count (internet.nl's "DANE existence" and "DANE
 * validity"; RFC 7671).
 */
export async function daneCheck(node: VerifyNode, resolver: Resolver, ctx: ProbeContext): Promise<CheckResult> {
  const server = firstServer(resolver)
  const name = tlsaName(node.fqdn)
  let answer: SecureAnswer
  try {
    answer = await secureQuery(server, name, 'TLSA', {timeoutMs: ctx.timeoutMs})
  } catch (error) {
    return outcome('dns.dane', 'fail', `lookup failed: ${(error as Error).message}`)
  }
  const records = answer.answers.filter((a): a is dnsPacket.TlsaAnswer => a.type === 'TLSA')
  const shown = records.map((r) => `${r.data.usage} ${r.data.selector} ${r.data.matchingType} ${r.data.certificate.toString('hex')}`)
  if (answer.rcode !== 'NOERROR') return outcome('dns.dane', 'fail', `${name} TLSA: ${answer.rcode}${answer.rcode === 'SERVFAIL' ? ' (a bogus signature, or the zone unreachable)' : ''}`)
  if (records.length === 0) return outcome('dns.dane', 'fail', `no TLSA record at ${name}`)
  if (!answer.authentic) return outcome('dns.dane', 'fail', `the TLSA records at ${name} are not DNSSEC-validated (no AD bit): senders must ignore them (RFC 7672 §2.2)`, {evidence: shown.join(', ')})
  let chain: X509Certificate[]
  try {
    const wire = await openTls(node, ENDPOINTS.edge[0], {rejectUnauthorized: false}, ctx)
    const peer = wire.tlsSocket!.getPeerCertificate(true)
    wire.close()
    chain = servedChain(peer)
  } catch (error) {
    return outcome('dns.dane', 'fail', error instanceof NoTls ? `port 25: ${error.message}` : `STARTTLS on port 25 failed: ${(error as Error).message}`, {evidence: shown.join(', ')})
  }
  if (chain.length === 0) return outcome('dns.dane', 'fail', 'port 25 presented no certificate', {evidence: shown.join(', ')})
  const served = `served key SPKI SHA-256 ${spkiSha256(chain[0].publicKey)}`
  const matching = records.filter((r) => tlsaMatches(r.data, chain))
  if (matching.length === 0) return outcome('dns.dane', 'fail', `no TLSA record at ${name} matches the certificate port 25 serves`, {evidence: `${served}; TLSA ${shown.join(', ')}`})
  const [first] = matching
  return outcome('dns.dane', 'pass', `TLSA ${first.data.usage} ${first.data.selector} ${first.data.matchingType} matches the certificate port 25 serves (${records.length} record${records.length === 1 ? '' : 's'}, validated)`, {evidence: `${served}; TLSA ${shown.join(', ')}`})
}
