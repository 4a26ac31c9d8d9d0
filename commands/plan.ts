import {Flags} from '@oclif/core'

import {MailopsCommand} from '../src/command.js'
import {loadInput} from '../src/config/load.js'
import {CURRENT_SYSTEMS, VARIANTS} from '../src/config/constants.js'
import type {PlanReport} from '../src/config/schemas/plan.js'
import {InputError} from '../src/errors.js'
import {buildPlan} from '../src/rollout/build.js'
import {isIsoDate} from '../src/rollout/dates.js'
import {planToIcs} from '../src/rollout/ics.js'
import {planToMermaid} from '../src/rollout/mermaid.js'
import {renderPlan} from '../src/rollout/plan-table.js'
import {writeFileAtomic} from '../src/util/fs.js'
import {currencyCode, outputFile, positiveAmount} from '../src/config/values.js'
import {assignDefined} from '../src/util/object.js'
import {now} from '../src/util/clock.js'

export default class Plan extends MailopsCommand {
  static summary = 'Lay out the phased rollout: phases, tasks, milestones, budget per phase and RACI.'
  static description =
    'Two variants from the source material: cross-border (months 0-3, 4-6, 7-12, 13-24) and enterprise (0-3, 4-9, 10-15, 16-24). Output as a table, Markdown, a Mermaid Gantt chart with explicit dates, or an iCalendar file (RFC 5545) to import into any calendar.'

  static examples = [
    {description: 'Cross-border plan starting next month', command: '<%= config.bin %> <%= command.id %>'},
    {description: 'Enterprise plan as a calendar file', command: '<%= config.bin %> <%= command.id %> --variant enterprise --start 2027-01-01 --format ics --output plan.ics'},
    {description: 'Your own tasks and roles', command: '<%= config.bin %> <%= command.id %> --plan plan.yaml --format mermaid'},
  ]

  static flags = {
    plan: Flags.string({aliases: ['input'], charAliases: ['i'], deprecateAliases: true, summary: 'Plan file (YAML/JSON): variant, start, budget, phases, roles, tasks.'}),
    variant: Flags.option({options: VARIANTS, summary: 'Rollout variant (overrides the file).'})(),
    start: Flags.string({summary: 'Start date, YYYY-MM-DD (default: first day of next month).'}),
    budget: Flags.string({summary: 'Total programme budget in --currency: 1.4M (overrides the file; default 1.15% of --revenue).'}),
    revenue: Flags.string({summary: 'Annual revenue in --currency: 120000000, 120M or 1.5bn; sets the budget when none is given (overrides the file).'}),
    currency: Flags.string({summary: 'Currency of the budget, ISO 4217 (overrides the file).'}),
    'current-system': Flags.option({options: CURRENT_SYSTEMS, summary: 'Current mail system: adds its mailbox migration to the tasks (overrides the file).'})(),
    format: Flags.option({
      options: ['table', 'md', 'mermaid', 'ics'] as const,
      default: 'table' as const,
      summary: 'Output form.',
    })(),
    output: Flags.string({char: 'o', summary: 'Write the output to this file (atomically) instead of stdout.'}),
  }

  async run(): Promise<PlanReport> {
    const {flags} = await this.parse(Plan)
    if (flags.start !== undefined && !isIsoDate(flags.start)) {
      throw InputError.at(undefined, 'plan.badStart', {value: flags.start})
    }
    if (flags.output) outputFile('--output', flags.output)
    const file = loadInput('plan', flags.plan)
    assignDefined(file.data, {variant: flags.variant, start: flags.start, budget: flags.budget === undefined ? undefined : positiveAmount('--budget', flags.budget), revenue: flags.revenue === undefined ? undefined : positiveAmount('--revenue', flags.revenue), currency: flags.currency === undefined ? undefined : currencyCode(flags.currency), migrateFrom: flags['current-system']})
    const clock = now()
    const plan = buildPlan(file.data, {now: clock}, file.source)
    const text =
      flags.format === 'ics' ? planToIcs(plan, clock) : flags.format === 'mermaid' ? planToMermaid(plan) : renderPlan(plan, flags.format)
    if (flags.output) writeFileAtomic(flags.output, text)
    else if (flags.format === 'ics') {
      if (!this.jsonEnabled()) process.stdout.write(text)
    }
    else this.log(text.trimEnd())
    return plan
  }
}
