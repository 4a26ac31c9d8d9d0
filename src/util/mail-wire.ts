import {connect, type Socket} from 'node:net'
import {connect as tlsConnect, type ConnectionOptions, type TLSSocket} from 'node:tls'

/** How a service speaks TLS: from the first byte, or after a plain-text upgrade command. */
type TlsMode = 'implicit' | 'smtp' | 'imap' | 'pop3'

export interface Endpoint {
  /** e.g. smtp:25, submission:587, imaps:993 */
  name: string
  protocol: 'smtp' | 'imap' | 'pop3'
  port: number
  tls: TlsMode
}

/**
 * A line-based client for SMTP, IMAP and POP3 over one socket that can be upgraded to TLS in
 * place (verify's checks and latency's SMTP probe). Every wait is bounded by the timeout; a
 * closed connection rejects the wait.
 */
export class Wire {
  private buffer = ''
  private waiter?: () => void
  private failure?: Error
  private socket: Socket | TLSSocket

  private constructor(
    socket: Socket | TLSSocket,
    private readonly timeoutMs: number,
  ) {
    this.socket = socket
    this.listen(socket)
  }

  /** Connects (from `localAddress`, when given); with `tls`, the handshake is done (with those options) before this resolves. */
  static async open(address: string, port: number, timeoutMs: number, tls?: ConnectionOptions, localAddress?: string): Promise<Wire> {
    let pending: Socket | TLSSocket | undefined
    const from = localAddress ? {localAddress} : {}
    try {
      const socket = await withTimeout(
        new Promise<Socket | TLSSocket>((resolve, reject) => {
          const s = (pending = tls ? tlsConnect({host: address, port, ...from, ...tls}) : connect({host: address, port, ...from}))
          s.once(tls ? 'secureConnect' : 'connect', () => resolve(s))
          s.once('error', reject)
        }),
        timeoutMs,
        `no answer from ${address}:${port} within ${timeoutMs} ms`,
      )
      socket.setNoDelay(true)
      return new Wire(socket, timeoutMs)
    } catch (error) {
      // A connect that timed out would otherwise go on trying (and keep the process alive) until the system gives up.
      pending?.destroy()
      throw error
    }
  }

  get tlsSocket(): TLSSocket | undefined {
    return 'encrypted' in this.socket ? (this.socket as TLSSocket) : undefined
  }

  /** Upgrades the connection after the server agreed to STARTTLS/STLS. */
  async upgrade(options: ConnectionOptions): Promise<TLSSocket> {
    const plain = this.socket as Socket
    // From here the bytes on the plain socket are TLS records: only the TLS socket reads them.
    plain.removeAllListeners('data')
    const secure = await withTimeout(
      new Promise<TLSSocket>((resolve, reject) => {
        const s = tlsConnect({socket: plain, ...options})
        s.once('secureConnect', () => resolve(s))
        s.once('error', reject)
      }),
      this.timeoutMs,
      `TLS handshake did not finish within ${this.timeoutMs} ms`,
    )
    this.socket = secure
    this.buffer = ''
    this.listen(secure)
    return secure
  }

  send(line: string): void {
    this.socket.write(`${line}\r\n`)
  }

  /** Waits until `complete` finds a whole response at the start of the buffer; returns it. */
  async read(complete: (buffer: string) => number): Promise<string> {
    const deadline = Date.now() + this.timeoutMs
    for (;;) {
      const end = complete(this.buffer)
      if (end > 0) {
        const response = this.buffer.slice(0, end)
        this.buffer = this.buffer.slice(end)
        return response
      }
      if (this.failure) throw this.failure
      const left = deadline - Date.now()
      if (left <= 0) throw new Error(`no complete answer within ${this.timeoutMs} ms (got: ${JSON.stringify(this.buffer.slice(0, 200))})`)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left)
        this.waiter = () => {
          clearTimeout(timer)
          resolve()
        }
      })
    }
  }

  close(): void {
    this.socket.destroy()
  }

  /** Runs `work`, then closes the connection whether it succeeded or not. */
  async closeAfter<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work()
    } finally {
      this.close()
    }
  }

  /** A polite last word (QUIT, LOGOUT) then close; the server may hang up first, which ends the session just as well. */
  async farewell(last: () => Promise<unknown>): Promise<void> {
    await this.closeAfter(() => last().catch(() => undefined))
  }

  private listen(socket: Socket | TLSSocket): void {
    socket.setEncoding('utf8')
    socket.on('data', (chunk: string) => {
      this.buffer += chunk
      this.wake()
    })
    socket.on('error', (error) => {
      this.failure = error
      this.wake()
    })
    socket.on('close', () => {
      this.failure ??= new Error('connection closed by the server')
      this.wake()
    })
  }

  private wake(): void {
    const waiter = this.waiter
    this.waiter = undefined
    waiter?.()
  }
}

async function withTimeout<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  try {
    return await Promise.race([work, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)))])
  } finally {
    clearTimeout(timer)
  }
}

/** Reads the server's greeting; a server that never greets must not keep the socket (and the process) alive. */
async function greeting(wire: Wire, read: () => Promise<string>): Promise<string> {
  try {
    return await read()
  } catch (error) {
    wire.close()
    throw error
  }
}

/** End of a whole SMTP reply: the first line of the form "ddd text" (continuations are "ddd-"). */
export function smtpReplyEnd(buffer: string): number {
  const match = /^\d{3}(?: [^\n]*)?\r?\n/m.exec(buffer)
  return match ? match.index + match[0].length : 0
}

