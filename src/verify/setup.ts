import {X509Certificate} from 'node:crypto'
import {readFileSync} from 'node:fs'
import type {Resolver} from 'node:dns/promises'
import {isIP, isIPv4} from 'node:net'
import {networkInterfaces} from 'node:os'
import {dirname, resolve} from 'node:path'

import {blueprintApplies, listBlueprints, loadBlueprint} from '../blueprint/load.js'
import {mxHosts, nodeFqdn, spfSenders} from '../dns/names.js'
import {egressEdges} from '../fleet/routes.js'
import {mtaStsPolicy} from '../dns/records.js'
import {InputError} from '../errors.js'
import {t} from '../i18n/index.js'
import {caaIssuersOf, dkimSelectorOf, domainOf, fleetConditions, type InventoryHost, type LoadedInventory, loadInventory, replicationPeers, selectHosts, verifyAccountOf} from '../fleet/inventory.js'
import {CHECK_IDS, type CheckId, groupOf} from './catalog.js'
import {type DnsExpectations, dnsResolver} from './dns.js'
import type {MailNode, VerifySetup} from './node-checks.js'
import type {ExpectedIssuer} from './types.js'
import {selection} from './select.js'

interface InventoryTargets {
  nodes: MailNode[]
  dns?: DnsExpectations
  credentials?: {user: string; password: string}
  otherLocal?: string
  /** PEM of vars.tls_ca_file, the CA chains are checked against */
  ca?: string
  /** the edge verify reaches the cores' port 25 from */
  edgeVia?: MailNode
  /** the route plan the inventory names, and the fleet's cores (route.egress connects from them) */
  routes?: VerifySetup['routes']
}

const certificates = (pem: string) => pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []

/**
 * Who should have issued a node's certificate, by the inventory: an ACME node's chain leads to
 * vars.acme_issuer_cert (the ACME server's CA), any other node serves the leaf of its vars.tls_cert.
 */
function expectedIssuer(inventory: LoadedInventory, host: InventoryHost): ExpectedIssuer {
  const value = (name: string) => {
    const v = host.vars[name] ?? inventory.vars[name]
    return typeof v === 'string' ? v : ''
  }
  if (value('tls_source') === 'acme') return {source: 'acme', cas: certificates(value('acme_issuer_cert'))}
  const leaf = certificates(value('tls_cert'))[0]
  return {source: 'files', ...(leaf ? {leafSha256: new X509Certificate(leaf).fingerprint256} : {})}
}

/** A replicating core's peers: the cores after it in the inventory, each pair synced (and checked) by its first. */
function replicationPeersOf(inventory: LoadedInventory, host: InventoryHost): {replicationPeers?: string[]} {
  if (host.role !== 'core' || fleetConditions(inventory.hosts).replication !== 'on') return {}
  return {replicationPeers: replicationPeers(inventory.hosts, host).map((c) => c.name)}
}

