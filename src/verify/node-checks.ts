import type {Resolver} from 'node:dns/promises'

import {ExitCode, type ExitCodeValue, type MailopsError} from '../errors.js'
import type {SshTarget} from '../ssh/connection.js'
import {FleetSession, type SessionOptions} from '../fleet/session.js'
import {mapLimit} from '../util/concurrency.js'
import {beforeTlsChecks, loginChecks, senderChecks} from './auth.js'
import {CHECKS, type CheckId} from './catalog.js'
import {inboundCheck, outboundChecks, type Peer, utf8Check} from './delivery.js'
import {atRestCheck} from './at-rest.js'
import {authResultsOutcome, forgedAuthResults, forgeryCheck, gtubeCheck} from './filter.js'
import {dkimDnsCheck, type DnsExpectations, domainDnsChecks, ptrCheck} from './dns.js'
import {daneCheck} from './dnssec.js'
import {mtaStsPolicyCheck} from './mta-sts.js'
import {gatherFacts} from '../fleet/facts.js'
import {hostChecks, hostFacts, type HostHealth, replicationOutcome} from './host.js'
import {ipv6Check, networkChecks, portStates} from './network.js'
import type {Selection} from './select.js'
import {nextHopOutcome, nextHopScript} from './next-hop.js'
import {openRelay, type Relay} from './relay.js'
import {destinationsVia, egressCheck, transportOutcome, transportScript} from './route.js'
import type {InventoryRoutes} from '../fleet/routes.js'
import {throttleChecks} from './throttle.js'
import {edgesOnlyCheck, sizeCheck, smtpChecks} from './smtp.js'
import {suitesCheck, TLS_IDS, tlsChecks} from './tls.js'
import {type CheckResult, type CheckStatus, ENDPOINTS, outcome, type ProbeContext, type VerifyNode} from './types.js'

export interface MailNode extends VerifyNode {
  role: 'core' | 'edge'
  /** how to reach it over SSH (inventory nodes only) */
  ssh?: SshTarget
  /** the blueprint services the node must run */
  services?: string[]
  /** of those, the ones only a systemd host runs (the firewall's) */
  systemdServices?: string[]
  /** a replicating core: the cores it syncs with (those after it in the inventory; none for the last) */
  replicationPeers?: string[]
}

export interface VerifySetup {
  nodes: MailNode[]
  /** present with an inventory: enables dns, and the domain's own row */
  dns?: DnsExpectations
  selected: Selection
  probe: ProbeContext
  resolver?: Resolver
  /** captures outbound mail (--peer) */
  peer?: Peer
  /** how to reach inventory nodes over SSH: the run opens its session from it, and closes it */
  ssh?: SessionOptions & {knownHosts: string}
  /**
   * The edge (an inventory node) from which the cores' port 25 is checked: their firewall lets
   * the edges in alone, so verify connects through a relay from it (relay.ts).
   */
  edgeVia?: MailNode
  /** the route plan the inventory names (route.transport, route.egress), and the fleet's cores, which route.egress connects from */
  routes?: {plan: InventoryRoutes; cores: MailNode[]}
  concurrency: number
  onNode?: (report: NodeReport) => void
}

export interface NodeReport {
  name: string
  address: string
  role: VerifyNode['role']
  status: CheckStatus
  ms: number
  checks: CheckResult[]
}

const SEVERITY: CheckStatus[] = ['pass', 'skip', 'warn', 'fail', 'error']
const worst = (statuses: CheckStatus[]): CheckStatus => statuses.reduce((a, b) => (SEVERITY.indexOf(b) > SEVERITY.indexOf(a) ? b : a), 'pass' as CheckStatus)

/** Times a unit of checks and stamps its duration on each result it returns. */
async function timed(work: () => Promise<CheckResult[]>): Promise<CheckResult[]> {
  const started = performance.now()
  const results = await work()
  const ms = Math.round(performance.now() - started)
  return results.map((r) => ({...r, ms}))
}

