import {gatherFacts, MAIL_STORE, MAIL_TRACE_DIRS} from '../fleet/facts.js'
import type {SshConnection} from '../ssh/connection.js'
import {submissionSession} from './auth.js'
import {fetchAndDelete, probeMessage, token, transaction} from './delivery.js'
import {type CheckResult, outcome, type ProbeContext, type VerifyNode} from './types.js'

/** How often the search is repeated while the only plain copy is the queue file Postfix is about to remove. */
const QUEUE_SETTLE = {tries: 5, ms: 1000}

type StoredPlain = Awaited<ReturnType<typeof readStore>>

const readStore = (connection: SshConnection, text: string, timeoutMs: number) => gatherFacts(connection, {storedPlain: text}, {timeoutMs}).then((f) => f.storedPlain)

/**
 * delivery.at-rest: a canary message, submitted as the verify account to itself on the core, is
 * read back over IMAP while it is stored, and meanwhile its body text is searched for in every
 * file under the places mail lies (the mailboxes, the queue, the logs, /tmp) over SSH: found in
 * none, the store is encrypted. The Maildir files still in plain text (written before encryption
 * was on) are counted too. The canary is deleted afterwards, whatever the verdict.
 */
export async function atRestCheck(core: VerifyNode, ctx: ProbeContext, ssh: () => Promise<SshConnection>): Promise<CheckResult> {
  if (!ctx.credentials) return outcome('delivery.at-rest', 'skip', 'no verify account (vars.verify_user, secret verify_password)')
  const {user, password} = ctx.credentials
  const tag = token()
  // Only in the body: the header tag finds the message, the canary is what must not be on disk.
  const canary = `mailops-at-rest-canary-${token()}`
  const deadline = Date.now() + ctx.deliveryTimeoutMs
  const where = MAIL_TRACE_DIRS.join(', ')
  try {
    const session = await submissionSession(core, 'submission:587', ctx, user, password)
    try {
      await transaction(session.wire, user, user, `${probeMessage(user, user, tag, ctx.now)}${canary}\r\n`)
    } finally {
      await session.quit()
    }
    let readable = false
    let store: StoredPlain | undefined
    await fetchAndDelete(core, ctx, tag, deadline, {
      whileStored: async (imap, uids) => {
        readable = (await imap.command(`UID FETCH ${uids} (BODY.PEEK[TEXT])`)).response.includes(canary)
        const connection = await ssh()
        for (let i = 0; i < QUEUE_SETTLE.tries; i++) {
          store = await readStore(connection, canary, ctx.timeoutMs * 3)
          // Postfix removes its queue file just after LMTP stored the message: wait for that.
          if (!store.found.every((f) => f.startsWith('/var/spool/postfix/')) || store.found.length === 0) break
          await new Promise((resolve) => setTimeout(resolve, QUEUE_SETTLE.ms))
        }
      },
    })
    const found = store!.found
    const counts = `${store!.messages} message files under ${MAIL_STORE}, ${store!.plain} of them in plain text`
    const evidence = `canary in plain text in: ${found.join(', ') || 'no file'} (searched ${where}); ${counts}`
    if (found.length > 0) return outcome('delivery.at-rest', 'fail', `the canary's body is stored in plain text: ${found.slice(0, 3).join(', ')}`, {evidence})
    if (!readable) return outcome('delivery.at-rest', 'fail', `the canary is in ${user}'s INBOX but IMAP does not return its body`, {evidence, hint: 'Read /var/log/dovecot.log for mail_crypt errors: the private key in /etc/mailops/mail-crypt/ must be the pair of the public key mail was written with.'})
    if (store!.plain > 0) {
      return outcome('delivery.at-rest', 'warn', `new mail is encrypted, but ${store!.plain} of ${store!.messages} stored messages are still in plain text (written before encryption was on), e.g. ${store!.plainExamples[0]}`, {
        evidence,
        hint: 'Run mailops deploy (the key pair set): it encrypts the messages stored before encryption was on, in place and resumably (docs/encryption-at-rest.md, "Existing mail").',
      })
    }
    return outcome('delivery.at-rest', 'pass', `the canary's body is in no file under ${where}, IMAP reads it; all ${store!.messages} stored messages are encrypted`, {evidence})
  } catch (error) {
    return outcome('delivery.at-rest', 'fail', `could not deliver and read the canary on ${core.name}: ${(error as Error).message}`)
  }
}