/** Nodes, domain, account and CA from an inventory; the services each must run from its role's blueprints. */
function inventoryTargets(root: string, inventory: LoadedInventory, hosts: LoadedInventory['hosts']): InventoryTargets {
  const domain = domainOf(inventory)
  const blueprints = listBlueprints(root).map((name) => loadBlueprint(root, name))
  const services = (host: InventoryHost, systemdOnly = false) => [
    ...new Set(blueprints.filter((b) => blueprintApplies(b, host.role, inventory.vars, host.vars, fleetConditions(inventory.hosts))).flatMap((b) => Object.entries(b.services).filter(([, s]) => s.daemon !== false && (!systemdOnly || s.init === 'systemd')).map(([name]) => name))),
  ]
  const fleet = inventory.hosts.map(
    (h): MailNode => ({name: h.name, address: h.address, role: h.role, fqdn: domain ? nodeFqdn(h, domain) : h.address, ssh: h, services: services(h), systemdServices: services(h, true), issuer: expectedIssuer(inventory, h), ...replicationPeersOf(inventory, h)}),
  )
  const nodes = fleet.filter((n) => hosts.some((h) => h.name === n.name))
  const credentials = verifyAccountOf(inventory)
  const user = typeof inventory.vars.verify_user === 'string' ? inventory.vars.verify_user : undefined
  const mailboxes = Array.isArray(inventory.vars.mail_users) ? inventory.vars.mail_users.map((m) => String((m as {name?: unknown}).name ?? '')) : []
  const other = mailboxes.find((name) => name && name !== user && `${name}@${domain}` !== user)
  const caFile = typeof inventory.vars.tls_ca_file === 'string' ? resolve(dirname(resolve(inventory.file)), inventory.vars.tls_ca_file) : undefined
  return {
    nodes,
    // The domain's records (and where its mail is delivered) are about every node, not the ones picked with --hosts.
    dns: domain
      ? {domain, selector: dkimSelectorOf(inventory), edges: mxHosts(fleet), cores: fleet.filter((n) => n.role === 'core'), senders: spfSenders(fleet, egressEdges(inventory.routes, fleet)), mtaStsPolicy: mtaStsPolicy({domain, nodes: inventory.hosts}), caaIssuers: caaIssuersOf(inventory)}
      : undefined,
    credentials,
    otherLocal: domain ? `${other ?? 'ceo'}@${domain}` : undefined,
    ca: caFile ? readCa(caFile) : undefined,
    edgeVia: fleet.find((n) => n.role === 'edge'),
    routes: inventory.routes ? {plan: inventory.routes, cores: fleet.filter((n) => n.role === 'core')} : undefined,
  }
}

function readCa(file: string): string {
  try {
    const pem = readFileSync(file, 'utf8')
    if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new Error('no PEM certificate in it')
    return pem
  } catch (error) {
    throw new InputError(t('verify.caFile', {path: file, reason: (error as NodeJS.ErrnoException).code ?? (error as Error).message}), {hint: 'Give a PEM bundle of the CA certificates that sign the nodes (--ca-file or vars.tls_ca_file).'})
  }
}

/**
 * Bare targets: an IPv4 address is a node of `role`; a name with MX records stands for its MX
 * hosts (as edges); any other name is a node of `role` at its address.
 */
async function bareTargets(targets: readonly string[], role: 'core' | 'edge', resolver: Resolver): Promise<MailNode[]> {
  const nodes: MailNode[] = []
  for (const target of targets) {
    if (isIPv4(target)) {
      nodes.push({name: target, address: target, fqdn: target, role})
      continue
    }
    if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+\.?$/i.test(target)) {
      throw new InputError(t('verify.badTarget', {target}), {code: 'USAGE', hint: 'e.g. mailops verify mx1.example.com 198.18.0.12'})
    }
    // Equal priorities by name: a resolver shuffles them, and the report's order must not change.
    const mx = await resolver.resolveMx(target).catch(() => [])
    const names = mx.length > 0 ? mx.sort((a, b) => a.priority - b.priority || a.exchange.localeCompare(b.exchange)).map((m) => m.exchange.replace(/\.$/, '')) : [target]
    for (const name of names) {
      const [address] = await resolver.resolve4(name).catch(() => [] as string[])
      if (!address) throw new InputError(t('verify.unresolved', {name, via: name === target ? '' : ` (MX ${target})`}), {code: 'USAGE', hint: 'Check the name, or choose a resolver with --resolver.'})
      nodes.push({name, address, fqdn: name.toLowerCase(), role: mx.length > 0 ? 'edge' : role})
    }
  }
  return nodes
}

/** Checks that log in with the verify account. */
const LOGIN_IDS = new Set<CheckId>(['auth.login', 'auth.bad-login', 'auth.sender', 'auth.throttle'])
/** Without an inventory there is no SSH, domain or account: only what a stranger could check. */
const BARE_GROUPS = new Set<string>(['network', 'smtp', 'tls', 'relay', 'auth'])
const BARE_IDS = new Set<CheckId>(CHECK_IDS.filter((id) => BARE_GROUPS.has(groupOf(id)) && !LOGIN_IDS.has(id)))

export interface VerifyRequest {
  /** package root, where the blueprints are */
  root: string
  inventory?: string
  /** bare hosts or domains, when there is no inventory */
  targets: string[]
  hosts?: string[]
  only?: string[]
  skip?: string[]
  role: 'core' | 'edge'
  caFile?: string
  resolver?: string
  timeoutMs: number
  deliveryTimeoutMs: number
  /** a second local address for auth.throttle (default: the inventory's vars.verify_probe_source) */
  probeSource?: string
  parallel: number
  acceptNew: boolean
  now: Date
}

