import {userInfo} from 'node:os'

import {signingKey} from '../audit/key.js'
import type {DrillReport} from '../config/schemas/drill.js'
import {durationMs} from '../config/values.js'
import {defaultAuditDir, newRunId, RunAuditLog} from '../audit/run-log.js'
import {nodeFqdn} from '../dns/names.js'
import {ExitCode, type ExitCodeValue, InputError} from '../errors.js'
import {domainOf, hostsOfRole, type InventoryHost, loadInventory, verifyAccountOf} from '../fleet/inventory.js'
import {gatherFacts} from '../fleet/facts.js'
import {FleetSession} from '../fleet/session.js'
import {HostError} from '../ssh/errors.js'
import {t} from '../i18n/index.js'
import {type CanaryContext, type CanaryTarget, sendThroughEdge, submitOn} from './canary.js'
import {startScript, stopScript} from './fault.js'
import {type Canary, drillFigures, type DrillFigures, type Sighting} from './measure.js'
import {type CoreLook, CoreWatch} from './observe.js'

export interface DrillRequest {
  inventory: string
  /** the core whose failure is drilled */
  fail: string
  /** the core expected to take over (default: the first other core of the inventory) */
  replica?: string
  /** durations as the flags give them (2s, 1m, 15m; bare numbers are seconds) */
  interval: string
  before: string
  outage: string
  after: string
  settle: string
  rto: string
  rpo: string
  timeoutMs: number
  acceptNew?: boolean
  auditDir?: string
  progress: (message: string) => void
}

export type {DrillReport}

const POLL_MS = 500
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * A failover drill on a live fleet: canaries through every edge before, during and after the
 * failed core's outage, watched over IMAP on every core; the fault, the repair, the wait until
 * both cores hold the same canaries; the figures (docs/drill.md), checked against the targets.
 * The repair runs whatever happens once the fault is in (an error, Ctrl-C).
 */
