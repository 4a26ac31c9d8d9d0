import {fetchAndDelete, probeMessage, token, transaction} from './delivery.js'
import {type CheckResult, outcome, type ProbeContext, type VerifyNode} from './types.js'
import {code, ehloKeywords, firstLine, SmtpSession} from '../util/mail-wire.js'

/** The GTUBE test string (SpamAssassin's, which rspamd refuses by default): any filter knows it. */
export const GTUBE = 'XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X'

/** What the verify account's mailboxes are searched for after a probe the edge accepted. */
const FILED = {mailboxes: ['INBOX', 'Junk'], headers: ['Authentication-Results', 'X-Spam']}

/** How an edge answered a probe: refused (with the reply) or accepted (then where it was filed). */
type Answer = {refused: true; reply: string} | {refused: false; mailbox: string; headers: string}

/** One message from outside (verify's address) through `edge` to the verify account: refused at which step, or where it landed. */
async function probeThrough(edge: VerifyNode, core: VerifyNode, ctx: ProbeContext, from: string, message: (tag: string) => string): Promise<Answer> {
  const tag = token()
  const deadline = Date.now() + ctx.deliveryTimeoutMs
  const {session} = await SmtpSession.open(edge.address, 25, ctx.timeoutMs)
  try {
    const ehlo = await session.command(`EHLO ${ctx.helo}`)
    if (ehloKeywords(ehlo).includes('STARTTLS')) await session.startTls({servername: edge.fqdn, rejectUnauthorized: false}, ctx.helo)
    await transaction(session.wire, from, ctx.credentials!.user, message(tag))
  } catch (error) {
    const reply = (error as Error).message
    // Only a permanent refusal counts: a 4xx (rspamd not answering: milter_default_action) is not a verdict.
    if (/refused: 5\d\d/.test(reply)) return {refused: true, reply}
    throw error
  } finally {
    await session.quit()
  }
  const found = await fetchAndDelete(core, ctx, tag, deadline, FILED)
  return {refused: false, mailbox: found.mailbox, headers: found.headers}
}

const marked = (answer: Answer) => !answer.refused && (answer.mailbox === 'Junk' || /^X-Spam: *Yes/im.test(answer.headers))
const describe = (answer: Answer) => (answer.refused ? answer.reply : `accepted, filed in ${answer.mailbox}${answer.headers ? ` (${answer.headers.replaceAll(/\s+/g, ' ').slice(0, 600)})` : ''}`)

/**
 * delivery.forgery: mail from outside claiming the own domain - as envelope sender, and in the
 * From: header only (the envelope a foreign one, as phishing does) - must be refused, or at least
 * marked as spam (filed in Junk). The envelope probe stops at RCPT; the header one is a message.
 */
export async function forgeryCheck(edge: VerifyNode, core: VerifyNode, ctx: ProbeContext): Promise<CheckResult> {
  if (!ctx.credentials || !ctx.domain) return outcome('delivery.forgery', 'skip', 'no verify account or domain (vars.verify_user, secret verify_password, vars.domain)')
  const forged = ctx.otherLocal ?? `ceo@${ctx.domain}`
  const to = ctx.credentials.user
  try {
    const {session} = await SmtpSession.open(edge.address, 25, ctx.timeoutMs)
    let envelope: string
    try {
      const ehlo = await session.command(`EHLO ${ctx.helo}`)
      if (ehloKeywords(ehlo).includes('STARTTLS')) await session.startTls({servername: edge.fqdn, rejectUnauthorized: false}, ctx.helo)
      const mail = await session.command(`MAIL FROM:<${forged}>`)
      envelope = code(mail) >= 500 ? `MAIL FROM:<${forged}> → ${firstLine(mail)}` : `RCPT TO:<${to}> → ${firstLine(await session.command(`RCPT TO:<${to}>`))}`
      await session.command('RSET')
    } finally {
      await session.quit()
    }
    const envelopeRefused = / → 5\d\d/.test(envelope)
    const header = await probeThrough(edge, core, ctx, 'verify@mailops.invalid', (tag) => probeMessage(forged, to, tag, ctx.now))
    const evidence = `envelope ${forged}: ${envelope}; From: ${forged} (envelope verify@mailops.invalid): ${describe(header)}`
    if (!envelopeRefused) return outcome('delivery.forgery', 'fail', `mail from outside with the envelope sender ${forged} is accepted`, {evidence})
    if (!header.refused && !marked(header)) return outcome('delivery.forgery', 'fail', `mail from outside with From: ${forged} reached the ${header.mailbox} unmarked`, {evidence})
    return outcome('delivery.forgery', 'pass', `the own domain from outside: envelope refused, From: header ${header.refused ? 'refused' : 'marked as spam'}`, {evidence})
  } catch (error) {
    return outcome('delivery.forgery', 'fail', `${edge.name}: ${(error as Error).message}`)
  }
}

