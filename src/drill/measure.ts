import type {DrillFigures} from '../config/schemas/drill.js'
import {percentile} from '../latency/stats.js'

export type {DrillFigures}

/** One canary message: sent through an edge (port 25) or submitted on a core (587). */
export interface Canary {
  id: string
  /** `edge:NAME` or `submission:NAME` */
  via: string
  /** ms since the epoch when its DATA was accepted (or the attempt ended) */
  sentAt: number
  accepted: boolean
  error?: string
}

/** What the drill saw of one canary on one core over IMAP. */
export interface Sighting {
  /** first poll that found it, ms since the epoch */
  seenAt: number
  /** the core's INTERNALDATE for it (when it was delivered there), ms since the epoch, second resolution */
  deliveredAt: number
}

/** Everything the drill recorded; the figures are worked out from it alone (pure, unit-tested). */
export interface DrillTimeline {
  primary: string
  replica: string
  faultAt: number
  repairAt: number
  canaries: readonly Canary[]
  /** per core: canary id → first sighting */
  seen: Readonly<Record<string, ReadonlyMap<string, Sighting>>>
  /** first IMAP login on the replica at or after the fault that found a canary sent after it, ms since the epoch */
  replicaImapAt: number | null
  /** per core at the end: canary id → copies in its mailboxes */
  copies: Readonly<Record<string, ReadonlyMap<string, number>>>
}

export function drillFigures(t: DrillTimeline): DrillFigures {
  const accepted = t.canaries.filter((c) => c.accepted)
  const onReplica = t.seen[t.replica] ?? new Map<string, Sighting>()
  const onPrimary = t.seen[t.primary] ?? new Map<string, Sighting>()
  const after = accepted.filter((c) => c.sentAt >= t.faultAt && c.via.startsWith('edge:'))
  // INTERNALDATE has whole seconds: a delivery in the fault's own second counts from the fault.
  const delivered = after.map((c) => onReplica.get(c.id)?.deliveredAt).filter((d): d is number => d !== undefined && d < t.repairAt + 1000)
  const smtpMs = delivered.length ? Math.max(0, Math.min(...delivered) - t.faultAt) : null
  const imapMs = t.replicaImapAt === null ? null : Math.max(0, t.replicaImapAt - t.faultAt)
  const submitted = accepted.filter((c) => c.via === `submission:${t.replica}` && c.sentAt >= t.faultAt).map((c) => c.sentAt)
  const submitMs = submitted.length ? Math.min(...submitted) - t.faultAt : null
  const recovered = [smtpMs, imapMs, submitMs]
  const rtoMs = recovered.every((v): v is number => v !== null) ? Math.max(...(recovered as number[])) : null

  const before = accepted.filter((c) => c.sentAt < t.faultAt)
  const missing = before
    .filter((c) => {
      const s = onReplica.get(c.id)
      return !s || s.seenAt > t.repairAt
    })
    .sort((a, b) => a.sentAt - b.sentAt)
  const rpoMs = missing.length ? t.faultAt - Math.min(...missing.map((c) => c.sentAt)) : 0
  // The drill sees back only to its first canary: when even that one was missing (or none was
  // accepted before the fault), the loss may reach further back than the drill can tell.
  const rpoAtLeast = before.length === 0 || missing.some((c) => c.id === before.reduce((a, b) => (b.sentAt < a.sentAt ? b : a)).id)

  // Lag: canaries the primary showed first and the replica then showed while both ran (before
  // the fault, or sent after the repair); one the fault cut off is the RPO's, not lag.
  const lags = accepted
    .filter((c) => c.sentAt < t.faultAt || c.sentAt >= t.repairAt)
    .map((c) => [onPrimary.get(c.id), onReplica.get(c.id)] as const)
    .filter(([p, r]) => p && r && r.seenAt >= p.seenAt && (r.seenAt < t.faultAt || p.seenAt >= t.repairAt))
    .map(([p, r]) => r!.seenAt - p!.seenAt)
    .sort((a, b) => a - b)
  const lag = lags.length
    ? {samples: lags.length, p50Ms: percentile(lags, 0.5), p95Ms: percentile(lags, 0.95), p99Ms: percentile(lags, 0.99), maxMs: lags.at(-1)!}
    : {samples: 0, p50Ms: null, p95Ms: null, p99Ms: null, maxMs: null}

  const during = accepted.filter((c) => c.sentAt >= t.faultAt && c.sentAt < t.repairAt)
  const backOnPrimary = during.map((c) => onPrimary.get(c.id)?.seenAt)
  const resyncMs = during.length && backOnPrimary.every((s): s is number => s !== undefined) ? Math.max(0, Math.max(...backOnPrimary) - t.repairAt) : during.length ? null : 0

  const cores = Object.keys(t.copies)
  const lost = accepted.filter((c) => cores.some((core) => !(t.copies[core].get(c.id) ?? 0))).map((c) => c.id)
  const duplicates = accepted.filter((c) => cores.some((core) => (t.copies[core].get(c.id) ?? 0) > 1)).map((c) => c.id)
  return {smtpMs, imapMs, submitMs, rtoMs, rpoMs, rpoAtLeast, missingAtFault: missing.map((c) => c.id), lag, resyncMs, lost, duplicates}
}

/**
 * The canary ids and delivery times in an IMAP `UID FETCH … (INTERNALDATE BODY.PEEK[HEADER.FIELDS
 * (X-Mailops-Drill)])` response: one entry per message, the id the header's second word.
 */
export function parseCanaryFetch(response: string, run: string): Array<{id: string; deliveredAt: number}> {
  const found: Array<{id: string; deliveredAt: number}> = []
  const message = /INTERNALDATE "([^"]+)"[^{]*\{(\d+)\}\r\n/g
  for (let match = message.exec(response); match; match = message.exec(response)) {
    const start = match.index + match[0].length
    const literal = Buffer.from(response.slice(start), 'utf8').subarray(0, Number(match[2])).toString('utf8')
    const header = /^X-Mailops-Drill:\s*(\S+)\s+(\S+)/im.exec(literal)
    if (header && header[1] === run) found.push({id: header[2], deliveredAt: imapDate(match[1])})
  }
  return found
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

/** An IMAP date-time ("02-Dec-2026 10:30:01 +0000", RFC 3501 §9), ms since the epoch. */
export function imapDate(text: string): number {
  const m = /^ ?(\d{1,2})-([A-Za-z]{3})-(\d{4}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$/.exec(text)
  if (!m) return Number.NaN
  const utc = Date.UTC(Number(m[3]), MONTHS.indexOf(m[2]), Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6]))
  const offset = (Number(m[8]) * 60 + Number(m[9])) * 60_000 * (m[7] === '+' ? 1 : -1)
  return utc - offset
}
