import {createHash} from 'node:crypto'
import {existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync} from 'node:fs'
import {basename, dirname, join, resolve} from 'node:path'

import {defaultAuditDir} from '../audit/run-log.js'
import {hostVerdict, readRuns, type RunsReading} from '../audit/verify.js'
import {blueprintApplies, listBlueprints, loadBlueprint} from '../blueprint/load.js'
import {InputError, toMailopsError} from '../errors.js'
import {gatherFacts} from '../fleet/facts.js'
import {fleetConditions, hostsOfRole, type LoadedInventory, loadInventory, selectHosts} from '../fleet/inventory.js'
import {failureOf, FleetSession, type HostFailure} from '../fleet/session.js'
import {t} from '../i18n/index.js'
import {type Control, covers, PROFILES, type ProfileName} from './profiles.js'

type Status = 'pass' | 'warn' | 'fail' | 'skip' | 'error'

export interface ControlResult {
  id: string
  title: string
  source: string
  /** met: every check of it passed; partly: one warned; not-met: one failed; not-evidenced: none ran */
  status: 'met' | 'partly' | 'not-met' | 'not-evidenced'
  /** per check id: how many results of each status */
  checks: Array<{id: string} & Partial<Record<Status, number>>>
  gap?: string
}

/** Each control of the profile from the results of the checks it names (a check may count for several). */
export function assessControls(profile: ProfileName, results: ReadonlyArray<{id: string; status: Status}>): ControlResult[] {
  return (PROFILES[profile].controls as readonly Control[]).map((control) => {
    const mine = results.filter((r) => r.status !== 'skip' && control.checks.some((p) => covers(p, r.id)))
    const counts = new Map<string, Partial<Record<Status, number>>>()
    for (const r of mine) counts.set(r.id, {...counts.get(r.id), [r.status]: (counts.get(r.id)?.[r.status] ?? 0) + 1})
    const has = (s: Status) => mine.some((r) => r.status === s)
    const status = mine.length === 0 ? 'not-evidenced' : has('fail') || has('error') ? 'not-met' : has('warn') ? 'partly' : 'met'
    return {id: control.id, title: control.title, source: control.source, status, checks: [...counts].map(([id, c]) => ({id, ...c})), ...(control.gap ? {gap: control.gap} : {})}
  })
}

export interface EvidenceRequest {
  root: string
  inventory: string
  hosts?: string[]
  auditDir?: string
  acceptNew?: boolean
  connectTimeoutMs?: number
}

/** What the pack records besides the checks: the audit trail's standing, configuration hashes, retention. */
export interface Evidence {
  audit: {status: Status; dir: string; key?: string; runs: number; problems: number; lastRun?: string; reason?: string}
  configuration: Array<{host: string; role: string; files: Array<{path: string; sha256: string | null; mode?: string; owner?: string}>; error?: HostFailure}>
  retention: Record<string, {days: number; from: 'inventory' | 'blueprint default'}>
}

const RETENTION_VARS = ['work_retention_days', 'contract_retention_days', 'log_retention_days'] as const

/**
 * The audit trail (`audit verify` of the runs and every host's log), the deployed files' hashes,
 * the retention in force. Each host is asked once, for its audit log and its files' hashes in one
 * exec, through `session` (verify's own, so that a run with --evidence reaches a host once) or a
 * session of its own.
 */
export async function gatherEvidence(request: EvidenceRequest, session?: FleetSession): Promise<Evidence> {
  const inventory = loadInventory(request.inventory)
  const targets = selectHosts(inventory, request.hosts)
  const dir = request.auditDir ?? defaultAuditDir()
  let runs: RunsReading | undefined
  let unread: string | undefined
  try {
    runs = readRuns(dir)
  } catch (error) {
    unread = toMailopsError(error).message
  }
  const catalog = listBlueprints(request.root).map((name) => loadBlueprint(request.root, name))
  const hostOf = (name: string) => inventory.hosts.find((h) => h.name === name)!
  // The blueprints deploy gives the host (its role, and their `when`, e.g. acme only on vars.tls_source acme).
  const pathsOf = (name: string) => {
    const host = hostOf(name)
    return catalog.filter((b) => blueprintApplies(b, host.role, inventory.vars, host.vars, fleetConditions(inventory.hosts))).flatMap((b) => b.files.map((f) => f.path))
  }
  const roleOf = (name: string) => hostOf(name).role
  const ask = (s: FleetSession) => s.each(targets, (connection, target) => gatherFacts(connection, {files: pathsOf(target.name), auditLog: true}))
  const results = session ? await ask(session) : await FleetSession.with(inventory, {acceptNew: request.acceptNew, connectTimeoutMs: request.connectTimeoutMs}, ask)
  const configuration = results.map((r) => {
    const role = roleOf(r.host)
    if (!r.ok) return {host: r.host, role, files: [], error: failureOf(r.error)}
    return {host: r.host, role, files: pathsOf(r.host).map((path, i) => ({path, ...r.value.files[i]}))}
  })
  return {audit: runs ? auditStanding(dir, runs, results) : {status: 'skip', dir, runs: 0, problems: 0, reason: unread}, configuration, retention: retentionOf(inventory, catalog)}
}

