import {spawn, spawnSync} from 'node:child_process'
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const RUN = join(ROOT, 'bin', 'run.js')

export interface CliResult {
  code: number
  stdout: string
  stderr: string
  json: () => any
}

/** A command that hangs must fail its test, not stall the run: spawnSync blocks vitest's own timers. A first deploy of a booted Debian 13 core took over 180 s at load 13-21. */
const HANG_MS = 300_000

/** Runs the built binary exactly as a user would: no TTY, real exit code. `hangMs`: longer for a first deploy that installs packages. */
export function mailops(args: string[], env: Record<string, string> = {}, hangMs = HANG_MS): CliResult {
  const result = spawnSync(process.execPath, [RUN, ...args], {
    encoding: 'utf8',
    env: {...userEnv(), NO_COLOR: '1', ...env},
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: hangMs,
  })
  return {
    code: result.status ?? -1,
    stdout: result.stdout,
    stderr: result.signal ? `${result.stderr}\n[killed by ${result.signal}: still running after ${hangMs / 1000} s]` : result.stderr,
    json: () => JSON.parse(result.stdout),
  }
}

/**
 * The same, without blocking this process: for tests whose peer (an SMTP server, say) runs in
 * the test process itself and must keep answering while the CLI runs.
 */
export function mailopsAsync(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [RUN, ...args], {env: {...userEnv(), NO_COLOR: '1', ...env}, stdio: ['ignore', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    child.on('close', (code) => resolve({code: code ?? -1, stdout, stderr, json: () => JSON.parse(stdout)}))
  })
}

/** The environment a user's shell would give: without the test runner's own variables. */
export function userEnv(): NodeJS.ProcessEnv {
  const env = {...process.env}
  // MAILOPS_LAB_HOLDER stays: the labs a command brings up are held by this run (vitest.config.ts).
  for (const key of Object.keys(env)) if (key.startsWith('VITEST') || key === 'NODE_ENV' || (key.startsWith('MAILOPS_') && key !== 'MAILOPS_LAB_HOLDER')) delete env[key]
  return env
}

/** Writes a file into a fresh temporary folder and returns its path. */
export function tempFile(name: string, content: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'mailops-test-')), name)
  writeFileSync(path, content)
  return path
}