/** Checks one node: ports first (they tell whether it is reachable at all), then every selected unit at once. */
async function verifyNode(node: MailNode, setup: VerifySetup, facts: (node: MailNode) => Promise<HostHealth>, session: FleetSession | undefined): Promise<CheckResult[]> {
  const {probe: ctx, selected} = setup
  const wanted = (id: CheckId) => selected(id) && appliesTo(id, node)
  // Without network.port, only whether it answers at all: the ports its role serves to anyone, at
  // once (a firewall's dropped ports, the core's 25 among them, would each wait the whole timeout).
  const states = await portStates(node.address, ctx.timeoutMs, wanted('network.port') ? undefined : ENDPOINTS[node.role].map((e) => e.port).filter((p) => node.role !== 'core' || p !== 25))
  if ([...states.values()].every((s) => s === 'filtered' || s === 'unreachable')) {
    const planned = (Object.keys(CHECKS) as CheckId[]).filter(wanted)
    return planned.map((id) => outcome(id, 'error', `${node.address} does not answer on any mail port (${[...new Set(states.values())].join(', ')})`, {hint: 'Check that the node is up and that this machine can route to it.'}))
  }
  const units: Array<Promise<CheckResult[]>> = []
  const add = (ids: readonly CheckId[], work: () => Promise<CheckResult[]>) => {
    if (ids.some(wanted)) units.push(timed(work))
  }
  add(['network.port'], async () => networkChecks(node, states))
  add(['smtp.banner', 'smtp.ehlo', 'smtp.vrfy', 'smtp.postmaster', 'smtp.system-accounts', 'relay.open', 'auth.before-tls'], () => smtpChecks(node, ctx, wanted))
  for (const endpoint of ENDPOINTS[node.role]) {
    add(TLS_IDS, () => tlsChecks(node, endpoint, ctx).then((rs) => rs.filter((r) => wanted(r.id))))
    add(['tls.suites'], async () => [await suitesCheck(node, endpoint, ctx)])
  }
  if (node.role === 'core') {
    add(['auth.before-tls'], () => beforeTlsChecks(node, ctx))
    // Senders before the wrong passwords: those raise Dovecot's auth penalty, which would slow the sender logins.
    add(['auth.login', 'auth.bad-login', 'auth.sender'], async () => {
      const senders = wanted('auth.sender') ? await senderChecks(node, ctx) : []
      return [...(await loginChecks(node, ctx, wanted)), ...senders]
    })
  }
  if (node.ssh && node.replicationPeers && node.replicationPeers.length > 0) {
    add(['host.replication'], async () => {
      try {
        return [replicationOutcome((await facts(node)).replication, node.replicationPeers!)]
      } catch (error) {
        return sshError(error as MailopsError, ['host.replication'])
      }
    })
  }
  if (node.ssh) {
    const ids: CheckId[] = ['host.services', 'host.queue', 'host.disk', 'host.memory', 'host.certificate', 'host.renewal', 'host.logrotate', 'host.firewall']
    add(ids, async () => {
      try {
        return hostChecks(await facts(node), ctx.now, wanted, node.systemdServices, node.issuer?.source === 'acme')
      } catch (error) {
        return sshError(error as MailopsError, ids.filter(wanted))
      }
    })
  }
  if (setup.dns && setup.resolver) {
    const {dns, resolver} = setup
    add(['dns.ptr'], async () => [await ptrCheck(node, resolver)])
    if (node.role === 'edge') add(['dns.dane'], async () => [await daneCheck(node, resolver, ctx)])
    if (node.role === 'edge') add(['dns.mta-sts-policy'], async () => [await mtaStsPolicyCheck(node, {domain: dns.domain, policy: dns.mtaStsPolicy}, resolver, ctx)])
    if (node.role === 'edge') add(['network.ipv6'], async () => [await ipv6Check(node, resolver, ctx)])
    add(['dns.dkim'], async () => {
      try {
        return [await dkimDnsCheck(dns, resolver, (await facts(node)).dkimPublic)]
      } catch (error) {
        return sshError(error as MailopsError, ['dns.dkim'])
      }
    })
  }
  // Edges forward to the first core (the blueprints' core_address), picked with --hosts or not.
  const core = setup.dns?.cores[0]
  if (node.role === 'edge' && core) {
    add(['delivery.inbound', 'tls.next-hop', 'delivery.auth-results'], async () => {
      // The delivery makes the edge connect to the core; the edge's log then says how it checked the core.
      // The probe carries a forged Authentication-Results in the edge's name: the delivered copy must show the edge's own only.
      const inbound = await inboundCheck(node, core, ctx, {extraHeaders: [forgedAuthResults(node)], readHeaders: ['Authentication-Results']})
      const results = [
        ...(wanted('delivery.inbound') ? [inbound.result] : []),
        ...(wanted('delivery.auth-results') ? [inbound.headers === undefined ? outcome('delivery.auth-results', inbound.result.status === 'skip' ? 'skip' : 'fail', `no delivered message to read: ${inbound.result.message}`) : authResultsOutcome(node, inbound.headers)] : []),
      ]
      if (!wanted('tls.next-hop')) return results
      if (!node.ssh || !session) return [...results, outcome('tls.next-hop', 'skip', "needs SSH to read the edge's log (an inventory node)")]
      try {
        const connection = await session.connection(node.ssh)
        const read = await connection.exec(nextHopScript(core), {timeoutMs: ctx.timeoutMs * 3})
        return [...results, nextHopOutcome(core, read.stdout)]
      } catch (error) {
        return [...results, ...sshError(error as MailopsError, ['tls.next-hop'])]
      }
    })
  }
  if (node.role === 'core') add(['smtp.edges-only'], async () => [await edgesOnlyCheck(node, ctx)])
  add(['route.transport', 'route.egress'], () => routeChecks(node, setup, session, wanted))
  if (node.role === 'core' && node.ssh && session) add(['delivery.at-rest'], async () => [await atRestCheck(node, ctx, () => session.connection(node.ssh!))])
  if (core) add(['delivery.unicode'], async () => [await utf8Check(node, core, ctx)])
  if (node.role === 'edge' && core) add(['smtp.size'], async () => [await sizeCheck(node, core, ctx)])
  // Inbound filtering (rspamd on the edges): a forged message and GTUBE, each found again by its own tag.
  if (node.role === 'edge' && core) add(['delivery.forgery', 'delivery.gtube'], async () => [...(wanted('delivery.forgery') ? [await forgeryCheck(node, core, ctx)] : []), ...(wanted('delivery.gtube') ? [await gtubeCheck(node, core, ctx)] : [])])
  if (node.role === 'core' && setup.resolver) add(['delivery.outbound-dkim', 'delivery.outbound-spf', 'delivery.outbound-dmarc'], () => outboundChecks(node, ctx, setup.peer, setup.resolver!).then((rs) => rs.filter((r) => wanted(r.id))))
  const results = (await Promise.all(units)).flat()
  // Last, once every other check of the node is done: its wrong passwords set off the penalties it measures.
  if (node.role === 'core' && wanted('auth.throttle')) results.push(...(await timed(() => throttleChecks(node, ctx))))
  return results
}

