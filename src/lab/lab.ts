import {closeSync, copyFileSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync} from 'node:fs'
import {spawn} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import {dirname, join} from 'node:path'
import {$} from 'zx'
import {stringify} from 'yaml'

import {ExitCode, InputError, MailopsError} from '../errors.js'
import {t} from '../i18n/index.js'
import {mapLimit} from '../util/concurrency.js'
import {writeFileAtomic} from '../util/fs.js'
import {readBanner, waitForBanner} from '../util/net.js'
import {cgroupExists, cgroupMemoryBytes, cgroupPids, createHostCgroups, HOST_LIMITS, removeHostCgroups} from './cgroup.js'
import {startPebble, stopPebble} from './acme.js'
import {resolvConf, startLabDns, stopLabDns} from './dns.js'
import {type BootedSystem, debCacheDir, ensureImage, type LabSystem} from './image.js'
import {BOOTED_LAB_PACKAGES, ensurePackages, LAB_ACME_PACKAGES, LAB_DNS_PACKAGES, LAB_PACKAGES} from './packages.js'
import {FORWARDER_PY, type LinkImpairment, type PeerTable, peerTables, perDirectionLoss, type RegionLink, untilReady} from './link.js'
import {alive, commandLine, inNetns, startTime, waitGone} from './processes.js'
import {proxyFiles, startAptProxy} from './proxy.js'
import {bootScript, hostsFile, initScript, launchScript, sshdConfig} from './scripts.js'
import {LAB_NETWORK, labSpec, type LabHostSpec, type LabPeerSpec, type LabSpec} from './spec.js'
import {labMailSetup, type LabMailSetup, type LabTls} from './pki.js'
import {blackholeMarker, LAB_MARKER, labFiles, type LabHolder, labPeers, type LabState, readState, writeState} from './state.js'

/** Told each step of bringing a lab up or down, as a sentence for the user. */
export type LabStepReporter = (message: string) => void

const quiet = $({quiet: true})
const tolerant = $({quiet: true, nothrow: true})
const cgroupName = (spec: LabSpec, host: LabHostSpec) => `${spec.name}-${host.name}`
/** Hosts set up at once: each is a handful of short `ip` calls and one ssh-keygen. */
const SETUP_CONCURRENCY = 4
const SSHD_READY_MS = 15_000
/** Debian's python3 runs the link forwarder (whatever other python is first on PATH). */
const PYTHON = '/usr/bin/python3'

function requireRoot(): void {
  if (process.getuid?.() !== 0) {
    throw new MailopsError(t('lab.needRoot'), {code: 'LAB_NOT_ROOT', exit: ExitCode.badInput, hint: t('hint.labRoot')})
  }
}

export interface LabUpOptions {
  name: string
  hosts: number
  subnet: string
  /** Hosts put behind an emulated slow or lossy link, by name. */
  impairments?: Record<string, LinkImpairment>
  /** Hosts placed in a region of their own, by name (the others get one by index). */
  regions?: Record<string, string>
  /** Delay and loss between every host of one region and every host of another; adds to `impairments`. */
  links?: RegionLink[]
  /** Destination mail servers (peer1..N) beside the hosts; none when not given. */
  peers?: number
  /** How many of the hosts, from node1 on, are cores (replicating when two or more); one when not given. */
  cores?: number
  /** What the hosts run (see LAB_SYSTEMS); booted Debian 13, the current stable, when not given. */
  os?: LabSystem
  /** Who issues the nodes' certificates (LAB_TLS): the lab's CA when not given. */
  tls?: LabTls
}

/**
 * The process this run holds labs for: $MAILOPS_LAB_HOLDER names it (a test run sets its own PID,
 * and every command it starts inherits it). Unset: labs are held by nobody.
 */
function holderOfThisRun(): LabHolder | undefined {
  const pid = Number(process.env.MAILOPS_LAB_HOLDER)
  const started = Number.isInteger(pid) && pid > 0 ? startTime(pid) : undefined
  return started === undefined ? undefined : {pid, startTime: started}
}

/**
 * A lab another live process holds is neither replaced nor removed: a second test run (another
 * checkout, an engineer's single file) that names the same lab would tear it down under the first.
 */
