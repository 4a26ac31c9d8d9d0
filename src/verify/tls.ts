import {X509Certificate} from 'node:crypto'
import {checkServerIdentity, type ConnectionOptions, type PeerCertificate, type TLSSocket} from 'node:tls'

import type {CheckId} from './catalog.js'
import {allowedSuites, brokenSuite} from './tls-policy.js'
import {type CheckResult, outcome, type ProbeContext, reach, type VerifyNode} from './types.js'
import {type Endpoint, ehloKeywords, firstLine, ImapSession, Pop3Session, SmtpSession, Wire} from '../util/mail-wire.js'

const DAY_MS = 86_400_000
const plural = (days: number) => `${days} day${days === 1 ? '' : 's'}`
const EXPIRY_WARN_DAYS = 30
const EXPIRY_FAIL_DAYS = 7

export const TLS_IDS = ['tls.available', 'tls.protocols', 'tls.cipher', 'tls.chain', 'tls.issuer', 'tls.hostname', 'tls.expiry'] as const satisfies readonly CheckId[]

/** Thrown when the service does not offer TLS at all (no STARTTLS in EHLO, STLS refused, …). */
export class NoTls extends Error {}

/**
 * A TLS connection to an endpoint, however it gets there: implicit TLS, or the protocol's own
 * upgrade (SMTP STARTTLS, IMAP STARTTLS, POP3 STLS). Returns the wire, already secured.
 */
export async function openTls(node: VerifyNode, endpoint: Endpoint, options: ConnectionOptions, ctx: ProbeContext): Promise<Wire> {
  const tls = {servername: node.fqdn, ...options}
  if (endpoint.tls === 'implicit') return Wire.open(...reach(ctx, node.address, endpoint.port), ctx.timeoutMs, tls)
  if (endpoint.tls === 'smtp') {
    const {session, banner} = await SmtpSession.open(...reach(ctx, node.address, endpoint.port), ctx.timeoutMs)
    try {
      if (!banner.startsWith('220')) throw new NoTls(`no 220 banner: ${firstLine(banner)}`)
      const ehlo = await session.command(`EHLO ${ctx.helo}`)
      if (!ehloKeywords(ehlo).includes('STARTTLS')) throw new NoTls('STARTTLS is not offered in EHLO')
      await session.startTls(tls, ctx.helo)
      return session.wire
    } catch (error) {
      session.wire.close()
      throw error
    }
  }
  const {session} = endpoint.tls === 'imap' ? await ImapSession.open(...reach(ctx, node.address, endpoint.port), ctx.timeoutMs) : await Pop3Session.open(...reach(ctx, node.address, endpoint.port), ctx.timeoutMs)
  try {
    const agreed = await session.command(endpoint.tls === 'imap' ? 'STARTTLS' : 'STLS')
    if (!agreed.ok) throw new NoTls(`${endpoint.tls === 'imap' ? 'STARTTLS' : 'STLS'} refused: ${firstLine(agreed.response)}`)
    await session.wire.upgrade(tls)
    return session.wire
  } catch (error) {
    session.wire.close()
    throw error
  }
}

/** Whether a handshake limited to `version` succeeds (weak versions need security level 0 on our side to be offered at all). */
async function accepts(node: VerifyNode, endpoint: Endpoint, version: 'TLSv1' | 'TLSv1.1', ctx: ProbeContext): Promise<boolean> {
  try {
    const wire = await openTls(node, endpoint, {minVersion: version, maxVersion: version, ciphers: 'DEFAULT:@SECLEVEL=0', rejectUnauthorized: false}, ctx)
    wire.close()
    return true
  } catch (error) {
    if (error instanceof NoTls) throw error
    return false
  }
}

/** Forward secrecy and AEAD: every TLS 1.3 suite; for 1.2, ECDHE/DHE with GCM or ChaCha20-Poly1305. */
export function strongCipher(protocol: string, cipher: string): boolean {
  if (protocol === 'TLSv1.3') return true
  return /^(ECDHE|DHE)-/.test(cipher) && /(GCM|CHACHA20-POLY1305)/.test(cipher)
}

function chainSubjects(cert: PeerCertificate & {issuerCertificate?: PeerCertificate}): string[] {
  const names: string[] = []
  for (let c: (PeerCertificate & {issuerCertificate?: PeerCertificate}) | undefined = cert; c && names.length < 5; c = c.issuerCertificate === c ? undefined : c.issuerCertificate) {
    names.push(String(c.subject?.CN ?? '?'))
  }
  return names
}

