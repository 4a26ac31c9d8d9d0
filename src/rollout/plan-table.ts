import type {PlanReport} from '../config/schemas/plan.js'
import {t} from '../i18n/index.js'
import {money, percent} from '../util/format.js'
import {heading, tabular, type TableFormat} from '../util/table.js'

/** Phases with their budget, then every task with its dates and RACI. */
export function renderPlan(plan: PlanReport, format: TableFormat): string {
  const phases = tabular(
    format,
    [t('plan.phase'), t('plan.months'), t('plan.start'), t('plan.end'), t('tco.share'), t('plan.budget')],
    plan.phases.map((p) => [`${p.number}. ${p.name}`, p.months, p.start, p.end, percent(p.budgetShare, 0), money(p.budget, plan.currency)]),
    ['left', 'right', 'left', 'left', 'right', 'right'],
  )
  const roles = Object.keys(plan.roles)
  const tasks = tabular(
    format,
    [t('plan.task'), t('plan.start'), t('plan.end'), ...roles.map((r) => plan.roles[r])],
    plan.phases.flatMap((p) =>
      p.tasks.map((task) => [
        `${task.milestone ? '◆ ' : ''}${task.name}`,
        task.start,
        task.end,
        ...roles.map((r) => task.raci[r] ?? ''),
      ]),
    ),
  )
  return [
    heading(format, t('plan.title', {variant: t(`plan.variant.${plan.variant}` as Parameters<typeof t>[0])})),
    t('plan.summary', {start: plan.start, end: plan.end, budget: money(plan.budget, plan.currency)}),
    '',
    phases,
    '',
    heading(format, t('plan.tasksTitle')),
    '',
    tasks,
    t('plan.legend'),
  ].join('\n')
}
