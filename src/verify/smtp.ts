import {type CheckResult, outcome, type ProbeContext, type VerifyNode} from './types.js'
import {code, ehloKeywords, firstLine, SmtpSession} from './wire.js'

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
    opened = await SmtpSession.open(node.address, 25, ctx.timeoutMs)
  } catch (error) {
    const message = `no SMTP session on port 25: ${(error as Error).message}`
    return (['smtp.banner', 'smtp.ehlo', 'smtp.vrfy', 'smtp.postmaster', 'relay.open', 'auth.before-tls'] as const).filter(wanted).map((id) => outcome(id, 'fail', message, id === 'auth.before-tls' ? {target: 'smtp:25'} : {}))
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
        const rcpt = await session.command(`RCPT TO:<postmaster@${ctx.domain}>`)
        await session.command('RSET')
        results.push(
          code(rcpt) === 250
            ? outcome('smtp.postmaster', 'pass', `postmaster@${ctx.domain} accepted`, {evidence: firstLine(rcpt)})
            : outcome('smtp.postmaster', 'fail', `postmaster@${ctx.domain} refused`, {evidence: firstLine(rcpt)}),
        )
      } else results.push(outcome('smtp.postmaster', 'skip', 'no domain known (give an inventory with vars.domain)'))
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

/** AUTH in EHLO before STARTTLS means a client may send its password in clear. */
export function smtpAuthBeforeTls(keywords: string[], target: string): CheckResult {
  return keywords.includes('AUTH')
    ? outcome('auth.before-tls', 'fail', 'AUTH is offered before STARTTLS', {target, evidence: keywords.join(' ')})
    : outcome('auth.before-tls', 'pass', 'no AUTH before STARTTLS', {target})
}
