import {execFileSync} from 'node:child_process'

import {percentile} from '../../src/latency/stats.js'
import {SHARED_LAB} from '../e2e/lab-setup.js'

// node4 of the shared lab is 30 ms away (test/e2e/lab-setup.ts); node1 is on the bridge.
// The shared lab's own subnet: MAILOPS_TEST_LAB may have moved it off 198.18.1.0/24.
const PREFIX = SHARED_LAB.subnet.replace(/\d+\/24$/, '')
export const FAR = {address: `${PREFIX}14`, delayMs: SHARED_LAB.impairments.node4.delayMs}
export const NEAR = `${PREFIX}11`

/** Behind the emulated link: at least its delay, and not lost in a loaded machine's noise. */
export const behindLink = (measured: number) => measured >= FAR.delayMs && measured < FAR.delayMs * 1.5

/** The median RTT iputils ping measures (kernel receive timestamps): the reference for accuracy. */
export function iputilsMedian(address: string, count: number, intervalMs: number): number {
  const out = execFileSync('ping', ['-n', '-c', String(count), '-i', String(intervalMs / 1000), address], {encoding: 'utf8'})
  const times = [...out.matchAll(/time=([\d.]+) ms/g)].map((m) => Number(m[1])).sort((a, b) => a - b)
  return percentile(times, 0.5)
}
