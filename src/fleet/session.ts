import {ExitCode, type ExitCodeValue} from '../errors.js'
import type {ExecResult, SshTarget} from '../ssh/connection.js'
import {isUnreachable} from '../ssh/errors.js'
import {type HostResult, type PoolOptions, SshPool} from '../ssh/pool.js'

export interface CommandOutcome {
  host: string
  ok: boolean
  code: number | null
  stdout: string
  stderr: string
  ms: number
  error?: {code: string; message: string; hint?: string}
}

/** Runs one command on every host over the pool; one outcome per host, in inventory order. */
export async function runEverywhere(targets: readonly SshTarget[], command: string, options: PoolOptions & {timeoutMs?: number}): Promise<CommandOutcome[]> {
  const pool = new SshPool(options)
  try {
    const results: Array<HostResult<ExecResult>> = await pool.each(targets, (connection) => connection.exec(command, {timeoutMs: options.timeoutMs}))
    return results.map((r) =>
      r.ok
        ? {host: r.host, ok: r.value.code === 0, code: r.value.code, stdout: r.value.stdout, stderr: r.value.stderr, ms: r.value.ms}
        : {host: r.host, ok: false, code: null, stdout: '', stderr: '', ms: 0, error: {code: r.error.code, message: r.error.message, hint: r.error.hint}},
    )
  } finally {
    await pool.close()
  }
}

/** Unreachable hosts outrank failed commands: the fleet could not even be asked. */
export function outcomeExit(outcomes: readonly CommandOutcome[]): ExitCodeValue {
  if (outcomes.some((o) => o.error && isUnreachable(o.error.code))) return ExitCode.unreachable
  if (outcomes.some((o) => !o.ok)) return ExitCode.checksFailed
  return ExitCode.ok
}
