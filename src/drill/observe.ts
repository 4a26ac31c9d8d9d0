import {ImapSession, imapQuote} from '../util/mail-wire.js'
import {parseCanaryFetch} from './measure.js'

/** What one look at a core's mailboxes found: this run's canaries (one entry per stored copy) and each mailbox's UIDVALIDITY. */
export interface CoreLook {
  at: number
  canaries: Array<{id: string; deliveredAt: number}>
  uidvalidity: Record<string, number>
}

/** Where canaries can be: the inbox, and Junk where the edge's filter files mail. */
export const CANARY_MAILBOXES = ['INBOX', 'Junk'] as const

/**
 * The drill's eyes on one core: an IMAPS session as the drill's account (kept open between looks,
 * opened again after a failure), searching every mailbox for this run's canaries. A look that
 * cannot log in throws: that is what a client sees while the core is down.
 */
export class CoreWatch {
  private session?: ImapSession

  constructor(
    readonly core: {name: string; address: string; fqdn: string},
    private readonly account: {user: string; password: string},
    private readonly run: string,
    private readonly timeoutMs: number,
  ) {}

  async look(): Promise<CoreLook> {
    try {
      const session = await this.open()
      const canaries: CoreLook['canaries'] = []
      const uidvalidity: Record<string, number> = {}
      for (const mailbox of CANARY_MAILBOXES) {
        const examined = await session.command(`EXAMINE ${imapQuote(mailbox)}`)
        if (!examined.ok) continue
        const validity = /\[UIDVALIDITY (\d+)\]/.exec(examined.response)?.[1]
        if (validity) uidvalidity[mailbox] = Number(validity)
        const uids = (await session.uidSearch(`HEADER X-Mailops-Drill ${imapQuote(this.run)}`)).join(',')
        if (!uids) continue
        const fetched = await session.command(`UID FETCH ${uids} (INTERNALDATE BODY.PEEK[HEADER.FIELDS (X-Mailops-Drill)])`)
        canaries.push(...parseCanaryFetch(fetched.response, this.run))
      }
      return {at: Date.now(), canaries, uidvalidity}
    } catch (error) {
      await this.drop()
      throw error
    }
  }

  /** Deletes this run's canaries from every mailbox (the drill's clean-up); how many went. */
  async removeCanaries(): Promise<number> {
    const session = await this.open()
    let removed = 0
    for (const mailbox of CANARY_MAILBOXES) {
      if (!(await session.command(`SELECT ${imapQuote(mailbox)}`)).ok) continue
      const uids = (await session.uidSearch(`HEADER X-Mailops-Drill ${imapQuote(this.run)}`)).join(',')
      if (!uids) continue
      await session.command(`UID STORE ${uids} +FLAGS.SILENT (\\Deleted)`)
      await session.command(`UID EXPUNGE ${uids}`)
      removed += uids.split(',').length
    }
    return removed
  }

  async close(): Promise<void> {
    const session = this.session
    this.session = undefined
    await session?.logout().catch(() => undefined)
  }

  private async open(): Promise<ImapSession> {
    if (this.session) return this.session
    const {session} = await ImapSession.open(this.core.address, 993, this.timeoutMs, {servername: this.core.fqdn, rejectUnauthorized: false})
    const login = await session.command(`LOGIN ${imapQuote(this.account.user)} ${imapQuote(this.account.password)}`)
    if (!login.ok) {
      await session.logout().catch(() => undefined)
      throw new Error(`IMAP login as ${this.account.user} refused on ${this.core.name}`)
    }
    this.session = session
    return session
  }

  private async drop(): Promise<void> {
    const session = this.session
    this.session = undefined
    session?.wire.close()
  }
}
