import {spawnSync} from 'node:child_process'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {TraceReport} from '../../src/config/schemas/reports.js'
import {mailops} from '../helpers/cli.js'
import {expectValid} from '../helpers/schema.js'

// A core and an edge of a lab of their own, deployed from the bundled blueprints; a message sent
// to the edge from outside, then traced through both nodes' real logs. Light (namespace) hosts:
// this is about the logs, and provisioning is tested on booted hosts elsewhere.
const LAB = {name: 'tracetest', subnet: '198.18.13.0/24'}
const labDir = `/var/lib/mailops/lab/${LAB.name}`
const inventory = `${labDir}/inventory.yaml`
const [CORE, EDGE] = ['198.18.13.11', '198.18.13.12']
const ID = `<trace-${process.pid}@peer.test>`

const trace = (...args: string[]) => mailops(['trace', '-i', inventory, ...args])
const sh = (host: string, command: string) => mailops(['lab', 'ssh', '--name', LAB.name, host, '--', command])

beforeAll(async () => {
  const up = mailops(['lab', 'up', '--name', LAB.name, '--hosts', '2', '--subnet', LAB.subnet, '--os', 'controller'])
  if (up.code !== 0) throw new Error(`lab up failed: ${up.stderr}`)
  const deployed = mailops(['deploy', '-i', inventory, '--audit-dir', `${labDir}/audit`])
  if (deployed.code !== 0) throw new Error(`deploy failed: ${deployed.stdout}${deployed.stderr}`)
  const sent = spawnSync('swaks', ['--timeout', '10', '--helo', 'client.peer.test', '--server', EDGE, '--to', `demo@${LAB.name}.mailops.test`, '--from', 'bob@peer.test', '--header', `Message-Id: ${ID}`, '--body', 'traced'], {encoding: 'utf8'})
  if (sent.status !== 0) throw new Error(`swaks failed: ${sent.stdout}`)
  // Delivered when Dovecot logged it.
  for (let i = 0; i < 50 && sh('node1', `grep -qF 'msgid=${ID}' /var/log/dovecot.log`).code !== 0; i++) await new Promise((r) => setTimeout(r, 200))
})
afterAll(() => {
  mailops(['lab', 'down', '--name', LAB.name])
})

describe('mailops trace on deployed nodes', () => {
  it("follows the message from the edge's reception through the relay to the core's mailbox, in order", () => {
    const result = trace(ID, '--json')
    expect(result.code, result.stderr).toBe(0)
    const report = result.json()
    expectValid(TraceReport, report)
    expect(report.outcome).toBe('stored')
    const steps = report.events.filter((e: {kind: string; program: string}) => e.kind !== 'other' && e.program !== 'rspamd').map((e: {host: string; kind: string}) => `${e.host}:${e.kind}`)
    // Each node's own steps in order; the core receives after the edge queued. Where the relay took
    // into the next second (a loaded machine), the core's reception comes before the edge's
    // 'relayed' line, which Postfix writes once the core has answered: that is the true order.
    expect(steps.filter((s: string) => s.startsWith('node2:'))).toEqual(['node2:received', 'node2:queued', 'node2:relayed', 'node2:removed'])
    expect(steps.filter((s: string) => s.startsWith('node1:'))).toEqual(['node1:received', 'node1:queued', 'node1:delivered', 'node1:removed', 'node1:stored'])
    expect(steps.indexOf('node1:received')).toBeGreaterThan(steps.indexOf('node2:queued'))
    expect(steps).toHaveLength(9)
    // The edge's rspamd judged it (as a milter, before the queue): its verdict line, under the edge's queue id.
    const edgeQueue = report.events.find((e: {host: string; kind: string}) => e.host === 'node2' && e.kind === 'received').queueId
    expect(report.events.filter((e: {program: string}) => e.program === 'rspamd')).toContainEqual(expect.objectContaining({host: 'node2', kind: 'filtered', queueId: edgeQueue}))
    const relay = report.events.find((e: {kind: string}) => e.kind === 'relayed')
    expect(relay.relay).toContain(`[${CORE}]:25`)
    expect(relay.delaysMs).toHaveLength(4)
    // The two queue ids are each node's own; the mailbox delivery is stamped to the microsecond.
    expect(new Set(report.events.filter((e: {queueId?: string}) => e.queueId).map((e: {host: string; queueId: string}) => `${e.host}/${e.queueId}`)).size).toBe(2)
    expect(report.events.at(-1)).toMatchObject({host: 'node1', program: 'dovecot/lmtp', precision: 6})
    const times = report.events.map((e: {at: string}) => e.at)
    expect(times.map((t: string) => t.slice(0, 19))).toEqual([...times].map((t: string) => t.slice(0, 19)).sort())
  })

  it('shows the same as a table, and the brackets may be left out', () => {
    const result = trace(ID.slice(1, -1))
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/node2 +│ postfix\/smtp +│ \w+ +│ relayed/)
    expect(result.stdout).toContain(`${ID}: stored in a mailbox`)
  })

  it('exits 1 for a message no node logged, and 2 for what is not a Message-ID', () => {
    expect(trace('<nobody-sent-this@peer.test>').code).toBe(1)
    const bad = trace('two words')
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain("'two words' is not a Message-ID")
  })

  it('treats a hostile Message-ID as text, never as shell', () => {
    const result = trace(`<a'$(touch\${IFS}/tmp/pwned-trace)\`touch\${IFS}/tmp/pwned-trace2\`@x>`)
    expect(result.code).toBe(1)
    expect(sh('node1', 'ls /tmp/pwned-trace /tmp/pwned-trace2 2>&1 || true').stdout).toContain('No such file')
    expect(sh('node2', 'ls /tmp/pwned-trace /tmp/pwned-trace2 2>&1 || true').stdout).toContain('No such file')
  })
})
