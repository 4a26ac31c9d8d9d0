import {readFileSync} from 'node:fs'
import type {Readable, Writable} from 'node:stream'
import {Client, type ClientChannel, type ConnectConfig} from 'ssh2'

import {InputError, type MailopsError} from '../errors.js'
import {t} from '../i18n/index.js'
import {shellQuote} from '../util/shell.js'
import {hostKeyMismatch, hostKeyRevoked, hostKeyUnknown, HostError} from './errors.js'
import {checkHostKey, fingerprint, knownKeyTypes, readKnownHosts, recordHostKey} from './known-hosts.js'
import {Semaphore} from '../util/concurrency.js'

/** sshd's MaxSessions defaults to 10; keep two in reserve for whoever else uses the host. */
/** Everything needed to reach one host, paths resolved, jump chain linked. */
export interface SshTarget {
  name: string
  address: string
  port: number
  user: string
  keyPath?: string
  jump?: SshTarget
}

export const MAX_CHANNELS = 8
const CHANNEL_OPEN_ATTEMPTS = 6

export interface ConnectOptions {
  knownHosts: string
  acceptNew?: boolean
  connectTimeoutMs?: number
  /** Key passphrase; MAILOPS_SSH_PASSPHRASE when not given. Never a flag. */
  passphrase?: string
}

export interface ExecOptions {
  /** Bytes for the command's stdin (secrets and files travel here, never in argv). */
  stdin?: string | Buffer | Readable
  /** Where stdout goes as bytes (a backup archive), instead of into the result as text; not ended here. */
  stdout?: Writable
  timeoutMs?: number
}

export interface ExecResult {
  code: number | null
  signal?: string
  stdout: string
  stderr: string
  ms: number
}

const KEX = ['curve25519-sha256', 'curve25519-sha256@libssh.org', 'ecdh-sha2-nistp256', 'ecdh-sha2-nistp384', 'diffie-hellman-group14-sha256'] as const
const HOST_KEY_ALGORITHMS: Record<string, string[]> = {
  'ssh-ed25519': ['ssh-ed25519'],
  'ecdsa-sha2-nistp256': ['ecdsa-sha2-nistp256'],
  'ecdsa-sha2-nistp384': ['ecdsa-sha2-nistp384'],
  'ecdsa-sha2-nistp521': ['ecdsa-sha2-nistp521'],
  'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'],
}

/**
 * One SSH connection to one host, reused for every command: host key checked against
 * known_hosts before anything is sent, at most MAX_CHANNELS commands at once, keepalive on.
 */
export class SshConnection {
  private readonly channels = new Semaphore(MAX_CHANNELS)
  private closed = false
  /** Commands still running: a dropped connection fails them instead of leaving them waiting. */
  private readonly inFlight = new Set<(error: HostError) => void>()

  private constructor(
    readonly target: SshTarget,
    private readonly client: Client,
    private readonly via?: SshConnection,
  ) {
    // ssh2 may emit several errors for one failure (ECONNRESET, then "lost before handshake"):
    // each is absorbed here, never left to crash the process; 'close' follows and fails what runs.
    client.on('error', () => {})
    client.on('close', () => {
      this.closed = true
      for (const fail of this.inFlight) fail(new HostError(target.name, 'CONNECTION_LOST', t('ssh.connectionLost')))
      this.inFlight.clear()
    })
  }

  static async open(target: SshTarget, options: ConnectOptions): Promise<SshConnection> {
    const via = target.jump ? await SshConnection.open(target.jump, options) : undefined
    try {
      const sock = via ? await via.forward(target.address, target.port) : undefined
      const client = await handshake(target, options, sock)
      return new SshConnection(target, client, via)
    } catch (error) {
      via?.close()
      throw error
    }
  }

  get isOpen(): boolean {
    return !this.closed
  }

  /** A TCP stream to address:port opened from this host (how jump hosts carry the next hop). */
  forward(address: string, port: number): Promise<ClientChannel> {
    return new Promise((resolve, reject) => {
      this.client.forwardOut('127.0.0.1', 0, address, port, (error, stream) => {
        if (error) reject(new HostError(this.target.name, 'JUMP_FAILED', t('ssh.jumpFailed', {address: `${address}:${port}`, reason: error.message})))
        else resolve(stream)
      })
    })
  }

