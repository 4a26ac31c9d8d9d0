import {execFileSync, spawnSync} from 'node:child_process'
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest'

import {VerifyReport} from '../../src/config/schemas/reports.js'
import type {DnsRecord} from '../../src/dns/records.js'
import {publishToLab} from '../../src/lab/dns.js'
import {readState} from '../../src/lab/state.js'
import {mailops} from '../helpers/cli.js'
import {expectValid} from '../helpers/schema.js'

// A lab of its own on light hosts (the subject is what the edges serve over HTTPS and what verify
// makes of it, not provisioning): deployed by mailops, its records published with `mailops dns
// --apply` into the lab's signed zones, checked through the lab's validating Unbound.
const LAB = {name: 'h42a', subnet: '198.18.81.0/24'}
const GATEWAY = '198.18.81.1'
const DOMAIN = `${LAB.name}.mailops.test`
const POLICY_HOST = `mta-sts.${DOMAIN}`
const EDGES = {node2: '198.18.81.12', node3: '198.18.81.13'}
const labDir = `/var/lib/mailops/lab/${LAB.name}`
const inventory = `${labDir}/inventory.yaml`

type Check = {id: string; status: string; message: string; evidence?: string}
type Node = {name: string; checks: Check[]}

let records: DnsRecord[]

const verify = (...args: string[]) => mailops(['verify', '-i', inventory, '--resolver', GATEWAY, '--json', ...args])
const failed = (report: {nodes: Node[]}) => report.nodes.flatMap((n) => n.checks.filter((c) => c.status !== 'pass').map((c) => ({node: n.name, id: c.id, message: c.message})))
const statusOf = (report: {nodes: Node[]}, node: string, id: string) => report.nodes.find((n) => n.name === node)!.checks.find((c) => c.id === id)?.status
const serve = (served: DnsRecord[]) => publishToLab(readState(LAB.name)!, served)
const onHost = (host: string, script: string) => {
  const result = mailops(['lab', 'ssh', '--name', LAB.name, host, '--', script])
  expect(result.code, result.stderr).toBe(0)
  return result.stdout
}
/** curl, not mailops' code: the policy as any HTTPS client gets it from one edge, validated against the lab's CA. */
const curl = (address: string, path: string, ...extra: string[]) =>
  spawnSync('curl', ['-sS', '--max-time', '10', '--cacert', `${labDir}/ca.pem`, '--resolve', `${POLICY_HOST}:443:${address}`, '-D', '-', ...extra, `https://${POLICY_HOST}${path}`], {encoding: 'utf8'})
/** The id an MTA-STS policy text gets: the first 20 hex digits of its SHA-256, by sha256sum. */
const idOf = (policy: string) => execFileSync('sh', ['-c', 'sha256sum | cut -c1-20'], {input: policy, encoding: 'utf8'}).trim()
const policyFor = (edges: string[]) => ['version: STSv1', 'mode: enforce', ...edges.map((e) => `mx: ${e}.${DOMAIN}`), 'max_age: 604800', ''].join('\r\n')

/** The apex MX as the lab's resolver and its NSD answer it, by dig (not mailops' code). */
const mxSeen = () =>
  [`@${GATEWAY}`, `+norec -p 5353 @${GATEWAY}`].map((at) => `${at}: ${spawnSync('sh', ['-c', `dig +short ${at} ${DOMAIN} MX; dig +short ${at} ${DOMAIN} SOA`], {encoding: 'utf8'}).stdout.trim().replaceAll('\n', ' | ')}`)

beforeAll(async () => {
  const up = mailops(['lab', 'up', '--name', LAB.name, '--hosts', '3', '--subnet', LAB.subnet, '--os', 'controller'])
  if (up.code !== 0) throw new Error(`lab up failed: ${up.stderr}`)
  const deployed = mailops(['deploy', '-i', inventory, '--json'])
  if (deployed.code !== 0) throw new Error(`deploy failed: ${deployed.stderr}${deployed.stdout.slice(0, 3000)}`)
  const printed = mailops(['dns', '-i', inventory, '--json', '--apply'])
  if (printed.code !== 0) throw new Error(`dns --apply failed: ${printed.stderr}`)
  records = printed.json().records
  // dns --apply returns once the resolver answers the new serial. Once in CI (2026-12-02) verify then
  // found none of the published records: wait until the resolver answers the MX, and if it never
  // does, fail here with what the resolver and NSD each say.
  for (let i = 0; i < 40 && !mxSeen()[0].includes(`node2.${DOMAIN}.`); i++) await new Promise((resolve) => setTimeout(resolve, 250))
  if (!mxSeen()[0].includes(`node2.${DOMAIN}.`)) throw new Error(`the published MX is not answered 10 s after dns --apply: ${mxSeen().join('; ')}`)
}, 300_000)

// Each break is undone after its test, passed or not, so that one failure does not cascade.
let repair: (() => unknown) | undefined
afterEach(async () => {
  const undo = repair
  repair = undefined
  await undo?.()
})

afterAll(() => {
  mailops(['lab', 'down', '--name', LAB.name])
})

