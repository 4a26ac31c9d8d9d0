import {afterEach, beforeAll, expect} from 'vitest'

import {ensureImage} from '../../src/lab/image.js'
import {mailops} from './cli.js'

/**
 * A lab of booted Debian hosts that a test file has to itself (booted.test.ts, provision.test.ts):
 * both images built before the first test (once per machine: setup.sh builds them in CI, a minute
 * or two otherwise), the lab taken down after every test, passed or not.
 */
export function bootedLab(name: string, subnet: string) {
  beforeAll(async () => {
    await ensureImage('debian13', () => {})
    await ensureImage('debian12', () => {})
  }, 600_000)
  afterEach(() => {
    mailops(['lab', 'down', '--name', name])
  })
  const dir = `/var/lib/mailops/lab/${name}`
  return {
    name,
    subnet,
    dir,
    inventory: `${dir}/inventory.yaml`,
    /** lab up with HOSTS hosts running OS; further flags as given. */
    up: (hosts: number, os: 'debian13' | 'debian12', ...flags: string[]) => {
      const result = mailops(['lab', 'up', '--name', name, '--hosts', String(hosts), '--subnet', subnet, '--os', os, ...flags])
      expect(result.code, result.stderr + result.stdout).toBe(0)
      return result
    },
    /** A command on a host over the lab's SSH (as root). */
    sh: (host: string, command: string) => mailops(['lab', 'ssh', '--name', name, host, '--', command]),
  }
}
