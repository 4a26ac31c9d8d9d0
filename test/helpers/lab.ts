import {copyFileSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {inject} from 'vitest'

import {loadInventory, type LoadedInventory} from '../../src/fleet/inventory.js'

/** The shared lab's inventory, loaded as mailops loads any inventory. */
export function sharedLab(): LoadedInventory & {key: string; dir: string} {
  const lab = inject('lab')
  return {...loadInventory(lab.inventory), key: lab.key, dir: lab.dir}
}

/** A private copy of the lab's known_hosts that a test may change freely. */
export function knownHostsCopy(content?: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'mailops-kh-')), 'known_hosts')
  if (content === undefined) copyFileSync(inject('lab').knownHosts, path)
  else writeFileSync(path, content)
  return path
}

export function readText(path: string): string {
  return readFileSync(path, 'utf8')
}

/**
 * An address in a lab's own /24 that no host of it can have: hosts are .11 to .(10 + MAX_HOSTS)
 * = .210 and the bridge is .1, so nothing answers at .250 (the connection times out), and it is
 * inside the test's own subnet, never another lab's (the lab's blackhole route keeps the rest
 * of 198.18.0.0/15 off the wire).
 */
export function ghostAddress(subnet: string): string {
  return subnet.replace(/\.\d+\/24$/, '.250')
}
