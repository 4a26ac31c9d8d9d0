import {spawnSync} from 'node:child_process'
import {generateKeyPairSync} from 'node:crypto'
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {chainedLine, GENESIS, lineHash, readChain} from '../../../src/audit/chain.js'
import {newRunId, RunAuditLog} from '../../../src/audit/run-log.js'
import {verifyHostLog, verifyRunFile} from '../../../src/audit/verify.js'
import {auditFunction} from '../../../src/deploy/apply.js'

/** Five chained records, as deploy writes them. */
function chain(n = 5): string[] {
  const lines: string[] = []
  let prev = GENESIS
  for (let seq = 1; seq <= n; seq++) {
    const line = chainedLine(seq, prev, {host: `node${seq}`, status: 'changed'})
    lines.push(line)
    prev = lineHash(line)
  }
  return lines
}
const problems = (lines: string[]) => readChain(lines.join('\n') + '\n').problems.map((p) => ({line: p.line, kind: p.kind}))

describe('the audit hash chain', () => {
  it('reads an untouched chain clean, its head the last line', () => {
    const lines = chain()
    const reading = readChain(lines.join('\n') + '\n')
    expect(reading.problems).toEqual([])
    expect(reading.head).toEqual({seq: 5, sha256: lineHash(lines[4])})
  })

  it('names the edited line (the one whose hash the next line no longer holds)', () => {
    const lines = chain()
    lines[1] = lines[1].replace('"changed"', '"unchanged"')
    expect(problems(lines)).toEqual([{line: 2, kind: 'edited'}])
  })

  it('names where a line was removed, and which seq is missing', () => {
    const lines = chain()
    lines.splice(2, 1)
    expect(readChain(lines.join('\n')).problems).toEqual([{line: 3, kind: 'removed', params: {from: 3, to: 3}}])
  })

  it('reports a swap once, where the order steps back, not as a removal', () => {
    const lines = chain()
    ;[lines[1], lines[2]] = [lines[2], lines[1]]
    expect(problems(lines)).toEqual([{line: 3, kind: 'reordered'}])
  })

  it('reports removed first lines, a line that is not a record, and survives a hostile seq', () => {
    expect(problems(chain().slice(2))).toEqual([{line: 1, kind: 'removed'}])
    const lines = chain()
    lines[3] = 'not json'
    expect(problems(lines)).toEqual([{line: 4, kind: 'unreadable'}])
    const hostile = chain()
    hostile[2] = JSON.stringify({...JSON.parse(hostile[2]), seq: Number.MAX_SAFE_INTEGER})
    const started = performance.now()
    expect(problems(hostile)).toEqual([{line: 4, kind: 'reordered'}])
    expect(performance.now() - started).toBeLessThan(1000)
  })
})

describe('a run file and its seal', () => {
  const key = generateKeyPairSync('ed25519')
  const written = () => {
    const dir = mkdtempSync(join(tmpdir(), 'mailops-audit-unit-'))
    const log = RunAuditLog.open(dir, '20261201T100000-aaaaaa', key.privateKey)
    log.append({host: 'core1', status: 'changed'})
    log.append({host: 'edge1', status: 'unchanged'})
    log.seal()
    return log.file
  }

  it('is intact as written, and signed by the key', () => {
    const file = written()
    expect(verifyRunFile(file, key.publicKey, new Map()).problems).toEqual([])
  })

  it('catches an edited last record (the seal covers it) and a re-signed file under another key', () => {
    const file = written()
    const lines = readFileSync(file, 'utf8').trim().split('\n')
    // The attacker re-chains the seal to the edited line: only the signature can tell.
    const edited = lines[1].replace('unchanged', 'changed')
    const seal = JSON.parse(lines[2])
    writeFileSync(file, [lines[0], edited, JSON.stringify({...seal, prev: lineHash(edited)})].join('\n') + '\n')
    expect(verifyRunFile(file, key.publicKey, new Map()).problems.map((p) => p.kind)).toEqual(['bad-signature'])
    const other = generateKeyPairSync('ed25519')
    expect(verifyRunFile(written(), other.publicKey, new Map()).problems.map((p) => p.kind)).toEqual(['other-key'])
  })

  it('chains runs started within one second in the order they started (ids sort as their start)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mailops-audit-unit-'))
    const second = Date.parse('2026-12-02T13:16:56.000Z')
    // Twenty runs in one second: with second-resolution ids their random part decided the order.
    const runs = Array.from({length: 20}, (_, i) => {
      const log = RunAuditLog.open(dir, newRunId(new Date(second + i * 50)), key.privateKey)
      log.append({host: 'core1', status: 'changed'})
      log.seal()
      return log
    })
    const previous = runs.map((log) => (JSON.parse(readFileSync(log.file, 'utf8').trim().split('\n').at(-1)!) as {seal: {previousRun: {run: string} | null}}).seal.previousRun?.run ?? null)
    expect(previous).toEqual([null, ...runs.slice(0, -1).map((log) => log.file.split('/').at(-1)!.replace('.jsonl', ''))])
  })

  it('catches a seal removed with the last record', () => {
    const file = written()
    writeFileSync(file, readFileSync(file, 'utf8').trim().split('\n').slice(0, 1).join('\n') + '\n')
    expect(verifyRunFile(file, key.publicKey, new Map()).problems.map((p) => p.kind)).toEqual(['unsealed'])
  })
})

describe("the host's audit log", () => {
  it('is chained by the apply script itself, also when runs append at once', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'mailops-audit-host-')), 'audit.jsonl')
    const fields = JSON.stringify({run: 'r1', host: 'node1'}).slice(1, -1)
    const script = [...auditFunction(fields, file), 'for i in 1 2 3 4 5 6; do audit \'{"status":"applied","restarted":[]}\' & done; wait', 'audit \'{"status":"busy","waitedS":1}\'', 'echo "$seq $head"'].join('\n')
    const run = spawnSync('bash', ['-c', script], {encoding: 'utf8'})
    expect(run.stderr).toBe('')
    const log = readFileSync(file, 'utf8')
    const reading = readChain(log)
    expect(reading.problems).toEqual([])
    expect(reading.lines.map((l) => l!.seq)).toEqual([1, 2, 3, 4, 5, 6, 7])
    expect(reading.lines[6]!.record).toMatchObject({run: 'r1', host: 'node1', result: {status: 'busy'}})
    expect(run.stdout.trim()).toBe(`7 ${reading.head!.sha256}`)
  })

  it('is checked against the heads signed runs recorded: a removed or edited last line is found', () => {
    const lines = chain(3)
    const heads = [{run: 'r1', seq: 2, sha256: lineHash(lines[1])}, {run: 'r2', seq: 3, sha256: lineHash(lines[2])}]
    expect(verifyHostLog('node1', lines, heads)).toMatchObject({problems: [], signedUpTo: 3, unsigned: 0})
    expect(verifyHostLog('node1', lines.slice(0, 2), heads).problems.map((p) => p.kind)).toEqual(['truncated'])
    const edited = [...lines.slice(0, 2), lines[2].replace('changed', 'failed')]
    expect(verifyHostLog('node1', edited, heads).problems).toEqual([{line: 3, kind: 'edited', params: {seq: 3, next: 'r2'}}])
    expect(verifyHostLog('node1', [...lines, chainedLine(4, lineHash(lines[2]), {})], heads)).toMatchObject({problems: [], unsigned: 1})
  })
})
