import type {PlanReport} from '../config/schemas/plan.js'
import {t} from '../i18n/index.js'
import {addDays, isoDate, parseIsoDate} from './dates.js'

/** Mermaid gives ':' and '#' meaning inside a task line; keep names literal. */
function label(text: string): string {
  return text.replaceAll(/[:#;]/g, ' ').replaceAll(/\s+/g, ' ').trim()
}

/** A Mermaid Gantt chart with explicit ISO dates (no durations for Mermaid to reinterpret). */
export function planToMermaid(plan: PlanReport): string {
  const variant = t(`plan.variant.${plan.variant}` as Parameters<typeof t>[0])
  const lines = ['gantt', `  title ${label(t('plan.title', {variant}))}`, '  dateFormat YYYY-MM-DD', '  axisFormat %Y-%m']
  for (const phase of plan.phases) {
    lines.push(`  section ${label(`${phase.number}. ${phase.name}`)}`)
    for (const task of phase.tasks) {
      const id = task.id.replaceAll('-', '_')
      if (task.milestone) lines.push(`  ${label(task.name)} :milestone, ${id}, ${task.start}, 0d`)
      // Mermaid's end date is exclusive.
      else lines.push(`  ${label(task.name)} :${id}, ${task.start}, ${isoDate(addDays(parseIsoDate(task.end), 1))}`)
    }
  }
  return lines.join('\n') + '\n'
}
