import type {TestProject} from 'vitest/node'

import {labDown, labUp} from '../../src/lab/lab.js'
import {labFiles} from '../../src/lab/state.js'

/**
 * The one lab every end-to-end test shares: 4 booted bare Debian 13 hosts on 198.18.1.0/24, up
 * once per run (never deployed: nothing mail-related on them); node4 sits behind an emulated link
 * 30 ms away (a far region). MAILOPS_TEST_LAB=NAME:SUBNET moves it, so that two checkouts can run
 * their tests side by side.
 */
const [labName = 'test', labSubnet = '198.18.1.0/24'] = (process.env.MAILOPS_TEST_LAB ?? '').split(':').filter(Boolean)
// Light hosts: the files that share this lab (ssh, exec, dns, latency) test transport and
// measurement; provisioning is tested on booted labs of their own (deploy, verify, examples,
// provision, booted). On booted hosts node4's probes through its emulated link came back empty in CI.
export const SHARED_LAB = {name: labName, hosts: 4, subnet: labSubnet, os: 'controller' as const, impairments: {node4: {delayMs: 30, lossPercent: 0}}}

export default async function setup(project: TestProject) {
  if (process.getuid?.() !== 0) {
    throw new Error('The end-to-end tests need root: they create lab hosts (network namespaces, mounts, cgroups). Run npm test as root.')
  }
  const log = (message: string) => process.stderr.write(`lab ${SHARED_LAB.name}: ${message}\n`)
  await labUp(SHARED_LAB, log)
  const files = labFiles(SHARED_LAB.name)
  project.provide('lab', {name: SHARED_LAB.name, inventory: files.inventory, knownHosts: files.knownHosts, key: files.key, dir: files.dir})
  return async () => {
    await labDown(SHARED_LAB.name, log)
  }
}

declare module 'vitest' {
  export interface ProvidedContext {
    lab: {name: string; inventory: string; knownHosts: string; key: string; dir: string}
  }
}
