import {MIGRATIONS, PLAN_VARIANTS, ROLES} from '../catalog/plans.js'
import {DEFAULT_REVENUE} from '../config/constants.js'
import type {Phase, PlanFile, PlanReport, Task} from '../config/schemas/plan.js'
import type {SourceDocument} from '../config/source.js'
import {InputError} from '../errors.js'
import {local} from '../i18n/text.js'
import {SUM_TOLERANCE} from '../matrix/weights.js'
import {round, sum} from '../util/number.js'
import {addDays, addMonths, isoDate, nextMonthStart, parseIsoDate} from './dates.js'
import {raciDefect} from './raci.js'

/** Budget when none is given: the middle of 0.8-1.5% of the default scenario's revenue. */
const MID_BUDGET_SHARE = (0.008 + 0.015) / 2

export interface PlanOptions {
  now: Date
}

/** Turns a plan file (or the defaults) into dated phases and tasks, checking every rule on the way. */
export function buildPlan(file: PlanFile, options: PlanOptions, source?: SourceDocument): PlanReport {
  const variant = PLAN_VARIANTS[file.variant]
  const phases = file.phases ?? variant.phases
  const tasks = file.tasks ?? withMigration(variant.tasks, file.migrateFrom)
  const roleNames: Record<string, string> = Object.fromEntries(
    Object.entries(file.roles ?? ROLES).map(([id, name]) => [id, local(name)]),
  )
  checkPhases(file, phases, source)
  checkTasks(file, phases, tasks, new Set(Object.keys(roleNames)), source)

  const start = file.start ? parseIsoDate(file.start) : nextMonthStart(options.now)
  // The default revenue is in USD: in another currency it would be a wrong number, not a default.
  if (file.budget === undefined && file.revenue === undefined && file.currency !== 'USD') {
    throw InputError.at(source?.locate(['currency']), 'plan.budgetCurrency', {currency: file.currency})
  }
  const revenue = file.revenue ?? DEFAULT_REVENUE
  const budget = file.budget ?? revenue * MID_BUDGET_SHARE
  // A span of whole months [from, to) ends the day before month `to` begins.
  const lastDay = (month: number) => addDays(addMonths(start, month), -1)
  // A milestone at month m marks the end of month m − 1, except at its phase's first month,
  // where it marks the phase's first day (dated inside its own phase, not the one before).
  const milestoneDay = (month: number, phase: Phase) =>
    month === phase.startMonth ? addMonths(start, month) : lastDay(month)

  return {
    variant: file.variant,
    start: isoDate(start),
    end: isoDate(lastDay(Math.max(...phases.map((p) => p.endMonth)))),
    currency: file.currency,
    budget,
    roles: roleNames,
    ...(file.migrateFrom ? {migrateFrom: file.migrateFrom} : {}),
    phases: phases.map((phase, index) => ({
      number: index + 1,
      name: local(phase.name),
      start: isoDate(addMonths(start, phase.startMonth)),
      end: isoDate(lastDay(phase.endMonth)),
      months: `${phase.startMonth}-${phase.endMonth}`,
      budgetShare: phase.budgetShare,
      budget: budget * phase.budgetShare,
      tasks: tasks
        .filter((task) => task.phase === index + 1)
        .map((task) => ({
          id: task.id,
          phase: task.phase,
          name: local(task.name),
          start: isoDate(task.milestone ? milestoneDay(task.startMonth, phase) : addMonths(start, task.startMonth)),
          end: isoDate(task.milestone ? milestoneDay(task.endMonth, phase) : lastDay(task.endMonth)),
          milestone: task.milestone ?? false,
          raci: task.raci,
        })),
    })),
  }
}

/**
 * The bundled tasks with the migration off the current system: the plan's own migration task
 * (enterprise) is named for it, or one is added where business systems are connected
 * (cross-border, months 3-6). A greenfield start (none) migrates nothing.
 */
function withMigration(tasks: readonly Task[], from: PlanFile['migrateFrom']): Task[] {
  const named = from ? MIGRATIONS[from].task : undefined
  if (!from) return [...tasks]
  const own = tasks.find((task) => task.id === 'migration')
  if (own) return named ? tasks.map((task) => (task === own ? {...task, name: named} : task)) : tasks.filter((task) => task !== own)
  if (!named) return [...tasks]
  const at = tasks.findIndex((task) => task.phase === 2)
  const migration: Task = {id: 'migration', phase: 2, name: named, startMonth: 3, endMonth: 6, raci: {'mail-ops': 'R', 'it-lead': 'A', business: 'C', vendor: 'C'}}
  return [...tasks.slice(0, at), migration, ...tasks.slice(at)]
}

function checkPhases(file: PlanFile, phases: PlanFile['phases'] & object, source?: SourceDocument): void {
  const at = (index: number, key?: string) => (file.phases ? source?.locate(key ? ['phases', index, key] : ['phases', index]) : undefined)
  for (const [index, phase] of phases.entries()) {
    if (phase.endMonth <= phase.startMonth) {
      throw InputError.at(at(index, 'endMonth'), 'plan.phaseEmpty', {phase: index + 1})
    }
    const previous = phases[index - 1]
    if (previous && phase.startMonth < previous.endMonth) {
      throw InputError.at(at(index, 'startMonth'), 'plan.phaseOverlap', {phase: index + 1, previous: index})
    }
  }
  const shares = sum(phases.map((p) => p.budgetShare))
  if (Math.abs(shares - 1) > SUM_TOLERANCE) {
    throw InputError.at(file.phases ? source?.locate(['phases']) : undefined, 'plan.shareSum', {sum: round(shares, 6)})
  }
}

function checkTasks(
  file: PlanFile,
  phases: PlanFile['phases'] & object,
  tasks: PlanFile['tasks'] & object,
  roles: ReadonlySet<string>,
  source?: SourceDocument,
): void {
  const at = (index: number, key?: string) => (file.tasks ? source?.locate(key ? ['tasks', index, key] : ['tasks', index]) : undefined)
  const seen = new Set<string>()
  for (const [index, task] of tasks.entries()) {
    if (seen.has(task.id)) throw InputError.at(at(index, 'id'), 'plan.duplicateTask', {id: task.id})
    seen.add(task.id)
    const phase = phases[task.phase - 1]
    if (!phase) throw InputError.at(at(index, 'phase'), 'plan.unknownPhase', {id: task.id, phase: task.phase, count: phases.length})
    const span = task.milestone ? task.endMonth === task.startMonth : task.endMonth > task.startMonth
    if (!span) throw InputError.at(at(index, 'endMonth'), task.milestone ? 'plan.milestoneSpan' : 'plan.taskEmpty', {id: task.id})
    if (task.startMonth < phase.startMonth || task.endMonth > phase.endMonth) {
      throw InputError.at(at(index, 'startMonth'), 'plan.outsidePhase', {
        id: task.id,
        phase: task.phase,
        from: phase.startMonth,
        to: phase.endMonth,
      })
    }
    const defect = raciDefect(task.raci, roles)
    if (defect) {
      const location = defect.kind === 'unknownRole' ? at(index, 'raci') && source?.locate(['tasks', index, 'raci', defect.role], {key: true}) : at(index, 'raci')
      throw InputError.at(location, `raci.${defect.kind}`, {
        id: task.id,
        role: defect.kind === 'unknownRole' ? defect.role : '',
        count: defect.kind === 'accountable' ? defect.count : 0,
        valid: [...roles].join(', '),
      })
    }
  }
}
