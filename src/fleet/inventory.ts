import {existsSync, statSync} from 'node:fs'
import {homedir} from 'node:os'
import {dirname, resolve} from 'node:path'

import {loadInput} from '../config/load.js'
import {SourceDocument} from '../config/source.js'
import {InputError, type SourceLocation} from '../errors.js'
import type {SshTarget} from '../ssh/connection.js'
import {type InventoryRoutes, loadInventoryRoutes} from './routes.js'

export interface InventoryHost extends SshTarget {
  role: 'core' | 'edge'
  region?: string
  vars: Record<string, unknown>
}

export interface LoadedInventory {
  file: string
  knownHosts: string
  vars: Record<string, unknown>
  /** Secret values from the secrets file (the environment still wins, see resolveVariables). */
  secrets: Record<string, string>
  hosts: InventoryHost[]
  /** The route plan vars.route_plan names, checked against the hosts: what deploy renders on cores and edges. */
  routes?: InventoryRoutes
}

/** Reads and checks an inventory: names unique, jumps known and acyclic, key files present. */
export function loadInventory(file: string): LoadedInventory {
  const {data, source} = loadInput('inventory', file)
  const base = dirname(resolve(file))
  const at = (path: Array<string | number>, key = false) => source?.locate(path, {key})
  const defaults = data.defaults ?? {}
  const entries = [
    ...(data.jumpHosts ?? []).map((h, i) => ({entry: h, path: ['jumpHosts', i] as Array<string | number>})),
    ...data.hosts.map((h, i) => ({entry: h, path: ['hosts', i] as Array<string | number>})),
  ]
  const byName = new Map<string, (typeof entries)[number]>()
  for (const item of entries) {
    if (byName.has(item.entry.name)) throw InputError.at(at([...item.path, 'name']), 'inventory.duplicate', {name: item.entry.name})
    byName.set(item.entry.name, item)
  }
  const resolved = new Map<string, SshTarget>()
  const target = (name: string, chain: string[]): SshTarget => {
    const done = resolved.get(name)
    if (done) return done
    const {entry, path} = byName.get(name)!
    // Bastions do not take the default jump: they are what it goes through.
    const jumpName = entry.jump ?? (path[0] === 'hosts' ? defaults.jump : undefined)
    if (jumpName !== undefined && !byName.has(jumpName)) {
      throw InputError.at(at([...path, 'jump']), 'inventory.unknownJump', {name, jump: jumpName, valid: [...byName.keys()].join(', ')})
    }
    if (jumpName !== undefined && chain.includes(jumpName)) {
      throw InputError.at(at([...path, 'jump']), 'inventory.jumpCycle', {chain: [...chain, name, jumpName].join(' → ')})
    }
    const key = entry.key ?? defaults.key
    const keyPath = key === undefined ? undefined : resolve(base, key.replace(/^~(?=\/)/, homedir()))
    if (keyPath && !existsSync(keyPath)) {
      throw InputError.at(at(entry.key ? [...path, 'key'] : ['defaults', 'key']), 'inventory.noKey', {name, path: keyPath})
    }
    const result: SshTarget = {
      name,
      address: entry.address,
      port: entry.port ?? defaults.port ?? 22,
      user: entry.user ?? defaults.user ?? 'root',
      keyPath,
      jump: jumpName === undefined ? undefined : target(jumpName, [...chain, name]),
    }
    resolved.set(name, result)
    return result
  }
  const vars = data.vars ?? {}
  const hosts = data.hosts.map((h) => ({...target(h.name, []), role: h.role, region: h.region, vars: h.vars ?? {}}))
  return {
    file,
    knownHosts: data.knownHosts ? resolve(base, data.knownHosts) : resolve(homedir(), '.ssh', 'known_hosts'),
    vars,
    secrets: data.secretsFile ? readSecrets(resolve(base, data.secretsFile), at(['secretsFile'])) : {},
    hosts,
    routes: loadInventoryRoutes(file, vars.route_plan, hosts, domainOf({vars})),
  }
}

/**
 * A secrets file may hold only secrets (a map of names to strings), and only its owner may read
 * it. Its errors say where (file:line:col) but never quote it.
 */
