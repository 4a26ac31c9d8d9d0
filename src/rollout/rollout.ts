import {loadInput} from '../config/load.js'
import type {PlanFile, PlanReport} from '../config/schemas/plan.js'
import {currencyCode, positiveAmount} from '../config/values.js'
import {InputError} from '../errors.js'
import {now} from '../util/clock.js'
import {assignDefined} from '../util/object.js'
import {buildPlan} from './build.js'
import {isIsoDate} from './dates.js'
import {planToIcs} from './ics.js'
import {planToMermaid} from './mermaid.js'
import {renderPlan} from './plan-table.js'

export type RolloutFormat = 'table' | 'md' | 'mermaid' | 'ics'

/** What `mailops plan` is given: a plan file and the flags laid over it (amounts as typed). */
export interface RolloutRequest {
  planFile?: string
  variant?: PlanFile['variant']
  start?: string
  budget?: string
  revenue?: string
  currency?: string
  migrateFrom?: PlanFile['migrateFrom']
  format: RolloutFormat
}

/** The phased rollout: the file (or the defaults) with the flags over it, dated; and its text in the chosen form. */
export function planRollout(request: RolloutRequest): {plan: PlanReport; text: string} {
  if (request.start !== undefined && !isIsoDate(request.start)) throw InputError.at(undefined, 'plan.badStart', {value: request.start})
  const file = loadInput('plan', request.planFile)
  const amount = (flag: string, value: string | undefined) => (value === undefined ? undefined : positiveAmount(flag, value))
  assignDefined(file.data, {
    variant: request.variant,
    start: request.start,
    budget: amount('--budget', request.budget),
    revenue: amount('--revenue', request.revenue),
    currency: request.currency === undefined ? undefined : currencyCode(request.currency),
    migrateFrom: request.migrateFrom,
  })
  const clock = now()
  const plan = buildPlan(file.data, {now: clock}, file.source)
  const text = request.format === 'ics' ? planToIcs(plan, clock) : request.format === 'mermaid' ? planToMermaid(plan) : renderPlan(plan, request.format)
  return {plan, text}
}
