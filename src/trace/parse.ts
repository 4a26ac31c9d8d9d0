/**
 * One log line of a message's trail, as `mailops trace` shows it. The logs are what each program
 * writes on the node: Postfix's maillog_file (postlogd stamps whole seconds, "%b %d %H:%M:%S",
 * src/util/msg_logger.c; each delivery's `delays=a/b/c/d` in steps of 10 ms, which Postfix 3.7 does
 * not let one change), Dovecot's log_path (the blueprints add microseconds to its stamp) and
 * rspamd's log.
 */
export interface TrailEvent {
  host: string
  /** when the line was written, ISO 8601 in UTC with milliseconds (zeros beyond `precision`) */
  at: string
  /** digits after the second the log gave (0 for Postfix: whole seconds) */
  precision: number
  program: string
  queueId?: string
  kind: 'received' | 'queued' | 'filtered' | 'relayed' | 'delivered' | 'deferred' | 'bounced' | 'rejected' | 'stored' | 'removed' | 'other'
  /** the line after its stamp and program: what happened, in the program's words */
  text: string
  /** for relayed/delivered/deferred/bounced: where to, and Postfix's delays in ms (before queue manager / in it / connection / transmission) */
  relay?: string
  delaysMs?: [number, number, number, number]
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

/**
 * "Dec 01 16:45:48[.123456]" has no year and no zone: the node's local time (UTC on the lab and
 * the blueprints' hosts), in the latest year that does not put it more than a day ahead of now.
 */
function syslogTime(month: string, day: string, time: string, now: Date): {at: string; precision: number} | undefined {
  const m = MONTHS.indexOf(month)
  const t = /^(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?$/.exec(time)
  if (m < 0 || !t) return undefined
  const fraction = t[4] ?? ''
  const ms = fraction ? Math.floor(Number(`0.${fraction}`) * 1000) : 0
  let year = now.getUTCFullYear()
  const at = (y: number) => Date.UTC(y, m, Number(day), Number(t[1]), Number(t[2]), Number(t[3]), ms)
  if (at(year) > now.getTime() + 86_400_000) year--
  return {at: new Date(at(year)).toISOString(), precision: Math.min(fraction.length, 6)}
}

const POSTFIX = /^(\w{3}) +(\d{1,2}) (\d{2}:\d{2}:\d{2}(?:\.\d+)?) (\S+) (postfix[\w/-]*)\[\d+\]: (?:([0-9A-Za-z]{5,}): )?(.*)$/
const DOVECOT = /^(\w{3}) +(\d{1,2}) (\d{2}:\d{2}:\d{2}(?:\.\d+)?) (\w+)(?:\([^)]*\))?(?:<[^>]*>)*: \w+: (.*)$/
const RSPAMD = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}(?:\.\d+)?) #\d+\(\w+\) (?:<[^>]*>; )?\w+; (.*)$/

/** Postfix's `status=` sentence and where to; `relay=…lmtp…` or a Dovecot socket is the local hand-off. */
function delivery(text: string): Pick<TrailEvent, 'kind' | 'relay' | 'delaysMs'> | undefined {
  const status = /\bstatus=(\w+)/.exec(text)?.[1]
  const relay = /\brelay=([^,]+)/.exec(text)?.[1]
  if (!status || !relay) return undefined
  const delays = /\bdelays=([\d.]+)\/([\d.]+)\/([\d.]+)\/([\d.]+)/.exec(text)
  const delaysMs = delays ? (delays.slice(1, 5).map((d) => Math.round(Number(d) * 1000)) as [number, number, number, number]) : undefined
  const local = /lmtp|dovecot/.test(relay)
  const kind = status === 'sent' ? (local ? 'delivered' : 'relayed') : status === 'deferred' ? 'deferred' : 'bounced'
  return {kind, relay, ...(delaysMs ? {delaysMs} : {})}
}

function postfixKind(text: string): TrailEvent['kind'] {
  if (text.startsWith('client=')) return 'received'
  if (text.startsWith('from=<')) return 'queued'
  if (text === 'removed') return 'removed'
  if (/^(milter-)?reject(:|\b)/.test(text)) return 'rejected'
  if (text.startsWith('milter-') || text.includes('milter')) return 'filtered'
  return 'other'
}

/** One line of the trail, or undefined for a line in no known shape (it is left out). */
export function parseTrailLine(host: string, source: 'postfix' | 'dovecot' | 'rspamd', line: string, now = new Date()): TrailEvent | undefined {
  if (source === 'postfix') {
    const m = POSTFIX.exec(line)
    const time = m && syslogTime(m[1], m[2].padStart(2, '0'), m[3], now)
    if (!m || !time) return undefined
    const text = m[7]
    return {host, ...time, program: m[5], ...(m[6] ? {queueId: m[6]} : {}), kind: postfixKind(text), text, ...delivery(text)}
  }
  if (source === 'dovecot') {
    const m = DOVECOT.exec(line)
    const time = m && syslogTime(m[1], m[2].padStart(2, '0'), m[3], now)
    if (!m || !time) return undefined
    const text = m[5]
    // Without Sieve LMTP says "saved mail to INBOX"; with it (the core's spam filing) "sieve: … stored mail into mailbox 'Junk'".
    return {host, ...time, program: `dovecot/${m[4]}`, kind: /saved mail to |stored mail into mailbox /.test(text) ? 'stored' : 'other', text}
  }
  const m = RSPAMD.exec(line)
  if (!m) return undefined
  const fraction = /\.(\d+)$/.exec(m[2])?.[1] ?? ''
  const at = new Date(`${m[1]}T${m[2].slice(0, 8)}.${fraction.slice(0, 3).padEnd(3, '0')}Z`)
  if (Number.isNaN(at.getTime())) return undefined
  const queueId = /\bqid: <([^>]+)>/.exec(m[3])?.[1]
  return {host, at: at.toISOString(), precision: Math.min(fraction.length, 6), program: 'rspamd', ...(queueId ? {queueId} : {}), kind: /\(default: [TF] \(/.test(m[3]) ? 'filtered' : 'other', text: m[3]}
}

/** A Message-ID as the logs carry it, `<local@domain>`; undefined for anything else. */
export function messageIdOf(input: string): string | undefined {
  const id = input.trim().replace(/^<?([^<>]*)>?$/, '<$1>')
  return /^<[\x21-\x3b\x3d\x3f-\x7e]{1,900}>$/.test(id) ? id : undefined
}
