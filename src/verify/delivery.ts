import {randomBytes} from 'node:crypto'
import type {Resolver} from 'node:dns/promises'

import {authenticate} from 'mailauth'
import {SMTPServer} from 'smtp-server'

import {mailauthResolver} from './dns.js'
import {openTls} from './tls.js'
import {type CheckResult, ENDPOINTS, outcome, type ProbeContext, reach, type VerifyNode} from './types.js'
import {authPlain, code, ehloKeywords, firstLine, imapQuote, ImapSession, SmtpSession, smtpReplyEnd, type Wire} from '../util/mail-wire.js'

const POLL_MS = 200

/** A small message that carries `token` in a header the checks search for. */
export function probeMessage(from: string, to: string, token: string, date: Date): string {
  return [
    `From: <${from}>`,
    `To: <${to}>`,
    `Subject: mailops verify ${token}`,
    `Date: ${date.toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: <${token}@verify.mailops.invalid>`,
    `X-Mailops-Verify: ${token}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'A delivery check sent by mailops verify. It is deleted once found.',
    '',
  ].join('\r\n')
}

export const token = () => randomBytes(9).toString('hex')

/** MAIL, RCPT, DATA on a wire that already said hello; throws with the reply that refused. */
export async function transaction(wire: Wire, from: string, to: string, message: string, mailParameters = ''): Promise<void> {
  for (const [line, expected] of [
    [`MAIL FROM:<${from}>${mailParameters}`, 250],
    [`RCPT TO:<${to}>`, 250],
    ['DATA', 354],
  ] as const) {
    wire.send(line)
    const reply = await wire.read(smtpReplyEnd)
    if (code(reply) !== expected) throw new Error(`${line.split(':')[0]} refused: ${firstLine(reply)}`)
  }
  // Dot-stuffing (RFC 5321 §4.5.2), then the end-of-data line.
  wire.send(`${message.replaceAll(/^\./gm, '..')}\r\n.`)
  const reply = await wire.read(smtpReplyEnd)
  if (code(reply) !== 250) throw new Error(`message refused: ${firstLine(reply)}`)
}

/** Where a probe message was found: when, in which mailbox, and the header fields asked for (raw). */
export interface Found {
  seen: number
  mailbox: string
  headers: string
}

/**
 * Polls the verify account's mailboxes over IMAPS until the message with `tag` is in one of them
 * (INBOX unless told); reads the header fields asked for, lets `whileStored` look at it (the
 * session, its UIDs in the selected mailbox), deletes it, and says where it was.
 */
export async function fetchAndDelete(
  core: VerifyNode,
  ctx: ProbeContext,
  tag: string,
  deadline: number,
  options: {mailboxes?: string[]; headers?: string[]; whileStored?: (session: ImapSession, uids: string) => Promise<void>} = {},
): Promise<Found> {
  const {user, password} = ctx.credentials!
  const mailboxes = options.mailboxes ?? ['INBOX']
  const {session} = await ImapSession.open(core.address, 993, ctx.timeoutMs, {servername: core.fqdn, rejectUnauthorized: false})
  try {
    if (!(await session.command(`LOGIN ${imapQuote(user)} ${imapQuote(password)}`)).ok) throw new Error(`IMAP login as ${user} refused`)
    while (Date.now() < deadline) {
      for (const mailbox of mailboxes) {
        await session.command(`SELECT ${imapQuote(mailbox)}`)
        const uids = (await session.uidSearch(`HEADER X-Mailops-Verify ${tag}`)).join(',')
        if (!uids) continue
        const seen = performance.now()
        const headers = options.headers ? headerLiteral((await session.command(`UID FETCH ${uids} (BODY.PEEK[HEADER.FIELDS (${options.headers.join(' ')})])`)).response) : ''
        try {
          await options.whileStored?.(session, uids)
        } finally {
          await session.command(`UID STORE ${uids} +FLAGS.SILENT (\\Deleted)`)
          await session.command(`UID EXPUNGE ${uids}`)
        }
        return {seen, mailbox, headers}
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS))
    }
    throw new Error(`not in ${user}'s ${mailboxes.join(' or ')} within ${ctx.deliveryTimeoutMs / 1000} s`)
  } finally {
    await session.logout()
  }
}

/** The first literal of an IMAP FETCH response ({N} then N octets): the header fields, unfolded. */
export function headerLiteral(response: string): string {
  const match = /\{(\d+)\}\r\n/.exec(response)
  if (!match) return ''
  const start = match.index + match[0].length
  return Buffer.from(response.slice(start), 'utf8').subarray(0, Number(match[1])).toString('utf8').replaceAll(/\r\n[ \t]+/g, ' ').trim()
}

/**
 * Through `edge` to the verify account's mailbox on `core`, fetched over IMAPS. `extraHeaders`
 * go into the message; the delivered message's fields named in `readHeaders` come back with it.
 */
