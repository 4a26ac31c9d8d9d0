import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {parseDocument} from 'yaml'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {DnsRecord} from '../../src/dns/records.js'
import {publishToLab} from '../../src/lab/dns.js'
import {readState} from '../../src/lab/state.js'
import {mailops} from '../helpers/cli.js'
import {routeLab, waitFor} from '../helpers/route-lab.js'
import {matrixRow} from '../helpers/route-matrix.js'
import {expectValid} from '../helpers/schema.js'
import {type PeerMessage, startSmtpPeer} from '../helpers/smtp-peer.js'
import {RouteApplyReport} from '../../src/config/schemas/route.js'

// node1 the core, node2 edge A, node3 edge B; MAILOPS_ROUTE_LAB=NAME:SUBNET moves the lab
// (MAILOPS_TEST_LAB names the shared lab of the whole run, which this file does not use). What
// routing gains is timed alone, after the suite: test/timing/route-gain.test.ts.
const lab = routeLab({name: 'routetest', subnet: '198.18.17.0/24'}, process.env.MAILOPS_ROUTE_LAB)
const {name: NAME, subnet: SUBNET, os: OS, net: NET, gateway: GATEWAY, address: ADDRESS, domain: DOMAIN, dir: labDir, inventory, planFile, onHost} = lab
// The destination: a domain of the lab's zone whose MX is an SMTP peer on the lab's bridge.
const DESTINATION = `dest.${DOMAIN}`

type Check = {id: string; status: string; message: string; target?: string; evidence?: string}
type Node = {name: string; checks: Check[]}

const received: PeerMessage[] = []
let peer: Awaited<ReturnType<typeof startSmtpPeer>> | undefined

const verify = (...args: string[]) => mailops(['verify', '-i', inventory, '--resolver', GATEWAY, '--json', ...args])
const checks = (report: {nodes: Node[]}, id: string) => report.nodes.flatMap((n) => n.checks.filter((c) => c.id === id).map((c) => ({node: n.name, ...c})))
/** N messages submitted on the core (its sendmail: pickup, then the transport map), each with its own subject. */
const submit = (tag: string, n: number) =>
  onHost('node1', `for i in $(seq 1 ${n}); do printf 'From: postmaster@${DOMAIN}\\nTo: someone@${DESTINATION}\\nSubject: ${tag} %s\\n\\nrouted\\n' $i | /usr/sbin/sendmail -f postmaster@${DOMAIN} someone@${DESTINATION}; done`)

