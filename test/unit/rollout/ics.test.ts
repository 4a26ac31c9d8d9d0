import {describe, expect, it} from 'vitest'

import {escapeText, foldLine, planToIcs} from '../../../src/rollout/ics.js'
import {buildPlan} from '../../../src/rollout/build.js'
import {loadInput} from '../../../src/config/load.js'

describe('RFC 5545 text', () => {
  it('escapes backslash, semicolon, comma and newlines', () => {
    expect(escapeText('a\\b;c,d\ne\r\nf')).toBe('a\\\\b\\;c\\,d\\ne\\nf')
  })

  it('folds lines at 75 octets with CRLF and a space', () => {
    const folded = foldLine('SUMMARY:' + 'x'.repeat(200))
    const lines = folded.split('\r\n')
    expect(lines[0]).toHaveLength(75)
    for (const line of lines.slice(1)) {
      expect(line.startsWith(' ')).toBe(true)
      expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75)
    }
    expect(lines.map((l, i) => (i === 0 ? l : l.slice(1))).join('')).toBe('SUMMARY:' + 'x'.repeat(200))
  })

  it('never splits a multi-byte UTF-8 character', () => {
    const text = 'SUMMARY:' + '部署邮件网关边缘节点'.repeat(10)
    const lines = foldLine(text).split('\r\n')
    for (const line of lines) {
      expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75)
      expect(Buffer.from(line, 'utf8').toString('utf8')).toBe(line)
    }
    expect(lines.map((l, i) => (i === 0 ? l : l.slice(1))).join('')).toBe(text)
  })
})

describe('plan as a calendar', () => {
  const plan = buildPlan({...loadInput('plan').data, start: '2027-01-01'}, {now: new Date()})
  const ics = planToIcs(plan, new Date(Date.UTC(2026, 10, 22, 8, 30, 0)))

  it('uses CRLF everywhere and wraps events in one calendar', () => {
    expect(ics.replaceAll('\r\n', '')).not.toMatch(/[\r\n]/)
    expect(ics.startsWith('BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:')).toBe(true)
    expect(ics.endsWith('END:VCALENDAR\r\n')).toBe(true)
  })

  it('has one all-day event per task with a stable UID, UTC DTSTAMP and exclusive DTEND', () => {
    const events = ics.split('BEGIN:VEVENT').slice(1)
    expect(events).toHaveLength(plan.phases.flatMap((p) => p.tasks).length)
    const assess = events.find((e) => e.includes('UID:cross-border-assess-20270101@mailops'))!
    expect(assess).toContain('DTSTAMP:20261122T083000Z')
    expect(assess).toContain('DTSTART;VALUE=DATE:20270101')
    // The task ends on 2027-01-31; DTEND is the day after.
    expect(assess).toContain('DTEND;VALUE=DATE:20270201')
    expect(new Set(events.map((e) => /UID:(\S+)/.exec(e)![1])).size).toBe(events.length)
  })
})
