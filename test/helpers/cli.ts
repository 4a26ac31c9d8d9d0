import {spawnSync} from 'node:child_process'
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

/** Runs the built binary exactly as a user would: no TTY, real exit code. */
export function mailops(args: string[], env: Record<string, string> = {}): CliResult {
  const result = spawnSync(process.execPath, [RUN, ...args], {
    encoding: 'utf8',
    env: {...userEnv(), NO_COLOR: '1', ...env},
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  return {
    code: result.status ?? -1,
    stdout: result.stdout,
    stderr: result.stderr,
    json: () => JSON.parse(result.stdout),
  }
}

/** The environment a user's shell would give: without the test runner's own variables. */
function userEnv(): NodeJS.ProcessEnv {
  const env = {...process.env}
  for (const key of Object.keys(env)) if (key.startsWith('VITEST') || key === 'NODE_ENV' || key.startsWith('MAILOPS_')) delete env[key]
  return env
}

/** Writes a file into a fresh temporary folder and returns its path. */
export function tempFile(name: string, content: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'mailops-test-')), name)
  writeFileSync(path, content)
  return path
}