  /**
   * Runs a command, as root: through `sudo -n` when logged in as another user, so a missing
   * sudo rule fails at once instead of waiting for a password.
   */
  async exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    const wrapped = this.target.user === 'root' ? command : `sudo -n -- sh -c ${shellQuote(command)}`
    return this.channels.run(() => this.run(wrapped, options))
  }

  private run(command: string, options: ExecOptions): Promise<ExecResult> {
    const started = performance.now()
    return new Promise((resolve, reject) => {
      if (this.closed) {
        reject(new HostError(this.target.name, 'CONNECTION_CLOSED', t('ssh.closed')))
        return
      }
      let settled = false
      let channel: ClientChannel | undefined
      const finish = (outcome: () => void) => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        this.inFlight.delete(fail)
        outcome()
      }
      const fail = (error: HostError) => finish(() => reject(error))
      this.inFlight.add(fail)
      // The host ends the command's whole process group at the same bound (see boundedCommand),
      // so nothing keeps running there after we gave up on it.
      const timer = options.timeoutMs
        ? setTimeout(() => {
            channel?.close()
            fail(new HostError(this.target.name, 'COMMAND_TIMEOUT', t('ssh.commandTimeout', {ms: options.timeoutMs!})))
          }, options.timeoutMs)
        : undefined
      const remote = options.timeoutMs ? boundedCommand(command, options.timeoutMs) : command
      this.openExec(remote, (error, opened) => {
        if (error) {
          fail(new HostError(this.target.name, 'EXEC_FAILED', error.message))
          return
        }
        channel = opened
        if (settled) {
          opened.close()
          return
        }
        const stdout: Buffer[] = []
        const stderr: Buffer[] = []
        let code: number | null = null
        let signal: string | undefined
        if (options.stdout) opened.pipe(options.stdout, {end: false})
        else opened.on('data', (chunk: Buffer) => stdout.push(chunk))
        opened.stderr.on('data', (chunk: Buffer) => stderr.push(chunk))
        opened.on('exit', (exitCode: number | null, exitSignal?: string) => {
          code = exitCode
          signal = exitSignal
        })
        // 'close', not 'exit': only then has all output arrived.
        opened.on('close', () =>
          finish(() => {
            const result = {code, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8'), ms: performance.now() - started}
            resolve(signal ? {...result, signal} : result)
          }),
        )
        const {stdin} = options
        if (stdin === undefined) opened.end()
        else if (typeof stdin === 'string' || Buffer.isBuffer(stdin)) opened.end(stdin)
        else stdin.pipe(opened)
      })
    })
  }

  /**
   * sshd frees a finished session a moment after its channel closes, so a new channel can be
   * refused ("no more sessions") although fewer than MaxSessions are open: retry briefly.
   */
  private openExec(command: string, done: (error: Error | undefined, channel: ClientChannel) => void, attempt = 1): void {
    this.client.exec(command, (error, channel) => {
      if (error && /Channel open failure/.test(error.message) && attempt < CHANNEL_OPEN_ATTEMPTS) {
        setTimeout(() => this.openExec(command, done, attempt + 1), 10 * attempt)
      } else {
        done(error, channel)
      }
    })
  }

  /** SFTP upload, for blobs too large to carry on an exec's stdin. */
  putFile(localPath: string, remotePath: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.client.sftp((error, sftp) => {
        if (error) return reject(new HostError(this.target.name, 'SFTP_FAILED', error.message))
        sftp.fastPut(localPath, remotePath, (putError) => {
          sftp.end()
          if (putError) reject(new HostError(this.target.name, 'SFTP_FAILED', putError.message))
          else resolve()
        })
      })
    })
  }

  close(): void {
    this.client.end()
    this.via?.close()
  }
}

