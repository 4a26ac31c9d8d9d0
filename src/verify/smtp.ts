import {type CheckResult, outcome, type ProbeContext, reach, type VerifyNode} from './types.js'
import {code, ehloKeywords, firstLine, SmtpSession} from '../util/mail-wire.js'

const REQUIRED_EHLO = ['PIPELINING', '8BITMIME', 'SIZE', 'STARTTLS']
/** A sender and recipient in domains reserved for documentation (RFC 2606): never real mail. */
const FOREIGN_SENDER = 'relay-test@example.org'
const FOREIGN_RECIPIENT = 'relay-test@example.net'

/**
 * One session on port 25: banner, EHLO capabilities (and no AUTH before TLS), VRFY, postmaster,
 * and the open-relay test (RCPT only; the transaction is reset before DATA, so no mail is sent).
 */
export async function smtpChecks(node: VerifyNode, ctx: ProbeContext, wanted: (id: CheckResult['id']) => boolean): Promise<CheckResult[]> {
  const results: CheckResult[] = []
  let opened: Awaited<ReturnType<typeof SmtpSession.open>>
  try {
    opened = await SmtpSession.open(...reach(ctx, node.address, 25), ctx.timeoutMs)
  } catch (error) {
    const message = `no SMTP session on port 25: ${(error as Error).message}`
    return (['smtp.banner', 'smtp.ehlo', 'smtp.vrfy', 'smtp.postmaster', 'smtp.system-accounts', 'relay.open', 'auth.before-tls'] as const).filter(wanted).map((id) => outcome(id, 'fail', message, id === 'auth.before-tls' ? {target: 'smtp:25'} : {}))
  }
  const {session, banner} = opened
  try {
    const greeting = firstLine(banner)
    const named = new RegExp(`^220[ -]${node.fqdn.replaceAll('.', '\\.')}\\b`, 'i').test(greeting)
    if (wanted('smtp.banner')) {
      results.push(
        !greeting.startsWith('220')
          ? outcome('smtp.banner', 'fail', `greets with ${greeting}`, {evidence: greeting})
          : named
            ? outcome('smtp.banner', 'pass', `220 from ${node.fqdn}`, {evidence: greeting})
            : outcome('smtp.banner', 'warn', `banner does not start with ${node.fqdn}`, {evidence: greeting}),
      )
    }
    const ehlo = await session.command(`EHLO ${ctx.helo}`)
    const keywords = ehloKeywords(ehlo)
    const missing = REQUIRED_EHLO.filter((k) => !keywords.includes(k))
    if (wanted('smtp.ehlo')) {
      results.push(
        code(ehlo) !== 250
          ? outcome('smtp.ehlo', 'fail', `EHLO refused: ${firstLine(ehlo)}`)
          : missing.length > 0
            ? outcome('smtp.ehlo', 'fail', `EHLO lacks ${missing.join(', ')}`, {evidence: keywords.join(' ')})
            : outcome('smtp.ehlo', 'pass', REQUIRED_EHLO.join(', ') + ' offered', {evidence: keywords.join(' ')}),
      )
    }
    if (wanted('auth.before-tls')) results.push(smtpAuthBeforeTls(keywords, 'smtp:25'))
    if (wanted('smtp.vrfy')) {
      const vrfy = await session.command(`VRFY postmaster`)
      results.push(
        code(vrfy) === 250 || code(vrfy) === 251
          ? outcome('smtp.vrfy', 'fail', 'VRFY confirms addresses', {evidence: firstLine(vrfy)})
          : outcome('smtp.vrfy', 'pass', 'VRFY is disabled', {evidence: firstLine(vrfy)}),
      )
    }
    if (wanted('smtp.postmaster')) {
      if (ctx.domain) {
        await session.command('MAIL FROM:<verify@mailops.invalid>')
        const roles = [`postmaster@${ctx.domain}`, `abuse@${ctx.domain}`]
        const replies: string[] = []
        for (const rcpt of roles) replies.push(await session.command(`RCPT TO:<${rcpt}>`))
        await session.command('RSET')
        const refused = roles.filter((_, i) => code(replies[i]) !== 250)
        const evidence = roles.map((rcpt, i) => `${rcpt} → ${firstLine(replies[i])}`).join('; ')
        results.push(
          refused.length === 0
            ? outcome('smtp.postmaster', 'pass', `${roles.join(' and ')} accepted`, {evidence})
            : outcome('smtp.postmaster', 'fail', `${refused.join(' and ')} refused`, {evidence}),
        )
      } else results.push(outcome('smtp.postmaster', 'skip', 'no domain known (give an inventory with vars.domain)'))
    }
    if (wanted('smtp.system-accounts')) {
      const probes = [`root@localhost`, `root@[${node.address}]`, `postmaster@[${node.address}]`]
      const replies: Array<[string, string]> = []
      await session.command('MAIL FROM:<verify@mailops.invalid>')
      for (const rcpt of probes) replies.push([rcpt, await session.command(`RCPT TO:<${rcpt}>`)])
      await session.command('RSET')
      const accepted = replies.filter(([, reply]) => code(reply) < 500).map(([rcpt]) => rcpt)
      const evidence = replies.map(([rcpt, reply]) => `${rcpt} → ${firstLine(reply)}`).join('; ')
      results.push(
        accepted.length > 0
          ? outcome('smtp.system-accounts', 'fail', `accepts ${accepted.join(', ')} from outside`, {evidence})
          : outcome('smtp.system-accounts', 'pass', `${probes.join(', ')} refused`, {evidence}),
      )
    }
    if (wanted('relay.open')) {
      await session.command(`MAIL FROM:<${FOREIGN_SENDER}>`)
      const rcpt = await session.command(`RCPT TO:<${FOREIGN_RECIPIENT}>`)
      await session.command('RSET')
      const reply = firstLine(rcpt)
      results.push(
        code(rcpt) >= 500
          ? outcome('relay.open', 'pass', `relay to ${FOREIGN_RECIPIENT} refused`, {evidence: reply})
          : code(rcpt) >= 400
            ? outcome('relay.open', 'warn', 'relay refused only temporarily (4xx): inconclusive', {evidence: reply})
            : outcome('relay.open', 'fail', `OPEN RELAY: accepted ${FOREIGN_RECIPIENT} from an unauthenticated client`, {evidence: reply}),
      )
    }
  } catch (error) {
    results.push(outcome('smtp.ehlo', 'fail', `SMTP session broke off: ${(error as Error).message}`))
  } finally {
    await session.quit()
  }
  return results
}