function refuseHeldByAnother(name: string): void {
  const holder = readState(name)?.holder
  if (!holder || startTime(holder.pid) !== holder.startTime) return
  const mine = holderOfThisRun()
  if (mine?.pid === holder.pid && mine.startTime === holder.startTime) return
  throw new MailopsError(t('lab.held', {name, pid: holder.pid, command: commandLine(holder.pid).trim().slice(0, 120)}), {code: 'LAB_IN_USE', exit: ExitCode.checksFailed, hint: t('lab.heldHint', {pid: holder.pid})})
}

/** Creates the lab's hosts and writes its inventory and known_hosts; cleans up a crashed lab first. */
export async function labUp(options: LabUpOptions, progress: LabStepReporter): Promise<LabState> {
  const spec = labSpec(options.name, options.hosts, options.subnet, options.regions, options.peers, options.cores)
  const impairments = options.impairments ?? {}
  const links = options.links ?? []
  const ends = linkEnds(spec)
  // Checked here, before anything exists: a region no host is in is refused.
  peerTables(ends, links)
  for (const host of Object.keys(impairments)) {
    if (!ends.some((h) => h.name === host)) {
      throw InputError.at(undefined, 'lab.unknownHost', {host, name: spec.name, valid: ends.map((h) => h.name).join(', ')})
    }
  }
  const os = options.os ?? 'debian13'
  // ACME nodes renew by a systemd timer: a host without systemd could never keep its certificate.
  if (options.tls === 'acme' && os === 'controller') throw InputError.at(undefined, 'lab.acmeNeedsBooted', {os})
  requireRoot()
  await ensurePackages([...LAB_PACKAGES, ...LAB_DNS_PACKAGES, ...LAB_ACME_PACKAGES, ...(os === 'controller' ? [] : BOOTED_LAB_PACKAGES)], progress)
  refuseForeignFolder(spec.name)
  refuseHeldByAnother(spec.name)
  // Built (once per machine) before anything of the lab exists: a failed build leaves no lab.
  const image = os === 'controller' ? undefined : await ensureImage(os, progress)
  if (existsSync(labFiles(spec.name).dir) || (await leftoverNetns(spec.name)).length > 0) {
    progress(t('lab.cleaning', {name: spec.name}))
    await labDown(spec.name, () => {}, spec)
  }
  const files = labFiles(spec.name)
  mkdirSync(files.dir, {recursive: true, mode: 0o700})
  writeFileSync(join(files.dir, LAB_MARKER), `mailops lab ${spec.name}\n`)
  const holder = holderOfThisRun()
  const state: LabState = {spec, os, createdAt: new Date().toISOString(), pids: {}, forwarders: {}, impairments, links, ...(holder ? {holder} : {})}
  writeState(state)
  try {
    await createLab(spec, state, image, options.tls ?? 'ca', progress)
  } catch (error) {
    // A lab that did not come up whole is taken down whole: nothing is left running.
    await labDown(spec.name, () => {}, spec).catch(() => undefined)
    if (error instanceof MailopsError) throw error
    throw new MailopsError(t('lab.upFailed', {name: spec.name, reason: String((error as Error).message ?? error).trim().split('\n')[0]}), {code: 'LAB_UP_FAILED', exit: ExitCode.internal})
  }
  progress(t('lab.ready', {count: spec.hosts.length, inventory: files.inventory}))
  return state
}

