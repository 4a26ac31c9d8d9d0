import {createTwoFilesPatch} from 'diff'

import type {InventoryRoutes} from '../fleet/routes.js'
import {code, firstLine, SmtpSession} from '../util/mail-wire.js'
import {type CheckResult, outcome, type ProbeContext, type VerifyNode} from './types.js'

/** Where the core blueprint puts a core's routes, and how its main.cf names them. */
export const TRANSPORT_ROUTES = '/etc/postfix/transport_routes'
const TRANSPORT_MAP = `texthash:${TRANSPORT_ROUTES}`

/** What route.transport reads on a core: the transport_maps Postfix runs with, then the routes file. */
export const transportScript = `postconf -h transport_maps; echo ---mailops---; cat ${TRANSPORT_ROUTES} 2>/dev/null || echo ---absent---`

/**
 * route.transport: the core's deployed transport entries are the plan's, and Postfix reads them
 * (main.cf transport_maps names the file). The evidence is the differing lines, as a diff.
 */
export function transportOutcome(core: string, expected: readonly string[], stdout: string): CheckResult {
  const [maps = '', file = ''] = stdout.split('---mailops---\n')
  if (!maps.split(/[\s,]+/).includes(TRANSPORT_MAP)) return outcome('route.transport', 'fail', `Postfix does not read ${TRANSPORT_ROUTES}: transport_maps = ${maps.trim() || '(empty)'}`)
  if (file.trim() === '---absent---') return outcome('route.transport', 'fail', `${TRANSPORT_ROUTES} is missing`)
  const deployed = file.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'))
  if (deployed.join('\n') === expected.join('\n')) return outcome('route.transport', 'pass', `${expected.length} transport ${expected.length === 1 ? 'entry' : 'entries'}, as planned`)
  const lines = (l: readonly string[]) => (l.length === 0 ? '' : `${l.join('\n')}\n`)
  const diff = createTwoFilesPatch(`plan:${core}`, `${core}:${TRANSPORT_ROUTES}`, lines(expected), lines(deployed), '', '').split('\n').filter((l) => /^[+-][^+-]/.test(l)).join('\n')
  return outcome('route.transport', 'fail', `the deployed transport entries are not the plan's`, {evidence: diff})
}

/** The destinations a core's routes send through an edge (its [address]:25 in the line's nexthop list), in plan order. */
export function destinationsVia(routes: InventoryRoutes, core: string, edgeAddress: string): string[] {
  const hop = (h: string) => h.replace(/^\[(ipv6:)?/, '').replace(/\]:25$/, '').toLowerCase()
  return (routes.transport[core] ?? []).flatMap((line) => {
    const [destination, nexthops = ''] = line.split(' smtp:')
    return nexthops.split(', ').some((h) => h.startsWith('[') && hop(h) === edgeAddress.toLowerCase()) ? [destination] : []
  })
}

/**
 * route.egress: the edge relays for the core. One SMTP session from the core's own address (a
 * channel through the core's SSH: the edge sees the core as its client) — EHLO, MAIL FROM the
 * domain's postmaster, RCPT TO postmaster@ a destination routed through this edge: 250 — then
 * RSET and QUIT. No mail is sent. (A stranger is still refused: relay.open.)
 */
export async function egressCheck(edge: VerifyNode, core: {name: string; fqdn: string}, destination: string, ctx: ProbeContext, open: () => Promise<{address: string; port: number}>): Promise<CheckResult> {
  const target = `from ${core.name}`
  const steps: string[] = []
  const sender = ctx.domain ? `postmaster@${ctx.domain}` : `postmaster@${core.fqdn}`
  try {
    const relay = await open()
    const {session, banner} = await SmtpSession.open(relay.address, relay.port, ctx.timeoutMs)
    try {
      const replies: Array<[string, () => Promise<string>]> = [
        ['greeting', async () => banner],
        [`EHLO ${core.fqdn}`, () => session.command(`EHLO ${core.fqdn}`)],
        [`MAIL FROM ${sender}`, () => session.command(`MAIL FROM:<${sender}>`)],
        [`RCPT TO postmaster@${destination}`, () => session.command(`RCPT TO:<postmaster@${destination}>`)],
      ]
      for (const [step, reply] of replies) {
        const answer = await reply()
        steps.push(`${step} → ${firstLine(answer)}`)
        if (code(answer) >= 400) return outcome('route.egress', 'fail', `refuses to relay ${core.name}'s mail for ${destination} (at ${step.split(' ')[0]})`, {target, evidence: steps.join('; ')})
      }
      await session.command('RSET')
    } finally {
      await session.quit().catch(() => undefined)
    }
    return outcome('route.egress', 'pass', `relays ${core.name}'s mail for ${destination}`, {target, evidence: steps.join('; ')})
  } catch (error) {
    return outcome('route.egress', 'fail', `no SMTP session from ${core.name} to ${edge.address}:25: ${(error as Error).message}`, {target, ...(steps.length > 0 ? {evidence: steps.join('; ')} : {})})
  }
}