/** Room the edge leaves below the core's limit for the headers it adds (Received, milters'): the blueprints' default gap. */
export const EDGE_SIZE_HEADROOM = 65_536

/** SIZE advertised in an EHLO reply: 0 when unlimited (SIZE without a number, or SIZE 0), undefined when not offered. */
export function ehloSize(ehlo: string): number | undefined {
  const line = ehlo.split(/\r?\n/).find((l) => /^250[- ]SIZE\b/i.test(l))
  return line === undefined ? undefined : Number(line.slice(9).trim() || 0)
}

/** smtp.size: the edge's advertised SIZE at least EDGE_SIZE_HEADROOM below the core's, as a sender and the edge itself see them. */
export async function sizeCheck(edge: VerifyNode, core: VerifyNode, ctx: ProbeContext): Promise<CheckResult> {
  const size = async (node: VerifyNode) => {
    const {session} = await SmtpSession.open(...reach(ctx, node.address, 25), ctx.timeoutMs)
    try {
      return ehloSize(await session.command(`EHLO ${ctx.helo}`))
    } finally {
      await session.quit()
    }
  }
  try {
    const [edgeSize, coreSize] = await Promise.all([size(edge), size(core)])
    const evidence = `EHLO SIZE: ${edge.name} ${edgeSize ?? 'not offered'}, ${core.name} ${coreSize ?? 'not offered'}`
    if (edgeSize === undefined || coreSize === undefined) return outcome('smtp.size', 'fail', 'SIZE is not offered on port 25', {evidence})
    if (coreSize === 0) return outcome('smtp.size', 'pass', `${core.name} has no size limit`, {evidence})
    if (edgeSize === 0 || edgeSize > coreSize - EDGE_SIZE_HEADROOM) {
      return outcome('smtp.size', 'fail', `${edge.name} accepts ${edgeSize === 0 ? 'any size' : `${edgeSize} bytes`}, not ${EDGE_SIZE_HEADROOM} below ${core.name}'s ${coreSize}: a message near the limit is accepted, then refused by the core and bounced`, {evidence})
    }
    return outcome('smtp.size', 'pass', `${edgeSize} bytes, ${coreSize - edgeSize} below ${core.name}'s ${coreSize}`, {evidence})
  } catch (error) {
    return outcome('smtp.size', 'fail', `could not read SIZE: ${(error as Error).message}`)
  }
}