/** delivery.gtube: the GTUBE test message is refused, or filed as spam; never delivered to the inbox unmarked. */
export async function gtubeCheck(edge: VerifyNode, core: VerifyNode, ctx: ProbeContext): Promise<CheckResult> {
  if (!ctx.credentials) return outcome('delivery.gtube', 'skip', 'no verify account (vars.verify_user, secret verify_password)')
  try {
    const answer = await probeThrough(edge, core, ctx, 'verify@mailops.invalid', (tag) =>
      probeMessage('verify@mailops.invalid', ctx.credentials!.user, tag, ctx.now).replace('A delivery check sent by mailops verify.', `A spam filter check sent by mailops verify:\r\n${GTUBE}\r\n`),
    )
    const evidence = describe(answer)
    if (answer.refused) return outcome('delivery.gtube', 'pass', 'GTUBE refused', {evidence})
    if (marked(answer)) return outcome('delivery.gtube', 'pass', `GTUBE accepted and filed as spam (${answer.mailbox})`, {evidence})
    return outcome('delivery.gtube', 'fail', `GTUBE reached the ${answer.mailbox} unmarked: no spam filter on this edge`, {evidence})
  } catch (error) {
    return outcome('delivery.gtube', 'fail', `${edge.name}: ${(error as Error).message}`)
  }
}

/** Marks the Authentication-Results the inbound probe carries in the edge's name, as a forger would write it. */
export const FORGED_AUTH_MARK = 'written-by-the-sender'

/** The header field a forger adds: the edge's name, every result a pass. The edge must remove it. */
export const forgedAuthResults = (edge: VerifyNode) => `Authentication-Results: ${edge.fqdn}; spf=pass dkim=pass dmarc=pass (${FORGED_AUTH_MARK})`

/**
 * delivery.auth-results: the header fields of the inbound probe (delivery.inbound) as delivered.
 * The edge must have added one Authentication-Results naming itself with spf, dkim and dmarc
 * results; the one the probe carried in the edge's name (a sender's forgery) must be gone.
 */
export function authResultsOutcome(edge: VerifyNode, headers: string): CheckResult {
  const fields = headers.split(/\r?\n/).filter((line) => /^Authentication-Results:/i.test(line))
  const own = fields.filter((line) => new RegExp(`^Authentication-Results:\\s*${edge.fqdn.replaceAll('.', '\\.')}\\s*;`, 'i').test(line))
  const evidence = fields.join(' | ').slice(0, 600) || 'no Authentication-Results header'
  if (fields.some((line) => line.includes(FORGED_AUTH_MARK))) return outcome('delivery.auth-results', 'fail', "the sender's own Authentication-Results in the edge's name was delivered: a forger decides what the reader's client shows", {evidence})
  if (own.length === 0) return outcome('delivery.auth-results', 'fail', `no Authentication-Results from ${edge.fqdn} on the delivered message`, {evidence})
  const missing = ['spf', 'dkim', 'dmarc'].filter((method) => !new RegExp(`[;\\s]${method}=`, 'i').test(own[0]))
  if (missing.length > 0) return outcome('delivery.auth-results', 'fail', `Authentication-Results from ${edge.fqdn} has no ${missing.join(', ')} result`, {evidence})
  return outcome('delivery.auth-results', 'pass', `Authentication-Results from ${edge.fqdn}: ${['spf', 'dkim', 'dmarc'].map((m) => new RegExp(`${m}=(\\w+)`, 'i').exec(own[0])?.[0]).join(' ')}`, {evidence})
}
