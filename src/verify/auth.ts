import {smtpAuthBeforeTls} from './smtp.js'
import {openTls} from './tls.js'
import {type CheckResult, ENDPOINTS, outcome, type ProbeContext, type VerifyNode} from './types.js'
import {authPlain, code, ehloKeywords, firstLine, type Endpoint, imapQuote, ImapSession, Pop3Session, SmtpSession} from '../util/mail-wire.js'

const endpoint = (name: string): Endpoint => ENDPOINTS.core.find((e) => e.name === name)!

/** Capabilities before TLS on submission, IMAP and POP3 (port 25 is covered by the SMTP session). */
export async function beforeTlsChecks(node: VerifyNode, ctx: ProbeContext): Promise<CheckResult[]> {
  const guard = async (target: string, check: () => Promise<CheckResult>) => {
    try {
      return await check()
    } catch (error) {
      return outcome('auth.before-tls', 'fail', `could not read capabilities: ${(error as Error).message}`, {target})
    }
  }
  return Promise.all([
    guard('submission:587', async () => {
      const {session} = await SmtpSession.open(node.address, 587, ctx.timeoutMs)
      try {
        return smtpAuthBeforeTls(ehloKeywords(await session.command(`EHLO ${ctx.helo}`)), 'submission:587')
      } finally {
        await session.quit()
      }
    }),
    guard('imap:143', async () => {
      const {session, greeting} = await ImapSession.open(node.address, 143, ctx.timeoutMs)
      try {
        const capabilities = `${greeting} ${(await session.command('CAPABILITY')).response}`.toUpperCase()
        const offered = /\bLOGINDISABLED\b/.test(capabilities) ? [] : ['LOGIN']
        offered.push(...(capabilities.match(/\bAUTH=[A-Z0-9-]+/g) ?? []))
        return offered.length > 0
          ? outcome('auth.before-tls', 'fail', `IMAP offers ${[...new Set(offered)].join(' ')} before STARTTLS`, {target: 'imap:143', evidence: firstLine(capabilities)})
          : outcome('auth.before-tls', 'pass', 'LOGINDISABLED, no AUTH= before STARTTLS', {target: 'imap:143'})
      } finally {
        await session.logout()
      }
    }),
    guard('pop3:110', async () => {
      const {session} = await Pop3Session.open(node.address, 110, ctx.timeoutMs)
      try {
        const capa = (await session.command('CAPA', true)).response
        const lines = capa.split(/\r?\n/).map((l) => l.trim().toUpperCase())
        const offered = lines.filter((l) => l === 'USER' || (l.startsWith('SASL') && l.split(' ').length > 1))
        return offered.length > 0
          ? outcome('auth.before-tls', 'fail', `POP3 offers ${offered.join(', ')} before STLS`, {target: 'pop3:110', evidence: lines.join(' ')})
          : outcome('auth.before-tls', 'pass', 'no USER or SASL before STLS', {target: 'pop3:110'})
      } finally {
        await session.quit()
      }
    }),
  ])
}

/** Logs in over TLS with `password`; true when accepted, false when refused. */
async function logIn(node: VerifyNode, target: string, user: string, password: string, ctx: ProbeContext): Promise<{accepted: boolean; reply: string}> {
  const tls = {rejectUnauthorized: false}
  if (target === 'submission:587') {
    const wire = await openTls(node, endpoint(target), tls, ctx)
    return wire.closeAfter(async () => {
      const reply = await authPlain(wire, user, password)
      return {accepted: code(reply) === 235, reply: firstLine(reply)}
    })
  }
  if (target === 'imaps:993') {
    const {session} = await ImapSession.open(node.address, 993, ctx.timeoutMs, {servername: node.fqdn, ...tls})
    return session.wire.closeAfter(async () => {
      const {ok, response} = await session.command(`LOGIN ${imapQuote(user)} ${imapQuote(password)}`)
      return {accepted: ok, reply: response.trim().split(/\r?\n/).pop()!}
    })
  }
  const {session} = await Pop3Session.open(node.address, 995, ctx.timeoutMs, {servername: node.fqdn, ...tls})
  return session.wire.closeAfter(async () => {
    await session.command(`USER ${user}`)
    const {ok, response} = await session.command(`PASS ${password}`)
    return {accepted: ok, reply: firstLine(response)}
  })
}

