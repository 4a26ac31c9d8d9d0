import {X509Certificate} from 'node:crypto'
import {readFileSync, writeFileSync} from 'node:fs'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parse, stringify} from 'yaml'

import {acmeFiles, startPebble, stopPebble} from '../../src/lab/acme.js'
import {readState, writeState} from '../../src/lab/state.js'
import {code, SmtpSession} from '../../src/util/mail-wire.js'
import {mailops, mailopsAsync} from '../helpers/cli.js'

// A lab of its own (fixed name and subnet, so that CI runs it beside the others): a booted Debian
// 13 core and edge whose certificates come from the lab's Pebble by HTTP-01 on the nodes.
const LAB = {name: 'acmetest', subnet: '198.18.15.0/24'}
const GATEWAY = '198.18.15.1'
const DIRECTORY = `https://${GATEWAY}:14000/dir`
const EDGE = '198.18.15.12'
const DOMAIN = `${LAB.name}.mailops.test`
const labDir = `/var/lib/mailops/lab/${LAB.name}`
const inventory = `${labDir}/inventory.yaml`

type Check = {id: string; status: string; target?: string; message: string}
type Node = {name: string; checks: Check[]}

const exec = (command: string, hosts = 'node1,node2') => {
  const result = mailops(['exec', '-i', inventory, '--hosts', hosts, '--json', '--', command])
  return Object.fromEntries((result.json().results as Array<{host: string; stdout: string; exit: number}>).map((r) => [r.host, r.stdout.trim()]))
}
const served = (host: string) => exec('openssl x509 -in /etc/mailops/tls/cert.pem -noout -serial -issuer; openssl pkey -in /etc/mailops/tls/key.pem -pubout | sha256sum', host)[host]
const tlsa = () => {
  const printed = mailops(['dns', '-i', inventory, '--json'])
  expect(printed.code, printed.stderr).toBe(0)
  return (printed.json().records as Array<{type: string; value: string}>).filter((r) => r.type === 'TLSA').map((r) => r.value)
}

/** Pebble again, with a new root (it makes one at every start): the lab's inventory is given the new one, as lab up would. */
async function restartPebble(): Promise<void> {
  const state = readState(LAB.name)!
  const {root} = await startPebble(state.spec, labDir, (pid) => writeState({...state, pebble: pid}))
  const doc = parse(readFileSync(inventory, 'utf8'))
  const labCa = readFileSync(`${labDir}/ca.pem`, 'utf8').trim()
  doc.vars.acme_issuer_cert = root.trim()
  doc.vars.tls_ca_cert = `${labCa}\n${root.trim()}`
  writeFileSync(`${labDir}/trusted-ca.pem`, `${labCa}\n${root.trim()}\n`)
  writeFileSync(inventory, stringify(doc))
}

/** A serial as hex without leading zeros, however it was printed (node, openssl's serial=...). */
const normalSerial = (text: string) => text.replace(/^serial=/, '').replace(/^0+/, '').toUpperCase()

/** One message over STARTTLS to the edge: its last reply's code and the serial of the certificate it was served. */
async function sendOne(n: number): Promise<{code: number; serial: string}> {
  const {session, banner} = await SmtpSession.open(EDGE, 25, 10_000)
  try {
    if (code(banner) !== 220) return {code: code(banner), serial: ''}
    await session.command('EHLO client.peer.test')
    const {socket} = await session.startTls({servername: `node2.${DOMAIN}`, rejectUnauthorized: false}, 'client.peer.test')
    const serial = normalSerial(socket.getPeerCertificate().serialNumber)
    for (const line of ['MAIL FROM:<bob@peer.test>', `RCPT TO:<demo@${DOMAIN}>`, 'DATA']) {
      const reply = await session.command(line)
      if (code(reply) >= 400) return {code: code(reply), serial}
    }
    const reply = await session.command(`Subject: during renewal ${n}\r\n\r\nmessage ${n}\r\n.`)
    await session.quit().catch(() => undefined)
    return {code: code(reply), serial}
  } finally {
    session.wire.close()
  }
}