/** tls.available, tls.protocols, tls.cipher, tls.chain, tls.hostname, tls.expiry for one endpoint. */
export async function tlsChecks(node: VerifyNode, endpoint: Endpoint, ctx: ProbeContext): Promise<CheckResult[]> {
  const target = endpoint.name
  let socket: TLSSocket
  let wire: Wire
  try {
    wire = await openTls(node, endpoint, {rejectUnauthorized: false, ...(ctx.ca ? {ca: ctx.ca} : {})}, ctx)
    socket = wire.tlsSocket!
  } catch (error) {
    const message = error instanceof NoTls ? error.message : `TLS handshake failed: ${(error as Error).message}`
    return [
      outcome('tls.available', 'fail', message, {target}),
      ...TLS_IDS.slice(1).map((id) => outcome(id, 'skip', 'no TLS session to inspect', {target})),
    ]
  }
  const protocol = socket.getProtocol() ?? 'unknown'
  const cipher = socket.getCipher().name
  const cert = socket.getPeerCertificate(true)
  const authorized = socket.authorized
  const authorizationError = socket.authorizationError ? String(socket.authorizationError) : undefined
  wire.close()

  const results = [outcome('tls.available', 'pass', `${endpoint.tls === 'implicit' ? 'implicit TLS' : 'STARTTLS'}: ${protocol} ${cipher}`, {target})]

  const [tls10, tls11] = await Promise.all([accepts(node, endpoint, 'TLSv1', ctx), accepts(node, endpoint, 'TLSv1.1', ctx)])
  const weak = [tls10 && 'TLS 1.0', tls11 && 'TLS 1.1'].filter(Boolean)
  if (weak.length > 0) results.push(outcome('tls.protocols', 'fail', `accepts ${weak.join(' and ')}`, {target, evidence: `handshake limited to ${weak.join('/')} succeeded`}))
  else if (protocol !== 'TLSv1.3') results.push(outcome('tls.protocols', 'warn', `TLS 1.3 is not offered (negotiated ${protocol})`, {target}))
  else results.push(outcome('tls.protocols', 'pass', 'TLS 1.0/1.1 refused, TLS 1.3 offered', {target}))

  results.push(
    strongCipher(protocol, cipher)
      ? outcome('tls.cipher', 'pass', `${protocol} ${cipher}`, {target})
      : outcome('tls.cipher', 'fail', `negotiated ${cipher} on ${protocol}: not forward-secret AEAD`, {target}),
  )

  const chain = chainSubjects(cert).join(' ← ')
  results.push(
    authorized
      ? outcome('tls.chain', 'pass', `verifies against ${ctx.ca ? 'the CA file' : 'the system roots'}`, {target, evidence: chain})
      : outcome('tls.chain', 'fail', `does not verify: ${authorizationError}`, {target, evidence: chain}),
  )

  results.push(issuerOutcome(node.issuer, cert, target))

  const identity = checkServerIdentity(node.fqdn, cert)
  results.push(
    identity
      ? outcome('tls.hostname', 'fail', `certificate does not name ${node.fqdn}`, {target, evidence: cert.subjectaltname ?? `CN=${cert.subject?.CN}`})
      : outcome('tls.hostname', 'pass', `names ${node.fqdn}`, {target}),
  )

  results.push(expiryOutcome('tls.expiry', new Date(cert.valid_to), ctx.now, target))
  return results
}

type ChainCertificate = PeerCertificate & {issuerCertificate?: ChainCertificate}

/** The certificates a peer's chain holds, leaf first (each once: a root is its own issuer). */
function chainOf(cert: ChainCertificate): X509Certificate[] {
  const chain: X509Certificate[] = []
  for (let c: ChainCertificate | undefined = cert; c?.raw && chain.length < 8; c = c.issuerCertificate === c ? undefined : c.issuerCertificate) chain.push(new X509Certificate(c.raw))
  return chain
}

/**
 * tls.issuer: the certificate served comes from where the inventory says. An ACME node's chain
 * leads to one of the ACME server's CA certificates (a certificate of the chain is one of them, or
 * is issued and signed by one); a node given its certificate serves exactly that leaf (not, say, a
 * leftover from an earlier setup).
 */
export function issuerOutcome(expected: VerifyNode['issuer'], cert: ChainCertificate, target: string): CheckResult {
  const chain = chainOf(cert)
  const leaf = chain[0]
  const evidence = leaf ? `issuer: ${leaf.issuer.replaceAll('\n', ', ')}` : undefined
  if (!expected) return outcome('tls.issuer', 'skip', 'no inventory: no expected issuer to compare with', {target})
  if (!leaf) return outcome('tls.issuer', 'fail', 'no certificate served', {target})
  if (expected.source === 'files') {
    if (!expected.leafSha256) return outcome('tls.issuer', 'skip', 'the inventory gives no vars.tls_cert to compare with', {target})
    return leaf.fingerprint256 === expected.leafSha256
      ? outcome('tls.issuer', 'pass', "serves the inventory's vars.tls_cert", {target, evidence})
      : outcome('tls.issuer', 'fail', "serves a certificate other than the inventory's vars.tls_cert", {target, evidence: `${evidence}; SHA-256 ${leaf.fingerprint256}`})
  }
  if (expected.cas.length === 0) return outcome('tls.issuer', 'skip', 'the inventory gives no vars.acme_issuer_cert (the CA its ACME server issues under) to compare with', {target, evidence})
  const cas = expected.cas.map((pem) => new X509Certificate(pem))
  const leads = chain.some((c) => cas.some((ca) => c.fingerprint256 === ca.fingerprint256 || (c.checkIssued(ca) && c.verify(ca.publicKey))))
  return leads
    ? outcome('tls.issuer', 'pass', "issued under the ACME server's CA (vars.acme_issuer_cert)", {target, evidence})
    : outcome('tls.issuer', 'fail', "not issued under the ACME server's CA (vars.acme_issuer_cert)", {target, evidence})
}

