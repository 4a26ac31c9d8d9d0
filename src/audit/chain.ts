import {createHash} from 'node:crypto'

/**
 * The audit trail is a hash chain: every record is one JSON line that starts with its sequence
 * number and the sha256 of the line before it, `{"seq":N,"prev":"HEX",…}`. The controller's run
 * files and the hosts' audit logs are written this way (the hosts' by the apply script, in shell),
 * so one reader checks both. An edited line breaks the `prev` of the line after it, a removed one
 * leaves a gap in `seq`, a moved one puts `seq` out of order; the last line is covered by the
 * run's signed seal (see seal.ts) or, on a host, by the head the controller's signed run recorded.
 */

/** The `prev` of a chain's first line. */
export const GENESIS = '0'.repeat(64)

export const lineHash = (line: string): string => createHash('sha256').update(line, 'utf8').digest('hex')

/** One chained line: seq and prev first, then the record's own fields. */
export function chainedLine(seq: number, prev: string, record: Record<string, unknown>): string {
  return JSON.stringify({seq, prev, ...record})
}

/**
 * How a trail can be found broken. The chain itself shows unreadable, edited, removed and
 * reordered lines; the seal and the cross-checks in verify.ts add the others.
 */
export type AuditProblemKind = 'unreadable' | 'edited' | 'removed' | 'reordered' | 'unsealed' | 'bad-signature' | 'other-key' | 'missing-run' | 'truncated'

export interface AuditProblem {
  /** 1-based line of the file the problem is about (for `edited`: the line that was changed); 0 for the file as a whole */
  line: number
  kind: AuditProblemKind
  /** what the message of its kind names (seq numbers, run ids, key fingerprints) */
  params: Record<string, string | number>
}

export interface ChainLine {
  seq: number
  prev: string
  record: Record<string, unknown>
  sha256: string
}

export interface ChainReading {
  lines: Array<ChainLine | null>
  /** the last line: what a seal or a recorded host head must match */
  head: {seq: number; sha256: string} | null
  problems: AuditProblem[]
}

function parse(raw: string): ChainLine | null {
  try {
    const record = JSON.parse(raw) as Record<string, unknown>
    if (typeof record !== 'object' || record === null || !Number.isSafeInteger(record.seq) || typeof record.prev !== 'string') return null
    return {seq: record.seq as number, prev: record.prev, record, sha256: lineHash(raw)}
  } catch {
    return null
  }
}

/** Reads a chain and says where it breaks and how (which line was changed, removed or moved). */
export function readChain(text: string): ChainReading {
  const raws = text.split('\n')
  if (raws.at(-1) === '') raws.pop()
  const lines = raws.map(parse)
  const seqs = lines.flatMap((l) => (l ? [l.seq] : [])).sort((a, b) => a - b)
  const problems: AuditProblem[] = []
  lines.forEach((line, i) => {
    const n = i + 1
    if (!line) {
      problems.push({line: n, kind: 'unreadable', params: {}})
      return
    }
    if (i === 0) {
      // A first line that is not seq 1 is a removal, unless seq 1 is further down (a move).
      if (line.seq !== 1 && seqs[0] !== 1) problems.push({line: n, kind: 'removed', params: {from: 1, to: line.seq - 1}})
      else if (line.seq === 1 && line.prev !== GENESIS) problems.push({line: n, kind: 'edited', params: {seq: 1, next: n}})
      return
    }
    const before = lines[i - 1]
    if (!before) return // already reported as unreadable; the link across it cannot be checked
    if (line.seq === before.seq + 1) {
      if (line.prev !== before.sha256) problems.push({line: n - 1, kind: 'edited', params: {seq: before.seq, next: n}})
      return
    }
    if (line.seq <= before.seq) {
      problems.push({line: n, kind: 'reordered', params: {seq: line.seq, after: before.seq}})
      return
    }
    // A gap whose records are nowhere else in the file is a removal. One whose records are
    // elsewhere is the other side of a move, reported once where the order steps back.
    const next = seqs[firstAbove(seqs, before.seq)]
    if (!(next !== undefined && next < line.seq)) problems.push({line: n, kind: 'removed', params: {from: before.seq + 1, to: line.seq - 1}})
  })
  const last = lines.at(-1)
  return {lines, head: last ? {seq: last.seq, sha256: last.sha256} : null, problems}
}

/** Index of the first value above `x` in ascending `sorted` (its length if none). */
function firstAbove(sorted: readonly number[], x: number): number {
  let lo = 0
  let hi = sorted.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (sorted[mid] <= x) lo = mid + 1
    else hi = mid
  }
  return lo
}
