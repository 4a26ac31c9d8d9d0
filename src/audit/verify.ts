import type {KeyObject} from 'node:crypto'
import {existsSync, readdirSync, readFileSync, statSync} from 'node:fs'
import {join} from 'node:path'

import {type ExitCodeValue, ExitCode, InputError} from '../errors.js'
import {t} from '../i18n/index.js'
import {gatherFacts} from '../fleet/facts.js'
import {type InventoryHost, type LoadedInventory, loadInventory, selectHosts} from '../fleet/inventory.js'
import {failureOf, FleetSession, type HostFailure, runExit} from '../fleet/session.js'
import {type AuditProblem, type ChainReading, readChain} from './chain.js'
import {checkingKey, fingerprint, verifyText} from './key.js'
import {type Seal, sealPayload} from './run-log.js'

export interface RunVerdict {
  run: string
  file: string
  records: number
  sealed: boolean
  problems: AuditProblem[]
}

export interface HostVerdict {
  host: string
  records: number
  /** the last host record a signed run vouches for (seq), null when none does */
  signedUpTo: number | null
  /** host records after it: written by a run this folder has no file of, or not by mailops */
  unsigned: number
  problems: AuditProblem[]
  error?: HostFailure
}

export interface AuditVerdict {
  key: string
  runs: RunVerdict[]
  hosts: HostVerdict[]
}

/** What a signed run says a host's log ended with after its apply. */
interface HostHead {
  run: string
  seq: number
  sha256: string
}

/** Checks one run file: its chain, its seal (signature, key), and the link to the run before it. */
export function verifyRunFile(file: string, key: KeyObject, sealHashes: ReadonlyMap<string, string>, chain: ChainReading = readChain(readFileSync(file, 'utf8'))): RunVerdict {
  const run = file.slice(file.lastIndexOf('/') + 1).replace(/\.jsonl$/, '')
  const problems = [...chain.problems]
  const lines = chain.lines
  const last = lines.at(-1)
  const seal = last ? sealIn(last.record) : undefined
  if (!last || !seal) {
    problems.push({line: 0, kind: 'unsealed', params: {run}})
  } else {
    const {sig, ...unsigned} = seal
    if (unsigned.key !== fingerprint(key)) problems.push({line: lines.length, kind: 'other-key', params: {key: String(unsigned.key)}})
    else if (typeof sig !== 'string' || unsigned.run !== run || !verifyText(key, sealPayload(last.seq, last.prev, unsigned), sig)) problems.push({line: lines.length, kind: 'bad-signature', params: {run}})
    const before = unsigned.previousRun
    if (before && sealHashes.get(before.run) !== before.sha256) problems.push({line: lines.length, kind: 'missing-run', params: {run: before.run}})
  }
  return {run, file, records: Math.max(0, lines.length - (seal ? 1 : 0)), sealed: Boolean(seal), problems}
}

/** Each host's log against the heads that signed runs recorded for it. */
export function verifyHostLog(host: string, log: readonly string[], heads: readonly HostHead[] = []): HostVerdict {
  const chain = readChain(log.join('\n'))
  const problems = [...chain.problems]
  const bySeq = new Map(chain.lines.flatMap((l, i) => (l ? [[l.seq, {line: i + 1, sha256: l.sha256}] as const] : [])))
  let signedUpTo: number | null = null
  for (const head of heads) {
    const found = bySeq.get(head.seq)
    // A signed line missing amid later ones is the chain's `removed`; missing at the end, a truncation.
    if (found && found.sha256 !== head.sha256) problems.push({line: found.line, kind: 'edited', params: {seq: head.seq, next: head.run}})
    else if (!found && !chain.lines.some((l) => l && l.seq > head.seq)) problems.push({line: 0, kind: 'truncated', params: {seq: head.seq, run: head.run}})
    signedUpTo = Math.max(signedUpTo ?? 0, head.seq)
  }
  const unsigned = chain.lines.filter((l) => l && l.seq > (signedUpTo ?? 0)).length
  return {host, records: chain.lines.length, signedUpTo, unsigned, problems: dedupe(problems)}
}

export interface AuditVerifyRequest {
  /** the folder of run files (deploy's --audit-dir) */
  dir: string
  /** public key file (default: the operator's key) */
  key?: string
  /** also read every host's audit log through this inventory */
  inventory?: string
  hosts?: string[]
  acceptNew?: boolean
  connectTimeoutMs?: number
}

