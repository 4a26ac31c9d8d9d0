import type {Resolver} from 'node:dns/promises'
import {connect} from 'node:net'

import {firstLine, SmtpSession} from '../util/mail-wire.js'
import {type CheckResult, ENDPOINTS, MAIL_PORTS, outcome, type ProbeContext, type VerifyNode} from './types.js'

type PortState = 'open' | 'closed' | 'filtered' | 'unreachable'

/** open (connected), closed (refused), filtered (no answer), unreachable (no route). */
function portState(address: string, port: number, timeoutMs: number): Promise<PortState> {
  return new Promise((resolve) => {
    const socket = connect({host: address, port})
    const done = (state: PortState) => {
      clearTimeout(timer)
      socket.destroy()
      resolve(state)
    }
    const timer = setTimeout(() => done('filtered'), timeoutMs)
    socket.once('connect', () => done('open'))
    socket.once('error', (error: NodeJS.ErrnoException) => done(error.code === 'ECONNREFUSED' ? 'closed' : error.code === 'EHOSTUNREACH' || error.code === 'ENETUNREACH' ? 'unreachable' : 'filtered'))
  })
}

/** Every mail port: open where the role needs it, closed elsewhere. Bare hosts are judged as the role given. */
export function networkChecks(node: VerifyNode & {role: 'core' | 'edge'}, states: Map<number, PortState>): CheckResult[] {
  const needed = new Set(ENDPOINTS[node.role].map((e) => e.port))
  return MAIL_PORTS.map((port) => {
    const state = states.get(port)!
    const target = `${port}/tcp`
    // The core's 25 is for its edges: to anyone else its firewall gives no answer (smtp.edges-only checks both sides).
    if (node.role === 'core' && port === 25 && state === 'filtered') return outcome('network.port', 'pass', 'filtered: a core takes port 25 from its edges only', {target})
    if (needed.has(port)) {
      return state === 'open'
        ? outcome('network.port', 'pass', `open (${article(node.role)} serves it)`, {target})
        : outcome('network.port', 'fail', `${state}: ${article(node.role)} must serve port ${port}`, {target})
    }
    return state === 'open'
      ? outcome('network.port', 'fail', `open, but ${article(node.role)} must not expose port ${port}`, {target})
      : outcome('network.port', 'pass', `${state}, as ${article(node.role)} should be`, {target})
  })
}

/** The state of the given mail ports (all of them by default), probed at once. */
export async function portStates(address: string, timeoutMs: number, ports: readonly number[] = MAIL_PORTS): Promise<Map<number, PortState>> {
  const states = await Promise.all(ports.map(async (port) => [port, await portState(address, port, timeoutMs)] as const))
  return new Map(states)
}

const article = (role: string) => (role === 'edge' ? 'an edge' : `a ${role}`)

/** The first line port 25 greets with at one address. */
async function greeting(address: string, timeoutMs: number): Promise<string> {
  const {session, banner} = await SmtpSession.open(address, 25, timeoutMs)
  await session.quit().catch(() => undefined)
  return firstLine(banner)
}

/**
 * network.ipv6, per MX: where its name has AAAA records, port 25 answers on every one of them
 * with the greeting it gives on IPv4 (internet.nl: IPv6 addresses and IPv6 reachability of the
 * mail servers). No AAAA is not a pass: the check says it does not apply, and why.
 */
export async function ipv6Check(node: VerifyNode, resolver: Resolver, ctx: Pick<ProbeContext, 'timeoutMs'>): Promise<CheckResult> {
  let addresses: string[]
  try {
    addresses = await resolver.resolve6(node.fqdn)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? ''
    if (!['ENOTFOUND', 'ENODATA'].includes(code)) return outcome('network.ipv6', 'fail', `AAAA lookup of ${node.fqdn} failed: ${code || (error as Error).message}`)
    addresses = []
  }
  if (addresses.length === 0) return outcome('network.ipv6', 'skip', `${node.fqdn} has no AAAA record: the MX is reachable over IPv4 only, so there is no IPv6 to compare (internet.nl expects IPv6 on mail servers)`)
  const v4 = await greeting(node.address, ctx.timeoutMs).catch((error: Error) => `no SMTP session: ${error.message}`)
  const v6 = await Promise.all(addresses.map(async (a) => [a, await greeting(a, ctx.timeoutMs).catch((error: Error) => `no SMTP session: ${error.message}`)] as const))
  const evidence = [`${node.address}: ${v4}`, ...v6.map(([a, g]) => `[${a}]: ${g}`)].join('; ')
  const different = v6.filter(([, g]) => g !== v4 || !g.startsWith('220'))
  if (different.length > 0) return outcome('network.ipv6', 'fail', `port 25 on ${different.map(([a]) => a).join(', ')} does not answer as on ${node.address}`, {evidence})
  return outcome('network.ipv6', 'pass', `port 25 answers on ${addresses.join(', ')} as on ${node.address}`, {evidence})
}
