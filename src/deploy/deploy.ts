import {isIPv4, isIPv6} from 'node:net'
import {userInfo} from 'node:os'

import {blueprintApplies, type LoadedBlueprint, loadBlueprint, listBlueprints, type RenderedFile, renderFiles, resolveVariables, secretValues} from '../blueprint/load.js'
import {certificateNames, mtaStsHost, nodeFqdn} from '../dns/names.js'
import {t} from '../i18n/index.js'
import {mtaStsPolicy} from '../dns/records.js'
import {domainOf, fleetConditions, hostsOfRole, type InventoryHost, type LoadedInventory, loadInventory, replicationPeers, selectHosts} from '../fleet/inventory.js'
import {routeClients, routeTransport} from '../fleet/routes.js'
import {type ApplyBounds, applyBundle, type ApplyResult, applyScript, awaitCommand, CONFIRM_MARK, DEFAULT_BOUNDS, launchCommand} from './apply.js'
import {type HostPlan, planDiff, planHash, planHost} from './plan.js'
import {type Release, SUPPORTED_RELEASES} from '../config/schemas/blueprint.js'
import {deployFacts, gatherFacts} from '../fleet/facts.js'
import {type ConnectOptions, SshConnection} from '../ssh/connection.js'
import {HostError} from '../ssh/errors.js'
import {knownHostLines, readKnownHosts} from '../ssh/known-hosts.js'
import {shellQuote} from '../util/shell.js'
import {type ExitCodeValue, toMailopsError} from '../errors.js'
import {failureOf, FleetSession, type HostFailure, runExit} from '../fleet/session.js'
import {signingKey} from '../audit/key.js'
import {defaultAuditDir, newRunId, RunAuditLog} from '../audit/run-log.js'

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
  /** How long the probe of one host may take. */
  probeTimeoutMs?: number
  bounds?: Partial<ApplyBounds>
  auditDir?: string
  progress: (message: string) => void
}

export interface HostOutcome {
  host: string
  status: 'unchanged' | 'changed' | 'planned' | 'failed' | 'skipped'
  /** Debian packages the plan installs (installed, when the host changed). */
  packages: string[]
  files: Array<{path: string; action: string; before: string | null; after: string}>
  restarted: string[]
  /** Stored messages in plain text that the plan encrypts (planned), and what the apply did: encrypted, still plain after it. */
  encrypt?: {planned: number; encrypted?: number; remaining?: number}
  ms: number
  diff?: string
  error?: HostFailure
  /** the line the host's audit log got for this run: its seq and sha256 (the run's seal vouches for it) */
  hostAudit?: {seq: number; sha256: string}
}

export interface DeployReport {
  runId: string
  planHash: string
  dryRun: boolean
  audit: string | null
  hosts: HostOutcome[]
}

export interface Desired {
  host: InventoryHost
  /** per supported release (the probe says which one the host runs); the same paths in each */
  files: Record<Release, RenderedFile[]>
  packages: string[]
  services: LoadedBlueprint['services']
  secrets: string[]
  /** Mail is to be stored encrypted (the variable a blueprint's encryptsStoreWith names is set): the probe counts the stored messages still plain, the apply encrypts them. */
  encryptStore: boolean
}

/** Hosts probed at once: a probe is one short exec, and a thousand dead hosts must not queue. */
const PROBE_CONCURRENCY = 512
const DEFAULT_PROBE_TIMEOUT_MS = 60_000