/** AUTH in EHLO before STARTTLS means a client may send its password in clear. */
export function smtpAuthBeforeTls(keywords: string[], target: string): CheckResult {
  return keywords.includes('AUTH')
    ? outcome('auth.before-tls', 'fail', 'AUTH is offered before STARTTLS', {target, evidence: keywords.join(' ')})
    : outcome('auth.before-tls', 'pass', 'no AUTH before STARTTLS', {target})
}

/**
 * smtp.edges-only: port 25 of a core takes mail only from the edges. verify connects from its own
 * machine, which is not an edge, and asks for a mailbox that exists (the verify account, else
 * postmaster@): the core must refuse (5xx at any step), or mail would bypass the edges' filters.
 * RCPT only, no mail is sent.
 */
export async function edgesOnlyCheck(core: VerifyNode, ctx: ProbeContext): Promise<CheckResult> {
  const rcpt = ctx.credentials?.user ?? (ctx.domain ? `postmaster@${ctx.domain}` : undefined)
  if (!rcpt) return outcome('smtp.edges-only', 'skip', 'no domain known (give an inventory with vars.domain)')
  const steps: string[] = []
  try {
    const {session, banner} = await SmtpSession.open(core.address, 25, ctx.timeoutMs)
    try {
      const replies: Array<[string, () => Promise<string>]> = [
        ['greeting', async () => banner],
        ['EHLO', () => session.command(`EHLO ${ctx.helo}`)],
        ['MAIL FROM', () => session.command('MAIL FROM:<verify@mailops.invalid>')],
        [`RCPT TO ${rcpt}`, () => session.command(`RCPT TO:<${rcpt}>`)],
      ]
      for (const [step, reply] of replies) {
        const answer = await reply()
        steps.push(`${step} → ${firstLine(answer)}`)
        if (code(answer) >= 500) return outcome('smtp.edges-only', 'pass', `refuses a client that is not an edge (at ${step.split(' ')[0]})`, {evidence: steps.join('; ')})
      }
      await session.command('RSET')
    } finally {
      await session.quit()
    }
    return outcome('smtp.edges-only', 'fail', `accepts mail for ${rcpt} from a client that is not an edge: port 25 of the core bypasses the edges`, {evidence: steps.join('; ')})
  } catch (error) {
    const refused = `from here: ${(error as Error).message}`
    if (steps.length > 0) return outcome('smtp.edges-only', 'fail', `no SMTP session on port 25: ${(error as Error).message}`, {evidence: steps.join('; ')})
    // No answer to a client that is not an edge (the firewall): it means "edges only" when an edge gets one.
    const route = ctx.routes?.get(`${core.address}:25`)
    if (!route) return outcome('smtp.edges-only', 'fail', `no SMTP session on port 25, and no edge to ask whether it answers the edges: ${(error as Error).message}`)
    try {
      const {session, banner} = await SmtpSession.open(route.address, route.port, ctx.timeoutMs)
      await session.quit()
      const greeting = `from ${route.via} (an edge): ${firstLine(banner)}`
      return code(banner) === 220
        ? outcome('smtp.edges-only', 'pass', 'refuses a client that is not an edge (at connect: the firewall), greets an edge', {evidence: `${refused}; ${greeting}`})
        : outcome('smtp.edges-only', 'fail', `greets no client, the edges included`, {evidence: `${refused}; ${greeting}`})
    } catch (fromEdge) {
      return outcome('smtp.edges-only', 'fail', 'port 25 answers no client, the edges included: they cannot hand mail to the core', {evidence: `${refused}; from ${route.via} (an edge): ${(fromEdge as Error).message}`})
    }
  }
}
