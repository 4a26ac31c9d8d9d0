import {describe, expect, it} from 'vitest'

import {drillChecks} from '../../../src/drill/drill.js'
import {type Canary, drillFigures, type DrillTimeline, imapDate, parseCanaryFetch, type Sighting} from '../../../src/drill/measure.js'

// A drill on a clock of its own: the fault at 100 s, the repair at 160 s (ms since the epoch).
const FAULT = 100_000
const REPAIR = 160_000
const edge = (id: string, sentAt: number, accepted = true): Canary => ({id, via: 'edge:edge1', sentAt, accepted})
const seenAt = (at: number, deliveredAt = at): Sighting => ({seenAt: at, deliveredAt})

function timeline(overrides: Partial<DrillTimeline> = {}): DrillTimeline {
  const canaries = [edge('1', 90_000), edge('2', 98_000), edge('3', 101_000), {id: '4', via: 'submission:core2', sentAt: 100_400, accepted: true}, edge('5', 170_000)]
  return {
    primary: 'core1',
    replica: 'core2',
    faultAt: FAULT,
    repairAt: REPAIR,
    canaries,
    seen: {
      // 1 and 2 reached the primary and were replicated 1.5 s later; 3 and 4 came to the replica in
      // the outage and back to the primary 4 s after the repair; 5 after the repair, as before.
      core1: new Map([['1', seenAt(90_500)], ['2', seenAt(98_400)], ['3', seenAt(164_000, 102_000)], ['4', seenAt(164_000, 101_000)], ['5', seenAt(170_500)]]),
      core2: new Map([['1', seenAt(92_000, 90_000)], ['2', seenAt(99_900, 98_000)], ['3', seenAt(103_500, 102_000)], ['4', seenAt(101_200, 101_000)], ['5', seenAt(172_500, 170_000)]]),
    },
    replicaImapAt: 103_500,
    copies: {core1: new Map(['1', '2', '3', '4', '5'].map((id) => [id, 1])), core2: new Map(['1', '2', '3', '4', '5'].map((id) => [id, 1]))},
    ...overrides,
  }
}

