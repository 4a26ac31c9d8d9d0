import * as Flags from '@oclif/core/flags'

import {MailopsCommand} from '../src/command.js'
import {CURRENT_SYSTEMS, INDUSTRIES} from '../src/config/constants.js'
import {renderTco} from '../src/tco/tco-tables.js'
import {costProviders} from '../src/tco/tco.js'

export default class Tco extends MailopsCommand {
  static summary = 'Work out the transformation budget and multi-year TCO per provider.'
  static description =
    'The budget is 0.8-1.5% of annual revenue, split infrastructure 30%, integration 25%, training 20%, risk reserve 15%, operations 10%, and allocated by the industry profile. Per provider: licences by billing, storage under the retention policy (30-day work mail, 10-year contract mail), self-hosted infrastructure per region, onboarding, operations staff, and NPV at a discount rate.'

  static examples = [
    {description: 'Bundled defaults (500 seats, 50 M revenue)', command: '<%= config.bin %> <%= command.id %>'},
    {description: 'A scenario file with flags on top', command: '<%= config.bin %> <%= command.id %> --scenario scenario.yaml --seats 1200 --years 5'},
    {description: 'In euros: every amount, the catalog prices and the USD defaults, converted at 1 USD = 0.92 EUR', command: '<%= config.bin %> <%= command.id %> --currency EUR --fx-rate 0.92'},
    {description: 'Feed the result to score', command: '<%= config.bin %> <%= command.id %> --json > tco.json && <%= config.bin %> score --tco tco.json'},
  ]

  static flags = {
    scenario: Flags.string({aliases: ['input'], charAliases: ['i'], deprecateAliases: true, summary: 'Scenario file (YAML/JSON).'}),
    providers: Flags.string({summary: 'Providers file laid over the bundled catalog.'}),
    revenue: Flags.string({summary: 'Annual revenue in --currency: 120000000, 120M or 1.5bn (overrides the file).'}),
    currency: Flags.string({summary: 'Currency of every amount, ISO 4217 (overrides the file).'}),
    'fx-rate': Flags.string({summary: 'Value of 1 USD in --currency: converts the catalog prices and the USD defaults (sets fxRates.USD).'}),
    seats: Flags.integer({min: 1, summary: 'Seats in the first year (overrides the file).'}),
    years: Flags.integer({min: 1, max: 15, summary: 'Years to cost (overrides the file).'}),
    industry: Flags.option({options: INDUSTRIES, summary: 'Industry profile (overrides the file).'})(),
    'current-system': Flags.option({options: CURRENT_SYSTEMS, summary: 'Current mail system: its mailbox migration is costed in year 0 (overrides the file).'})(),
    format: Flags.option({options: ['table', 'md'] as const, default: 'table' as const, summary: 'Human output form.'})(),
  }

  async run(): Promise<ReturnType<typeof costProviders>> {
    const {flags} = await this.parse(Tco)
    const report = costProviders({
      scenarioFile: flags.scenario, providersFile: flags.providers, revenue: flags.revenue, currency: flags.currency, fxRate: flags['fx-rate'],
      seats: flags.seats, years: flags.years, industry: flags.industry, migrateFrom: flags['current-system'],
    })
    this.log(renderTco(report, flags.format))
    return report
  }
}
