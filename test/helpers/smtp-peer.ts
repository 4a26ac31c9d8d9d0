import {execFileSync, spawn} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync} from 'node:fs'
import type {AddressInfo} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {SMTPServer} from 'smtp-server'

import {untilReady} from '../../src/lab/link.js'
import {ROOT} from './cli.js'

/** A fresh self-signed certificate (smtp-server's bundled one expired in 2025). */
export function selfSignedCertificate(commonName = 'localhost'): {key: Buffer; cert: Buffer} {
  const dir = mkdtempSync(join(tmpdir(), 'mailops-cert-'))
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '30', '-subj', `/CN=${commonName}`, '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], {stdio: 'ignore'})
  return {key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem'))}
}

/** What a peer was given: the client that handed it over, and the envelope. */
export interface PeerMessage {
  client: string
  from: string
  to: string[]
}

/**
 * An SMTP peer (on loopback unless told another address; a free port unless told one) that offers
 * STARTTLS, or not, and keeps nothing but the envelope of each message it accepted (onMessage).
 */
export async function startSmtpPeer(options: {host?: string; port?: number; starttls?: boolean; onMessage?: (message: PeerMessage) => void} = {}): Promise<{port: number; close: () => Promise<void>}> {
  const server = new SMTPServer({
    ...selfSignedCertificate(),
    hideSTARTTLS: options.starttls === false,
    authOptional: true,
    logger: false,
    disableReverseLookup: true,
    onData: (stream, session, done) =>
      stream.resume().on('end', () => {
        const from = session.envelope.mailFrom
        options.onMessage?.({client: session.remoteAddress, from: from === false ? '' : from.address, to: session.envelope.rcptTo.map((r) => r.address)})
        done()
      }),
  })
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve))
  const {port} = (server as unknown as {server: {address(): AddressInfo}}).server.address()
  return {port, close: () => new Promise((resolve) => server.close(() => resolve()))}
}

/** One message a lab peer accepted (test/helpers/peer-server.ts writes them). */
export interface PeerAcceptance {
  /** ms since the epoch, when the peer accepted DATA: the controller's clock, as the test's */
  acceptedAt: number
  from: string | null
  to: string[]
  subject: string | null
  client: string
}

/**
 * Starts the SMTP server of a lab peer (`lab up --peers`) on its address, port 25, inside its
 * network namespace, logging each accepted message to `log`; resolves once it listens.
 */
export async function startLabPeer(peer: {netns: string; address: string}, log: string): Promise<{accepted: () => PeerAcceptance[]; stop: () => Promise<void>}> {
  const child = spawn('ip', ['netns', 'exec', peer.netns, process.execPath, '--import', 'tsx', join(ROOT, 'test', 'helpers', 'peer-server.ts'), peer.address, log], {cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit']})
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  await untilReady(child.stdout!)
  return {
    accepted: () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as PeerAcceptance) : []),
    stop: async () => {
      child.kill('SIGTERM')
      await exited
    },
  }
}