/**
 * route.transport on a core (its deployed lines against the plan's), route.egress on an edge (per
 * core routed through it). They apply with a route plan only (vars.route_plan), route.egress to the
 * edges a route leaves through: a fleet without routes gets neither.
 */
async function routeChecks(node: MailNode, setup: VerifySetup, session: FleetSession | undefined, wanted: (id: CheckId) => boolean): Promise<CheckResult[]> {
  const routes = setup.routes
  if (!routes) return []
  if (node.role === 'core') {
    if (!wanted('route.transport')) return []
    if (!node.ssh || !session) return [outcome('route.transport', 'skip', 'needs SSH to read the core (an inventory node)')]
    try {
      const read = await (await session.connection(node.ssh)).exec(transportScript, {timeoutMs: setup.probe.timeoutMs * 3})
      return [transportOutcome(node.name, routes.plan.transport[node.name] ?? [], read.stdout)]
    } catch (error) {
      return sshError(error as MailopsError, ['route.transport'])
    }
  }
  if (!wanted('route.egress')) return []
  const cores = (routes.plan.relayFor[node.name] ?? []).flatMap((name) => routes.cores.filter((c) => c.name === name))
  return Promise.all(
    cores.map(async (core) => {
      const destination = destinationsVia(routes.plan, core.name, node.address)[0]
      if (!core.ssh || !session) return outcome('route.egress', 'skip', 'needs SSH to the core, to connect from its address', {target: `from ${core.name}`})
      let relay: Relay | undefined
      try {
        return await egressCheck(node, core, destination, setup.probe, async () => (relay = await openRelay(session, core.ssh!, node.address, 25)))
      } finally {
        await relay?.close()
      }
    }),
  )
}

