import {describe, expect, it} from 'vitest'

import {DrillReport as DrillReportSchema} from '../../../src/config/schemas/drill.js'
import {type DrillReport, drillChecks} from '../../../src/drill/drill.js'
import {drillFigures} from '../../../src/drill/measure.js'
import {drillJunit, renderDrill} from '../../../src/ui/drill.js'
import {xmllint} from '../../helpers/junit.js'
import {expectValid} from '../../helpers/schema.js'

// A drill whose replica lacked 40 s of mail at the fault: RPO fails, the rest passes.
function report(): DrillReport {
  const canaries = [
    {id: '0', via: 'edge:node3', sentAt: 50_000, accepted: true},
    {id: '1', via: 'edge:node3', sentAt: 60_000, accepted: true},
    {id: '2', via: 'edge:node3', sentAt: 101_000, accepted: true},
    {id: '3', via: 'submission:node2', sentAt: 100_500, accepted: true},
  ]
  const both = new Map(['0', '1', '2', '3'].map((id) => [id, 1]))
  const figures = drillFigures({
    primary: 'node1',
    replica: 'node2',
    faultAt: 100_000,
    repairAt: 130_000,
    canaries,
    seen: {node1: new Map([['0', {seenAt: 50_500, deliveredAt: 50_000}], ['1', {seenAt: 60_500, deliveredAt: 60_000}], ['2', {seenAt: 133_000, deliveredAt: 102_000}], ['3', {seenAt: 133_000, deliveredAt: 101_000}]]), node2: new Map([['0', {seenAt: 51_500, deliveredAt: 50_000}], ['1', {seenAt: 131_000, deliveredAt: 60_000}], ['2', {seenAt: 102_500, deliveredAt: 102_000}], ['3', {seenAt: 101_000, deliveredAt: 101_000}]])},
    replicaImapAt: 102_500,
    copies: {node1: both, node2: both},
  })
  const uidvalidity = [{core: 'node1', mailbox: 'INBOX', before: 1764670000, after: 1764670000}]
  const replicationAtFault = {core: 'node1', peer: 'node2', lastSyncAgeMs: 41_200, error: 'demo@x (exit 1): Connection refused'}
  return {
    run: '20261202T103000-abcdef', failed: 'node1', replica: 'node2', edges: ['node3', 'node4'], fault: 'services',
    startedAt: '2026-12-02T10:30:00.000Z', faultAt: '2026-12-02T10:30:10.000Z', repairAt: '2026-12-02T10:30:40.000Z', endedAt: '2026-12-02T10:31:00.000Z',
    targets: {rtoMs: 60_000, rpoMs: 30_000}, canaries: {sent: 4, accepted: 4, refused: 0, intervalMs: 2000, firstRefusal: null},
    figures, replicationAtFault, uidvalidity, checks: drillChecks(figures, uidvalidity, {rtoMs: 60_000, rpoMs: 30_000}, replicationAtFault), removed: 6, audit: '/tmp/audit/20261202T103000-abcdef-drill.jsonl',
  }
}

describe('drill output', () => {
  it('is valid against its schema, and the table shows each figure, its target and the failed verdict', () => {
    const r = report()
    expectValid(DrillReportSchema, r)
    const text = renderDrill(r)
    expect(text).toContain('drill 20261202T103000-abcdef: node1 failed, node2 took over; canaries through node3, node4: 4 sent, 4 accepted, one every 2.0 s')
    expect(text).toMatch(/│ RTO +│ 2\.5 s +│ 60\.0 s │ pass │/)
    expect(text).toMatch(/│ RPO +│ 40\.0 s +│ 30\.0 s │ fail │/)
    // Canary 0 took 1 s; canary 1 reached the replica only after the repair: RPO's, not lag.
    expect(text).toMatch(/│ replication lag \(1 canary\) +│ p50 1\.0 s · p95 1\.0 s · p99 1\.0 s +│/)
    expect(text).toContain('✗ rpo: 40.0 s of mail missing on the replica at the fault (target 30.0 s; 1 canary)')
    // The sync loop's own word on how far back the replica was complete, and why.
    expect(text).toContain("; node1's last complete sync with node2 began 41.2 s before the fault (its last round: demo@x (exit 1): Connection refused)")
    expect(text).toMatch(/│ last complete sync before the fault +│ 41\.2 s +│/)
    expect(text).toContain('audit: /tmp/audit/20261202T103000-abcdef-drill.jsonl')
  })

  it('is JUnit a CI server reads: one testcase per verdict, the failed one a <failure>', () => {
    const xml = drillJunit(report())
    const lint = xmllint(xml)
    expect(lint.status, lint.stderr).toBe(0)
    expect(xml).toContain('tests="6" failures="1"')
    expect(xml).toMatch(/<testcase name="rpo"[^>]*>\n\s*<failure message="40\.0 s of mail missing/)
  })
})