describe('the edges serve the MTA-STS policy over HTTPS (RFC 8461 §3.3)', () => {
  it('gives curl the policy from each edge, validated against the lab CA for mta-sts.DOMAIN, as text/plain, and nothing else', () => {
    const policy = policyFor(['node2', 'node3'])
    for (const address of Object.values(EDGES)) {
      const got = curl(address, '/.well-known/mta-sts.txt')
      expect(got.status, `${address}: ${got.stderr}`).toBe(0)
      const [head, body] = got.stdout.split('\r\n\r\n')
      expect(head).toMatch(/^HTTP\/1\.1 200 OK\r\n/)
      expect(head).toMatch(/\r\nContent-Type: text\/plain\r\n/i)
      // server_tokens off: no version in the Server header.
      expect(head).toMatch(/\r\nServer: nginx\r\n/)
      expect(body).toBe(policy)
      // Every other path is 404, the folder not listed; TLS 1.1 is refused.
      for (const path of ['/', '/.well-known/', '/index.html']) expect(curl(address, path).stdout, path).toMatch(/^HTTP\/1\.1 404 /)
      expect(curl(address, '/.well-known/mta-sts.txt', '--tlsv1.1', '--tls-max', '1.1').status).not.toBe(0)
    }
    // The name resolves to the edges, and the TXT id is the policy's hash.
    expect(records.filter((r) => r.name === `${POLICY_HOST}.`).map((r) => `${r.type} ${r.value}`).sort()).toEqual(Object.values(EDGES).map((a) => `A ${a}`))
    expect(records.find((r) => r.name === `_mta-sts.${DOMAIN}.`)?.value).toBe(`v=STSv1; id=${idOf(policy)}`)
  })

  it('passes verify: MTA-STS record and policy, TLS-RPT and CAA; IPv6 parity not applicable in the lab, saying why', () => {
    const result = verify('--only', 'dns,network.ipv6')
    const report = result.json()
    expectValid(VerifyReport, report)
    expect(failed(report).filter((f) => f.id !== 'network.ipv6')).toEqual([])
    expect(result.code, result.stdout.slice(0, 3000)).toBe(0)
    for (const id of ['dns.mta-sts', 'dns.tls-rpt', 'dns.caa']) expect(statusOf(report, DOMAIN, id), id).toBe('pass')
    for (const node of Object.keys(EDGES)) {
      expect(statusOf(report, node, 'dns.mta-sts-policy')).toBe('pass')
      expect(report.nodes.find((n: Node) => n.name === node).checks.find((c: Check) => c.id === 'network.ipv6')).toMatchObject({status: 'skip', message: expect.stringContaining('has no AAAA record')})
    }
  })
})

describe('verify finds what is wrong with MTA-STS, and only that', () => {
  it("fails exactly the edge's dns.mta-sts-policy when its policy names a wrong MX", () => {
    repair = () => {
      // The next deploy puts the policy back (the file differs from what it renders).
      const back = mailops(['deploy', '-i', inventory, '--hosts', 'node3', '--json'])
      expect(back.code, back.stderr).toBe(0)
      expect(curl(EDGES.node3, '/.well-known/mta-sts.txt').stdout).toContain('mx: node2.')
    }
    onHost('node3', `sed -i 's/^mx: node2\\./mx: mx-old./' /var/www/mta-sts/.well-known/mta-sts.txt`)
    const result = verify('--only', 'dns')
    expect(result.code).toBe(1)
    expect(failed(result.json())).toEqual([
      {node: 'node3', id: 'dns.mta-sts-policy', message: `the policy's mx (mx-old.${DOMAIN}, node3.${DOMAIN}) does not match the MX node2.${DOMAIN}: senders enforcing it refuse to deliver there`},
    ])
  })

  it('fails exactly dns.mta-sts when the TXT id is stale: the policy changed (node3 added as MX) and the record was not republished', async () => {
    repair = () => serve(records)
    const stale = idOf(policyFor(['node2']))
    await serve(records.map((r) => (r.name === `_mta-sts.${DOMAIN}.` ? {...r, value: `v=STSv1; id=${stale}`} : r)))
    const result = verify('--only', 'dns')
    expect(result.code).toBe(1)
    expect(failed(result.json())).toEqual([{node: DOMAIN, id: 'dns.mta-sts', message: expect.stringMatching(new RegExp(`^id ${stale} is not the current policy's \\(${idOf(policyFor(['node2', 'node3']))}\\)`))}])
  })

  it('fails exactly dns.caa when the CAA record allows another CA than vars.caa_issuers', async () => {
    repair = () => serve(records)
    await serve(records.map((r) => (r.type === 'CAA' ? {...r, value: '0 issue "letsencrypt.org"'} : r)))
    const result = verify('--only', 'dns')
    expect(result.code).toBe(1)
    expect(failed(result.json())).toEqual([{node: DOMAIN, id: 'dns.caa', message: `CAA at ${DOMAIN} does not allow ca.${DOMAIN} (vars.caa_issuers) to issue; it allows letsencrypt.org`}])
  })
})
