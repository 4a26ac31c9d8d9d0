import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

import {writeFileAtomic} from '../util/fs.js'
import type {LinkImpairment} from './link.js'
import type {LabSpec} from './spec.js'

/** Where labs keep their keys, inventory and state; one folder per lab name. */
export function labsRoot(): string {
  return process.env.MAILOPS_LAB_DIR ?? '/var/lib/mailops/lab'
}

export function labDir(name: string): string {
  return join(labsRoot(), name)
}

export interface LabState {
  spec: LabSpec
  createdAt: string
  /** PID of each host's launcher (which became `unshare --kill-child`), by host name. */
  pids: Record<string, number>
  /** PID of the link forwarder of each impaired host. */
  forwarders: Record<string, number>
  impairments: Record<string, LinkImpairment>
}

export function readState(name: string): LabState | undefined {
  const file = join(labDir(name), 'lab.json')
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as LabState) : undefined
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
