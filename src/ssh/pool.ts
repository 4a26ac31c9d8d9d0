import {MailopsError, toMailopsError} from '../errors.js'
import {mapLimit, Semaphore} from '../util/concurrency.js'
import {type ConnectOptions, SshConnection, type SshTarget} from './connection.js'

export interface PoolOptions extends ConnectOptions {
  /** Hosts worked on at once. */
  concurrency?: number
  /**
   * Handshakes in flight at once. Each host gets one connection, so sshd's MaxStartups (per
   * server) is never at stake; the bound is for this process's sockets and memory, and high
   * enough that a thousand hosts whose packets vanish cost a few connect timeouts, not hundreds.
   */
  handshakes?: number
}

export type HostResult<T> = {host: string; ok: true; value: T} | {host: string; ok: false; error: MailopsError}

/**
 * One connection per host, opened on first use and reused by every later step; bounded
 * parallelism across hosts; a host that fails is reported, the others carry on.
 */
export class SshPool {
  private readonly connections = new Map<string, Promise<SshConnection>>()
  private readonly handshakes: Semaphore
  /** Hosts behind one jump host each open a connection to it: those do share its MaxStartups (10). */
  private readonly viaJump = new Map<string, Semaphore>()

  constructor(private readonly options: PoolOptions) {
    this.handshakes = new Semaphore(options.handshakes ?? 512)
  }

  connection(target: SshTarget): Promise<SshConnection> {
    const existing = this.connections.get(target.name)
    if (existing) return existing
    const open = () => SshConnection.open(target, this.options)
    const jump = target.jump?.name
    if (jump !== undefined && !this.viaJump.has(jump)) this.viaJump.set(jump, new Semaphore(8))
    const opening = this.handshakes.run(jump === undefined ? open : () => this.viaJump.get(jump)!.run(open))
    this.connections.set(target.name, opening)
    // A failed connection is not cached: a later step may try again.
    opening.catch(() => this.connections.delete(target.name))
    return opening
  }

  /** Runs `work` on every host with its connection; never rejects, one result per host in order. */
  async each<T>(targets: readonly SshTarget[], work: (connection: SshConnection, target: SshTarget) => Promise<T>): Promise<Array<HostResult<T>>> {
    return mapLimit(targets, this.options.concurrency ?? 32, async (target): Promise<HostResult<T>> => {
      try {
        const connection = await this.connection(target)
        return {host: target.name, ok: true, value: await work(connection, target)}
      } catch (error) {
        return {host: target.name, ok: false, error: toMailopsError(error)}
      }
    })
  }

  async close(): Promise<void> {
    const open = await Promise.allSettled(this.connections.values())
    for (const result of open) if (result.status === 'fulfilled') result.value.close()
    this.connections.clear()
  }
}
