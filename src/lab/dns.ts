import {closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {execFileSync, spawn} from 'node:child_process'
import {Resolver} from 'node:dns/promises'
import {join} from 'node:path'

import {dnsForInventory, type DnsPublication, type DnsRequest} from '../dns/publish.js'
import {type DnsRecord, zoneSnippet} from '../dns/records.js'
import {InputError} from '../errors.js'
import {domainOf, loadInventory} from '../fleet/inventory.js'
import {t} from '../i18n/index.js'
import {alive, commandLine, waitGone} from './processes.js'
import {checkLabName, type LabSpec, PEER_ZONE} from './spec.js'
import {type LabDnsPids, labFiles, type LabState, labsRoot, readState} from './state.js'

/** Debian's NSD (authoritative) and Unbound (the resolver hosts use), both on the bridge only. */
const NSD = '/usr/sbin/nsd'
const UNBOUND = '/usr/sbin/unbound'
/** Debian's ldnsutils: the zones' keys and their signing (see signZone). */
const LDNS_KEYGEN = '/usr/bin/ldns-keygen'
const LDNS_SIGNZONE = '/usr/bin/ldns-signzone'
/** NSD answers on the bridge at this port, for Unbound only; Unbound takes 53 (resolv.conf has no port). */
export const LAB_NSD_PORT = 5353
const READY_MS = 10_000

const files = (labDir: string) => {
  const dir = join(labDir, 'dns')
  return {
    dir,
    nsdConf: join(dir, 'nsd.conf'),
    unboundConf: join(dir, 'unbound.conf'),
    forward: join(dir, 'forward.zone'),
    reverse: join(dir, 'reverse.zone'),
    peers: join(dir, 'peers.zone'),
    serial: join(dir, 'serial'),
    log: join(dir, 'dns.log'),
  }
}

/** What NSD serves: the zone file as ldns-signzone wrote it (RRSIG, NSEC and the DNSKEY added). */
export const signedZoneFile = (zoneFile: string) => `${zoneFile}.signed`

/** The reverse zone of the lab's /24: 198.18.9.0/24 → 9.18.198.in-addr.arpa */
export const reverseZone = (spec: Pick<LabSpec, 'subnet'>) => `${spec.subnet.split('.').slice(0, 3).reverse().join('.')}.in-addr.arpa`

/** The zones the lab's NSD serves: its domain, its reverse zone, and the peers' when it has peers. */
export const labZoneNames = (spec: LabSpec): string[] => [spec.domain, reverseZone(spec), ...((spec.peers ?? []).length > 0 ? [PEER_ZONE] : [])]

/**
 * The lab's two zones (and the peers' zone: each peer's domain with its MX, which `publish` leaves
 * alone). Before anything is published they hold the hosts' A and PTR records (from
 * the lab's own names); `publish` replaces them with what `mailops dns` computed. In the lab the
 * reverse zone is the lab's own, so its PTR records are served (outside they are set by the
 * address's owner, and `mailops dns` prints them commented out).
 */
export function labZones(spec: LabSpec, serial: number, records?: readonly DnsRecord[]): {forward: string; reverse: string; peers: string} {
  const hostRecords = spec.hosts.flatMap((h): DnsRecord[] => [
    {name: `${h.fqdn}.`, type: 'A', value: h.address},
    {name: `${h.address.split('.').reverse().join('.')}.in-addr.arpa.`, type: 'PTR', value: `${h.fqdn}.`},
    // Where the edges serve the MTA-STS policy: an ACME server validates that name of an edge's certificate there.
    ...(h.role === 'edge' ? [{name: `mta-sts.${spec.domain}.`, type: 'A' as const, value: h.address}] : []),
  ])
  const served = records ?? hostRecords
  const head = (origin: string) =>
    `$ORIGIN ${origin}.\n$TTL 300\n@ IN SOA ns.${spec.domain}. hostmaster.${spec.domain}. ${serial} 3600 600 86400 60\n@ IN NS ns.${spec.domain}.\n`
  return {
    forward: `${head(spec.domain)}ns IN A ${spec.bridgeAddress}\n${zoneSnippet(served.filter((r) => r.type !== 'PTR'))}`,
    reverse: `${head(reverseZone(spec))}${served
      .filter((r) => r.type === 'PTR')
      .map((r) => `${r.name} IN PTR ${r.value}`)
      .join('\n')}\n`,
    peers: `${head(PEER_ZONE)}${zoneSnippet((spec.peers ?? []).flatMap((p): DnsRecord[] => [
      {name: `${p.domain}.`, type: 'MX', priority: 10, value: `${p.mx}.`},
      {name: `${p.mx}.`, type: 'A', value: p.address},
    ]))}`,
  }
}

export function nsdConfig(spec: LabSpec, labDir: string): string {
  const f = files(labDir)
  return [
    'server:',
    `  ip-address: ${spec.bridgeAddress}`,
    `  port: ${LAB_NSD_PORT}`,
    '  do-ip6: no',
    '  server-count: 1',
    '  username: ""',
    `  zonesdir: "${f.dir}"`,
    `  pidfile: "${f.dir}/nsd.pid"`,
    `  xfrdfile: "${f.dir}/xfrd.state"`,
    `  zonelistfile: "${f.dir}/zone.list"`,
    '  database: ""',
    `  logfile: "${f.log}"`,
    'remote-control:',
    '  control-enable: no',
    'zone:',
    `  name: ${spec.domain}`,
    `  zonefile: ${signedZoneFile(f.forward)}`,
    'zone:',
    `  name: ${reverseZone(spec)}`,
    `  zonefile: ${signedZoneFile(f.reverse)}`,
    ...(labZoneNames(spec).includes(PEER_ZONE) ? ['zone:', `  name: ${PEER_ZONE}`, `  zonefile: ${signedZoneFile(f.peers)}`] : []),
    '',
  ].join('\n')
}

/**
 * Unbound for the hosts: answers only the lab's subnet, asks NSD (stub zones) for the lab's two
 * zones and nobody else for anything: "." is a static local zone, so any other name is NXDOMAIN
 * at once and no query ever leaves for the internet (the controller has a default route; the
 * hosts do not). No cache worth the name (TTL 0), so a publish is seen by the next query.
 * It validates: "." is out of reach, so each lab zone's own DS (`trustAnchors`) is where its
 * chain of trust starts; an answer that checks out carries the AD bit, a bogus one is SERVFAIL.
 */
export function unboundConfig(spec: LabSpec, labDir: string, trustAnchors: readonly string[]): string {
  const f = files(labDir)
  const zones = labZoneNames(spec)
  return [
    'server:',
    `  interface: ${spec.bridgeAddress}`,
    '  port: 53',
    `  outgoing-interface: ${spec.bridgeAddress}`,
    '  do-ip6: no',
    `  access-control: ${spec.subnet} allow`,
    '  num-threads: 1',
    '  so-reuseport: no',
    '  username: ""',
    '  chroot: ""',
    `  directory: "${f.dir}"`,
    `  pidfile: "${f.dir}/unbound.pid"`,
    `  logfile: "${f.log}"`,
    '  use-syslog: no',
    '  module-config: "validator iterator"',
    ...trustAnchors.map((anchor) => `  trust-anchor: "${anchor}"`),
    // Why an answer is bogus, in dns.log: what a broken signature looks like from the outside.
    '  val-log-level: 2',
    // A bogus answer is not kept either (60 s by default): a zone re-signed by the next publish validates at once.
    '  val-bogus-ttl: 0',
    '  cache-max-ttl: 0',
    '  cache-max-negative-ttl: 0',
    '  local-zone: "." static',
    ...zones.map((zone) => `  local-zone: "${zone}." transparent`),
    'remote-control:',
    '  control-enable: no',
    ...zones.flatMap((zone) => ['stub-zone:', `  name: "${zone}."`, `  stub-addr: ${spec.bridgeAddress}@${LAB_NSD_PORT}`, '  stub-prime: no']),
    '',
  ].join('\n')
}

/** What every lab host's /etc/resolv.conf says: the lab's Unbound, and give up quickly. */
export const resolvConf = (spec: LabSpec) => `nameserver ${spec.bridgeAddress}\nsearch ${spec.domain}\noptions timeout:2 attempts:2\n`

function nextSerial(labDir: string): number {
  const f = files(labDir)
  const previous = existsSync(f.serial) ? Number(readFileSync(f.serial, 'utf8')) : 0
  const serial = Math.max(previous + 1, Math.floor(Date.now() / 1000))
  writeFileSync(f.serial, `${serial}\n`)
  return serial
}

/**
 * Each lab zone's signing key: one ECDSA P-256 key (algorithm 13, the one RFC 8624 requires every
 * validator to know, with short keys and signatures) that signs every RRset, the DNSKEY set
 * included (a combined signing key: a lab's zone lives as long as the lab, so there is no ZSK
 * rollover to spare a KSK from). Made once at lab up, in the lab's dns folder; its DS is the
 * resolver's trust anchor. Returns the key's base name (ldns's Kzone.+013+tag).
 */
function makeZoneKey(zone: string, dir: string): string {
  return execFileSync(LDNS_KEYGEN, ['-a', 'ECDSAP256SHA256', '-k', zone], {cwd: dir, encoding: 'utf8'}).trim()
}

/** The key makeZoneKey made for `zone` (its base name, without .private). */
function zoneKey(zone: string, dir: string): string {
  const keys = readdirSync(dir).filter((name) => name.startsWith(`K${zone}.+`) && name.endsWith('.private'))
  if (keys.length !== 1) throw new Error(`${dir}: ${keys.length} signing keys for ${zone}, expected the one lab up made`)
  return join(dir, keys[0].slice(0, -'.private'.length))
}

/** The DS record of the zone's key, as ldns-keygen wrote it: "zone. IN DS tag 13 2 digest". */
const zoneDs = (zone: string, dir: string) => readFileSync(`${zoneKey(zone, dir)}.ds`, 'utf8').trim().replaceAll('\t', ' ')

/**
 * Signs a zone file into signedZoneFile(file), with NSEC (a lab has nothing to hide from zone
 * walking). ldns-signzone is synchronous and takes milliseconds for a lab's zone, so every
 * publish re-signs both zones before NSD rereads them: a published record is signed at once.
 */
function signZone(zone: string, file: string, dir: string): void {
  execFileSync(LDNS_SIGNZONE, ['-o', zone, '-f', signedZoneFile(file), file, zoneKey(zone, dir)], {cwd: dir, stdio: ['ignore', 'ignore', 'pipe']})
}

function writeZones(spec: LabSpec, labDir: string, records?: readonly DnsRecord[]): number {
  const f = files(labDir)
  const serial = nextSerial(labDir)
  const zones = labZones(spec, serial, records)
  writeFileSync(f.forward, zones.forward)
  writeFileSync(f.reverse, zones.reverse)
  signZone(spec.domain, f.forward, f.dir)
  signZone(reverseZone(spec), f.reverse, f.dir)
  if (labZoneNames(spec).includes(PEER_ZONE)) {
    writeFileSync(f.peers, zones.peers)
    signZone(PEER_ZONE, f.peers, f.dir)
  }
  return serial
}

/**
 * Resolves once `server` answers the lab domain's SOA with `serial` (or later) `stable` times in a
 * row; throws after READY_MS. A reload of NSD starts new server processes while the old ones still
 * read the same socket for a while (longer on a loaded machine): until they are gone, one answer
 * may come from the new zone and the next from the old one, so a publish waits for a run of answers.
 */
async function waitForSerial(server: string, spec: LabSpec, labDir: string, serial: number, running: () => boolean, what: string, stable = 1): Promise<void> {
  const resolver = new Resolver({timeout: 300, tries: 1})
  resolver.setServers([server])
  const deadline = Date.now() + READY_MS
  let last = ''
  let run = 0
  for (;;) {
    try {
      const soa = await resolver.resolveSoa(spec.domain)
      run = soa.serial >= serial ? run + 1 : 0
      if (run >= stable) return
      last = `serial ${soa.serial}, waiting for ${serial}${run > 0 ? ` (${run} of ${stable} answers in a row)` : ''}`
    } catch (error) {
      last = (error as Error).message
    }
    if (!running() || Date.now() > deadline) {
      const log = files(labDir).log
      const tail = existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').slice(-3).join(' | ') : ''
      throw new Error(`${what} on ${server} did not answer for ${spec.domain} (${last}) ${tail}`.trim())
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

function startDetached(command: string, args: string[], log: string): number {
  const out = openSync(log, 'a')
  const child = spawn(command, args, {detached: true, stdio: ['ignore', out, out]})
  closeSync(out)
  child.unref()
  return child.pid!
}

/**
 * Starts the lab's NSD and Unbound detached, with the hosts' A and PTR records, and waits until
 * Unbound answers the lab's SOA through NSD. `recorded` is called with each PID as soon as it
 * exists, so that a failed start still leaves them for `lab down`.
 */
export async function startLabDns(spec: LabSpec, labDir: string, recorded: (pids: Partial<LabDnsPids>) => void): Promise<LabDnsPids> {
  const f = files(labDir)
  mkdirSync(f.dir, {recursive: true, mode: 0o700})
  const zones = labZoneNames(spec)
  for (const zone of zones) makeZoneKey(zone, f.dir)
  writeFileSync(f.nsdConf, nsdConfig(spec, labDir))
  writeFileSync(f.unboundConf, unboundConfig(spec, labDir, zones.map((zone) => zoneDs(zone, f.dir))))
  const serial = writeZones(spec, labDir)
  const nsd = startDetached(NSD, ['-d', '-c', f.nsdConf], f.log)
  recorded({nsd})
  await waitForSerial(`${spec.bridgeAddress}:${LAB_NSD_PORT}`, spec, labDir, serial, () => alive(nsd), 'nsd (Debian package nsd)')
  const unbound = startDetached(UNBOUND, ['-d', '-c', f.unboundConf], f.log)
  recorded({nsd, unbound})
  await waitForSerial(spec.bridgeAddress, spec, labDir, serial, () => alive(unbound), 'unbound (Debian package unbound)')
  return {nsd, unbound}
}

/** Ends the lab's NSD and Unbound: only the recorded PIDs, and only while they run this lab's config. */
export async function stopLabDns(pids: Partial<LabDnsPids> | undefined, labDir: string): Promise<number[]> {
  const f = files(labDir)
  const ours = [pids?.nsd, pids?.unbound].filter((pid): pid is number => pid !== undefined && alive(pid) && (commandLine(pid).includes(f.nsdConf) || commandLine(pid).includes(f.unboundConf)))
  for (const pid of ours) process.kill(pid, 'SIGTERM')
  const left = await waitGone(ours, 5000)
  for (const pid of left) process.kill(pid, 'SIGKILL')
  await waitGone(left, 2000)
  return ours
}

const isLabName = (name: string) => {
  try {
    return checkLabName(name) === name
  } catch {
    return false
  }
}

/** The lab whose domain this is and whose DNS runs, or undefined. */
export function labServing(domain: string): LabState | undefined {
  if (!existsSync(labsRoot())) return undefined
  for (const name of readdirSync(labsRoot())) {
    const state = isLabName(name) ? readState(name) : undefined
    if (state?.spec.domain === domain && state.dns?.nsd !== undefined && alive(state.dns.nsd)) return state
  }
  return undefined
}

/** Where `mailops dns --apply` published a domain's records. */
export interface LabPublication {
  lab: string
  serial: number
  /** the lab's resolver, which now answers with them */
  server: string
}

/**
 * Writes the records into the serving lab's zones (replacing the last ones); NSD rereads them
 * (SIGHUP: it reloads the zone files that changed), and this returns once the lab's resolver
 * answers with the new serial.
 */
export async function publishToLab(state: LabState, records: readonly DnsRecord[]): Promise<LabPublication> {
  const nsd = state.dns?.nsd
  if (nsd === undefined) throw InputError.at(undefined, 'dns.noLab', {domain: state.spec.domain}, t('dns.noLabHint'))
  const labDir = labFiles(state.spec.name).dir
  const serial = writeZones(state.spec, labDir, records)
  process.kill(nsd, 'SIGHUP')
  // NSD itself first, until its old server processes are gone (20 answers in a row, ≥ 1 s), then the resolver the hosts ask.
  await waitForSerial(`${state.spec.bridgeAddress}:${LAB_NSD_PORT}`, state.spec, labDir, serial, () => alive(nsd), 'nsd', 20)
  await waitForSerial(state.spec.bridgeAddress, state.spec, labDir, serial, () => alive(nsd), 'nsd')
  return {lab: state.spec.name, serial, server: state.spec.bridgeAddress}
}

/**
 * `mailops dns --apply`: the lab that serves the inventory's domain is found first (none: exit 2,
 * no host touched), then the records are computed as `mailops dns` does and published there.
 */
export async function dnsToLab(request: DnsRequest): Promise<DnsPublication & {published: LabPublication}> {
  const domain = domainOf(loadInventory(request.inventory))
  const state = domain === undefined ? undefined : labServing(domain)
  if (!state) throw InputError.at(undefined, 'dns.noLab', {domain: domain ?? '-'}, t('dns.noLabHint'))
  const publication = await dnsForInventory(request)
  return {...publication, published: await publishToLab(state, publication.records)}
}