/** `audit verify`'s verdict as the pack records it: fail when tampered, warn when a host was not read or nothing was signed yet. */
function auditStanding(dir: string, runs: RunsReading, logs: ReadonlyArray<{host: string} & ({ok: true; value: {auditLog: string[]}} | {ok: false; error: unknown})>): Evidence['audit'] {
  const hosts = logs.map((r) => hostVerdict(r.host, runs, r.ok ? {ok: true, lines: r.value.auditLog} : {ok: false, error: r.error}))
  const bad = [...runs.runs, ...hosts].filter((v) => v.problems.length > 0).length
  const unreached = hosts.filter((h) => h.error).length
  const status = bad > 0 ? 'fail' : unreached > 0 || runs.runs.length === 0 ? 'warn' : 'pass'
  return {status, dir, key: runs.key, runs: runs.runs.length, problems: bad, ...(runs.runs.length > 0 ? {lastRun: runs.runs.at(-1)!.run} : {})}
}

function retentionOf(inventory: LoadedInventory, catalog: ReturnType<typeof loadBlueprint>[]): Evidence['retention'] {
  const core = hostsOfRole(inventory.hosts, 'core')[0]
  const out: Evidence['retention'] = {}
  for (const name of RETENTION_VARS) {
    const given = core?.vars?.[name] ?? inventory.vars[name]
    const spec = catalog.flatMap((b) => Object.entries(b.variables)).find(([key]) => key === name)?.[1] as {default?: number} | undefined
    if (typeof given === 'number') out[name] = {days: given, from: 'inventory'}
    else if (typeof spec?.default === 'number') out[name] = {days: spec.default, from: 'blueprint default'}
  }
  return out
}

/** The folder must be new or empty: a pack never mixes runs, and nothing is overwritten. */
export function checkEvidenceDir(dir: string): void {
  if (existsSync(dir) && readdirSync(dir).length > 0) throw new InputError(t('evidence.dirNotEmpty', {dir}), {code: 'USAGE', hint: t('evidence.dirHint')})
  if (!existsSync(dirname(resolve(dir)))) throw new InputError(t('evidence.noParent', {dir: dirname(resolve(dir))}), {code: 'USAGE', hint: t('evidence.dirHint')})
}

/**
 * Writes the pack whole or not at all: every file into a sibling folder first, then one rename.
 * `evidence.json` is the pack (schema: evidence-pack); `verify.json` the raw report; SHA256SUMS
 * lets an auditor check nothing changed since (`sha256sum -c SHA256SUMS`).
 */
export function writeEvidencePack(dir: string, files: Record<string, unknown>): string[] {
  checkEvidenceDir(dir)
  const target = resolve(dir)
  const staging = join(dirname(target), `.${basename(target)}.${process.pid}.partial`)
  rmSync(staging, {recursive: true, force: true})
  mkdirSync(staging, {mode: 0o750})
  try {
    const sums: string[] = []
    for (const [name, content] of Object.entries(files)) {
      const text = JSON.stringify(content, null, 2) + '\n'
      writeFileSync(join(staging, name), text, {mode: 0o640})
      sums.push(`${createHash('sha256').update(text).digest('hex')}  ${name}`)
    }
    writeFileSync(join(staging, 'SHA256SUMS'), sums.join('\n') + '\n', {mode: 0o640})
    if (existsSync(target)) rmSync(target, {recursive: true}) // empty, checked above
    renameSync(staging, target)
  } catch (error) {
    rmSync(staging, {recursive: true, force: true})
    throw error
  }
  return [...Object.keys(files), 'SHA256SUMS']
}