async function createLab(spec: LabSpec, state: LabState, image: string | undefined, tls: LabTls, progress: LabStepReporter): Promise<void> {
  const files = labFiles(spec.name)
  const tables = peerTables(linkEnds(spec), state.links ?? [])
  if (Object.keys(state.impairments).length + Object.keys(tables).length > 0) writeFileSync(join(files.dir, 'forwarder.py'), FORWARDER_PY)
  await quiet`ssh-keygen -q -t ed25519 -N ${''} -C ${`mailops-lab-${spec.name}`} -f ${files.key}`
  // Only lab hosts answer in 198.18.0.0/15: any address of it without a lab bridge is dropped
  // here instead of following the default route off the machine.
  if (!(await tolerant`ip route show type blackhole exact ${LAB_NETWORK}`).stdout.trim()) {
    writeFileSync(blackholeMarker(), `${LAB_NETWORK}\n`)
    await quiet`ip route add blackhole ${LAB_NETWORK}`
  }
  await quiet`ip link add ${spec.bridge} type bridge`
  disableIpv6(spec.bridge)
  await quiet`ip addr add ${`${spec.bridgeAddress}/24`} dev ${spec.bridge}`
  await quiet`ip addr add ${`${spec.probeAddress}/24`} dev ${spec.bridge}`
  await quiet`ip link set ${spec.bridge} up`
  await startLabDns(spec, files.dir, (pids) => {
    state.dns = pids
    writeState(state)
  })
  // After the DNS: Pebble resolves the nodes' names through the lab's Unbound.
  await startPebble(spec, files.dir, (pid) => {
    state.pebble = pid
    writeState(state)
  })
  if (image) {
    state.proxy = await startAptProxy(spec, files.dir)
    writeState(state)
  }

  for (const peer of spec.peers ?? []) {
    await wire(spec, peer, state, tables[peer.name])
    progress(t('lab.peerCreated', {peer: peer.name, address: peer.address, domain: peer.domain}))
  }
  const clientKey = readFileSync(`${files.key}.pub`, 'utf8')
  const hostKeys = await mapLimit(spec.hosts, SETUP_CONCURRENCY, async (host) => {
    const key = await createHost(spec, host, clientKey, state, image, tables[host.name])
    progress(t('lab.hostCreated', {host: host.name, address: host.address}))
    return key
  })
  for (const host of spec.hosts) {
    await waitForBanner(host.address, 22, 'SSH-', SSHD_READY_MS).catch((error: Error) => {
      // The lab is taken down after this failure, its folder with it: the host's console log is
      // kept beside the folder, where the hint can name it.
      const kept = join(dirname(files.dir), `${spec.name}.${host.name}.console.log`)
      try {
        copyFileSync(`${files.hostDir(host.name)}/console.log`, kept)
      } catch {}
      throw new MailopsError(t('lab.sshdNotReady', {host: host.name, reason: error.message}), {
        code: 'LAB_HOST_FAILED',
        exit: ExitCode.internal,
        ...(existsSync(kept) ? {hint: t('hint.labConsole', {file: kept})} : {}),
      })
    })
  }
  writeFileAtomic(files.knownHosts, spec.hosts.map((h, i) => `${h.address},${h.fqdn} ${hostKeys[i]}`).join('\n') + '\n')
  writeFileAtomic(files.inventory, labInventory(spec, await labMailSetup(spec, files.dir, tls)))
}

async function createHost(spec: LabSpec, host: LabHostSpec, clientKey: string, state: LabState, image: string | undefined, table: PeerTable | undefined): Promise<string> {
  const dir = labFiles(spec.name).hostDir(host.name)
  mkdirSync(dir, {recursive: true, mode: 0o700})
  await quiet`ssh-keygen -q -t ed25519 -N ${''} -C ${host.fqdn} -f ${`${dir}/ssh_host_ed25519_key`}`
  writeFileSync(`${dir}/authorized_keys`, clientKey, {mode: 0o600})
  writeFileSync(`${dir}/sshd.conf`, sshdConfig(host))
  writeFileSync(`${dir}/hosts`, hostsFile(spec))
  writeFileSync(`${dir}/resolv.conf`, resolvConf(spec))
  writeFileSync(`${dir}/machine-id`, randomBytes(16).toString('hex') + '\n')
  const init = image ? bootScript(host, dir, image, debCacheDir(state.os as BootedSystem), cgroupName(spec, host)) : initScript(host, dir)
  writeFileSync(`${dir}/init.sh`, init, {mode: 0o700})

  await wire(spec, host, state, table)

  const procs = createHostCgroups(cgroupName(spec, host))
  writeFileSync(`${dir}/launch.sh`, launchScript(host, dir, procs, image !== undefined), {mode: 0o700})
  const console = openSync(`${dir}/console.log`, 'a')
  const child = spawn('/bin/sh', [`${dir}/launch.sh`], {detached: true, stdio: ['ignore', console, console]})
  closeSync(console)
  child.unref()
  state.pids[host.name] = child.pid!
  writeState(state)
  return readFileSync(`${dir}/ssh_host_ed25519_key.pub`, 'utf8').split(' ').slice(0, 2).join(' ')
}

