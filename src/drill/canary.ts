import {transaction} from '../verify/delivery.js'
import {authPlain, code, ehloKeywords, firstLine, SmtpSession} from '../util/mail-wire.js'
import type {Canary} from './measure.js'

/** Where a canary goes in, and as whom. */
export interface CanaryTarget {
  name: string
  address: string
  fqdn: string
}

export interface CanaryContext {
  run: string
  /** the account canaries are addressed to (and submitted as) */
  user: string
  password: string
  helo: string
  timeoutMs: number
}

/** The drill's envelope sender through the edges: a domain that cannot exist (RFC 2606), so a bounce goes nowhere. */
export const CANARY_SENDER = 'drill@mailops.invalid'

/** A canary: small, plain, its run and id in X-Mailops-Drill (what the drill searches for over IMAP). */
export function canaryMessage(run: string, id: string, from: string, to: string, date: Date): string {
  return [
    `From: <${from}>`,
    `To: <${to}>`,
    `Subject: mailops drill ${run} ${id}`,
    `Date: ${date.toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: <${run}.${id}@drill.mailops.invalid>`,
    `X-Mailops-Drill: ${run} ${id}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'A canary of a mailops drill (mailops drill). It is deleted when the drill ends.',
    '',
  ].join('\r\n')
}

/** One canary through an edge's port 25 (STARTTLS when offered), as any sender on the internet would. */
export async function sendThroughEdge(edge: CanaryTarget, id: string, ctx: CanaryContext): Promise<Canary> {
  return attempt(id, `edge:${edge.name}`, async () => {
    const {session, banner} = await SmtpSession.open(edge.address, 25, ctx.timeoutMs)
    try {
      if (code(banner) !== 220) throw new Error(`greeting ${firstLine(banner)}`)
      const ehlo = await session.command(`EHLO ${ctx.helo}`)
      if (ehloKeywords(ehlo).includes('STARTTLS')) await session.startTls({servername: edge.fqdn, rejectUnauthorized: false}, ctx.helo)
      await transaction(session.wire, CANARY_SENDER, ctx.user, canaryMessage(ctx.run, id, CANARY_SENDER, ctx.user, new Date()))
    } finally {
      await session.quit()
    }
  })
}

/** One canary submitted on a core's 587 (STARTTLS, AUTH PLAIN) by the drill's account, to itself. */
export async function submitOn(core: CanaryTarget, id: string, ctx: CanaryContext): Promise<Canary> {
  return attempt(id, `submission:${core.name}`, async () => {
    const {session, banner} = await SmtpSession.open(core.address, 587, ctx.timeoutMs)
    try {
      if (code(banner) !== 220) throw new Error(`greeting ${firstLine(banner)}`)
      await session.command(`EHLO ${ctx.helo}`)
      await session.startTls({servername: core.fqdn, rejectUnauthorized: false}, ctx.helo)
      const auth = await authPlain(session.wire, ctx.user, ctx.password)
      if (code(auth) !== 235) throw new Error(`AUTH refused: ${firstLine(auth)}`)
      await transaction(session.wire, ctx.user, ctx.user, canaryMessage(ctx.run, id, ctx.user, ctx.user, new Date()))
    } finally {
      await session.quit()
    }
  })
}

async function attempt(id: string, via: string, send: () => Promise<void>): Promise<Canary> {
  try {
    await send()
    return {id, via, sentAt: Date.now(), accepted: true}
  } catch (error) {
    return {id, via, sentAt: Date.now(), accepted: false, error: (error as Error).message}
  }
}