function handshake(target: SshTarget, options: ConnectOptions, sock?: ClientChannel): Promise<Client> {
  const known = readKnownHosts(options.knownHosts)
  const knownTypes = knownKeyTypes(known, target.address, target.port)
  let refusal: HostError | undefined
  /** The host key types the server offered (ssh2 says so only in its debug output). */
  let offered: string | undefined
  const config: ConnectConfig = {
    debug: (line: string) => {
      const match = /^Handshake: \(remote\) Host key format: (.*)$/.exec(line)
      if (match) offered = match[1]
    },
    host: target.address,
    port: target.port,
    username: target.user,
    sock,
    readyTimeout: options.connectTimeoutMs ?? 10_000,
    keepaliveInterval: 5000,
    keepaliveCountMax: 3,
    agent: process.env.SSH_AUTH_SOCK,
    algorithms: {
      kex: [...KEX],
      // Ask for a key type we hold a key for, so a mismatch is a real one.
      ...(knownTypes.length > 0 ? {serverHostKey: knownTypes.flatMap((type) => HOST_KEY_ALGORITHMS[type] ?? [type]) as never} : {}),
    },
    hostVerifier: (key: Buffer) => {
      const verdict = checkHostKey(known, target.address, target.port, key)
      const print = fingerprint(key)
      switch (verdict.kind) {
        case 'known':
          return true
        case 'unknown':
          if (options.acceptNew) {
            recordHostKey(options.knownHosts, target.address, target.port, key)
            return true
          }
          refusal = hostKeyUnknown(target.name, target.address, print)
          return false
        case 'mismatch':
          refusal = hostKeyMismatch(target.name, target.address, print, verdict.expected.join(', '), options.knownHosts, verdict.line)
          return false
        case 'revoked':
          refusal = hostKeyRevoked(target.name, target.address, print)
          return false
      }
    },
  }
  if (target.keyPath) {
    config.privateKey = readFileSync(target.keyPath)
    config.passphrase = options.passphrase ?? process.env.MAILOPS_SSH_PASSPHRASE
  }
  return new Promise((resolve, reject) => {
    const client = new Client()
    let settled = false
    const settle = (error?: MailopsError) => {
      if (settled) return
      settled = true
      if (error) {
        client.end()
        reject(error)
      } else resolve(client)
    }
    client.once('ready', () => settle())
    // `on`, not `once`: ssh2 can emit a second error for the same failure, and an error event
    // without a listener would end the whole run.
    client.on('error', (error: Error & {level?: string}) => settle(refusal ?? connectError(target, error, options, offered, knownTypes)))
    client.on('close', () => settle(refusal ?? new HostError(target.name, 'CONNECT_FAILED', t('ssh.connectFailed', {address: `${target.address}:${target.port}`, reason: t('ssh.closedBeforeHandshake')}))))
    try {
      client.connect(config)
      // SSH here is small request/response packets: with Nagle on, each channel open waits
      // for the server's delayed ACK of our previous packet (≈40 ms per command).
      client.setNoDelay(true)
    } catch (error) {
      // ssh2 checks the key synchronously: an encrypted key without passphrase lands here.
      settle(new InputError(t('ssh.badKey', {host: target.name, path: target.keyPath ?? '', reason: (error as Error).message}), {hint: t('hint.passphrase')}))
    }
  })
}

function connectError(target: SshTarget, error: Error & {level?: string; code?: string}, options: ConnectOptions, offered: string | undefined, knownTypes: readonly string[]): HostError {
  if (/no matching host key format/.test(error.message) && knownTypes.length > 0) {
    // known_hosts pins a key type the host no longer offers: as serious as a changed key.
    return new HostError(
      target.name,
      'HOST_KEY_MISMATCH',
      t('ssh.hostKeyTypeChanged', {address: target.address, offered: offered ?? '?', expected: knownTypes.join(', '), file: options.knownHosts}),
      t('hint.hostKeyTypeChanged', {file: options.knownHosts}),
    )
  }
  if (error.level === 'client-timeout' || /Timed out while waiting for handshake/.test(error.message)) {
    return new HostError(target.name, 'CONNECT_TIMEOUT', t('ssh.timeout', {address: `${target.address}:${target.port}`, ms: options.connectTimeoutMs ?? 10_000}))
  }
  if (error.level === 'client-authentication') {
    return new HostError(target.name, 'AUTH_FAILED', t('ssh.authFailed', {user: target.user, address: target.address}), t('hint.authFailed'))
  }
  return new HostError(target.name, 'CONNECT_FAILED', t('ssh.connectFailed', {address: `${target.address}:${target.port}`, reason: error.code ?? error.message}))
}

/**
 * The command wrapped so that the host itself ends it at the bound: coreutils `timeout` runs it in
 * a process group of its own and signals the whole group (TERM, then KILL 2 s later), whether or
 * not our connection is still there.
 */
export function boundedCommand(command: string, timeoutMs: number): string {
  return `timeout --kill-after=2 ${Math.max(1, Math.ceil(timeoutMs / 1000))} sh -c ${shellQuote(command)}`
}
