import type {PlanReport} from '../config/schemas/plan.js'
import {t} from '../i18n/index.js'
import {addDays, isoDate, parseIsoDate} from './dates.js'

/** Words that open a Mermaid Gantt statement: a name starting with one would be read as it. */
const KEYWORDS = /^(gantt|title|section|dateFormat|axisFormat|tickInterval|excludes|includes|todayMarker|inclusiveEndDates|topAxis|weekday|accTitle|accDescr|click|%%)\b/i

/**
 * Mermaid gives ':', '#' and ';' meaning inside a task line and ends a statement at a newline;
 * keep names literal and on one line, and never let one start with a keyword (a zero-width
 * space in front keeps it text).
 */
export function mermaidLabel(text: string): string {
  const flat = text.replaceAll(/[:#;\u0000-\u001f\u007f]/g, ' ').replaceAll(/\s+/g, ' ').trim()
  return KEYWORDS.test(flat) ? `\u200b${flat}` : flat
}

/** A task id Mermaid accepts whatever the plan file calls it: letters, digits and underscores, after a letter. */
export function mermaidId(id: string): string {
  return `t_${id.replaceAll(/[^A-Za-z0-9_]/g, '_')}`
}

/** A Mermaid Gantt chart with explicit ISO dates (no durations for Mermaid to reinterpret). */
export function planToMermaid(plan: PlanReport): string {
  const variant = t(`plan.variant.${plan.variant}` as Parameters<typeof t>[0])
  const lines = ['gantt', `  title ${mermaidLabel(t('plan.title', {variant}))}`, '  dateFormat YYYY-MM-DD', '  axisFormat %Y-%m']
  for (const phase of plan.phases) {
    lines.push(`  section ${mermaidLabel(`${phase.number}. ${phase.name}`)}`)
    for (const task of phase.tasks) {
      const id = mermaidId(task.id)
      if (task.milestone) lines.push(`  ${mermaidLabel(task.name)} :milestone, ${id}, ${task.start}, 0d`)
      // Mermaid's end date is exclusive.
      else lines.push(`  ${mermaidLabel(task.name)} :${id}, ${task.start}, ${isoDate(addDays(parseIsoDate(task.end), 1))}`)
    }
  }
  return lines.join('\n') + '\n'
}
