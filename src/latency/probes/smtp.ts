import {code, ehloKeywords, firstLine, SmtpSession, Wire} from '../../util/mail-wire.js'
import type {SampleOptions} from './icmp.js'
import {schedule} from './schedule.js'
import {resolveOnce} from './tcp.js'

export const SMTP_PHASES = ['connect', 'banner', 'ehlo', 'starttls', 'tls', 'quit'] as const
export type SmtpPhase = (typeof SMTP_PHASES)[number]
export type SmtpSample = Partial<Record<SmtpPhase, number>> & {total: number | null}

/** A reply with another code than `expected` ends the session (the sample is lost). */
function expectCode(reply: string, expected: number): string {
  if (code(reply) !== expected) throw new Error(`expected ${expected}, got ${firstLine(reply)}`)
  return reply
}

/**
 * One SMTP session, each phase timed like smtpping: connect, 220 banner, EHLO, STARTTLS (when
 * offered), TLS handshake, QUIT. No mail is sent. The certificate is not judged here: that is
 * `mailops verify`'s job; the handshake takes as long either way.
 */
export async function smtpSessionOnce(address: string, port: number, servername: string, timeoutMs: number): Promise<SmtpSample> {
  const phases: Partial<Record<SmtpPhase, number>> = {}
  let wire: Wire | undefined
  const timed = async <T>(phase: SmtpPhase, step: () => Promise<T>): Promise<T> => {
    const started = performance.now()
    const result = await step()
    phases[phase] = performance.now() - started
    return result
  }
  const session = async () => {
    const open = (wire = await timed('connect', () => Wire.open(address, port, timeoutMs)))
    const {session: smtp} = await timed('banner', async () => {
      const greeted = await SmtpSession.greet(open)
      expectCode(greeted.banner, 220)
      return greeted
    })
    const ehlo = await timed('ehlo', async () => expectCode(await smtp.command('EHLO latency.mailops.invalid'), 250))
    if (ehloKeywords(ehlo).includes('STARTTLS')) {
      await timed('starttls', async () => expectCode(await smtp.command('STARTTLS'), 220))
      await timed('tls', () => open.upgrade({servername, rejectUnauthorized: false, minVersion: 'TLSv1.2'}))
    }
    await timed('quit', async () => expectCode(await smtp.command('QUIT'), 221))
  }
  let timer: NodeJS.Timeout | undefined
  try {
    await Promise.race([session(), new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), timeoutMs)))])
    const total = Object.values(phases).reduce((a, b) => a + b, 0)
    return {...phases, total}
  } catch {
    return {...phases, total: null}
  } finally {
    clearTimeout(timer)
    wire?.close()
  }
}

export async function smtpSamples(host: string, port: number, options: SampleOptions): Promise<{samples: SmtpSample[]; dnsMs: number | null; error?: string}> {
  let resolved: {address: string; dnsMs: number | null}
  try {
    resolved = await resolveOnce(host)
  } catch (error) {
    const lost = Array.from({length: options.count}, () => ({total: null}))
    return {samples: lost, dnsMs: null, error: `cannot resolve ${host}: ${(error as NodeJS.ErrnoException).code ?? error}`}
  }
  const samples = await schedule(options, () => smtpSessionOnce(resolved.address, port, host, options.timeoutMs))
  return {samples, dnsMs: resolved.dnsMs, ...(samples.every((s) => s.total === null) ? {error: `no SMTP session with ${host}:${port}`} : {})}
}