/** Everything checked before a single connection: inputs, selection, nodes, account, CA. */
export async function prepareVerify(request: VerifyRequest): Promise<VerifySetup> {
  if (!request.inventory && request.targets.length === 0) throw new InputError(t('verify.nothing'), {code: 'USAGE', hint: 'e.g. mailops verify -i inventory.yaml, or mailops verify mx1.example.com'})
  if (request.inventory && request.targets.length > 0) throw new InputError(t('verify.both', {targets: request.targets.join(' ')}), {code: 'USAGE'})
  const chosen = selection(request.only, request.skip)
  const resolver = dnsResolver(request.resolver)
  const probe = {timeoutMs: request.timeoutMs, deliveryTimeoutMs: request.deliveryTimeoutMs, now: request.now, helo: 'verify.mailops.invalid'}
  const givenCa = request.caFile ? readCa(request.caFile) : undefined
  if (request.inventory) {
    const inventory = loadInventory(request.inventory)
    const targets = inventoryTargets(request.root, inventory, selectHosts(inventory, request.hosts))
    return {
      nodes: targets.nodes,
      dns: targets.dns,
      selected: chosen,
      probe: {
        ...probe,
        domain: targets.dns?.domain,
        credentials: targets.credentials,
        otherLocal: targets.otherLocal,
        ca: givenCa ?? targets.ca,
        // A flag naming an address this machine lacks is a mistake; the inventory's (a lab's, read from
        // another namespace) only means auth.throttle cannot run from here.
        probeSource: request.probeSource !== undefined ? probeSource(request.probeSource) : localOrNone(inventory.vars.verify_probe_source),
      },
      resolver,
      ssh: {knownHosts: inventory.knownHosts, acceptNew: request.acceptNew, connectTimeoutMs: request.timeoutMs},
      edgeVia: targets.edgeVia,
      routes: targets.routes,
      concurrency: request.parallel,
    }
  }
  const needInventory = (request.only ?? []).filter((name) => !BARE_GROUPS.has(name) && !BARE_IDS.has(name as CheckId))
  if (needInventory.length > 0) {
    throw new InputError(t('verify.needsInventory', {names: needInventory.join(',')}), {code: 'USAGE', hint: 'Give -i inventory.yaml, or check bare targets with network, smtp, tls, relay, auth.'})
  }
  return {
    nodes: await bareTargets(request.targets, request.role, resolver),
    selected: (id) => BARE_IDS.has(id) && chosen(id),
    probe: {...probe, ca: givenCa},
    concurrency: request.parallel,
  }
}

/** --peer ADDRESS:PORT */
export function parsePeer(value: string): {host: string; port: number} {
  const match = /^(\d{1,3}(?:\.\d{1,3}){3}):(\d{1,5})$/.exec(value)
  if (!match || Number(match[2]) > 65_535) throw new InputError(t('verify.badPeer', {value}), {code: 'USAGE', hint: 'e.g. --peer 198.18.0.1:2525'})
  return {host: match[1], port: Number(match[2])}
}

/** Whether this machine can send from the address: else every try would fail to bind, which is no throttle. */
function isLocalAddress(address: unknown): address is string {
  return typeof address === 'string' && isIP(address) !== 0 && Object.values(networkInterfaces()).some((list) => (list ?? []).some((i) => i.address === address))
}

/** The inventory's probe source when this machine has that address, else none (auth.throttle then says why it did not run). */
function localOrNone(address: unknown): string | undefined {
  return isLocalAddress(address) ? address : undefined
}

/** The --probe-source flag: an address this machine lacks is the user's mistake. */
function probeSource(address: string): string {
  if (!isLocalAddress(address)) {
    throw new InputError(t('verify.badProbeSource', {address}), {code: 'USAGE', hint: 'Add it first (ip addr add ADDRESS/PREFIX dev IFACE), or name another with --probe-source ADDRESS.'})
  }
  return address
}