/** The run files of a folder, each checked (chain, seal, link), and what the intact ones say each host's log ended with. */
export interface RunsReading {
  key: string
  runs: RunVerdict[]
  heads: ReadonlyMap<string, readonly HostHead[]>
}

/** Every run file of the folder, checked with the key (default: the operator's); no host is reached. */
export function readRuns(dir: string, keyFile?: string): RunsReading {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new InputError(t('audit.noDir', {dir}), {code: 'AUDIT_DIR_MISSING', hint: t('audit.noDirHint')})
  }
  const key = checkingKey(keyFile)
  const files = readdirSync(dir)
    .filter((name) => name.endsWith('.jsonl'))
    .sort()
    .map((name) => join(dir, name))
  const sealHashes = new Map<string, string>()
  const heads = new Map<string, HostHead[]>()
  // Each file read once: its chain serves the seal links, its own verdict and the host heads.
  const chains = files.map((file) => readChain(readFileSync(file, 'utf8')))
  for (const [i, chain] of chains.entries()) {
    const last = chain.lines.at(-1)
    if (last && sealIn(last.record)) sealHashes.set(files[i].slice(files[i].lastIndexOf('/') + 1, -'.jsonl'.length), last.sha256)
  }
  const runs = files.map((file, i) => verifyRunFile(file, key, sealHashes, chains[i]))
  // Only runs whose trail is intact vouch for what a host's log says.
  for (const [i, verdict] of runs.entries()) {
    if (verdict.problems.length > 0) continue
    for (const line of chains[i].lines) {
      const record = line?.record as {host?: string; hostAudit?: {seq: number; sha256: string}} | undefined
      if (record?.host && record.hostAudit) heads.set(record.host, [...(heads.get(record.host) ?? []), {run: verdict.run, ...record.hostAudit}])
    }
  }
  return {key: fingerprint(key), runs, heads}
}

/** A host's verdict from its log as read (facts.auditLog), or from why it could not be read. */
export function hostVerdict(host: string, reading: RunsReading, log: {ok: true; lines: readonly string[]} | {ok: false; error: unknown}): HostVerdict {
  return log.ok ? verifyHostLog(host, log.lines, reading.heads.get(host)) : {host, records: 0, signedUpTo: null, unsigned: 0, problems: [], error: failureOf(log.error)}
}

/** The verdict's exit code: a host not reached (3) over a tampered trail (1). */
export function auditExit(verdict: AuditVerdict): ExitCodeValue {
  const tampered = [...verdict.runs, ...verdict.hosts].some((v) => v.problems.length > 0)
  const reached = runExit(verdict.hosts.map((h) => ({ok: !h.error, error: h.error})))
  return reached !== ExitCode.ok ? reached : tampered ? ExitCode.checksFailed : ExitCode.ok
}

/** `mailops audit verify`: every run file of the folder, then (with an inventory) every host's log. */
export async function verifyAudit(request: AuditVerifyRequest): Promise<{verdict: AuditVerdict; exit: ExitCodeValue}> {
  const reading = readRuns(request.dir, request.key)
  const inventory = request.inventory ? loadInventory(request.inventory) : undefined
  const hosts = inventory ? await verifyHosts(inventory, selectHosts(inventory, request.hosts), reading, request) : []
  const verdict = {key: reading.key, runs: reading.runs, hosts}
  return {verdict, exit: auditExit(verdict)}
}

async function verifyHosts(inventory: LoadedInventory, targets: InventoryHost[], reading: RunsReading, request: AuditVerifyRequest): Promise<HostVerdict[]> {
  return FleetSession.with(inventory, {acceptNew: request.acceptNew, connectTimeoutMs: request.connectTimeoutMs}, async (session) => {
    const results = await session.each(targets, (connection) => gatherFacts(connection, {auditLog: true}))
    return results.map((r) => hostVerdict(r.host, reading, r.ok ? {ok: true, lines: r.value.auditLog} : {ok: false, error: r.error}))
  })
}

const dedupe = (problems: AuditProblem[]) => problems.filter((p, i) => problems.findIndex((q) => q.line === p.line && q.kind === p.kind && q.line !== 0) === i || p.line === 0)

function sealIn(record: Record<string, unknown>): Seal | undefined {
  const seal = record.seal
  return typeof seal === 'object' && seal !== null ? (seal as Seal) : undefined
}
