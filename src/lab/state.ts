import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

import {writeFileAtomic} from '../util/fs.js'
import type {LabSystem} from './image.js'
import type {LinkImpairment, RegionLink} from './link.js'
import {checkLabName, type LabSpec} from './spec.js'

/** Where labs keep their keys, inventory and state; one folder per lab name. */
export function labsRoot(): string {
  return process.env.MAILOPS_LAB_DIR ?? '/var/lib/mailops/lab'
}

export function labDir(name: string): string {
  return join(labsRoot(), checkLabName(name))
}

/** Written first into a lab's folder: `down` removes only a folder that carries it. */
export const LAB_MARKER = '.mailops-lab'

/** Present while the blackhole route for 198.18.0.0/15 is one a lab added (not the machine's own). */
export const blackholeMarker = () => join(labsRoot(), '.blackhole-added-by-mailops')

/** The lab's DNS processes (src/lab/dns.ts). */
export interface LabDnsPids {
  nsd: number
  unbound: number
}

export interface LabState {
  spec: LabSpec
  /** absent in a lab made before booted hosts existed: those were `controller` hosts */
  os: LabSystem
  createdAt: string
  /** PID of each host's launcher (which became `unshare --kill-child`, or systemd-nspawn), by host name. */
  pids: Record<string, number>
  /** PID of the link forwarder of each impaired host. */
  forwarders: Record<string, number>
  impairments: Record<string, LinkImpairment>
  /** The links between regions (`--link`; absent in a lab made before them). */
  links?: RegionLink[]
  /** PID of the lab's apt proxy (booted hosts only). */
  proxy?: number
  /** PIDs of the lab's DNS: NSD for its zones, Unbound the hosts resolve through (absent in a lab made before it). */
  dns?: Partial<LabDnsPids>
  /** PID of the lab's ACME server (Pebble, src/lab/acme.ts; absent in a lab made before it). */
  pebble?: number
  /** The process that holds the lab while it lives ($MAILOPS_LAB_HOLDER, e.g. a test run): no other may replace or remove it. */
  holder?: LabHolder
}

export interface LabHolder {
  pid: number
  /** its start time, so that a reused PID is not taken for it */
  startTime: string
}

export function readState(name: string): LabState | undefined {
  const file = join(labDir(name), 'lab.json')
  if (!existsSync(file)) return undefined
  const state = JSON.parse(readFileSync(file, 'utf8')) as LabState
  return {...state, os: state.os ?? 'controller'}
}

/** Recorded before and after each step, so that a crashed `up` leaves a trail `down` can follow. */
export function writeState(state: LabState): void {
  writeFileAtomic(join(labDir(state.spec.name), 'lab.json'), JSON.stringify(state, null, 2) + '\n')
}

export const labFiles = (name: string) => {
  const dir = labDir(name)
  return {
    dir,
    key: join(dir, 'id_ed25519'),
    knownHosts: join(dir, 'known_hosts'),
    inventory: join(dir, 'inventory.yaml'),
    hostDir: (host: string) => join(dir, 'hosts', host),
  }
}

/** The peers as `lab up --json` and `lab status --json` show them: what a test needs to serve and reach one. */
export const labPeers = (spec: LabSpec) => (spec.peers ?? []).map((p) => ({name: p.name, domain: p.domain, mx: p.mx, address: p.address, region: p.region, netns: p.netns}))