export async function inboundCheck(edge: VerifyNode, core: VerifyNode, ctx: ProbeContext, probe: {extraHeaders?: string[]; readHeaders?: string[]} = {}): Promise<{result: CheckResult; headers?: string}> {
  if (!ctx.credentials) return {result: outcome('delivery.inbound', 'skip', 'no verify account (vars.verify_user, secret verify_password)')}
  const tag = token()
  const started = performance.now()
  const deadline = Date.now() + ctx.deliveryTimeoutMs
  try {
    const {session, banner} = await SmtpSession.open(edge.address, 25, ctx.timeoutMs)
    try {
      if (code(banner) !== 220) throw new Error(`greeting ${firstLine(banner)}`)
      const ehlo = await session.command(`EHLO ${ctx.helo}`)
      if (ehloKeywords(ehlo).includes('STARTTLS')) await session.startTls({servername: edge.fqdn, rejectUnauthorized: false}, ctx.helo)
      const message = probeMessage('verify@mailops.invalid', ctx.credentials.user, tag, ctx.now)
      await transaction(session.wire, 'verify@mailops.invalid', ctx.credentials.user, [...(probe.extraHeaders ?? []), message].join('\r\n'))
    } finally {
      await session.quit()
    }
    // Junk counts: the path works, and the edge's filter judged the probe (from a client with no
    // PTR, as verify often is) on its own terms; where it went is said.
    const {seen, headers, mailbox} = await fetchAndDelete(core, ctx, tag, deadline, {mailboxes: ['INBOX', 'Junk'], headers: probe.readHeaders})
    const ms = Math.round(seen - started)
    const where = mailbox === 'INBOX' ? '' : ` (filed in ${mailbox} by the spam filter)`
    return {result: outcome('delivery.inbound', 'pass', `delivered to ${ctx.credentials.user} on ${core.name} in ${ms} ms${where}`, {evidence: `X-Mailops-Verify: ${tag}`}), headers}
  } catch (error) {
    return {result: outcome('delivery.inbound', 'fail', `${edge.name} → ${core.name}: ${(error as Error).message}`, {evidence: `X-Mailops-Verify: ${tag}`})}
  }
}

/**
 * delivery.unicode: where SMTPUTF8 is offered, a UTF-8 message (SMTPUTF8, UTF-8 From and Subject) for
 * the verify account must reach its mailbox; where it is not, MAIL ... SMTPUTF8 must be refused
 * up front. Null sender: a bounce, if there is one, goes nowhere.
 */
export async function utf8Check(node: VerifyNode, core: VerifyNode, ctx: ProbeContext): Promise<CheckResult> {
  if (!ctx.credentials) return outcome('delivery.unicode', 'skip', 'no verify account (vars.verify_user, secret verify_password)')
  const tag = token()
  const deadline = Date.now() + ctx.deliveryTimeoutMs
  const to = ctx.credentials.user
  try {
    const {session} = await SmtpSession.open(...reach(ctx, node.address, 25), ctx.timeoutMs)
    let offered: boolean
    try {
      let ehlo = await session.command(`EHLO ${ctx.helo}`)
      if (ehloKeywords(ehlo).includes('STARTTLS')) ehlo = (await session.startTls({servername: node.fqdn, rejectUnauthorized: false}, ctx.helo)).ehlo
      offered = ehloKeywords(ehlo).includes('SMTPUTF8')
      if (!offered) {
        const mail = await session.command('MAIL FROM:<> SMTPUTF8')
        return code(mail) >= 500
          ? outcome('delivery.unicode', 'pass', 'SMTPUTF8 not offered, and refused up front', {evidence: `MAIL FROM:<> SMTPUTF8 → ${firstLine(mail)}`})
          : outcome('delivery.unicode', 'fail', 'SMTPUTF8 is not offered, yet MAIL ... SMTPUTF8 is accepted', {evidence: firstLine(mail)})
      }
      const message = probeMessage('grüße@verify.mailops.invalid', to, tag, ctx.now).replace(`Subject: mailops verify ${tag}`, `Subject: mailops verify ${tag} — Grüße, 你好`)
      await transaction(session.wire, '', to, message, ' SMTPUTF8')
    } finally {
      await session.quit()
    }
    await fetchAndDelete(core, ctx, tag, deadline)
    return outcome('delivery.unicode', 'pass', `SMTPUTF8 offered, and a UTF-8 message reached ${to}`, {evidence: `X-Mailops-Verify: ${tag}`})
  } catch (error) {
    return outcome('delivery.unicode', 'fail', `SMTPUTF8 is offered, but a UTF-8 message for ${to} was not delivered: ${(error as Error).message}`, {evidence: `X-Mailops-Verify: ${tag}`})
  }
}