describe('drill figures', () => {
  it('RTO is the longest of delivery, IMAP and submission on the replica; RPO 0 when the replica had everything; lag from the primary to the replica', () => {
    const f = drillFigures(timeline())
    expect([f.smtpMs, f.imapMs, f.submitMs, f.rtoMs]).toEqual([2000, 3500, 400, 3500])
    expect([f.rpoMs, f.missingAtFault]).toEqual([0, []])
    // 1.5 s, 1.5 s and 2 s (canary 5, after the repair), interpolated percentiles; the outage's canaries are not lag.
    expect(f.lag).toEqual({samples: 3, p50Ms: 1500, p95Ms: 1950, p99Ms: 1990, maxMs: 2000})
    expect([f.resyncMs, f.lost, f.duplicates]).toEqual([4000, [], []])
    expect(drillChecks(f, [{core: 'core1', mailbox: 'INBOX', before: 7, after: 7}], {rtoMs: 60_000, rpoMs: 30_000}).map((c) => [c.id, c.status])).toEqual([
      ['rto', 'pass'],
      ['rpo', 'pass'],
      ['resync', 'pass'],
      ['lost', 'pass'],
      ['duplicates', 'pass'],
      ['uidvalidity', 'pass'],
    ])
  })

  it('replication stopped 40 s before the fault: the replica lacks everything since, RPO is that age, and the drill fails on it', () => {
    const base = timeline()
    // Canary 0 (50 s) still replicated; 6 (60 s) and 2 (98 s) never before the repair.
    const stale = new Map(base.seen.core2).set('0', seenAt(51_000, 50_000))
    stale.delete('2')
    const canaries = [...base.canaries, edge('6', 60_000), edge('0', 50_000)]
    const f = drillFigures({...base, canaries, seen: {core1: new Map(base.seen.core1).set('0', seenAt(50_400)), core2: stale}})
    expect(f.missingAtFault).toEqual(['6', '2'])
    expect([f.rpoMs, f.rpoAtLeast]).toEqual([40_000, false])
    const checks = drillChecks(f, [], {rtoMs: 60_000, rpoMs: 30_000})
    expect(checks.find((c) => c.id === 'rpo')).toMatchObject({status: 'fail', message: expect.stringContaining('40.0 s of mail missing on the replica at the fault (target 30.0 s; 2 canaries)')})
  })

  it('the replica lacking even the first canary: RPO is only a lower bound, and fails whatever the target', () => {
    const base = timeline()
    const none = new Map(base.seen.core2)
    none.delete('1')
    none.delete('2')
    const f = drillFigures({...base, seen: {...base.seen, core2: none}})
    expect([f.rpoMs, f.rpoAtLeast, f.missingAtFault]).toEqual([10_000, true, ['1', '2']])
    expect(drillChecks(f, [], {rtoMs: 60_000, rpoMs: 300_000}).find((c) => c.id === 'rpo')).toMatchObject({status: 'fail', message: expect.stringContaining("at least 10.0 s of mail missing on the replica at the fault (target 300.0 s): it lacked even the drill's first canary")})
    // No canary accepted before the fault: nothing to measure the RPO with.
    expect(drillFigures({...base, canaries: base.canaries.filter((c) => c.sentAt >= FAULT)}).rpoAtLeast).toBe(true)
  })

  it('a canary seen on the replica only after the repair was missing at the fault', () => {
    const base = timeline()
    const late = new Map(base.seen.core2).set('2', seenAt(REPAIR + 500, 98_000))
    expect(drillFigures({...base, seen: {...base.seen, core2: late}}).missingAtFault).toEqual(['2'])
  })

  it('no recovery, a lost canary, a duplicate and a refused one: RTO null and failed, lost and duplicate named, refused ones not counted', () => {
    const base = timeline()
    const f = drillFigures({
      ...base,
      canaries: [...base.canaries, edge('7', 120_000, false)],
      replicaImapAt: null,
      copies: {core1: new Map([['1', 1], ['2', 2], ['3', 1], ['4', 1]]), core2: new Map([['1', 1], ['2', 1], ['3', 1], ['4', 1], ['5', 1]])},
    })
    expect([f.imapMs, f.rtoMs]).toEqual([null, null])
    expect(f.lost).toEqual(['5'])
    expect(f.duplicates).toEqual(['2'])
    const checks = drillChecks(f, [{core: 'core2', mailbox: 'INBOX', before: 7, after: 8}], {rtoMs: 60_000, rpoMs: 30_000})
    expect(checks.filter((c) => c.status === 'fail').map((c) => c.id)).toEqual(['rto', 'lost', 'duplicates', 'uidvalidity'])
    expect(checks.find((c) => c.id === 'uidvalidity')!.message).toContain('core2 INBOX 7 → 8')
  })

  it('the failed core never getting the outage mail back is a failed resync', () => {
    const base = timeline()
    const primary = new Map(base.seen.core1)
    primary.delete('3')
    expect(drillFigures({...base, seen: {...base.seen, core1: primary}}).resyncMs).toBeNull()
  })
})

describe('canaries over IMAP', () => {
  it('reads id and INTERNALDATE from a FETCH response, literal by literal, and only this run', () => {
    const header = (run: string, id: string) => `X-Mailops-Drill: ${run} ${id}\r\n\r\n`
    const response = [
      `* 1 FETCH (UID 5 INTERNALDATE "02-Dec-2026 10:30:01 +0000" BODY[HEADER.FIELDS (X-MAILOPS-DRILL)] {${header('r1', '12').length}}\r\n${header('r1', '12')})\r\n`,
      `* 2 FETCH (UID 6 INTERNALDATE " 2-Dec-2026 11:30:02 +0100" BODY[HEADER.FIELDS (X-MAILOPS-DRILL)] {${header('r1', '13').length}}\r\n${header('r1', '13')})\r\n`,
      `* 3 FETCH (UID 7 INTERNALDATE "02-Dec-2026 10:30:03 +0000" BODY[HEADER.FIELDS (X-MAILOPS-DRILL)] {${header('r0', '1').length}}\r\n${header('r0', '1')})\r\n`,
      'a5 OK Fetch completed.\r\n',
    ].join('')
    expect(parseCanaryFetch(response, 'r1')).toEqual([
      {id: '12', deliveredAt: Date.UTC(2026, 11, 2, 10, 30, 1)},
      {id: '13', deliveredAt: Date.UTC(2026, 11, 2, 10, 30, 2)},
    ])
    expect(imapDate('02-Dec-2026 10:30:01 -0230')).toBe(Date.UTC(2026, 11, 2, 13, 0, 1))
    expect(imapDate('yesterday')).toBeNaN()
  })
})