function readSecrets(path: string, location: SourceLocation | undefined): Record<string, string> {
  if (!existsSync(path)) throw InputError.at(location, 'inventory.noSecrets', {path})
  if ((statSync(path).mode & 0o077) !== 0) throw InputError.at(location, 'inventory.secretsReadable', {path})
  const source = SourceDocument.read(path, {quiet: true})
  const values = source.isEmpty ? {} : source.toJS()
  if (typeof values !== 'object' || values === null || Array.isArray(values)) throw InputError.at(source.locate([]), 'inventory.secretsShape', {path})
  for (const [name, value] of Object.entries(values)) {
    if (typeof value !== 'string') throw InputError.at(source.locate([name]), 'inventory.secretsShape', {path})
  }
  return values as Record<string, string>
}

/** The hosts named by --hosts (all when none), each name checked. */
export function selectHosts(inventory: LoadedInventory, names?: string[]): InventoryHost[] {
  if (!names || names.length === 0) return inventory.hosts
  return names.map((name) => {
    const host = inventory.hosts.find((h) => h.name === name)
    if (!host) throw InputError.at(undefined, 'inventory.unknownHost', {name, valid: inventory.hosts.map((h) => h.name).join(', ')})
    return host
  })
}


/**
 * What the fleet is, worked out here and nowhere else: the mail domain (vars.domain), the DKIM
 * selector (vars.dkim_selector, the core blueprint's default "mail"), the cores and edges in
 * inventory order. The first core is where edges relay and where the DKIM key lives.
 */
export function domainOf(inventory: Pick<LoadedInventory, 'vars'>): string | undefined {
  return typeof inventory.vars.domain === 'string' ? inventory.vars.domain : undefined
}

export function dkimSelectorOf(inventory: Pick<LoadedInventory, 'vars'>): string {
  return typeof inventory.vars.dkim_selector === 'string' ? inventory.vars.dkim_selector : 'mail'
}

/** The CAs that may issue for the domain (vars.caa_issuers, checked by the inventory's schema): CAA records. */
export function caaIssuersOf(inventory: Pick<LoadedInventory, 'vars'>): string[] {
  return Array.isArray(inventory.vars.caa_issuers) ? inventory.vars.caa_issuers.map(String) : []
}

/**
 * The account verify and drill log in with and send to: vars.verify_user (a local part of the
 * domain, or a whole address) and the secret verify_password (MAILOPS_SECRET_VERIFY_PASSWORD wins).
 */
export function verifyAccountOf(inventory: Pick<LoadedInventory, 'vars' | 'secrets'>): {user: string; password: string} | undefined {
  const domain = domainOf(inventory)
  const user = typeof inventory.vars.verify_user === 'string' ? inventory.vars.verify_user : undefined
  const password = process.env.MAILOPS_SECRET_VERIFY_PASSWORD ?? inventory.secrets.verify_password
  return user && password && domain ? {user: user.includes('@') ? user : `${user}@${domain}`, password} : undefined
}

export function hostsOfRole<H extends Pick<InventoryHost, 'role'>>(hosts: readonly H[], role: InventoryHost['role']): H[] {
  return hosts.filter((h) => h.role === role)
}

export function firstCore<H extends Pick<InventoryHost, 'role'>>(hosts: readonly H[]): H | undefined {
  return hosts.find((h) => h.role === 'core')
}

/**
 * What the fleet decides about a host beside its vars, as blueprint `when` conditions read it:
 * replication is on for every core once the inventory has two or more (docs/resilience.md).
 * Passed as the last layer, so that no inventory var can claim otherwise.
 */
export function fleetConditions(hosts: readonly Pick<InventoryHost, 'role'>[]): {replication: 'on' | 'off'} {
  return {replication: hostsOfRole(hosts, 'core').length >= 2 ? 'on' : 'off'}
}

/**
 * The cores a replicating core syncs with: those after it in the inventory, so that each pair is
 * synced by one of its two (its first) and never by both at once: two syncs of one mailbox in
 * opposite directions at the same time each copied a new message over, and the other core held it
 * twice (seen on the lab in a drill).
 */
export function replicationPeers<H extends Pick<InventoryHost, 'role' | 'name'>>(hosts: readonly H[], core: Pick<InventoryHost, 'name'>): H[] {
  const cores = hostsOfRole(hosts, 'core')
  return cores.slice(cores.findIndex((c) => c.name === core.name) + 1)
}