export async function runDrill(options: DrillRequest): Promise<{report: DrillReport; exit: ExitCodeValue}> {
  const request = {
    ...options,
    intervalMs: durationMs('--interval', options.interval, 600),
    beforeMs: durationMs('--before', options.before, 3600),
    outageMs: durationMs('--outage', options.outage, 24 * 3600),
    afterMs: durationMs('--after', options.after, 3600),
    settleMs: durationMs('--settle', options.settle, 24 * 3600),
    rtoMs: durationMs('--rto', options.rto, 7 * 24 * 3600),
    rpoMs: durationMs('--rpo', options.rpo, 7 * 24 * 3600),
  }
  const inventory = loadInventory(request.inventory)
  const cores = hostsOfRole(inventory.hosts, 'core')
  const failed = cores.find((h) => h.name === request.fail)
  if (!failed) throw InputError.at(undefined, inventory.hosts.some((h) => h.name === request.fail) ? 'drill.notACore' : 'inventory.unknownHost', {name: request.fail, valid: cores.map((c) => c.name).join(', '), file: inventory.file})
  const replica = request.replica === undefined ? cores.find((c) => c !== failed) : cores.find((c) => c.name === request.replica && c !== failed)
  if (!replica) throw InputError.at(undefined, request.replica === undefined ? 'drill.noReplica' : 'drill.badReplica', {name: request.replica ?? '', file: inventory.file, valid: cores.filter((c) => c !== failed).map((c) => c.name).join(', ') || '-'})
  const edges = hostsOfRole(inventory.hosts, 'edge')
  if (edges.length === 0) throw InputError.at(undefined, 'drill.noEdge', {file: inventory.file})
  const account = verifyAccountOf(inventory)
  if (!account) throw InputError.at(undefined, 'drill.noAccount')
  const domain = domainOf(inventory) ?? ''
  const target = (h: InventoryHost): CanaryTarget => ({name: h.name, address: h.address, fqdn: nodeFqdn(h, domain)})

  const run = newRunId()
  const ctx: CanaryContext = {run, user: account.user, password: account.password, helo: 'drill.mailops.invalid', timeoutMs: request.timeoutMs}
  const watches = new Map([failed, replica].map((c) => [c.name, new CoreWatch(target(c), account, run, request.timeoutMs)]))
  const startedAt = Date.now()

  return FleetSession.with(inventory, {acceptNew: request.acceptNew}, async (session) => {
    const connection = await session.connection(failed)
    // A drill starts from a working fleet: both cores answer IMAP as the drill's account.
    const baseline: Record<string, CoreLook> = {}
    for (const [name, watch] of watches) {
      baseline[name] = await watch.look().catch((error: Error) => {
        throw new HostError(name, 'CONNECT_DRILL', t('drill.notHealthy', {host: name, reason: error.message}))
      })
    }

    const canaries: Canary[] = []
    const seen: Record<string, Map<string, Sighting>> = {[failed.name]: new Map(), [replica.name]: new Map()}
    const latest: Record<string, CoreLook> = {...baseline}
    let sequence = 0
    let faultAt = Number.POSITIVE_INFINITY
    let repairAt = Number.POSITIVE_INFINITY
    let replicaImapAt: number | null = null
    let submitted = false
    let sending = true
    let watching = true
    let interrupted = false
    const onSigint = () => {
      interrupted = true
    }
    process.once('SIGINT', onSigint)
    const nextId = () => String(++sequence)

    // One sender per edge, a canary each interval (the next at once when one took longer); and
    // from the fault on, a submission on the replica each interval until one is accepted.
    const paced = async (send: () => Promise<void>) => {
      while (sending) {
        const began = Date.now()
        await send()
        await sleep(Math.max(0, request.intervalMs - (Date.now() - began)))
      }
    }
    const senders = [
      ...edges.map((edge) => paced(async () => void canaries.push(await sendThroughEdge(target(edge), nextId(), ctx)))),
      paced(async () => {
        if (Date.now() < faultAt || submitted) return
        const attempt = await submitOn(target(replica), nextId(), ctx)
        canaries.push(attempt)
        submitted = attempt.accepted
      }),
    ]
    const byId = () => new Map(canaries.map((c) => [c.id, c]))
    const watchers = [...watches].map(async ([name, watch]) => {
      while (watching) {
        const look = await watch.look().catch(() => undefined)
        if (look) {
          latest[name] = look
          for (const found of look.canaries) if (!seen[name].has(found.id)) seen[name].set(found.id, {seenAt: look.at, deliveredAt: found.deliveredAt})
          if (name === replica.name && replicaImapAt === null && look.at >= faultAt) {
            const sent = byId()
            // An edge's canary: the submission canary, delivered on the replica itself, proves no inbound path.
            if (look.canaries.some((f) => (sent.get(f.id)?.sentAt ?? 0) >= faultAt && sent.get(f.id)!.via.startsWith('edge:'))) replicaImapAt = look.at
          }
        }
        await sleep(POLL_MS)
      }
    })
    const wait = async (ms: number) => {
      const until = Date.now() + ms
      while (Date.now() < until && !interrupted) await sleep(Math.min(200, until - Date.now()))
    }

    let faulted = false
    let repaired = false
    let replicationAtFault: DrillReport['replicationAtFault'] = null
    try {
      request.progress(t('drill.before', {run, seconds: request.beforeMs / 1000, edges: edges.length}))
      await wait(request.beforeMs)
      replicationAtFault = await replicationState(session, failed, replica)
      request.progress(t('drill.fault', {host: failed.name}))
      faulted = true
      const stopped = await connection.exec(stopScript(), {timeoutMs: 40_000})
      if (stopped.code !== 0) throw new HostError(failed.name, 'DRILL_FAULT', t('drill.faultFailed', {host: failed.name, reason: (stopped.stdout + stopped.stderr).trim()}))
      faultAt = Date.now()
      await wait(request.outageMs)
      request.progress(t('drill.repair', {host: failed.name}))
      await repair()
      repairAt = Date.now()
      await wait(request.afterMs)
    } finally {
      if (faulted && !repaired) await repair().catch(() => undefined)
      sending = false
      await Promise.all(senders)
    }

    async function repair(): Promise<void> {
      repaired = true
      const started = await connection.exec(startScript(), {timeoutMs: 60_000})
      if (started.code !== 0) throw new HostError(failed!.name, 'DRILL_REPAIR', t('drill.repairFailed', {host: failed!.name, reason: (started.stdout + started.stderr).trim()}))
    }

    // Failback: both cores come to hold every accepted canary (or the settle time runs out).
    request.progress(t('drill.settling', {seconds: request.settleMs / 1000}))
    const accepted = canaries.filter((c) => c.accepted)
    const settled = () => [...watches.keys()].every((name) => accepted.every((c) => latest[name].canaries.some((f) => f.id === c.id)))
    const deadline = Date.now() + request.settleMs
    while (!settled() && Date.now() < deadline && !interrupted) await sleep(POLL_MS)
    await sleep(POLL_MS * 2)
    watching = false
    await Promise.all(watchers)
    process.off('SIGINT', onSigint)
    const final: Record<string, CoreLook> = {}
    for (const [name, watch] of watches) final[name] = await watch.look().catch(() => latest[name])

    const copies = Object.fromEntries(
      Object.entries(final).map(([name, look]) => {
        const count = new Map<string, number>()
        for (const f of look.canaries) count.set(f.id, (count.get(f.id) ?? 0) + 1)
        return [name, count]
      }),
    )
    const figures = drillFigures({primary: failed.name, replica: replica.name, faultAt, repairAt, canaries, seen, replicaImapAt, copies})
    let removed = 0
    for (const watch of watches.values()) {
      removed += await watch.removeCanaries().catch(() => 0)
      await watch.close()
    }

    const uidvalidity = Object.entries(baseline).flatMap(([core, look]) =>
      Object.entries(look.uidvalidity).map(([mailbox, before]) => ({core, mailbox, before, after: final[core].uidvalidity[mailbox] ?? null})),
    )
    const refused = canaries.filter((c) => !c.accepted)
    const report: DrillReport = {
      run,
      failed: failed.name,
      replica: replica.name,
      edges: edges.map((e) => e.name),
      fault: 'services',
      startedAt: new Date(startedAt).toISOString(),
      faultAt: new Date(faultAt).toISOString(),
      repairAt: new Date(repairAt).toISOString(),
      endedAt: new Date().toISOString(),
      targets: {rtoMs: request.rtoMs, rpoMs: request.rpoMs},
      canaries: {sent: canaries.length, accepted: accepted.length, refused: refused.length, intervalMs: request.intervalMs, firstRefusal: refused[0] ? `${refused[0].via}: ${refused[0].error}` : null},
      figures,
      replicationAtFault,
      uidvalidity,
      checks: drillChecks(figures, uidvalidity, request, replicationAtFault),
      removed,
      audit: null,
    }
    const audit = RunAuditLog.open(request.auditDir ?? defaultAuditDir(), `${run}-drill`, signingKey())
    audit.append({run, operator: `${userInfo().username}@${process.env.HOSTNAME ?? 'localhost'}`, drill: {failed: report.failed, replica: report.replica, faultAt: report.faultAt, repairAt: report.repairAt, rtoMs: figures.rtoMs, rpoMs: figures.rpoMs, lost: figures.lost.length, duplicates: figures.duplicates.length, checks: report.checks.map((c) => `${c.id}:${c.status}`)}})
    audit.seal()
    report.audit = audit.file
    if (interrupted) return {report, exit: ExitCode.interrupted}
    return {report, exit: report.checks.every((c) => c.status === 'pass') ? ExitCode.ok : ExitCode.checksFailed}
  })
}

