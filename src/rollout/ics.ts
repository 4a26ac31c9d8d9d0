import type {PlanReport} from '../config/schemas/plan.js'
import {addDays, parseIsoDate} from './dates.js'

/** RFC 5545 §3.3.11: backslash, semicolon, comma and newline are escaped in TEXT values. */
export function escapeText(text: string): string {
  return (
    text
      .replaceAll('\\', '\\\\')
      .replaceAll(';', '\\;')
      .replaceAll(',', '\\,')
      .replaceAll(/\r\n|\r|\n/g, '\\n')
      // §3.3.11 forbids control characters other than HTAB in TEXT: drop them (a stray ESC or NUL).
      .replaceAll(/[\u0000-\u0008\u000a-\u001f\u007f]/g, '')
  )
}

/**
 * RFC 5545 §3.1: lines longer than 75 octets are folded with CRLF + one space, never inside
 * a UTF-8 character.
 */
export function foldLine(line: string): string {
  const parts: string[] = []
  let current = ''
  let octets = 0
  for (const char of line) {
    const size = Buffer.byteLength(char)
    // Continuation lines start with a space, which counts towards their 75.
    const limit = parts.length === 0 ? 75 : 74
    if (octets + size > limit) {
      parts.push(current)
      current = ''
      octets = 0
    }
    current += char
    octets += size
  }
  parts.push(current)
  return parts.join('\r\n ')
}

const compactDate = (iso: string) => iso.replaceAll('-', '')

function stamp(now: Date): string {
  return now.toISOString().replaceAll(/[-:]/g, '').replace(/\.\d{3}/, '')
}

/** One all-day VEVENT per task and milestone; UIDs are stable so a re-import updates, not duplicates. */
export function planToIcs(plan: PlanReport, now: Date): string {
  const lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//mailops//plan//EN', 'CALSCALE:GREGORIAN', 'METHOD:PUBLISH']
  for (const phase of plan.phases) {
    for (const task of phase.tasks) {
      const raci = Object.entries(task.raci).map(([role, letters]) => `${letters}: ${plan.roles[role] ?? role}`)
      lines.push(
        'BEGIN:VEVENT',
        `UID:${plan.variant}-${task.id}-${compactDate(plan.start)}@mailops`,
        `DTSTAMP:${stamp(now)}`,
        `DTSTART;VALUE=DATE:${compactDate(task.start)}`,
        // DTEND of an all-day event is exclusive: the day after the last day.
        `DTEND;VALUE=DATE:${compactDate(addDays(parseIsoDate(task.end), 1).toISOString().slice(0, 10))}`,
        `SUMMARY:${escapeText(task.name)}`,
        `DESCRIPTION:${escapeText(`${phase.number}. ${phase.name}\n${raci.join('\n')}`)}`,
        `CATEGORIES:${escapeText(task.milestone ? 'milestone' : `phase ${phase.number}`)}`,
        'TRANSP:TRANSPARENT',
        'END:VEVENT',
      )
    }
  }
  lines.push('END:VCALENDAR')
  return lines.map(foldLine).join('\r\n') + '\r\n'
}
