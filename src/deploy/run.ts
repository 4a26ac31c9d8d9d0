import {randomBytes} from 'node:crypto'
import {appendFileSync, mkdirSync} from 'node:fs'
import {homedir, userInfo} from 'node:os'
import {dirname, join} from 'node:path'

import {type LoadedBlueprint, loadBlueprint, listBlueprints, type RenderedFile, renderFiles, resolveVariables, secretValues} from '../blueprint/load.js'
import {t} from '../i18n/index.js'
import type {InventoryHost, LoadedInventory} from '../ssh/inventory.js'
import {SshPool} from '../ssh/pool.js'
import {applyBundle, type ApplyResult, applyScript, launchCommand} from './apply.js'
import {type HostPlan, planDiff, planHash, planHost} from './plan.js'
import {parseProbe, probeScript} from './probe.js'
import type {SshConnection} from '../ssh/connection.js'
import {HostError} from '../ssh/errors.js'
import {shellQuote} from '../util/shell.js'

export interface DeployOptions {
  root: string
  inventory: LoadedInventory
  hosts: InventoryHost[]
  /** Deploy only these blueprints (default: every blueprint of each host's role). */
  blueprints?: string[]
  dryRun: boolean
  maxFail: number
  canary: number
  parallel: number
  acceptNew?: boolean
  connectTimeoutMs?: number
  auditDir?: string
  progress: (message: string) => void
}

export interface HostOutcome {
  host: string
  status: 'unchanged' | 'changed' | 'planned' | 'failed' | 'skipped'
  files: Array<{path: string; action: string; before: string | null; after: string}>
  restarted: string[]
  ms: number
  diff?: string
  error?: {code: string; message: string; hint?: string}
}

export interface DeployReport {
  runId: string
  planHash: string
  dryRun: boolean
  audit: string | null
  hosts: HostOutcome[]
}

interface Desired {
  host: InventoryHost
  files: RenderedFile[]
  packages: string[]
  services: LoadedBlueprint['services']
  secrets: string[]
}

/** Every blueprint for the host's role, rendered with its variables: all checked before any connection. */
function desiredState(catalog: readonly LoadedBlueprint[], inventory: LoadedInventory, host: InventoryHost): Desired {
  // What mailops knows of the fleet, for every blueprint: inventory vars may override none of it.
  const core = inventory.hosts.find((h) => h.role === 'core')
  const facts = {role: host.role, host_name: host.name, core_address: core?.address ?? ''}
  const blueprints = catalog.filter((b) => b.roles.includes(host.role))
  const desired: Desired = {host, files: [], packages: [], services: {}, secrets: []}
  for (const blueprint of blueprints) {
    const vars = resolveVariables(blueprint, host.name, inventory.secrets, inventory.vars, host.vars, facts)
    desired.files.push(...renderFiles(blueprint, vars))
    desired.packages.push(...blueprint.packages)
    Object.assign(desired.services, blueprint.services)
    desired.secrets.push(...secretValues(blueprint, vars))
  }
  return desired
}

/** Hosts in the order they are deployed: cores before edges (edges relay to cores). */
export function deployOrder(hosts: readonly InventoryHost[]): InventoryHost[] {
  return [...hosts].sort((a, b) => Number(a.role === 'edge') - Number(b.role === 'edge'))
}

/** The canary hosts alone, then batches: the failure budget is checked between waves. */
export function waves<T>(items: readonly T[], canary: number, size: number): T[][] {
  const result: T[][] = []
  if (canary > 0 && items.length > 0) result.push(items.slice(0, canary))
  for (let i = Math.min(canary, items.length); i < items.length; i += size) result.push(items.slice(i, i + size))
  return result
}