interface Captured {
  raw: string
  ip: string
  helo: string
  sender: string
}

export type Peer = Awaited<ReturnType<typeof startPeer>>

/** An "internet recipient" listening where the core sends outbound mail, capturing what arrives. */
export async function startPeer(listen: {host: string; port: number}): Promise<{wait: (tag: string, deadline: number) => Promise<Captured>; close: () => Promise<void>}> {
  const captured: Captured[] = []
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    disableReverseLookup: true,
    onData(stream, session, done) {
      const chunks: Buffer[] = []
      stream.on('data', (c: Buffer) => chunks.push(c))
      stream.on('end', () => {
        captured.push({raw: Buffer.concat(chunks).toString('utf8'), ip: session.remoteAddress, helo: session.hostNameAppearsAs, sender: session.envelope.mailFrom ? session.envelope.mailFrom.address : ''})
        done()
      })
    },
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(listen.port, listen.host, () => resolve())
  })
  return {
    async wait(tag, deadline) {
      while (Date.now() < deadline) {
        const found = captured.find((c) => c.raw.includes(`X-Mailops-Verify: ${tag}`))
        if (found) return found
        await new Promise((resolve) => setTimeout(resolve, POLL_MS))
      }
      throw new Error(`nothing arrived at the peer ${listen.host}:${listen.port}`)
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

/**
 * Submitted on the core (587, AUTH after STARTTLS) to a recipient whose mail reaches the peer;
 * the captured message's DKIM, SPF and DMARC are evaluated with mailauth against the resolver.
 */
export async function outboundChecks(
  core: VerifyNode,
  ctx: ProbeContext,
  peer: Peer | undefined,
  resolver: Resolver,
): Promise<CheckResult[]> {
  const ids = ['delivery.outbound-dkim', 'delivery.outbound-spf', 'delivery.outbound-dmarc'] as const
  const all = (status: CheckResult['status'], message: string, hint?: string) => ids.map((id) => outcome(id, status, message, {hint}))
  if (!peer) return all('skip', 'no --peer: nothing captures outbound mail', "Run with --peer ADDRESS:PORT where the core's relayhost (or the recipient's MX) points.")
  if (!ctx.credentials) return all('skip', 'no verify account (vars.verify_user, secret verify_password)')
  const tag = token()
  const deadline = Date.now() + ctx.deliveryTimeoutMs
  let captured: Captured
  try {
    const wire = await openTls(core, ENDPOINTS.core.find((e) => e.port === 587)!, {rejectUnauthorized: false}, ctx)
    await wire.closeAfter(async () => {
      const {user, password} = ctx.credentials!
      const auth = await authPlain(wire, user, password)
      if (code(auth) !== 235) throw new Error(`AUTH refused: ${firstLine(auth)}`)
      await transaction(wire, user, 'verify@peer.mailops.invalid', probeMessage(user, 'verify@peer.mailops.invalid', tag, ctx.now))
    })
    captured = await peer.wait(tag, deadline)
  } catch (error) {
    return all('fail', `outbound message did not arrive: ${(error as Error).message}`, "Read /var/log/postfix.log on the core; the peer must be the core's relayhost or the recipient's MX.")
  }
  const result = await authenticate(captured.raw, {ip: captured.ip, helo: captured.helo, sender: captured.sender, mta: 'peer.mailops.invalid', resolver: mailauthResolver(resolver), trustReceived: false} as never)
  const dkim = result.dkim.results.find((r) => r.status.result === 'pass') ?? result.dkim.results[0]
  const spfResult = result.spf ? result.spf.status.result : 'none'
  const dmarc = result.dmarc ? result.dmarc.status.result : 'none'
  return [
    dkim?.status.result === 'pass'
      ? outcome('delivery.outbound-dkim', 'pass', `DKIM pass, d=${dkim.signingDomain} s=${dkim.selector}`)
      : outcome('delivery.outbound-dkim', 'fail', dkim ? `DKIM ${dkim.status.result}${dkim.status.comment ? `: ${dkim.status.comment}` : ''}` : 'no DKIM signature', {evidence: dkim?.info}),
    spfResult === 'pass'
      ? outcome('delivery.outbound-spf', 'pass', `SPF pass for ${captured.ip}`, {evidence: result.spf ? result.spf.info : undefined})
      : outcome('delivery.outbound-spf', 'fail', `SPF ${spfResult} for ${captured.ip}`, {evidence: result.spf ? result.spf.info : undefined}),
    dmarc === 'pass'
      ? outcome('delivery.outbound-dmarc', 'pass', 'DMARC pass (aligned)', {evidence: result.dmarc ? result.dmarc.info : undefined})
      : outcome('delivery.outbound-dmarc', 'fail', `DMARC ${dmarc}`, {evidence: result.dmarc ? result.dmarc.info : undefined}),
  ]
}
