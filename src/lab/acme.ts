import {closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync} from 'node:fs'
import {spawn} from 'node:child_process'
import {request} from 'node:https'
import {join} from 'node:path'
import {$} from 'zx'

import {alive, commandLine, waitGone} from './processes.js'
import type {LabSpec} from './spec.js'

/** Debian's pebble: Let's Encrypt's test ACME server, the lab's stand-in for a public CA. */
const PEBBLE = '/usr/bin/pebble'
/** Where Pebble serves ACME (RFC 8555) on the bridge, and its management interface (roots, intermediates). */
export const PEBBLE_ACME_PORT = 14000
export const PEBBLE_MANAGEMENT_PORT = 15000
const READY_MS = 20_000

const quiet = $({quiet: true})

export const acmeFiles = (labDir: string) => {
  const dir = join(labDir, 'acme')
  return {
    dir,
    config: join(dir, 'pebble.json'),
    /** the CA of Pebble's own HTTPS listener (Pebble's "minica", made per lab: Debian ships none) */
    listenerCa: join(dir, 'listener-ca.pem'),
    listenerCaKey: join(dir, 'listener-ca.key'),
    listenerCert: join(dir, 'listener.pem'),
    listenerKey: join(dir, 'listener.key'),
    /** the root Pebble issues under this run (it makes a new one at every start) */
    root: join(dir, 'root.pem'),
    log: join(dir, 'pebble.log'),
  }
}

/** The ACME directory URL the lab's nodes use. */
export const acmeDirectory = (spec: Pick<LabSpec, 'bridgeAddress'>) => `https://${spec.bridgeAddress}:${PEBBLE_ACME_PORT}/dir`

/**
 * Pebble on the bridge address only. It validates HTTP-01 on port 80 and TLS-ALPN-01 on 443 of
 * the node, as a public CA does (its defaults, 5002 and 5001, are for clients that run on its own
 * machine), and resolves node names through the lab's validating Unbound: what it asks is what
 * the nodes' own names resolve to.
 */
export function pebbleConfig(spec: LabSpec, labDir: string): string {
  const f = acmeFiles(labDir)
  return (
    JSON.stringify(
      {
        pebble: {
          listenAddress: `${spec.bridgeAddress}:${PEBBLE_ACME_PORT}`,
          managementListenAddress: `${spec.bridgeAddress}:${PEBBLE_MANAGEMENT_PORT}`,
          certificate: f.listenerCert,
          privateKey: f.listenerKey,
          httpPort: 80,
          tlsPort: 443,
          ocspResponderURL: '',
          externalAccountBindingRequired: false,
        },
      },
      null,
      2,
    ) + '\n'
  )
}

/**
 * No artificial validation sleeps and no rejected nonces (Pebble rejects 5% of good nonces by
 * default to exercise clients' retries), and no authorization reused (50% by default): every order
 * is validated on the node again. The lab's issuance is fast and the same at every run.
 */
export const PEBBLE_ENV = {PEBBLE_VA_NOSLEEP: '1', PEBBLE_WFE_NONCEREJECT: '0', PEBBLE_AUTHZREUSE: '0'}

export function pebbleArgs(spec: LabSpec, labDir: string): string[] {
  return ['-config', acmeFiles(labDir).config, '-dnsserver', `${spec.bridgeAddress}:53`]
}

/** The certificate of Pebble's HTTPS listener, from a CA of its own: ACME clients trust that CA (acme_ca_cert), nothing else does. */
async function makeListenerCertificate(spec: LabSpec, labDir: string): Promise<void> {
  const f = acmeFiles(labDir)
  await quiet`openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj ${`/CN=mailops lab ${spec.name} ACME listener CA`} -keyout ${f.listenerCaKey} -out ${f.listenerCa}`
  await quiet`openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj ${`/CN=${spec.bridgeAddress}`} -addext ${`subjectAltName=IP:${spec.bridgeAddress}`} -addext ${'extendedKeyUsage=serverAuth'} -CA ${f.listenerCa} -CAkey ${f.listenerCaKey} -keyout ${f.listenerKey} -out ${f.listenerCert}`
}

/**
 * Starts Pebble detached (its PID is handed to `recorded` at once, so that a failed start still
 * leaves it for `lab down`), waits until its management interface answers, and keeps the root it
 * issues under in acme/root.pem: Pebble makes a new one at every start, so only this copy, taken
 * from this process, is what its certificates chain to.
 */
export async function startPebble(spec: LabSpec, labDir: string, recorded: (pid: number) => void): Promise<{pid: number; root: string}> {
  const f = acmeFiles(labDir)
  mkdirSync(f.dir, {recursive: true, mode: 0o700})
  // Made once per lab: a Pebble started again keeps the listener the nodes already trust (acme_ca_cert).
  if (!existsSync(f.listenerCert)) await makeListenerCertificate(spec, labDir)
  writeFileSync(f.config, pebbleConfig(spec, labDir))
  const log = openSync(f.log, 'a')
  const child = spawn(PEBBLE, pebbleArgs(spec, labDir), {detached: true, stdio: ['ignore', log, log], env: {...process.env, ...PEBBLE_ENV}})
  closeSync(log)
  child.unref()
  recorded(child.pid!)
  const ca = readFileSync(f.listenerCa)
  const deadline = Date.now() + READY_MS
  let last = ''
  for (;;) {
    try {
      const root = await get(`https://${spec.bridgeAddress}:${PEBBLE_MANAGEMENT_PORT}/roots/0`, ca)
      if (root.includes('-----BEGIN CERTIFICATE-----')) {
        writeFileSync(f.root, root)
        return {pid: child.pid!, root}
      }
      last = `roots/0 answered without a certificate`
    } catch (error) {
      last = (error as Error).message
    }
    if (!alive(child.pid!) || Date.now() > deadline) {
      const tail = readFileSync(f.log, 'utf8').trim().split('\n').slice(-3).join(' | ')
      throw new Error(`pebble (Debian package pebble) on ${spec.bridgeAddress}:${PEBBLE_MANAGEMENT_PORT} did not answer (${last}) ${tail}`.trim())
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

/** Ends the lab's Pebble: only the recorded PID, and only while it runs this lab's config. */
export async function stopPebble(pid: number | undefined, labDir: string): Promise<number[]> {
  if (pid === undefined || !alive(pid) || !commandLine(pid).includes(acmeFiles(labDir).config)) return []
  process.kill(pid, 'SIGTERM')
  if ((await waitGone([pid], 5000)).length > 0) {
    process.kill(pid, 'SIGKILL')
    await waitGone([pid], 2000)
  }
  return [pid]
}

function get(url: string, ca: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(url, {ca, timeout: 2000}, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () => (res.statusCode === 200 ? resolve(Buffer.concat(chunks).toString('utf8')) : reject(new Error(`HTTP ${res.statusCode}`))))
    })
    req.once('timeout', () => req.destroy(new Error('timeout')))
    req.once('error', reject)
    req.end()
  })
}
