import {connect} from 'node:net'

import {type CheckResult, ENDPOINTS, MAIL_PORTS, outcome, type VerifyNode} from './types.js'

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
