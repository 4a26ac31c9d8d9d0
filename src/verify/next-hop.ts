import {shellQuote} from '../util/shell.js'
import {type CheckResult, outcome, type VerifyNode} from './types.js'

const POSTFIX_LOG = '/var/log/postfix.log'

/**
 * The last TLS connection the edge's Postfix made to the core, as its smtp client logged it
 * (smtp_tls_loglevel >= 1): "Verified|Trusted|Untrusted|Anonymous TLS connection established to
 * ADDR[ADDR]:25: ...". What the edge really did on the wire, not what its configuration says.
 */
export function nextHopScript(core: VerifyNode): string {
  return `grep -F 'TLS connection established to ' ${POSTFIX_LOG} 2>/dev/null | grep -F ${shellQuote(`[${core.address}]:25`)} | tail -n 1`
}

/** tls.next-hop from the line nextHopScript printed (run after a delivery through the edge). */
export function nextHopOutcome(core: VerifyNode, output: string): CheckResult {
  const line = output.trim()
  const level = /\b(Verified|Trusted|Untrusted|Anonymous) TLS connection established to /.exec(line)?.[1]
  const evidence = line.replace(/^.*?postfix\/\S+: /, '') || undefined
  if (level === 'Verified') return outcome('tls.next-hop', 'pass', `the last connection to ${core.name} verified its certificate and name`, {evidence})
  if (level) return outcome('tls.next-hop', 'fail', `the last connection to ${core.name} was ${level} TLS: its certificate ${level === 'Trusted' ? 'chain was checked but not its name' : 'was not verified'}`, {evidence})
  return outcome('tls.next-hop', 'fail', `no TLS connection to ${core.name} (${core.address}:25) in ${POSTFIX_LOG}: the hop is in clear, or smtp_tls_loglevel is 0`)
}