/**
 * The pair's replication state just before the fault: the sync loop of whichever of the two syncs
 * with the other (the first in the inventory) wrote it. Unreadable counts as none: the drill goes on.
 */
async function replicationState(session: FleetSession, failed: InventoryHost, replica: InventoryHost): Promise<DrillReport['replicationAtFault']> {
  for (const [core, peer] of [[failed, replica], [replica, failed]]) {
    const facts = await gatherFacts(await session.connection(core), {replication: true}).catch(() => undefined)
    const state = facts?.replication.peers.find((p) => p.peer === peer.name)
    if (facts && state) return {core: core.name, peer: peer.name, lastSyncAgeMs: state.lastOk === null ? null : Math.max(0, Math.round((facts.replication.now - state.lastOk) * 1000)), error: state.error}
  }
  return null
}

const s = (ms: number | null) => (ms === null ? '-' : `${(ms / 1000).toFixed(1)} s`)

/** What the pair's sync loop said at the fault, for the RPO verdict: how far back the replica was complete. */
function lastSync(sync: DrillReport['replicationAtFault']): string {
  if (!sync) return t('drill.sync.none')
  const said = sync.error ? t('drill.sync.error', {error: sync.error}) : ''
  return sync.lastSyncAgeMs === null ? t('drill.sync.never', {core: sync.core, peer: sync.peer}) + said : t('drill.sync.age', {core: sync.core, peer: sync.peer, age: s(sync.lastSyncAgeMs)}) + said
}

