import {type ExitCodeValue, ExitCode, InputError} from '../errors.js'
import {t} from '../i18n/index.js'
import {gatherFacts} from '../fleet/facts.js'
import {type LoadedInventory, loadInventory, selectHosts} from '../fleet/inventory.js'
import {failureOf, FleetSession, type HostFailure, runExit} from '../fleet/session.js'
import {messageIdOf, parseTrailLine, type TrailEvent} from './parse.js'

export interface TraceReport {
  messageId: string
  /** every hop's lines, in time order (within a second: the order the message travelled) */
  events: TrailEvent[]
  /** stored in a mailbox, handed on beyond the fleet, or neither (still queued, refused, lost) */
  outcome: 'stored' | 'relayed-out' | 'rejected' | 'bounced' | 'in-transit' | 'not-found'
  hosts: Array<{host: string; events: number; error?: HostFailure}>
}

export interface TraceRequest {
  inventory: string
  messageId: string
  hosts?: string[]
  acceptNew?: boolean
  connectTimeoutMs?: number
}

/**
 * A queue id's lines from one message's arrival to its `removed`: Postfix reuses short queue ids,
 * so a later message with the same id (after `removed`) is not this one's.
 */
export function lifetimesOf(events: readonly TrailEvent[], messageId: string): TrailEvent[] {
  const byQueue = new Map<string, TrailEvent[][]>()
  const kept: TrailEvent[] = []
  for (const e of events) {
    if (!e.queueId || e.program === 'rspamd') {
      kept.push(e)
      continue
    }
    const key = `${e.host}/${e.queueId}`
    const lives = byQueue.get(key) ?? [[]]
    lives.at(-1)!.push(e)
    if (e.kind === 'removed') lives.push([])
    byQueue.set(key, lives)
  }
  for (const lives of byQueue.values()) for (const life of lives) if (life.some((e) => e.text === `message-id=${messageId}`)) kept.push(...life)
  return kept
}

/**
 * The hops in the order mail travels them: a host that relayed to another host's address comes
 * before it. Used to order lines of the same second (Postfix stamps whole seconds).
 */
function hopRank(inventory: LoadedInventory, events: readonly TrailEvent[]): Map<string, number> {
  const addressOf = new Map(inventory.hosts.map((h) => [h.address, h.name]))
  const next = new Map<string, Set<string>>()
  for (const e of events) {
    const to = e.relay ? addressOf.get(/\[([^\]]+)\]/.exec(e.relay)?.[1] ?? '') : undefined
    if (to && to !== e.host) next.set(e.host, new Set([...(next.get(e.host) ?? []), to]))
  }
  const rank = new Map<string, number>()
  const visit = (host: string, depth: number, seen: Set<string>) => {
    if (seen.has(host) || (rank.get(host) ?? -1) >= depth) return
    rank.set(host, depth)
    for (const to of next.get(host) ?? []) visit(to, depth + 1, new Set([...seen, host]))
  }
  for (const h of inventory.hosts) visit(h.name, 0, new Set())
  return rank
}

function outcomeOf(events: readonly TrailEvent[]): TraceReport['outcome'] {
  if (events.length === 0) return 'not-found'
  if (events.some((e) => e.kind === 'stored' || e.kind === 'delivered')) return 'stored'
  if (events.some((e) => e.kind === 'rejected')) return 'rejected'
  if (events.some((e) => e.kind === 'bounced')) return 'bounced'
  return events.some((e) => e.kind === 'relayed') && !events.some((e) => e.kind === 'deferred') ? 'relayed-out' : 'in-transit'
}

/** `mailops trace`: every node's logs of one message, as one timeline. */
export async function traceMessage(request: TraceRequest): Promise<{report: TraceReport; exit: ExitCodeValue}> {
  const messageId = messageIdOf(request.messageId)
  if (!messageId) throw new InputError(t('trace.badId', {id: request.messageId.slice(0, 200)}), {code: 'USAGE', hint: t('trace.badIdHint')})
  const inventory = loadInventory(request.inventory)
  const targets = selectHosts(inventory, request.hosts)
  const now = new Date()
  const results = await FleetSession.with(inventory, {acceptNew: request.acceptNew, connectTimeoutMs: request.connectTimeoutMs}, (session) =>
    session.each(targets, (connection) => gatherFacts(connection, {mailTrail: messageId})),
  )
  const perHost = results.map((r) => {
    if (!r.ok) return {host: r.host, events: [] as TrailEvent[], error: failureOf(r.error)}
    const parsed = r.value.mailTrail.flatMap(({source, line}) => parseTrailLine(r.host, source, line, now) ?? [])
    return {host: r.host, events: lifetimesOf(parsed, messageId)}
  })
  const all = perHost.flatMap((h) => h.events.map((e, i) => ({e, i})))
  const rank = hopRank(inventory, all.map((x) => x.e))
  // The second first (Postfix's precision); within it, the hop order, then the finer stamps, then
  // each log's own order.
  const second = (at: string) => at.slice(0, 19)
  all.sort((a, b) => second(a.e.at).localeCompare(second(b.e.at)) || (rank.get(a.e.host) ?? 0) - (rank.get(b.e.host) ?? 0) || a.e.at.localeCompare(b.e.at) || a.i - b.i)
  const events = all.map((x) => x.e)
  const report: TraceReport = {
    messageId,
    events,
    outcome: outcomeOf(events),
    hosts: perHost.map((h) => ({host: h.host, events: h.events.length, ...(h.error ? {error: h.error} : {})})),
  }
  const reached = runExit(perHost.map((h) => ({ok: !h.error, error: h.error})))
  return {report, exit: reached !== ExitCode.ok ? reached : events.length === 0 ? ExitCode.checksFailed : ExitCode.ok}
}