/** The verify account accepted and a wrong password refused, on submission, IMAPS and POP3S. */
export async function loginChecks(node: VerifyNode, ctx: ProbeContext, wanted: (id: CheckResult['id']) => boolean): Promise<CheckResult[]> {
  const targets = ['submission:587', 'imaps:993', 'pop3s:995']
  const credentials = ctx.credentials
  if (!credentials) {
    const why = 'no verify account: set vars.verify_user and the secret verify_password (secrets file or MAILOPS_VERIFY_PASSWORD)'
    return (['auth.login', 'auth.bad-login'] as const).filter(wanted).flatMap((id) => targets.map((target) => outcome(id, 'skip', why, {target})))
  }
  const attempt = async (id: 'auth.login' | 'auth.bad-login', target: string): Promise<CheckResult> => {
    const good = id === 'auth.login'
    try {
      const {accepted, reply} = await logIn(node, target, credentials.user, good ? credentials.password : wrongPassword(credentials.password), ctx)
      if (good) return accepted ? outcome(id, 'pass', `${credentials.user} logged in over TLS`, {target}) : outcome(id, 'fail', `${credentials.user} refused`, {target, evidence: reply})
      return accepted ? outcome(id, 'fail', 'a wrong password was ACCEPTED', {target, evidence: reply}) : outcome(id, 'pass', 'wrong password refused', {target, evidence: reply})
    } catch (error) {
      return outcome(id, 'fail', `login attempt broke off: ${(error as Error).message}`, {target})
    }
  }
  // Good logins first: a success clears Dovecot's per-address auth penalty, which failures raise.
  const good = wanted('auth.login') ? await Promise.all(targets.map((target) => attempt('auth.login', target))) : []
  const bad = wanted('auth.bad-login') ? await Promise.all(targets.map((target) => attempt('auth.bad-login', target))) : []
  return [...good, ...bad]
}

/**
 * Always the same wrong password: Dovecot raises its auth penalty (a growing delay for the
 * client's address, up to 15 s) only when a failed password differs from the last one, so
 * repeated runs stay at its first step instead of slowing every later login.
 */
function wrongPassword(password: string): string {
  const wrong = 'mailops-verify-wrong-password'
  return wrong === password ? `${wrong}-2` : wrong
}

const SENDER_TARGETS = ['submission:587', 'submissions:465'] as const
/** A foreign sender in a domain reserved for documentation (RFC 2606). */
const FOREIGN_FROM = 'impersonation-test@example.com'

/** After AUTH: MAIL FROM then RCPT to the account itself; the first refusal, or the RCPT reply when both passed. */
async function trySender(session: SmtpSession, from: string, to: string): Promise<{accepted: boolean; reply: string}> {
  const mail = await session.command(`MAIL FROM:<${from}>`)
  const rcpt = code(mail) === 250 ? await session.command(`RCPT TO:<${to}>`) : mail
  await session.command('RSET')
  return {accepted: code(rcpt) === 250, reply: firstLine(rcpt)}
}

/** Logs in on 587 (STARTTLS) or 465 (implicit TLS) and says hello: a session ready for MAIL FROM. */
export async function submissionSession(node: VerifyNode, target: (typeof SENDER_TARGETS)[number], ctx: ProbeContext, user: string, password: string): Promise<SmtpSession> {
  const tls = {servername: node.fqdn, rejectUnauthorized: false}
  const {session} = target === 'submissions:465' ? await SmtpSession.open(node.address, 465, ctx.timeoutMs, tls) : await SmtpSession.open(node.address, 587, ctx.timeoutMs)
  try {
    const ehlo = await session.command(`EHLO ${ctx.helo}`)
    if (target === 'submission:587') {
      if (!ehloKeywords(ehlo).includes('STARTTLS')) throw new Error('STARTTLS is not offered')
      await session.startTls(tls, ctx.helo)
    }
    const auth = await authPlain(session.wire, user, password)
    if (code(auth) !== 235) throw new Error(`login as ${user} refused: ${firstLine(auth)}`)
    return session
  } catch (error) {
    session.wire.close()
    throw error
  }
}

/** Sender bound to login: own address accepted; another local one and a foreign one refused. */
export async function senderChecks(node: VerifyNode, ctx: ProbeContext): Promise<CheckResult[]> {
  const credentials = ctx.credentials
  if (!credentials || !ctx.otherLocal) {
    return SENDER_TARGETS.map((target) => outcome('auth.sender', 'skip', 'no verify account: set vars.verify_user and the secret verify_password', {target}))
  }
  const {user, password} = credentials
  return Promise.all(
    SENDER_TARGETS.map(async (target) => {
      try {
        const session = await submissionSession(node, target, ctx, user, password)
        try {
          const own = await trySender(session, user, user)
          const local = await trySender(session, ctx.otherLocal!, user)
          const foreign = await trySender(session, FOREIGN_FROM, user)
          const evidence = `as ${user}: MAIL FROM ${user} → ${own.reply}; ${ctx.otherLocal} → ${local.reply}; ${FOREIGN_FROM} → ${foreign.reply}`
          const forged = [local.accepted && ctx.otherLocal, foreign.accepted && FOREIGN_FROM].filter(Boolean)
          if (forged.length > 0) return outcome('auth.sender', 'fail', `${user} may send as ${forged.join(' and ')}`, {target, evidence})
          if (!own.accepted) return outcome('auth.sender', 'fail', `${user} may not send as itself`, {target, evidence, hint: 'List the address with its own login in smtpd_sender_login_maps (vars.mail_users) and redeploy.'})
          return outcome('auth.sender', 'pass', `${user} sends only as itself (${ctx.otherLocal} and ${FOREIGN_FROM} refused)`, {target, evidence})
        } finally {
          await session.quit()
        }
      } catch (error) {
        return outcome('auth.sender', 'fail', `could not test senders: ${(error as Error).message}`, {target})
      }
    }),
  )
}
