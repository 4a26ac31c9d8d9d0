import * as Flags from '@oclif/core/flags'

import {MailopsCommand} from '../src/command.js'
import {CURRENT_SYSTEMS, VARIANTS} from '../src/config/constants.js'
import {planRollout} from '../src/rollout/rollout.js'

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

  async run(): Promise<ReturnType<typeof planRollout>['plan']> {
    const {flags} = await this.parse(Plan)
    this.checkOutputFile('--output', flags.output)
    const {plan, text} = planRollout({
      planFile: flags.plan, variant: flags.variant, start: flags.start, budget: flags.budget, revenue: flags.revenue,
      currency: flags.currency, migrateFrom: flags['current-system'], format: flags.format,
    })
    this.emit(text, {file: flags.output, raw: flags.format === 'ics'})
    return plan
  }
}