/** Every end of the lab's links: its hosts, then its peers. */
const linkEnds = (spec: LabSpec): Array<LabHostSpec | LabPeerSpec> => [...spec.hosts, ...(spec.peers ?? [])]

/**
 * A host's or a peer's network namespace on the bridge: a veth, or the forwarder when it has an
 * impairment or a peer table; its fixed MAC and address, no IPv6, no default route.
 */
async function wire(spec: LabSpec, end: LabHostSpec | LabPeerSpec, state: LabState, table: PeerTable | undefined): Promise<void> {
  await quiet`ip netns add ${end.netns}`
  const impairment = state.impairments[end.name]
  if (impairment || table) await startForwarder(spec, end, impairment ?? {delayMs: 0, lossPercent: 0}, table ?? {}, state)
  else await quiet`ip link add ${end.link} type veth peer name eth0 netns ${end.netns}`
  await quiet`ip -n ${end.netns} link set eth0 address ${end.mac}`
  await quiet`ip link set ${end.link} master ${spec.bridge} up`
  await quiet`ip netns exec ${end.netns} sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1`
  await quiet`ip -n ${end.netns} addr add ${`${end.address}/24`} dev eth0`
  await quiet`ip -n ${end.netns} link set lo up`
  await quiet`ip -n ${end.netns} link set eth0 up`
}

/**
 * Puts a host behind the link forwarder: it creates both TAP devices (they live as long as it
 * does) and says "ready"; the inner one then moves into the host as eth0, and the pair is wired
 * like a veth pair. `impairment` applies to all its frames, `table` adds per peer address.
 */
async function startForwarder(spec: LabSpec, host: LabHostSpec | LabPeerSpec, impairment: LinkImpairment, table: PeerTable, state: LabState): Promise<void> {
  const files = labFiles(spec.name)
  // A peer has no folder of its own but this log.
  mkdirSync(files.hostDir(host.name), {recursive: true, mode: 0o700})
  const log = openSync(`${files.hostDir(host.name)}/forwarder.log`, 'a')
  const inner = `${host.link}i`
  const perPeer = Object.fromEntries(Object.entries(table).map(([address, p]) => [address, [p.delayMs, perDirectionLoss(p.lossPercent), (p.flowLossPercent ?? 0) / 100]]))
  const args = [join(files.dir, 'forwarder.py'), host.link, inner, String(impairment.delayMs), String(perDirectionLoss(impairment.lossPercent)), JSON.stringify(perPeer)]
  const child = spawn(PYTHON, args, {detached: true, stdio: ['ignore', 'pipe', log]})
  closeSync(log)
  state.forwarders[host.name] = child.pid!
  writeState(state)
  await new Promise<void>((resolve, reject) => {
    const log = `${files.hostDir(host.name)}/forwarder.log`
    const timer = setTimeout(() => reject(new Error(`link forwarder for ${host.name} did not start within 15 s; see ${log}`)), 15_000)
    untilReady(child.stdout!).then(() => {
      clearTimeout(timer)
      child.stdout!.destroy()
      child.unref()
      resolve()
    }, () => undefined)
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`link forwarder for ${host.name} exited with ${code}: ${readFileSync(log, 'utf8').trim().split('\n').at(-1)}`))
    })
  })
  // The forwarder said ready once both TAPs exist, but on a loaded machine the name may take a
  // moment to be visible to `ip`: wait for it (bounded) instead of failing the lab.
  // (5 s was once too short in CI while a booted lab came up beside it.)
  const deadline = Date.now() + 15_000
  while ((await tolerant`ip link show ${inner}`).exitCode !== 0) {
    if (!alive(child.pid!)) throw new Error(`link forwarder for ${host.name} exited after it said ready: ${readFileSync(`${files.hostDir(host.name)}/forwarder.log`, 'utf8').trim().split('\n').at(-1)}`)
    if (Date.now() > deadline) throw new Error(`link forwarder for ${host.name}: device ${inner} did not appear within 15 s`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  await quiet`ip link set ${inner} netns ${host.netns}`
  await quiet`ip -n ${host.netns} link set ${inner} name eth0`
}

function disableIpv6(link: string): void {
  const file = `/proc/sys/net/ipv6/conf/${link}/disable_ipv6`
  if (existsSync(file)) writeFileSync(file, '1')
}

function labInventory(spec: LabSpec, mail: LabMailSetup): string {
  const header = `# Written by \`mailops lab up\` for the lab "${spec.name}"; paths are relative to this file.\n`
  return (
    header +
    stringify({
      knownHosts: 'known_hosts',
      secretsFile: mail.secretsFile,
      defaults: {user: 'root', port: 22, key: 'id_ed25519'},
      vars: mail.vars,
      hosts: spec.hosts.map((h) => ({name: h.name, address: h.address, role: h.role, region: h.region, vars: mail.hostVars[h.name]})),
    })
  )
}

async function leftoverNetns(name: string): Promise<string[]> {
  const list = await tolerant`ip netns list`
  return list.stdout
    .split('\n')
    .map((line) => line.split(' ')[0])
    .filter((ns) => ns.startsWith(`mailops-${name}-`))
}

/** SIGKILL, where a process that already ended is not an error. */
function kill(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error
  }
}