export async function deploy(options: DeployOptions): Promise<DeployReport> {
  const catalog = (options.blueprints ?? listBlueprints(options.root)).map((name) => loadBlueprint(options.root, name))
  const desired = deployOrder(options.hosts).map((host) => desiredState(catalog, options.inventory, host))
  const runId = `${new Date().toISOString().replaceAll(/[-:.]/g, '').slice(0, 15)}-${randomBytes(3).toString('hex')}`
  const pool = new SshPool({knownHosts: options.inventory.knownHosts, acceptNew: options.acceptNew, connectTimeoutMs: options.connectTimeoutMs})
  const plans: HostPlan[] = []
  const outcomes = new Map<string, HostOutcome>()
  const operator = `${userInfo().username}@${process.env.HOSTNAME ?? 'localhost'}`
  const audit = options.dryRun ? null : (options.auditDir ?? join(process.env.XDG_STATE_HOME ?? join(homedir(), '.local', 'state'), 'mailops', 'audit')) + `/${runId}.jsonl`
  let failed = 0
  try {
    for (const wave of waves(desired, options.canary, options.parallel)) {
      if (failed > options.maxFail) {
        for (const d of wave) outcomes.set(d.host.name, {host: d.host.name, status: 'skipped', files: [], restarted: [], ms: 0, error: {code: 'SKIPPED', message: t('deploy.skipped', {max: options.maxFail})}})
        continue
      }
      const results = await pool.each(wave.map((d) => d.host), async (connection, target) => {
        const started = performance.now()
        const d = wave.find((x) => x.host.name === target.name)!
        const probe = await connection.exec(probeScript(d.files, d.packages))
        if (probe.code !== 0) throw new HostError(target.name, 'PROBE_FAILED', probe.stderr.trim())
        const facts = parseProbe(probe.stdout)
        if (facts.missingPackages.length > 0) {
          throw new HostError(target.name, 'PACKAGES_MISSING', t('deploy.missingPackages', {packages: facts.missingPackages.join(' ')}), t('hint.deployPackages'))
        }
        const plan = planHost(target.name, d.files, facts)
        plans.push(plan)
        const files = plan.files.map((f) => ({path: f.path, action: f.action, before: f.expected, after: f.sha256}))
        const base = {host: target.name, files, restarted: [] as string[]}
        if (options.dryRun) {
          const before = await currentContents(connection, plan)
          return {...base, status: 'planned' as const, ms: performance.now() - started, diff: planDiff(plan, before, d.secrets)}
        }
        if (!plan.changed) return {...base, status: 'unchanged' as const, ms: performance.now() - started}
        const auditPrefix = JSON.stringify({run: runId, at: new Date().toISOString(), operator, host: target.name, planHash: planHash([plan]), files}).slice(0, -1)
        const launched = await connection.exec(launchCommand(runId), {stdin: applyBundle(plan, applyScript(plan, d.services, auditPrefix)), timeoutMs: 600_000})
        if (launched.code !== 0) throw new HostError(target.name, 'APPLY_FAILED', launched.stderr.trim() || `exit ${launched.code}`)
        const result = JSON.parse(launched.stdout) as ApplyResult
        return {...base, ...outcomeOf(target.name, result), ms: performance.now() - started}
      })
      for (const r of results) {
        const outcome: HostOutcome = r.ok ? r.value : {host: r.host, status: 'failed', files: [], restarted: [], ms: 0, error: {code: r.error.code, message: r.error.message, hint: r.error.hint}}
        if (outcome.status === 'failed') failed++
        outcomes.set(r.host, outcome)
        options.progress(t('deploy.progress', {host: r.host, status: outcome.status, ms: Math.round(outcome.ms)}))
        if (audit) {
          mkdirSync(dirname(audit), {recursive: true})
          const {diff: _diff, ...record} = outcome
          appendFileSync(audit, JSON.stringify({run: runId, operator, ...record}) + '\n')
        }
      }
    }
  } finally {
    await pool.close()
  }
  return {runId, planHash: planHash(plans), dryRun: options.dryRun, audit, hosts: desired.map((d) => outcomes.get(d.host.name)!)}
}

function outcomeOf(host: string, result: ApplyResult): Pick<HostOutcome, 'status' | 'restarted' | 'error'> {
  switch (result.status) {
    case 'applied':
      return {status: 'changed', restarted: result.restarted}
    case 'conflict':
      return {status: 'failed', restarted: [], error: {code: 'CONFLICT', message: `${host}: ${t('deploy.conflict', {path: result.path})}`}}
    case 'failed-validate':
      return {status: 'failed', restarted: [], error: {code: 'VALIDATION_FAILED', message: `${host}: ${t('deploy.validateFailed', {path: result.path, output: result.output})}`}}
    case 'failed-restart':
      return {status: 'failed', restarted: [], error: {code: 'RESTART_FAILED', message: `${host}: ${t('deploy.restartFailed', {service: result.service, output: result.output})}`}}
  }
}

/** Current contents of the files a plan changes (dry run only: the diff needs them). */
async function currentContents(connection: SshConnection, plan: HostPlan): Promise<Record<string, string>> {
  const changed = plan.files.filter((f) => f.action === 'update')
  if (changed.length === 0) return {}
  const result = await connection.exec(changed.map((f) => `base64 -w0 ${shellQuote(f.path)}; echo`).join('\n'))
  const lines = result.stdout.split('\n')
  return Object.fromEntries(changed.map((f, i) => [f.path, Buffer.from(lines[i] ?? '', 'base64').toString('utf8')]))
}