/** warn < 30 days, fail < 7 days or expired. */
export function expiryOutcome(id: 'tls.expiry' | 'host.certificate', notAfter: Date, now: Date, target?: string): CheckResult {
  const left = notAfter.getTime() - now.getTime()
  const evidence = `notAfter ${notAfter.toISOString()}`
  if (left < 0) return outcome(id, 'fail', `certificate expired ${plural(Math.floor(-left / DAY_MS))} ago`, {target, evidence})
  const days = Math.floor(left / DAY_MS)
  if (days < EXPIRY_FAIL_DAYS) return outcome(id, 'fail', `certificate expires in ${plural(days)}`, {target, evidence})
  if (days < EXPIRY_WARN_DAYS) return outcome(id, 'warn', `certificate expires in ${plural(days)}`, {target, evidence})
  return outcome(id, 'pass', `valid for ${days} more days`, {target, evidence})
}

/** More suites than any sane server accepts: the enumeration stops there. */
const MAX_SUITES = 64

/** The TLS 1.2 suite a handshake offering `ciphers` (in that order) gets, or undefined when the server refuses them all. */
async function negotiated(node: VerifyNode, endpoint: Endpoint, ciphers: string, ctx: ProbeContext): Promise<string | undefined> {
  try {
    const wire = await openTls(node, endpoint, {minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', ciphers: `${ciphers}:@SECLEVEL=0`, rejectUnauthorized: false}, ctx)
    const name = wire.tlsSocket!.getCipher().name
    wire.close()
    return name
  } catch (error) {
    if (error instanceof NoTls) throw error
    return undefined
  }
}

/**
 * tls.suites: every TLS 1.2 suite the endpoint accepts, found as a client would (offer everything
 * OpenSSL knows, remove what the server picked, again until it refuses), judged against the
 * policy; then the accepted suites offered in reverse: the server's order must still win.
 */
export async function suitesCheck(node: VerifyNode, endpoint: Endpoint, ctx: ProbeContext): Promise<CheckResult> {
  const target = endpoint.name
  const accepted: string[] = []
  try {
    for (let next; accepted.length < MAX_SUITES && (next = await negotiated(node, endpoint, ['ALL:COMPLEMENTOFALL', ...accepted.map((s) => `!${s}`)].join(':'), ctx)); ) accepted.push(next)
    if (accepted.length === 0) return outcome('tls.suites', 'pass', 'no TLS 1.2 suite accepted (TLS 1.3 only)', {target})
    const reversed = accepted.length > 1 ? await negotiated(node, endpoint, [...accepted].reverse().join(':'), ctx) : accepted[0]
    const allowed = allowedSuites(endpoint.port)
    // The broken ones first: they are what the message names.
    const outside = accepted.filter((s) => !allowed.has(s)).sort((a, b) => Number(!brokenSuite(a)) - Number(!brokenSuite(b)))
    const evidence = `TLS 1.2 suites accepted, in the order picked: ${accepted.join(' ')}`
    const policy = endpoint.port === 25 ? 'port 25, opportunistic' : 'Mozilla intermediate'
    if (outside.length > 0) {
      const kinds = new Map<string, number>()
      for (const suite of outside) {
        const kind = brokenSuite(suite) ?? 'not in its list'
        kinds.set(kind, (kinds.get(kind) ?? 0) + 1)
      }
      const counted = [...kinds].map(([kind, n]) => `${n} ${kind}`).join(', ')
      return outcome('tls.suites', 'fail', `${outside.length} of ${accepted.length} TLS 1.2 suites outside the policy (${policy}): ${counted}, e.g. ${outside.slice(0, 3).join(', ')}`, {target, evidence})
    }
    if (reversed !== accepted[0]) return outcome('tls.suites', 'fail', `the client's order wins: offered in reverse, the server picked ${reversed} instead of ${accepted[0]}`, {target, evidence})
    return outcome('tls.suites', 'pass', `${accepted.length} TLS 1.2 suites, all in the policy (${policy}), server's order`, {target, evidence})
  } catch (error) {
    if (error instanceof NoTls) return outcome('tls.suites', 'skip', `no TLS to enumerate: ${error.message}`, {target})
    throw error
  }
}
