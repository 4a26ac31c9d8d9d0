import {connect, type Socket} from 'node:net'
import {connect as tlsConnect, type TLSSocket} from 'node:tls'

import type {SampleOptions} from './icmp.js'
import {schedule} from './schedule.js'
import {resolveOnce} from './tcp.js'

export const SMTP_PHASES = ['connect', 'banner', 'ehlo', 'starttls', 'tls', 'quit'] as const
export type SmtpPhase = (typeof SMTP_PHASES)[number]
export type SmtpSample = Partial<Record<SmtpPhase, number>> & {total: number | null}

/** Reads whole SMTP replies (continuation lines "250-…", last line "250 …") from a socket. */
class ReplyReader {
  private buffer = ''
  private waiting?: {resolve: (reply: string) => void; reject: (error: Error) => void}

  constructor(private socket: Socket | TLSSocket) {
    this.attach(socket)
  }

  attach(socket: Socket | TLSSocket): void {
    this.socket = socket
    socket.setEncoding('utf8')
    socket.on('data', (chunk: string) => {
      this.buffer += chunk
      this.deliver()
    })
    socket.on('error', (error) => this.waiting?.reject(error))
    socket.on('close', () => this.waiting?.reject(new Error('connection closed')))
  }

  next(): Promise<string> {
    return new Promise((resolve, reject) => {
      this.waiting = {resolve, reject}
      this.deliver()
    })
  }

  private deliver(): void {
    const end = /^\d{3} .*\r?\n/m.exec(this.buffer)
    if (!end || !this.waiting) return
    const reply = this.buffer.slice(0, end.index + end[0].length)
    this.buffer = this.buffer.slice(reply.length)
    const {resolve} = this.waiting
    this.waiting = undefined
    resolve(reply)
  }

  async command(line: string, expect: string): Promise<string> {
    this.socket.write(`${line}\r\n`)
    return this.expect(expect)
  }

  async expect(code: string): Promise<string> {
    const reply = await this.next()
    if (!reply.startsWith(code)) throw new Error(`expected ${code}, got ${reply.trim().split('\n')[0]}`)
    return reply
  }
}

/**
 * One SMTP session, each phase timed like smtpping: connect, 220 banner, EHLO, STARTTLS (when
 * offered), TLS handshake, QUIT. No mail is sent. The certificate is not judged here: that is
 * `mailops verify`'s job; the handshake takes as long either way.
 */
export async function smtpSessionOnce(address: string, port: number, servername: string, timeoutMs: number): Promise<SmtpSample> {
  const phases: Partial<Record<SmtpPhase, number>> = {}
  let socket: Socket | TLSSocket | undefined
  const timed = async <T>(phase: SmtpPhase, step: () => Promise<T>): Promise<T> => {
    const started = performance.now()
    const result = await step()
    phases[phase] = performance.now() - started
    return result
  }
  const session = async () => {
    const plain = await timed(
      'connect',
      () =>
        new Promise<Socket>((resolve, reject) => {
          const s = connect({host: address, port})
          socket = s
          s.setNoDelay(true)
          s.once('connect', () => resolve(s))
          s.once('error', reject)
        }),
    )
    const reader = new ReplyReader(plain)
    await timed('banner', () => reader.expect('220'))
    const ehlo = await timed('ehlo', () => reader.command('EHLO latency.mailops.invalid', '250'))
    if (/^250[- ]STARTTLS/im.test(ehlo)) {
      await timed('starttls', () => reader.command('STARTTLS', '220'))
      // From here the bytes on the plain socket are TLS records: only the TLS socket reads them.
      plain.removeAllListeners('data')
      const secure = await timed(
        'tls',
        () =>
          new Promise<TLSSocket>((resolve, reject) => {
            const s = tlsConnect({socket: plain, servername, rejectUnauthorized: false, minVersion: 'TLSv1.2'})
            socket = s
            s.once('secureConnect', () => resolve(s))
            s.once('error', reject)
          }),
      )
      reader.attach(secure)
    }
    await timed('quit', () => reader.command('QUIT', '221'))
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
    socket?.destroy()
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