/** The drill's verdicts: recovery within --rto, loss within --rpo, and a clean failback. */
export function drillChecks(f: DrillFigures, uidvalidity: DrillReport['uidvalidity'], targets: {rtoMs: number; rpoMs: number}, sync: DrillReport['replicationAtFault'] = null): DrillReport['checks'] {
  const changed = uidvalidity.filter((u) => u.after !== null && u.after !== u.before)
  return [
    f.rtoMs === null
      ? {id: 'rto', status: 'fail', message: t('drill.check.rtoNever', {smtp: s(f.smtpMs), imap: s(f.imapMs), submit: s(f.submitMs)})}
      : {id: 'rto', status: f.rtoMs <= targets.rtoMs ? 'pass' : 'fail', message: t('drill.check.rto', {rto: s(f.rtoMs), target: s(targets.rtoMs), smtp: s(f.smtpMs), imap: s(f.imapMs), submit: s(f.submitMs)})},
    f.rpoAtLeast
      ? {id: 'rpo', status: 'fail', message: `${t('drill.check.rpoAtLeast', {rpo: s(f.rpoMs), target: s(targets.rpoMs), missing: f.missingAtFault.length, p50: s(f.lag.p50Ms), p95: s(f.lag.p95Ms)})}; ${lastSync(sync)}`}
      : {id: 'rpo', status: f.rpoMs <= targets.rpoMs ? 'pass' : 'fail', message: `${t('drill.check.rpo', {rpo: s(f.rpoMs), target: s(targets.rpoMs), missing: f.missingAtFault.length, p50: s(f.lag.p50Ms), p95: s(f.lag.p95Ms)})}; ${lastSync(sync)}`},
    {id: 'resync', status: f.resyncMs === null ? 'fail' : 'pass', message: f.resyncMs === null ? t('drill.check.resyncNever') : t('drill.check.resync', {seconds: s(f.resyncMs)})},
    {id: 'lost', status: f.lost.length ? 'fail' : 'pass', message: t('drill.check.lost', {count: f.lost.length, ids: f.lost.slice(0, 10).join(', ')})},
    {id: 'duplicates', status: f.duplicates.length ? 'fail' : 'pass', message: t('drill.check.duplicates', {count: f.duplicates.length, ids: f.duplicates.slice(0, 10).join(', ')})},
    {id: 'uidvalidity', status: changed.length ? 'fail' : 'pass', message: changed.length ? t('drill.check.uidvalidityChanged', {which: changed.map((u) => `${u.core} ${u.mailbox} ${u.before} → ${u.after}`).join('; ')}) : t('drill.check.uidvalidity', {count: uidvalidity.length})},
  ]
}
