import {ExitCode, type ExitCodeValue, InputError, toMailopsError} from '../errors.js'
import {t} from '../i18n/index.js'
import type {ExecResult, SshConnection, SshTarget} from '../ssh/connection.js'
import {isUnreachable} from '../ssh/errors.js'
import {type HostResult, type PoolOptions, SshPool} from '../ssh/pool.js'
import {type LoadedInventory, loadInventory, selectHosts} from './inventory.js'

/** How a run reaches its hosts: the inventory's known_hosts, and what the operator allowed. */
export interface SessionOptions {
  acceptNew?: boolean
  connectTimeoutMs?: number
  /** Hosts worked on at once. */
  concurrency?: number
}

/** Why a host failed, as every report and audit line carries it. */
export interface HostFailure {
  code: string
  message: string
  hint?: string
}

/** The one shape of a host's failure: whatever was thrown, its code, message and hint. */
export function failureOf(error: unknown): HostFailure {
  const e = toMailopsError(error)
  return {code: e.code, message: e.message, ...(e.hint ? {hint: e.hint} : {})}
}

/**
 * The one outcome → exit-code rule of a fleet run (deploy, exec, dns, verify's host checks):
 * a host that could not be reached (3) outranks a host where a step failed (1); else 0.
 */
export function runExit(outcomes: ReadonlyArray<{ok: boolean; error?: {code: string}}>): ExitCodeValue {
  if (outcomes.some((o) => o.error && isUnreachable(o.error.code))) return ExitCode.unreachable
  if (outcomes.some((o) => !o.ok)) return ExitCode.checksFailed
  return ExitCode.ok
}

/**
 * The one owner of a run's SSH connections: one per host, opened on first use, shared by every
 * step of the run, all closed by close(). Features take a session; none builds a pool.
 */
export class FleetSession {
  private readonly pool: SshPool

  constructor(
    inventory: Pick<LoadedInventory, 'knownHosts'>,
    readonly options: SessionOptions = {},
  ) {
    const pool: PoolOptions = {knownHosts: inventory.knownHosts, acceptNew: options.acceptNew, connectTimeoutMs: options.connectTimeoutMs, concurrency: options.concurrency}
    this.pool = new SshPool(pool)
  }

  connection(target: SshTarget): Promise<SshConnection> {
    return this.pool.connection(target)
  }

  /** Runs `work` on every host; never rejects, one result per host in order. */
  each<T>(targets: readonly SshTarget[], work: (connection: SshConnection, target: SshTarget) => Promise<T>): Promise<Array<HostResult<T>>> {
    return this.pool.each(targets, work)
  }

  close(): Promise<void> {
    return this.pool.close()
  }

  /** A session for `work`, closed however it ends. */
  static async with<T>(inventory: Pick<LoadedInventory, 'knownHosts'>, options: SessionOptions, work: (session: FleetSession) => Promise<T>): Promise<T> {
    const session = new FleetSession(inventory, options)
    try {
      return await work(session)
    } finally {
      await session.close()
    }
  }
}

export interface CommandOutcome {
  host: string
  ok: boolean
  code: number | null
  stdout: string
  stderr: string
  ms: number
  error?: HostFailure
}

/** Runs one command on every host; one outcome per host, in inventory order. */
export async function runEverywhere(inventory: Pick<LoadedInventory, 'knownHosts'>, targets: readonly SshTarget[], command: string, options: SessionOptions & {timeoutMs?: number}): Promise<CommandOutcome[]> {
  return FleetSession.with(inventory, options, async (session) => {
    const results: Array<HostResult<ExecResult>> = await session.each(targets, (connection) => connection.exec(command, {timeoutMs: options.timeoutMs}))
    return results.map((r) =>
      r.ok
        ? {host: r.host, ok: r.value.code === 0, code: r.value.code, stdout: r.value.stdout, stderr: r.value.stderr, ms: r.value.ms}
        : {host: r.host, ok: false, code: null, stdout: '', stderr: '', ms: 0, error: failureOf(r.error)},
    )
  })
}

export interface ExecRequest extends SessionOptions {
  inventory: string
  /** host names (all when none) */
  hosts?: string[]
  command: string
  timeoutMs?: number
}

/** `mailops exec`: the command checked, then run on the chosen hosts; the outcomes and the run's exit code. */
export async function execOnFleet(request: ExecRequest): Promise<{results: CommandOutcome[]; exit: ExitCodeValue}> {
  if (request.command.trim() === '') throw new InputError(t('exec.noCommand'), {code: 'USAGE'})
  const inventory = loadInventory(request.inventory)
  const results = await runEverywhere(inventory, selectHosts(inventory, request.hosts), request.command, request)
  return {results, exit: runExit(results)}
}
