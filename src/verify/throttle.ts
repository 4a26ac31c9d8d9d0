import {authPlain, code, ehloKeywords, ImapSession, imapQuote, Pop3Session, SmtpSession} from '../util/mail-wire.js'
import {type CheckResult, outcome, type ProbeContext, type VerifyNode} from './types.js'

/** Parallel wrong logins per port, from one address (docs/auth-throttling.md). */
export const THROTTLE_TRIES = 30
/**
 * The most of them that may get a password verdict: Postfix lets 10 connections of one address at
 * once into submission (smtpd_client_connection_count_limit) and the firewall 10 per port
 * (ct count over 10), so 30 tries at once get at most 10 verdicts.
 */
export const THROTTLE_BOUND = 10
/** Longer than Dovecot's longest auth penalty (15 s) with its failure delay: a slow verdict is still one. */
const TRY_TIMEOUT_MS = 30_000
const TARGETS = ['submission:587', 'submissions:465', 'imaps:993', 'pop3s:995'] as const

/** judged: the server said the password is wrong; refused: before the password (4xx, reset); silent: no answer. */
type Verdict = 'judged' | 'refused' | 'silent'

/** One wrong login from `source`, and whether the service greeted it (a closed port refuses too, but serves no one). */
async function wrongLogin(node: VerifyNode, target: (typeof TARGETS)[number], user: string, password: string, source: string): Promise<{verdict: Verdict; greeted: boolean}> {
  let greeted = false
  try {
    return {verdict: await tryLogin(node, target, user, password, source, () => (greeted = true)), greeted}
  } catch (error) {
    return {verdict: /within \d+ ms/.test((error as Error).message) ? 'silent' : 'refused', greeted}
  }
}

async function tryLogin(node: VerifyNode, target: (typeof TARGETS)[number], user: string, password: string, source: string, greeted: () => void): Promise<Verdict> {
  const tls = {servername: node.fqdn, rejectUnauthorized: false}
  {
    if (target === 'imaps:993') {
      const {session} = await ImapSession.open(node.address, 993, TRY_TIMEOUT_MS, tls, source)
      greeted()
      return await session.wire.closeAfter(async () => {
        const {response} = await session.command(`LOGIN ${imapQuote(user)} ${imapQuote(password)}`)
        return /^a\d+ NO \[AUTHENTICATIONFAILED\]/m.test(response) ? 'judged' : 'refused'
      })
    }
    if (target === 'pop3s:995') {
      const {session} = await Pop3Session.open(node.address, 995, TRY_TIMEOUT_MS, tls, source)
      greeted()
      return await session.wire.closeAfter(async () => {
        await session.command(`USER ${user}`)
        const {response} = await session.command(`PASS ${password}`)
        return response.startsWith('-ERR [AUTH]') ? 'judged' : 'refused'
      })
    }
    const implicit = target === 'submissions:465'
    const {session, banner} = await SmtpSession.open(node.address, implicit ? 465 : 587, TRY_TIMEOUT_MS, implicit ? tls : undefined, source)
    return await session.wire.closeAfter(async () => {
      // 421 at the greeting: anvil's connection count limit.
      if (code(banner) !== 220) return 'refused'
      greeted()
      let ehlo = await session.command('EHLO verify.mailops.invalid')
      if (!implicit) {
        if (!ehloKeywords(ehlo).includes('STARTTLS')) return 'refused'
        ehlo = (await session.startTls(tls, 'verify.mailops.invalid')).ehlo
      }
      // 535: the password judged; 4xx (anvil's AUTH rate limit, 454): refused before.
      return code(await authPlain(session.wire, user, password)) === 535 ? 'judged' : 'refused'
    })
  }
}

/**
 * auth.throttle: THROTTLE_TRIES wrong logins at once from a second source address (so that what
 * it sets off - Dovecot's penalty, anvil's counts - never slows this run's or the next run's own
 * logins), per login port; at most THROTTLE_BOUND may get a verdict (one with no answer counts as
 * one: it may have had it). Without a second address it does not run, and says why.
 */
export async function throttleChecks(node: VerifyNode, ctx: ProbeContext): Promise<CheckResult[]> {
  const user = ctx.credentials?.user
  if (!ctx.probeSource) {
    const why = 'needs a second source address to guess passwords from (--probe-source ADDRESS; a lab inventory names one in vars.verify_probe_source): from this run\'s own it would throttle the next run\'s logins'
    return TARGETS.map((target) => outcome('auth.throttle', 'skip', why, {target}))
  }
  if (!user) return TARGETS.map((target) => outcome('auth.throttle', 'skip', 'no verify account to guess the password of (vars.verify_user)', {target}))
  const source = ctx.probeSource
  const results: CheckResult[] = []
  // One port after another: each burst is the client's whole parallelism on that port.
  for (const target of TARGETS) {
    const started = performance.now()
    const tries = await Promise.all(Array.from({length: THROTTLE_TRIES}, (_, i) => wrongLogin(node, target, user, `mailops-throttle-${i}`, source)))
    const s = ((performance.now() - started) / 1000).toFixed(1)
    const count = (v: Verdict) => tries.filter((x) => x.verdict === v).length
    const [judged, refused, silent] = [count('judged'), count('refused'), count('silent')]
    const evidence = `${THROTTLE_TRIES} wrong passwords at once from ${source}: ${judged} judged, ${refused} refused before the password, ${silent} unanswered, in ${s} s`
    // Refusing every try is no throttle: a service that greets no one is down (auth.login says so).
    if (!tries.some((x) => x.greeted)) {
      results.push(outcome('auth.throttle', 'fail', `no try was greeted: the service does not answer ${source}`, {target, evidence}))
      continue
    }
    results.push(
      judged + silent <= THROTTLE_BOUND
        ? outcome('auth.throttle', 'pass', `${judged} of ${THROTTLE_TRIES} parallel guesses got a verdict (at most ${THROTTLE_BOUND})`, {target, evidence})
        : outcome('auth.throttle', 'fail', `${judged + silent} of ${THROTTLE_TRIES} parallel guesses from one address got (or may have got) a password verdict: more than ${THROTTLE_BOUND}`, {target, evidence}),
    )
  }
  return results
}