export interface DownReport {
  name: string
  killed: number[]
  namespaces: string[]
  links: string[]
  cgroups: string[]
}

/**
 * Ends the lab's processes (only those recorded, or found inside the lab's own namespaces and
 * cgroups), then removes namespaces, links, cgroups and the lab's folder. Safe to run twice.
 */
export async function labDown(name: string, progress: LabStepReporter, fallback?: LabSpec): Promise<DownReport> {
  requireRoot()
  refuseForeignFolder(name)
  refuseHeldByAnother(name)
  const state = readState(name)
  const spec = state?.spec ?? fallback
  const report: DownReport = {name, killed: [], namespaces: [], links: [], cgroups: []}
  const namespaces = new Set([...(spec ? linkEnds(spec).map((h) => h.netns) : []), ...(await leftoverNetns(name))])

  const proxy = state?.proxy
  if (proxy && alive(proxy) && commandLine(proxy).includes(proxyFiles(labFiles(name).dir).conf)) {
    kill(proxy)
    await waitGone([proxy], 5000)
    report.killed.push(proxy)
  }
  report.killed.push(...(await stopPebble(state?.pebble, labFiles(name).dir)))
  report.killed.push(...(await stopLabDns(state?.dns, labFiles(name).dir)))
  for (const end of spec ? linkEnds(spec) : []) {
    const forwarder = state?.forwarders?.[end.name]
    if (forwarder && alive(forwarder) && commandLine(forwarder).includes(`${labFiles(name).dir}/forwarder.py`)) {
      kill(forwarder)
      await waitGone([forwarder], 5000)
      report.killed.push(forwarder)
    }
  }
  for (const host of spec?.hosts ?? []) {
    if (state && state.os !== 'controller') keepDownloadedDebs(state, host)
    const leaf = cgroupName(spec!, host)
    const recorded = state?.pids[host.name]
    const ours = (pid: number) => inNetns(pid, host.netns) || cgroupPids(leaf).includes(pid)
    const victims = new Set<number>()
    if (recorded && alive(recorded) && ours(recorded)) victims.add(recorded)
    for (const pid of cgroupExists(leaf) ? cgroupPids(leaf) : []) victims.add(pid)
    for (const pid of victims) kill(pid)
    const left = await waitGone([...victims], 5000)
    if (left.length > 0) throw new MailopsError(t('lab.stuck', {pids: left.join(' ')}), {code: 'LAB_STUCK', exit: ExitCode.internal})
    report.killed.push(...victims)
    if (cgroupExists(leaf)) {
      removeHostCgroups(leaf)
      report.cgroups.push(leaf)
    }
  }
  for (const ns of namespaces) {
    // Processes in a namespace of this lab that no record knows of (a crashed `up`).
    const pids = (await tolerant`ip netns pids ${ns}`).stdout.split('\n').filter(Boolean).map(Number)
    for (const pid of pids) if (inNetns(pid, ns)) kill(pid)
    await waitGone(pids, 5000)
    report.killed.push(...pids)
    await tolerant`ip netns del ${ns}`
    report.namespaces.push(ns)
  }
  // A veth usually goes with its namespace, but the kernel may take a moment: delete what is still there.
  for (const link of spec ? [...linkEnds(spec).map((h) => h.link), spec.bridge] : []) {
    if ((await tolerant`ip link del ${link}`).exitCode === 0) report.links.push(link)
  }
  const deadline = Date.now() + 3000
  while (spec && (await tolerant`ip link show ${spec.bridge}`).exitCode === 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  rmSync(labFiles(name).dir, {recursive: true, force: true})
  // The blackhole route goes with the last lab, and only if a lab put it there.
  if (existsSync(blackholeMarker()) && !(await otherLabsUp())) {
    await tolerant`ip route del blackhole ${LAB_NETWORK}`
    rmSync(blackholeMarker(), {force: true})
  }
  progress(t('lab.down', {name}))
  return report
}

/**
 * Saves the .debs a booted host downloaded into the release's cache, so that the next lab's
 * hosts install them without the mirror. Read through the launcher's mount namespace (the host's
 * tmpfs is only mounted there), before the host is stopped. Each file lands whole or not at all;
 * apt checks every .deb against the signed index before using it.
 */
function keepDownloadedDebs(state: LabState, host: LabHostSpec): void {
  const pid = state.pids[host.name]
  const downloaded = `/proc/${pid}/root${labFiles(state.spec.name).hostDir(host.name)}/fs/debs`
  const cache = debCacheDir(state.os as BootedSystem)
  try {
    // systemd-nspawn itself stays in the root network namespace: its cgroup says it is the host's.
    if (!alive(pid) || !cgroupPids(cgroupName(state.spec, host)).includes(pid)) return
    for (const file of readdirSync(downloaded)) {
      if (!/^[\w.+~%-]+\.deb$/.test(file) || existsSync(join(cache, file))) continue
      const temp = join(cache, `.${file}.${process.pid}.tmp`)
      copyFileSync(join(downloaded, file), temp)
      renameSync(temp, join(cache, file))
    }
  } catch {
    // A host that is gone or never downloaded anything leaves nothing to keep.
  }
}

/** A folder where a lab would live that is not a lab's (no marker): never removed, never reused. */
function refuseForeignFolder(name: string): void {
  const {dir} = labFiles(name)
  // lab.json: a lab made before the marker existed.
  if (existsSync(dir) && !existsSync(join(dir, LAB_MARKER)) && !existsSync(join(dir, 'lab.json'))) throw InputError.at(undefined, 'lab.foreignFolder', {dir, marker: LAB_MARKER})
}

/** Whether any lab bridge is still there (the blackhole route stays while one is). */
async function otherLabsUp(): Promise<boolean> {
  const links = await tolerant`ip -o link show type bridge`
  return /^\d+: mo\d+br[:@]/m.test(links.stdout)
}

export interface HostStatus {
  name: string
  address: string
  role: string
  region: string
  pid?: number
  running: boolean
  sshd: string | null
  processes: number
  pidsLimit: number
  /** what the host's cgroup holds now: processes, page cache, its tmpfs */
  memoryBytes?: number
  link?: LinkImpairment
}

export async function labStatus(name: string): Promise<{name: string; os: LabSystem | null; inventory: string | null; hosts: HostStatus[]; links: RegionLink[]; peers: ReturnType<typeof labPeers>}> {
  const state = readState(name)
  if (!state) return {name, os: null, inventory: null, hosts: [], links: [], peers: []}
  const hosts = await Promise.all(
    state.spec.hosts.map(async (host): Promise<HostStatus> => {
      const pid = state.pids[host.name]
      const running = pid !== undefined && alive(pid)
      const sshd = running ? await readBanner(host.address, 22, 2000).catch(() => null) : null
      return {
        name: host.name,
        address: host.address,
        role: host.role,
        region: host.region,
        pid,
        running,
        sshd,
        processes: cgroupExists(cgroupName(state.spec, host)) ? cgroupPids(cgroupName(state.spec, host)).length : 0,
        pidsLimit: HOST_LIMITS.pids,
        ...(running ? {memoryBytes: cgroupMemoryBytes(cgroupName(state.spec, host))} : {}),
        ...(state.impairments?.[host.name] ? {link: state.impairments[host.name]} : {}),
      }
    }),
  )
  return {name, os: state.os, inventory: labFiles(name).inventory, hosts, links: state.links ?? [], peers: labPeers(state.spec)}
}
