import {CHECKS, type CheckGroup, type CheckId, groupOf} from './catalog.js'
import type {Endpoint} from '../util/mail-wire.js'

/** pass; warn (fails only with --strict); fail; skip (not applicable, or a prerequisite missing); error (could not be checked: unreachable) */
export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skip' | 'error'

export interface CheckResult {
  id: CheckId
  group: CheckGroup
  /** the port or endpoint, for per-port checks */
  target?: string
  status: CheckStatus
  message: string
  evidence?: string
  hint?: string
  ms: number
}

/** What verify checks: a node of the inventory, a bare host, or the domain itself (dns). */
export interface VerifyNode {
  name: string
  address: string
  role: 'core' | 'edge' | 'domain'
  /** the name the node should answer to (banner, certificate) */
  fqdn: string
  /** who should have issued its certificate (from the inventory; absent without one): tls.issuer, host.renewal */
  issuer?: ExpectedIssuer
}

/**
 * Where a node's certificate should come from: handed in (vars.tls_cert: the leaf served must be
 * that one), or an ACME server (vars.tls_source acme: the served chain must lead to one of
 * vars.acme_issuer_cert's CA certificates, PEM; none given: no issuer to compare with).
 */
export type ExpectedIssuer = {source: 'files'; leafSha256?: string} | {source: 'acme'; cas: string[]}

/** Builds a result; a failure or warning without its own hint gets the catalog's fix. */
export function outcome(
  id: CheckId,
  status: CheckStatus,
  message: string,
  extra: {target?: string; evidence?: string; hint?: string} = {},
): CheckResult {
  const hint = extra.hint ?? (status === 'fail' || status === 'warn' ? CHECKS[id].fix : undefined)
  return {id, group: groupOf(id), ...(extra.target ? {target: extra.target} : {}), status, message, ...(extra.evidence ? {evidence: extra.evidence} : {}), ...(hint ? {hint} : {}), ms: 0}
}

/** Ports and TLS modes per role: what must be open, and how each speaks TLS. */
export const ENDPOINTS: Record<'core' | 'edge', Endpoint[]> = {
  core: [
    {name: 'smtp:25', protocol: 'smtp', port: 25, tls: 'smtp'},
    {name: 'submissions:465', protocol: 'smtp', port: 465, tls: 'implicit'},
    {name: 'submission:587', protocol: 'smtp', port: 587, tls: 'smtp'},
    {name: 'imap:143', protocol: 'imap', port: 143, tls: 'imap'},
    {name: 'imaps:993', protocol: 'imap', port: 993, tls: 'implicit'},
    {name: 'pop3:110', protocol: 'pop3', port: 110, tls: 'pop3'},
    {name: 'pop3s:995', protocol: 'pop3', port: 995, tls: 'implicit'},
  ],
  edge: [{name: 'smtp:25', protocol: 'smtp', port: 25, tls: 'smtp'}],
}
export const MAIL_PORTS = ENDPOINTS.core.map((e) => e.port)

/** What the checks of one run share: limits, trust, the account, and the clock. */
export interface ProbeContext {
  timeoutMs: number
  /** PEM CA bundle for chain checks; system roots when absent */
  ca?: string
  now: Date
  /** the name verify introduces itself with in EHLO */
  helo: string
  domain?: string
  credentials?: {user: string; password: string}
  /** a local address the verify account does not own: another mailbox of the inventory, or ceo@DOMAIN */
  otherLocal?: string
  deliveryTimeoutMs: number
  /**
   * Where to connect instead, by "address:port": the core's port 25 through a relay from an edge
   * (see relay.ts), the only clients its firewall lets in.
   */
  routes?: ReadonlyMap<string, {address: string; port: number; via: string}>
  /** a second local address auth.throttle guesses passwords from (--probe-source, vars.verify_probe_source) */
  probeSource?: string
}

/** The address and port to connect to for a node's port: its route when it has one. */
export function reach(ctx: ProbeContext, address: string, port: number): [string, number] {
  const route = ctx.routes?.get(`${address}:${port}`)
  return route ? [route.address, route.port] : [address, port]
}