describe('route apply: a destination routed core → edge A, fallback edge B', () => {
  // The setup of the whole file: the lab, the plan from a matrix, route apply, the destination's MX.
  beforeAll(async () => {
    const up = mailops(['lab', 'up', '--name', NAME, '--hosts', '3', '--subnet', SUBNET, '--os', OS])
    if (up.code !== 0) throw new Error(`lab up failed: ${up.stderr}`)
    // The matrix as `mailops latency -i … --json` measures it: edge A nearest the destination, B next, the core far.
    const matrix = join(labDir, 'matrix.json')
    const rows = [
      matrixRow('node1', 'node2', 5, {host: ADDRESS.node2}),
      matrixRow('node1', 'node3', 5, {host: ADDRESS.node3}),
      matrixRow('node1', DESTINATION, 200, {host: `peer.${DOMAIN}`}),
      matrixRow('node2', DESTINATION, 10, {host: `peer.${DOMAIN}`}),
      matrixRow('node3', DESTINATION, 50, {host: `peer.${DOMAIN}`}),
    ]
    writeFileSync(matrix, JSON.stringify({measuredAt: new Date().toISOString(), targets: rows}))
    const planned = mailops(['route', 'plan', '-i', inventory, '--matrix', matrix, '-o', planFile])
    if (planned.code !== 0) throw new Error(`route plan failed: ${planned.stderr}`)
    // The inventory names the plan: every deploy renders it.
    const doc = parseDocument(readFileSync(inventory, 'utf8'))
    doc.setIn(['vars', 'route_plan'], 'routes.json')
    writeFileSync(inventory, doc.toString())
    const applied = mailops(['route', 'apply', '-i', inventory, '--json'])
    if (applied.code !== 0) throw new Error(`route apply failed: ${applied.stderr}${applied.stdout.slice(0, 3000)}`)
    const report = applied.json()
    expectValid(RouteApplyReport, report)
    // Every host of the fleet got the plan: the core its transport lines, both edges their relay for it.
    if (report.deploy.hosts.some((h: {status: string}) => h.status !== 'changed')) throw new Error(`route apply left a host unchanged or failed: ${applied.stdout.slice(0, 3000)}`)
    if (JSON.stringify(report.plan.relayFor) !== JSON.stringify({node2: ['node1'], node3: ['node1']})) throw new Error(`relayFor: ${JSON.stringify(report.plan.relayFor)}`)
    // The peer takes the destination's mail on the bridge, port 25 (where its MX points).
    peer = await startSmtpPeer({host: GATEWAY, port: 25, onMessage: (m) => received.push(m)})
    const printed = mailops(['dns', '-i', inventory, '--json'])
    if (printed.code !== 0) throw new Error(`dns failed: ${printed.stderr}`)
    const records: DnsRecord[] = [...printed.json().records, {name: `peer.${DOMAIN}.`, type: 'A', value: GATEWAY}, {name: `${DESTINATION}.`, type: 'MX', priority: 10, value: `peer.${DOMAIN}.`}]
    await publishToLab(readState(NAME)!, records)
  }, 600_000)

  afterAll(async () => {
    await peer?.close()
    mailops(['lab', 'down', '--name', NAME])
  })

  it("puts the plan's nexthop list on the core, which Postfix accepts, and lets only the core relay through the edges", () => {
    const line = `${DESTINATION} smtp:[${ADDRESS.node2}]:25, [${ADDRESS.node3}]:25`
    expect(JSON.parse(readFileSync(planFile, 'utf8')).transport).toEqual([{core: 'node1', entries: [line]}])
    // A nexthop list needs Postfix 3.5 or later (Debian 12: 3.7, Debian 13: 3.10).
    const version = onHost('node1', 'postconf -h mail_version').trim()
    expect(Number(version.split('.')[0]) * 100 + Number(version.split('.')[1]), `Postfix ${version}`).toBeGreaterThanOrEqual(305)
    process.stderr.write(`route test: Postfix ${version} on ${OS} hosts\n`)
    // Postfix's own view: postfix check is clean, and the map answers the list as written.
    expect(onHost('node1', 'postfix check 2>&1; postmap -q ' + DESTINATION + ' texthash:/etc/postfix/transport_routes').trim()).toBe(`smtp:[${ADDRESS.node2}]:25, [${ADDRESS.node3}]:25`)
    expect(onHost('node2', `postmap -q ${ADDRESS.node1} cidr:/etc/postfix/route_clients; postconf -h mynetworks`).trim().split('\n')).toEqual(['DISABLE', '127.0.0.0/8, cidr:/etc/postfix/route_clients'])
    // A plain deploy afterwards keeps the routes: nothing changes on any host.
    const again = mailops(['deploy', '-i', inventory, '--blueprint', 'core,edge,outbound', '--dry-run', '--json'])
    expect(again.code, again.stderr).toBe(0)
    expect(again.json().hosts.map((h: {host: string; files: Array<{action: string}>}) => [h.host, h.files.filter((f) => f.action !== 'unchanged').length])).toEqual([
      ['node1', 0],
      ['node2', 0],
      ['node3', 0],
    ])
    // A new plan (edge B nearer now), re-planned against the current one: route apply --dry-run shows the core's new line, changes nothing.
    const current = readFileSync(planFile, 'utf8')
    const matrix = join(labDir, 'matrix.json')
    const moved = JSON.parse(readFileSync(matrix, 'utf8'))
    for (const row of moved.targets) if (row.id === DESTINATION && row.from !== 'node1') row.stats = {...row.stats, ...(row.from === 'node2' ? {p50: 90, p95: 90} : {p50: 5, p95: 5})}
    writeFileSync(matrix, JSON.stringify(moved))
    try {
      expect(mailops(['route', 'plan', '-i', inventory, '--matrix', matrix, '--current', planFile, '-o', planFile]).code).toBe(0)
      const dry = mailops(['route', 'apply', '-i', inventory, '--dry-run'])
      expect(dry.code, dry.stderr).toBe(0)
      expect(dry.stdout).toContain(`-${line}`)
      expect(dry.stdout).toContain(`+${DESTINATION} smtp:[${ADDRESS.node3}]:25, [${ADDRESS.node2}]:25`)
      expect(onHost('node1', 'grep -v "^#" /etc/postfix/transport_routes').trim()).toBe(line)
    } finally {
      writeFileSync(planFile, current)
    }
  })

  it("verify: the core's entries are the plan's, each egress relays for the core and still refuses a stranger", () => {
    const result = verify('--only', 'route,relay.open,dns.spf')
    expect(result.code, result.stderr + result.stdout.slice(0, 3000)).toBe(0)
    const report = result.json()
    expect(checks(report, 'route.transport').map((c) => [c.node, c.status])).toEqual([['node1', 'pass']])
    expect(checks(report, 'route.egress').map((c) => [c.node, c.target, c.status])).toEqual([
      ['node2', 'from node1', 'pass'],
      ['node3', 'from node1', 'pass'],
    ])
    expect(checks(report, 'route.egress')[0].evidence).toContain(`RCPT TO postmaster@${DESTINATION} → 250`)
    expect(checks(report, 'relay.open').map((c) => c.status)).toEqual(['pass', 'pass', 'pass'])
    // Mail leaves from the edges now: SPF allows them, and the record mailops dns printed says so.
    expect(checks(report, 'dns.spf')[0]).toMatchObject({status: 'pass', message: expect.stringContaining(`${ADDRESS.node1}, ${ADDRESS.node2}, ${ADDRESS.node3}`)})
    // A hand edit of the core's routes is found, with the differing line as evidence.
    onHost('node1', `sed -i 's/${ADDRESS.node3}/${NET}.99/' /etc/postfix/transport_routes`)
    try {
      const edited = verify('--only', 'route.transport')
      expect(edited.code).toBe(1)
      expect(checks(edited.json(), 'route.transport')[0]).toMatchObject({status: 'fail', evidence: expect.stringContaining(`+${DESTINATION} smtp:[${ADDRESS.node2}]:25, [${NET}.99]:25`)})
    } finally {
      onHost('node1', `sed -i 's/${NET}.99/${ADDRESS.node3}/' /etc/postfix/transport_routes`)
    }
  })

  it('mail goes through edge A; with A stopped every message reaches the destination through B, none lost, and route.egress fails for A', async () => {
    received.length = 0
    submit('up', 3)
    await waitFor(() => received.length, 3, 60_000)
    expect(received.map((m) => m.client)).toEqual(Array(3).fill(ADDRESS.node2))
    // Stopped for good: the init system's stop, then Postfix's own (Debian 12's unit can leave master running), until it says so.
    onHost('node2', 'service postfix stop >/dev/null 2>&1; postfix stop >/dev/null 2>&1; for i in $(seq 1 50); do postfix status >/dev/null 2>&1 || exit 0; sleep 0.2; done; exit 1')
    try {
      received.length = 0
      const n = 10
      submit('fallback', n)
      await waitFor(() => received.length, n, 90_000)
      // Counted at the peer: every one, each once, all handed over by edge B.
      expect(received).toHaveLength(n)
      expect(new Set(received.map((m) => m.client))).toEqual(new Set([ADDRESS.node3]))
      expect(received.every((m) => m.from === `postmaster@${DOMAIN}` && m.to.join() === `someone@${DESTINATION}`)).toBe(true)
      expect(onHost('node1', 'postqueue -j | wc -l').trim()).toBe('0')
      const result = verify('--only', 'route.egress')
      expect(result.code).toBe(1)
      expect(checks(result.json(), 'route.egress').map((c) => [c.node, c.status])).toEqual([
        ['node2', 'fail'],
        ['node3', 'pass'],
      ])
    } finally {
      onHost('node2', 'setsid service postfix restart >/dev/null 2>&1 < /dev/null')
    }
  })
})
