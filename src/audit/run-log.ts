import {type KeyObject, randomBytes} from 'node:crypto'
import {appendFileSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync} from 'node:fs'
import {homedir} from 'node:os'
import {basename, join} from 'node:path'

import {chainedLine, GENESIS, lineHash} from './chain.js'
import {fingerprint, signText} from './key.js'

/** A run's seal: the last line of its file, signed with the operator's key. */
export interface Seal {
  run: string
  /** fingerprint of the key that signed */
  key: string
  /** the run sealed before this one in the same folder, and the hash of its seal line */
  previousRun: {run: string; sha256: string} | null
  sig: string
}

/** What the signature covers: the seal's place in the chain and the run before it. */
export const sealPayload = (seq: number, prev: string, seal: Omit<Seal, 'sig'>): string =>
  ['mailops-audit-seal/1', seal.run, seq, prev, seal.key, seal.previousRun ? `${seal.previousRun.run} ${seal.previousRun.sha256}` : '-'].join('\n')

/**
 * A new run's id: its UTC start to the millisecond, then 6 random hex digits
 * (20261202T131656.123-6fd8a3). Run files chain in name order, so the id must sort as the runs
 * started: with whole seconds, two runs in one second sorted by their random part, and the later
 * one vouched for the wrong predecessor.
 */
export const newRunId = (now = new Date()): string =>
  `${now.toISOString().replaceAll(/[-:]/g, '').slice(0, 19)}-${randomBytes(3).toString('hex')}`

export const runFileName = (runId: string): string => `${runId}.jsonl`

/** The file's last non-empty line (the seal of a finished run). */
export function lastLine(file: string): string | undefined {
  const text = readFileSync(file, 'utf8')
  return text.split('\n').filter((l) => l !== '').at(-1)
}

/** Whether a line is a seal (whatever its signature). */
function isSeal(line: string): boolean {
  try {
    const seal = (JSON.parse(line) as {seal?: unknown}).seal
    return typeof seal === 'object' && seal !== null
  } catch {
    return false
  }
}

/** Where deploy keeps its run files when `--audit-dir` is not given. */
export const defaultAuditDir = (): string => join(process.env.XDG_STATE_HOME ?? join(homedir(), '.local', 'state'), 'mailops', 'audit')

/**
 * The controller's record of one deploy run, one chained line per host outcome, sealed at the
 * end. Each line is appended and flushed as it happens, so a killed run keeps what it did (its
 * file then has no seal, which `audit verify` reports).
 */
export class RunAuditLog {
  private seq = 0
  private prev = GENESIS

  private constructor(
    readonly file: string,
    private readonly runId: string,
    private readonly key: KeyObject,
  ) {}

  static open(dir: string, runId: string, key: KeyObject): RunAuditLog {
    mkdirSync(dir, {recursive: true})
    return new RunAuditLog(join(dir, runFileName(runId)), runId, key)
  }

  append(record: Record<string, unknown>): void {
    this.write(chainedLine(++this.seq, this.prev, record))
  }

  /** Signs the run: its last line, and a link to the run sealed before it in this folder. */
  seal(): void {
    const seq = ++this.seq
    const unsigned: Omit<Seal, 'sig'> = {run: this.runId, key: fingerprint(this.key), previousRun: previousSealed(this.file)}
    this.write(chainedLine(seq, this.prev, {seal: {...unsigned, sig: signText(this.key, sealPayload(seq, this.prev, unsigned))}}))
  }

  private write(line: string): void {
    const fd = openSync(this.file, 'a', 0o600)
    try {
      appendFileSync(fd, line + '\n')
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
    this.prev = lineHash(line)
  }
}

/** The newest sealed run whose file sorts before this one (run ids start with their time). */
function previousSealed(file: string): Seal['previousRun'] {
  const dir = join(file, '..')
  const own = basename(file)
  const earlier = readdirSync(dir)
    .filter((name) => name.endsWith('.jsonl') && name < own)
    .sort()
    .reverse()
  for (const name of earlier) {
    const path = join(dir, name)
    const line = existsSync(path) ? lastLine(path) : undefined
    if (line !== undefined && isSeal(line)) return {run: name.slice(0, -'.jsonl'.length), sha256: lineHash(line)}
  }
  return null
}