beforeAll(() => {
  const up = mailops(['lab', 'up', '--name', LAB.name, '--hosts', '2', '--subnet', LAB.subnet, '--tls', 'acme'])
  if (up.code !== 0) throw new Error(`lab up failed: ${up.stderr}`)
}, 300_000)

afterAll(() => {
  mailops(['lab', 'down', '--name', LAB.name])
})

describe("certificates from the lab's ACME server (Pebble), renewed on the nodes", () => {
  it('with Pebble stopped, deploy fails naming the ACME server and puts nothing live', async () => {
    const stopped = await stopPebble(readState(LAB.name)!.pebble, labDir)
    expect(stopped).toHaveLength(1)
    // --max-fail 1: the edge is tried too after the core (the canary) failed.
    const failed = mailops(['deploy', '-i', inventory, '--max-fail', '1', '--json'])
    expect(failed.code).not.toBe(0)
    const hosts = failed.json().hosts as Array<{host: string; status: string; error?: {code: string; message: string}}>
    for (const host of hosts) {
      expect(host.status, host.host).toBe('failed')
      expect(host.error?.code).toBe('RESTART_FAILED')
      expect(host.error?.message).toContain(`no certificate from the ACME server ${DIRECTORY}`)
    }
    // The run's files were put back: no mailops configuration, no certificate, no mail service answering.
    const left = exec('ls /etc/mailops/tls/ 2>/dev/null | wc -l; cat /etc/postfix/main.cf 2>/dev/null | grep -c "Managed by mailops"; systemctl is-active postfix; ls /etc/mailops/acme 2>/dev/null | wc -l')
    for (const host of ['node1', 'node2']) expect(left[host].split('\n'), host).toEqual(['0', '0', 'inactive', '0'])
  }, 900_000)

  it('deploys with Pebble back: every node serves a certificate for its names from Pebble, and a re-run asks Pebble nothing', async () => {
    await restartPebble()
    const deployed = mailops(['deploy', '-i', inventory, '--json'])
    expect(deployed.code, deployed.stdout.slice(0, 3000)).toBe(0)
    const root = new X509Certificate(readFileSync(acmeFiles(labDir).root))
    const chains = exec('cat /etc/mailops/tls/cert.pem')
    for (const [host, names] of [['node1', [`node1.${DOMAIN}`]], ['node2', [`node2.${DOMAIN}`, `mta-sts.${DOMAIN}`]]] as const) {
      const [leaf, intermediate] = chains[host].match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)!.map((pem) => new X509Certificate(pem))
      expect(leaf.subjectAltName, host).toBe(names.map((n) => `DNS:${n}`).join(', '))
      expect(leaf.verify(intermediate.publicKey) && intermediate.verify(root.publicKey), host).toBe(true)
    }
    // The renewal timer is on, and port 80 is closed again (certbot's hooks open it only while it runs).
    const state = exec('systemctl is-enabled certbot.timer; systemctl is-active certbot.timer; nft list chain inet mailops input | grep -c "dport 80" || true')
    for (const host of ['node1', 'node2']) expect(state[host].split('\n'), host).toEqual(['enabled', 'active', '0'])

    const log = acmeFiles(labDir).log
    const before = readFileSync(log, 'utf8').length
    const again = mailops(['deploy', '-i', inventory, '--json'])
    expect(again.code).toBe(0)
    expect((again.json().hosts as Array<{status: string}>).map((h) => h.status)).toEqual(['unchanged', 'unchanged'])
    expect(readFileSync(log, 'utf8').slice(before)).not.toMatch(/POST|GET/)
  }, 600_000)

  it("verify passes its TLS group against Pebble's root, the issuer and the renewal timer", () => {
    const result = mailops(['verify', '-i', inventory, '--only', 'tls,host.certificate,host.renewal', '--json'])
    const nodes = result.json().nodes as Node[]
    const notPassed = nodes.flatMap((n) => n.checks.filter((c) => c.status !== 'pass').map((c) => `${n.name} ${c.id} ${c.target ?? ''}: ${c.status} ${c.message}`))
    expect(notPassed).toEqual([])
    expect(result.code).toBe(0)
    for (const node of nodes) {
      for (const id of ['tls.chain', 'tls.issuer', 'host.renewal']) expect(node.checks.some((c) => c.id === id && c.status === 'pass'), `${node.name} ${id}`).toBe(true)
    }
  }, 300_000)

  it('a forced renewal gives a new certificate with the same key (TLSA unchanged) while every message sent meanwhile is accepted', async () => {
    const records = tlsa()
    expect(records).toHaveLength(1)
    const old = {edge: served('node2'), core: served('node1')}
    const results: Array<{code: number; serial: string}> = []
    let sending = true
    const loop = (async () => {
      for (let n = 0; sending; n++) {
        results.push(await sendOne(n).catch((error: Error) => ({code: 0, serial: error.message})))
        await new Promise((resolve) => setTimeout(resolve, 200))
      }
    })()
    await new Promise((resolve) => setTimeout(resolve, 1000))
    const renewed = await mailopsAsync(['exec', '-i', inventory, '--json', '--', 'REQUESTS_CA_BUNDLE=/etc/mailops/acme/ca.pem certbot renew --force-renewal --no-random-sleep-on-renew -q'])
    await new Promise((resolve) => setTimeout(resolve, 2000))
    sending = false
    await loop
    expect(renewed.code, renewed.stdout).toBe(0)

    expect(results.filter((r) => r.code !== 250)).toEqual([])
    const serials = [...new Set(results.map((r) => r.serial))]
    // The messages spanned the renewal: connections before it got the old certificate, after it the new.
    expect(serials).toHaveLength(2)
    const now = {edge: served('node2'), core: served('node1')}
    for (const which of ['edge', 'core'] as const) {
      const [serialBefore, , keyBefore] = old[which].split('\n')
      const [serialAfter, , keyAfter] = now[which].split('\n')
      expect(serialAfter, which).not.toBe(serialBefore)
      expect(keyAfter, which).toBe(keyBefore)
    }
    expect(serials).toEqual([normalSerial(old.edge.split('\n')[0]), normalSerial(now.edge.split('\n')[0])])
    expect(tlsa()).toEqual(records)
    process.stderr.write(`acme e2e: ${results.length} messages over STARTTLS during the renewal, all 250; serials ${serials.join(' -> ')}\n`)
  }, 300_000)

  it('an edge sent to an ACME server that does not answer fails naming it and keeps serving its previous certificate', () => {
    const before = served('node2')
    const doc = parse(readFileSync(inventory, 'utf8'))
    const gone = `https://${GATEWAY}:14001/dir`
    doc.hosts.find((h: {name: string}) => h.name === 'node2').vars = {acme_directory: gone}
    writeFileSync(inventory, stringify(doc))
    const failed = mailops(['deploy', '-i', inventory, '--json'])
    expect(failed.code).not.toBe(0)
    const edge = (failed.json().hosts as Array<{host: string; status: string; error?: {message: string}}>).find((h) => h.host === 'node2')!
    expect(edge.status).toBe('failed')
    expect(edge.error?.message).toContain(`no certificate from the ACME server ${gone}`)
    // The same certificate and key as before, served on port 25 and still taking mail.
    expect(served('node2')).toBe(before)
    // The run's files were put back: the edge's ACME setup is the previous one again, and its certificate passes that one's check.
    expect(exec('/etc/mailops/acme/check; echo $?', 'node2').node2).toBe('0')
    return sendOne(0).then((sent) => {
      expect(sent.code).toBe(250)
      expect(sent.serial).toBe(normalSerial(before.split('\n')[0]))
    })
  }, 300_000)
})