/** End of an IMAP response ending in the tagged line for `tag` (or the untagged greeting). */
export function imapResponseEnd(tag: string): (buffer: string) => number {
  return (buffer) => {
    const match = new RegExp(`^${tag} [^\\n]*\\r?\\n`, 'm').exec(buffer)
    return match ? match.index + match[0].length : 0
  }
}

/** End of a POP3 status line (+OK / -ERR), or of a multi-line answer ending in "." when `multi`. */
export function pop3ResponseEnd(multi: boolean): (buffer: string) => number {
  return (buffer) => {
    const first = buffer.indexOf('\n')
    if (first < 0) return 0
    if (!multi || buffer.startsWith('-ERR')) return first + 1
    const match = /^\.\r?\n/m.exec(buffer)
    return match ? match.index + match[0].length : 0
  }
}

/** An SMTP conversation: banner, commands, STARTTLS. */
export class SmtpSession {
  private constructor(readonly wire: Wire) {}

  static async open(address: string, port: number, timeoutMs: number, tls?: ConnectionOptions, localAddress?: string): Promise<{session: SmtpSession; banner: string}> {
    return SmtpSession.greet(await Wire.open(address, port, timeoutMs, tls, localAddress))
  }

  /** The session on a connection already open: waits for the server's greeting (timed apart from the connect by latency's probe). */
  static async greet(wire: Wire): Promise<{session: SmtpSession; banner: string}> {
    const session = new SmtpSession(wire)
    return {session, banner: await greeting(wire, () => session.reply())}
  }

  reply(): Promise<string> {
    return this.wire.read(smtpReplyEnd)
  }

  async command(line: string): Promise<string> {
    this.wire.send(line)
    return this.reply()
  }

  /** STARTTLS then EHLO again; the capabilities after TLS. */
  async startTls(options: ConnectionOptions, helo: string): Promise<{socket: TLSSocket; ehlo: string}> {
    const reply = await this.command('STARTTLS')
    if (!reply.startsWith('220')) throw new Error(`STARTTLS refused: ${firstLine(reply)}`)
    const socket = await this.wire.upgrade(options)
    return {socket, ehlo: await this.command(`EHLO ${helo}`)}
  }

  quit(): Promise<void> {
    return this.wire.farewell(() => this.command('QUIT'))
  }
}

/** SMTP AUTH PLAIN (RFC 4616) on a connection already secured; the server's reply. */
export async function authPlain(wire: Wire, user: string, password: string): Promise<string> {
  wire.send(`AUTH PLAIN ${Buffer.from(`\0${user}\0${password}`).toString('base64')}`)
  return wire.read(smtpReplyEnd)
}

export const code = (reply: string): number => Number(reply.slice(0, 3))
export const firstLine = (reply: string): string => reply.split(/\r?\n/)[0]
/** EHLO keywords, upper case: "250-SIZE 10240000" → SIZE */
export const ehloKeywords = (reply: string): string[] =>
  reply
    .split(/\r?\n/)
    .slice(1)
    .filter(Boolean)
    .map((line) => line.slice(4).split(' ')[0].toUpperCase())

/** An IMAP conversation with numbered tags. */
export class ImapSession {
  private tag = 0

  private constructor(readonly wire: Wire) {}

  static async open(address: string, port: number, timeoutMs: number, tls?: ConnectionOptions, localAddress?: string): Promise<{session: ImapSession; greeting: string}> {
    const wire = await Wire.open(address, port, timeoutMs, tls, localAddress)
    const line = await greeting(wire, () => wire.read((b) => (b.indexOf('\n') >= 0 ? b.indexOf('\n') + 1 : 0)))
    return {session: new ImapSession(wire), greeting: line}
  }

  /** Sends a command; resolves with everything up to and including its tagged status line. */
  async command(text: string): Promise<{ok: boolean; response: string}> {
    const tag = `a${++this.tag}`
    this.wire.send(`${tag} ${text}`)
    const response = await this.wire.read(imapResponseEnd(tag))
    return {ok: new RegExp(`^${tag} OK`, 'm').test(response), response}
  }

  /** UID SEARCH in the selected mailbox: the UIDs found, in the server's order (none: []). */
  async uidSearch(criteria: string): Promise<number[]> {
    return searchResult((await this.command(`UID SEARCH ${criteria}`)).response)
  }

  logout(): Promise<void> {
    return this.wire.farewell(() => this.command('LOGOUT'))
  }
}

/** The numbers of an IMAP SEARCH response's untagged `* SEARCH n n …` line (RFC 3501 7.2.5; RFC 7162's MODSEQ after them). */
export function searchResult(response: string): number[] {
  return (/^\* SEARCH((?: \d+)*)(?: \(MODSEQ \d+\))? ?\r?$/m.exec(response)?.[1] ?? '').split(' ').filter(Boolean).map(Number)
}

/** A POP3 conversation. */
export class Pop3Session {
  private constructor(readonly wire: Wire) {}

  static async open(address: string, port: number, timeoutMs: number, tls?: ConnectionOptions, localAddress?: string): Promise<{session: Pop3Session; greeting: string}> {
    const wire = await Wire.open(address, port, timeoutMs, tls, localAddress)
    return {session: new Pop3Session(wire), greeting: await greeting(wire, () => wire.read(pop3ResponseEnd(false)))}
  }

  async command(text: string, multi = false): Promise<{ok: boolean; response: string}> {
    this.wire.send(text)
    const response = await this.wire.read(pop3ResponseEnd(multi))
    return {ok: response.startsWith('+OK'), response}
  }

  quit(): Promise<void> {
    return this.wire.farewell(() => this.command('QUIT'))
  }
}

/** IMAP string literal-free quoting for LOGIN arguments. */
export const imapQuote = (value: string): string => `"${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`