/** scope: where a check applies; checks that need an inventory (dns, host, delivery) are only planned with one. */
function appliesTo(id: CheckId, node: MailNode): boolean {
  const scope: string = CHECKS[id].scope
  if (scope === 'domain') return false
  if (scope === 'core' || scope === 'edge') return node.role === scope
  return true
}

function sshError(error: MailopsError, ids: CheckId[]): CheckResult[] {
  return ids.map((id) => outcome(id, 'error', `over SSH: ${error.message}`, {hint: error.hint ?? 'Check SSH access with: mailops exec -i INVENTORY -- true'}))
}

/**
 * Checks the setup's nodes concurrently, the domain's records alongside; one report per node (and
 * the domain). SSH goes through `shared` when the caller has a session (the caller closes it),
 * else through one of the run's own.
 */
export async function checkNodes(setup: VerifySetup, shared?: FleetSession): Promise<NodeReport[]> {
  // The relays to the cores' port 25 are needed with a shared session as much as with our own.
  const session = shared ?? (setup.ssh && new FleetSession(setup.ssh, setup.ssh))
  const relays: Relay[] = []
  try {
    const via = setup.edgeVia
    if (session && via?.ssh) {
      const routes = new Map<string, {address: string; port: number; via: string}>()
      for (const core of setup.dns?.cores ?? []) {
        const relay = await openRelay(session, via.ssh, core.address, 25)
        relays.push(relay)
        routes.set(`${core.address}:25`, {address: relay.address, port: relay.port, via: via.name})
      }
      setup = {...setup, probe: {...setup.probe, routes}}
    }
    return await verifyWith(setup, session)
  } finally {
    await Promise.all(relays.map((r) => r.close()))
    if (!shared) await session?.close()
  }
}

async function verifyWith(setup: VerifySetup, session: FleetSession | undefined): Promise<NodeReport[]> {
  const factsByNode = new Map<string, Promise<HostHealth>>()
  const facts = (node: MailNode): Promise<HostHealth> => {
    let pending = factsByNode.get(node.name)
    if (!pending) {
      pending = (async () => gatherFacts(await session!.connection(node.ssh!), hostFacts(node.services ?? ['postfix']), {timeoutMs: setup.probe.timeoutMs * 3}))()
      factsByNode.set(node.name, pending)
    }
    return pending
  }
  const report = (name: string, address: string, role: VerifyNode['role'], checks: CheckResult[], ms: number): NodeReport => {
    const node = {name, address, role, status: worst(checks.map((c) => c.status)), ms, checks}
    setup.onNode?.(node)
    return node
  }
  const domainRow = async (): Promise<NodeReport[]> => {
    if (!setup.dns || !setup.resolver) return []
    const started = performance.now()
    const checks = await timed(() => domainDnsChecks(setup.dns!, setup.resolver!, setup.selected, setup.probe.timeoutMs))
    return checks.length > 0 ? [report(setup.dns.domain, '-', 'domain', checks, Math.round(performance.now() - started))] : []
  }
  const [nodes, domain] = await Promise.all([
    mapLimit(setup.nodes, setup.concurrency, async (node) => {
      const started = performance.now()
      const checks = await verifyNode(node, setup, facts, session)
      return report(node.name, node.address, node.role, checks, Math.round(performance.now() - started))
    }),
    domainRow(),
  ])
  return [...nodes, ...domain]
}

/** 3 when a node could not be reached, 1 when a check failed (or warned, under --strict), else 0. */
export function verifyExit(summary: Record<CheckStatus, number>, strict: boolean): ExitCodeValue {
  if (summary.error > 0) return ExitCode.unreachable
  return summary.fail > 0 || (strict && summary.warn > 0) ? ExitCode.checksFailed : ExitCode.ok
}

export function countStatuses(nodes: readonly NodeReport[]): Record<CheckStatus, number> {
  const summary: Record<CheckStatus, number> = {pass: 0, warn: 0, fail: 0, skip: 0, error: 0}
  for (const node of nodes) for (const check of node.checks) summary[check.status]++
  return summary
}