/** Every blueprint for the host's role, rendered with its variables: all checked before any connection (also what bench/ansible/playbook.mjs hands Ansible, so both tools write the same files). */
export function desiredState(catalog: readonly LoadedBlueprint[], inventory: LoadedInventory, host: InventoryHost): Desired {
  // What mailops knows of the fleet, for every blueprint: inventory vars may override none of it.
  const domain = domainOf(inventory) ?? ''
  const cores = hostsOfRole(inventory.hosts, 'core')
  const edges = hostsOfRole(inventory.hosts, 'edge').map((h) => h.address)
  const conditions = fleetConditions(inventory.hosts)
  const facts = {
    role: host.role,
    host_name: host.name,
    // The cores an edge relays the domain's mail to, in inventory order: the first while it answers,
    // the next when it does not (Postfix tries a next-hop list in turn), each verified by its name.
    core_nexthops: cores.map((c) => `[${c.address}]:25`).join(', '),
    core_tls_policy: cores.map((c) => `[${c.address}]:25 secure match=${nodeFqdn(c, domain)}`),
    ...conditions,
    ...(conditions.replication === 'on' && host.role === 'core' ? replicationFacts(inventory, host, cores) : {}),
    edge_addresses: edges,
    // The hop from a core to each edge (a route's egress) verified by the edge's certificate name.
    edge_tls_policy: hostsOfRole(inventory.hosts, 'edge').map((h) => `[${h.address}]:25 secure match=${nodeFqdn(h, domain)}`),
    // Every core, as a CIDR host route: the edges' postscreen lets them in (a core probing or relaying is no bot).
    core_networks: hostsOfRole(inventory.hosts, 'core').map((h) => `${h.address}/${isIPv6(h.address) ? 128 : 32}`),
    // The firewall's rules name addresses per family (nft's ip and ip6 saddr).
    edge_ipv4: edges.filter((a) => isIPv4(a)),
    edge_ipv6: edges.filter((a) => isIPv6(a)),
    // The port mailops itself logs in on: the firewall keeps it open.
    ssh_port: host.port,
    // The MTA-STS policy the edges serve, and the name they serve it under: the text mailops dns announces.
    ...mtaSts(inventory),
    // What the node's certificate must carry (the acme blueprint asks its ACME server for these).
    certificate_names: certificateNames(host, domain),
    // The route plan the inventory names (vars.route_plan): a core's transport(5) lines, and the
    // cores an edge relays outbound mail for. Empty without a plan: every deploy renders the plan.
    route_transport: routeTransport(inventory.routes, host.name),
    route_clients: routeClients(inventory.routes, host.name, inventory.hosts),
  }
  const blueprints = catalog.filter((b) => blueprintApplies(b, host.role, inventory.vars, host.vars, conditions))
  const desired: Desired = {host, files: Object.fromEntries(SUPPORTED_RELEASES.map((release) => [release, []])) as unknown as Desired['files'], packages: [], services: {}, secrets: [], encryptStore: false}
  for (const blueprint of blueprints) {
    const vars = resolveVariables(blueprint, host.name, inventory.secrets, inventory.vars, host.vars, facts)
    // Rendered for every release before any connection, so that a template error is found on
    // the operator's machine whatever release a host turns out to run.
    for (const release of SUPPORTED_RELEASES) desired.files[release].push(...renderFiles(blueprint, vars, release))
    desired.packages.push(...blueprint.packages)
    Object.assign(desired.services, blueprint.services)
    desired.secrets.push(...secretValues(blueprint, vars))
    const storeKey = blueprint.encryptsStoreWith === undefined ? undefined : vars[blueprint.encryptsStoreWith]
    if (typeof storeKey === 'string' && storeKey !== '') desired.encryptStore = true
  }
  return desired
}

/**
 * A replicating core's view of the others (docs/resilience.md): it syncs with the cores after it
 * in the inventory (each pair by its first), takes sync logins from all of them, and knows their
 * SSH host keys from the inventory's known_hosts (pinned, never learnt on the way).
 */
function replicationFacts(inventory: LoadedInventory, host: InventoryHost, cores: readonly InventoryHost[]) {
  const peers = replicationPeers(cores, host)
  const known = readKnownHosts(inventory.knownHosts)
  return {
    replication_peers: peers.map((c) => ({name: c.name, address: c.address, port: c.port})),
    replication_sources: cores.filter((c) => c.name !== host.name).map((c) => c.address),
    replication_known_hosts: peers.flatMap((c) => knownHostLines(known, c.address, c.port)),
  }
}

