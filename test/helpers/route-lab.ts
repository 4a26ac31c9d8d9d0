import {join} from 'node:path'
import {expect} from 'vitest'

import {mailops} from './cli.js'

/**
 * A routing test's lab of its own on light hosts (the subject is routing, not provisioning): node1
 * the core, the rest edges. `override` (NAME:SUBNET, from an environment variable) moves it;
 * MAILOPS_ROUTE_OS=debian13 (or debian12) runs it on booted hosts, Postfix 3.10 (3.7), instead of
 * the controller's own system.
 */
export function routeLab(defaults: {name: string; subnet: string}, override: string | undefined) {
  const [name = defaults.name, subnet = defaults.subnet] = (override ?? '').split(':').filter(Boolean)
  const net = subnet.replace(/\.0\/24$/, '')
  const domain = `${name}.mailops.test`
  const dir = `/var/lib/mailops/lab/${name}`
  return {
    name,
    subnet,
    os: process.env.MAILOPS_ROUTE_OS ?? 'controller',
    net,
    gateway: `${net}.1`,
    address: {node1: `${net}.11`, node2: `${net}.12`, node3: `${net}.13`, node4: `${net}.14`},
    domain,
    dir,
    inventory: `${dir}/inventory.yaml`,
    planFile: join(dir, 'routes.json'),
    /** A script run on a lab host as root; its stdout, the test failed when it exits non-zero. */
    onHost(host: string, script: string): string {
      const result = mailops(['lab', 'ssh', '--name', name, host, '--', script])
      expect(result.code, `${host}: ${result.stderr}`).toBe(0)
      return result.stdout
    },
  }
}

/** Polls `count` every 250 ms until it reaches `wanted` or `withinMs` is over (the caller asserts). */
export async function waitFor(count: () => number, wanted: number, withinMs: number): Promise<void> {
  const deadline = Date.now() + withinMs
  while (count() < wanted && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 250))
}