function mtaSts(inventory: LoadedInventory): {mta_sts_host: string; mta_sts_policy: string} {
  const domain = domainOf(inventory)
  return domain === undefined ? {mta_sts_host: '', mta_sts_policy: ''} : {mta_sts_host: mtaStsHost(domain), mta_sts_policy: mtaStsPolicy({domain, nodes: inventory.hosts})}
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

type Probed = {ok: true; plan: HostPlan; diff?: string; ms: number} | {ok: false; error: HostOutcome['error']; ms: number}

/**
 * pyinfra's shape: every host is probed and planned first (all at once, each bounded), then the
 * plans are applied wave by wave. A host that cannot be reached is that host's failure, counted
 * in its wave; the others go on, and the report, the audit and the exit code stay complete.
 */
export async function deploy(options: DeployOptions): Promise<DeployReport> {
  const catalog = (options.blueprints ?? listBlueprints(options.root)).map((name) => loadBlueprint(options.root, name))
  const desired = deployOrder(options.hosts).map((host) => desiredState(catalog, options.inventory, host))
  const bounds = {...DEFAULT_BOUNDS, ...options.bounds}
  const runId = newRunId()
  // The key is read (or made) before any host is reached: a key that cannot sign stops the run here.
  const audit = options.dryRun ? null : RunAuditLog.open(options.auditDir ?? defaultAuditDir(), runId, signingKey())
  const connect: ConnectOptions = {knownHosts: options.inventory.knownHosts, acceptNew: options.acceptNew, connectTimeoutMs: options.connectTimeoutMs}
  const session = new FleetSession(options.inventory, {acceptNew: options.acceptNew, connectTimeoutMs: options.connectTimeoutMs, concurrency: PROBE_CONCURRENCY})
  const operator = `${userInfo().username}@${process.env.HOSTNAME ?? 'localhost'}`
  const outcomes = new Map<string, HostOutcome>()
  const record = (outcome: HostOutcome) => {
    outcomes.set(outcome.host, outcome)
    options.progress(t('deploy.progress', {host: outcome.host, status: outcome.status, ms: Math.round(outcome.ms)}))
    const {diff: _diff, ...rest} = outcome
    audit?.append({run: runId, operator, ...rest})
  }
  try {
    const byName = new Map(desired.map((d) => [d.host.name, d]))
    const probed = new Map<string, Probed>()
    const results = await session.each(
      desired.map((d) => d.host),
      async (connection, target): Promise<Probed> => {
        const started = performance.now()
        const d = byName.get(target.name)!
        const plan = await probeAndPlan(connection, d, options.probeTimeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS)
        const diff = options.dryRun ? planDiff(plan, await currentContents(connection, plan), d.secrets) : undefined
        return {ok: true, plan, diff, ms: performance.now() - started}
      },
    )
    for (const r of results) probed.set(r.host, r.ok ? r.value : {ok: false, error: failureOf(r.error), ms: 0})
    const plans = desired.flatMap((d) => {
      const p = probed.get(d.host.name)!
      return p.ok ? [p.plan] : []
    })
    const hash = planHash(plans)

    let failed = 0
    for (const wave of waves(desired, options.canary, options.parallel)) {
      if (failed > options.maxFail) {
        for (const d of wave) record(failedOutcome(d.host.name, 'skipped', {code: 'SKIPPED', message: t('deploy.skipped', {max: options.maxFail})}))
        continue
      }
      const applied = await Promise.all(
        wave.map(async (d): Promise<HostOutcome> => {
          const p = probed.get(d.host.name)!
          if (!p.ok) return failedOutcome(d.host.name, 'failed', p.error)
          const files = p.plan.files.map((f) => ({path: f.path, action: f.action, before: f.expected, after: f.sha256}))
          const base = {host: d.host.name, packages: p.plan.packages, files, restarted: [] as string[], ...(p.plan.encrypt > 0 ? {encrypt: {planned: p.plan.encrypt}} : {})}
          if (options.dryRun) return {...base, status: 'planned', ms: p.ms, diff: p.diff}
          if (!p.plan.changed) return {...base, status: 'unchanged', ms: p.ms}
          const started = performance.now()
          try {
            const connection = await session.connection(d.host)
            const auditFields = JSON.stringify({run: runId, at: new Date().toISOString(), operator, host: d.host.name, planHash: planHash([p.plan]), files}).slice(1, -1)
            const script = applyScript(p.plan, d.services, auditFields, bounds)
            const result = await applyOn(connection, d.host, connect, runId, applyBundle(p.plan, script), bounds)
            return {...base, ...outcomeOf(d.host.name, result), ...encryptedOf(p.plan.encrypt, result), ms: p.ms + performance.now() - started}
          } catch (error) {
            return {...failedOutcome(d.host.name, 'failed', failureOf(error)), files, ms: p.ms + performance.now() - started}
          }
        }),
      )
      for (const outcome of applied) {
        if (outcome.status === 'failed') failed++
        record(outcome)
      }
    }
    return {runId, planHash: hash, dryRun: options.dryRun, audit: audit?.file ?? null, hosts: desired.map((d) => outcomes.get(d.host.name)!)}
  } finally {
    audit?.seal()
    await session.close()
  }
}

export interface DeployRequest extends Omit<DeployOptions, 'inventory' | 'hosts'> {
  /** the inventory file */
  inventory: string
  /** host names (all when none) */
  hosts?: string[]
}

/** `mailops deploy`: the inventory read and checked, the hosts chosen, then deploy(); the report and its exit code. */
export async function deployInventory(request: DeployRequest): Promise<{report: DeployReport; exit: ExitCodeValue}> {
  const inventory = loadInventory(request.inventory)
  const report = await deploy({...request, inventory, hosts: selectHosts(inventory, request.hosts)})
  return {report, exit: deployExit(report)}
}

/** The run's exit code, by the fleet's one rule: a failed or skipped host fails the run. */
export function deployExit(report: DeployReport): ExitCodeValue {
  return runExit(report.hosts.map((h) => ({ok: h.status !== 'failed' && h.status !== 'skipped', error: h.error})))
}

async function probeAndPlan(connection: SshConnection, d: Desired, timeoutMs: number): Promise<HostPlan> {
  const ready = Object.entries(d.services).flatMap(([name, spec]) => (spec.ready ? [{name, ready: spec.ready}] : []))
  const facts = await gatherFacts(connection, deployFacts(d.files[SUPPORTED_RELEASES[0]], d.packages, ready, d.encryptStore), {timeoutMs}).catch((error: unknown) => {
    const e = toMailopsError(error)
    throw e.code === 'COMMAND_TIMEOUT' ? new HostError(d.host.name, 'PROBE_TIMEOUT', t('deploy.probeTimeout', {s: Math.round(timeoutMs / 1000)})) : e
  })
  if (!isSupported(facts.os)) {
    throw new HostError(d.host.name, 'UNSUPPORTED_OS', t('deploy.unsupportedOs', {os: facts.os, supported: SUPPORTED_RELEASES.join(', ')}), t('hint.deployOs'))
  }
  return planHost(d.host.name, d.files[facts.os], facts)
}

const isSupported = (os: string): os is Release => (SUPPORTED_RELEASES as readonly string[]).includes(os)

/** The longest an apply can honestly take: waiting for the lock, each step, the fresh login. */
function applyBoundMs(bounds: ApplyBounds, steps: number): number {
  return (bounds.lockWaitS + bounds.installS + (steps + 1) * bounds.stepS + bounds.confirmS + 30) * 1000
}

/**
 * Starts the detached apply and follows it to its result. When the script asks for a fresh login
 * (an sshd change), a new connection confirms it; if none can be made, the host rolls back by
 * itself and the old connection reads that result. When the connection drops, a new one reads
 * the result the host wrote: the outcome reported is the host's, never a guess.
 */
async function applyOn(connection: SshConnection, host: InventoryHost, connect: ConnectOptions, runId: string, bundle: Buffer, bounds: ApplyBounds): Promise<ApplyResult> {
  const bound = applyBoundMs(bounds, 20)
  const read = (stdout: string) => JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as ApplyResult | {status: typeof CONFIRM_MARK | 'died' | 'unknown'; log?: string}
  // After a lost connection, a new login reads the result the host wrote.
  const resultAfresh = () => withFreshConnection(host, connect, bounds.confirmS * 1000 + 30_000, (fresh) => fresh.exec(awaitCommand(runId, 'result'), {timeoutMs: bound}))
  let answer
  try {
    const launched = await connection.exec(launchCommand(runId), {stdin: bundle, timeoutMs: bound})
    if (launched.code !== 0) throw new HostError(host.name, 'APPLY_FAILED', launched.stderr.trim() || `exit ${launched.code}`)
    answer = read(launched.stdout)
  } catch (error) {
    if (toMailopsError(error).code !== 'CONNECTION_LOST') throw error
    answer = read((await resultAfresh()).stdout)
  }
  if (answer.status === CONFIRM_MARK) {
    const confirmed = await withFreshConnection(host, connect, bounds.confirmS * 500, (fresh) => fresh.exec(awaitCommand(runId, 'confirm'), {timeoutMs: bound})).catch(() => undefined)
    // No fresh login: the host rolls back by itself; the old connection (or, if the rollback's
    // reload took it, a new one) reads what it did.
    const result =
      confirmed ??
      (await connection.exec(awaitCommand(runId, 'result'), {timeoutMs: bound}).catch((error: unknown) => {
        if (toMailopsError(error).code !== 'CONNECTION_LOST') throw error
        return resultAfresh()
      }))
    answer = read(result.stdout)
  }
  if (answer.status === 'died') throw new HostError(host.name, 'APPLY_DIED', t('deploy.applyDied', {log: (answer as {log?: string}).log ?? ''}))
  if (answer.status === 'unknown' || answer.status === CONFIRM_MARK) throw new HostError(host.name, 'APPLY_FAILED', t('deploy.applyLost'))
  return answer as ApplyResult
}

/** A new login (not the pooled connection): retried until `withinMs`, always closed. */
async function withFreshConnection<T>(host: InventoryHost, connect: ConnectOptions, withinMs: number, work: (connection: SshConnection) => Promise<T>): Promise<T> {
  const deadline = Date.now() + withinMs
  for (;;) {
    try {
      const fresh = await SshConnection.open(host, {...connect, connectTimeoutMs: Math.min(connect.connectTimeoutMs ?? 10_000, Math.max(1000, deadline - Date.now()))})
      try {
        return await work(fresh)
      } finally {
        fresh.close()
      }
    } catch (error) {
      if (Date.now() >= deadline) throw error
      await new Promise((resolve) => setTimeout(resolve, 1000))
    }
  }
}

function failedOutcome(host: string, status: 'failed' | 'skipped', error: HostOutcome['error']): HostOutcome {
  return {host, status, packages: [], files: [], restarted: [], ms: 0, error}
}

function outcomeOf(host: string, result: ApplyResult): Pick<HostOutcome, 'status' | 'restarted' | 'error' | 'hostAudit'> {
  const line = result.hostAudit
  // A host whose audit append failed reports no usable line; nothing is vouched for then.
  const hostAudit = line && line.seq > 0 && /^[0-9a-f]{64}$/.test(line.sha256) ? {hostAudit: {seq: line.seq, sha256: line.sha256}} : {}
  return {...outcomeOfStatus(host, result), ...hostAudit}
}

/** What the apply's migration of stored mail did, beside what the plan counted. */
function encryptedOf(planned: number, result: ApplyResult): Pick<HostOutcome, 'encrypt'> {
  if (planned === 0 || !('encrypted' in result) || result.encrypted === undefined) return {}
  return {encrypt: {planned, encrypted: result.encrypted, remaining: result.remaining}}
}

function outcomeOfStatus(host: string, result: ApplyResult): Pick<HostOutcome, 'status' | 'restarted' | 'error'> {
  const failed = (code: string, message: string) => ({status: 'failed' as const, restarted: [], error: {code, message: `${host}: ${message}`}})
  switch (result.status) {
    case 'applied':
      return {status: 'changed', restarted: result.restarted}
    case 'conflict':
      return failed('CONFLICT', t('deploy.conflict', {path: result.path}))
    case 'failed-install':
      return failed('INSTALL_FAILED', t('deploy.installFailed', {output: result.output}))
    case 'busy':
      return failed('HOST_BUSY', t('deploy.busy', {s: result.waitedS}))
    case 'failed-validate':
      return failed('VALIDATION_FAILED', t('deploy.validateFailed', {path: result.path, output: result.output}))
    case 'failed-restart':
      return failed('RESTART_FAILED', t('deploy.restartFailed', {service: result.service, output: result.output}))
    case 'rolled-back':
      return failed('ROLLED_BACK', t('deploy.rolledBack', {service: result.service, s: result.waitedS}))
    case 'failed-migrate':
      return {...failed('ENCRYPT_FAILED', t('deploy.encryptFailed', {count: result.encrypted, remaining: result.remaining, output: result.output})), restarted: result.restarted}
  }
}

/**
 * Current contents of the files a plan changes (dry run only: the diff needs them). A file that
 * holds a secret is never read back: its diff is its hashes.
 */
async function currentContents(connection: SshConnection, plan: HostPlan): Promise<Record<string, string>> {
  const changed = plan.files.filter((f) => f.action === 'update' && !f.sensitive)
  if (changed.length === 0) return {}
  const result = await connection.exec(changed.map((f) => `base64 -w0 ${shellQuote(f.path)}; echo`).join('\n'))
  const lines = result.stdout.split('\n')
  return Object.fromEntries(changed.map((f, i) => [f.path, Buffer.from(lines[i] ?? '', 'base64').toString('utf8')]))
}
