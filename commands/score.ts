import * as Flags from '@oclif/core/flags'

import {MailopsCommand} from '../src/command.js'
import {COMPLIANCE} from '../src/config/constants.js'
import {rankProviders} from '../src/matrix/rank.js'
import {renderScore} from '../src/matrix/score-tables.js'

export default class Score extends MailopsCommand {
  static summary = 'Rank mail providers on the 5-dimension, 20-indicator selection matrix.'
  static description =
    'Scores the bundled provider catalog (or your own) by weighted sum (min-max normalised) or TOPSIS, with weights given directly or derived from AHP pairwise comparisons, and shows how far each dimension weight can move before the leader changes. Measured latency and computed TCO replace catalog values when given. `mailops matrix` lists the indicators.'

  static examples = [
    {description: 'Rank the bundled catalog with default weights', command: '<%= config.bin %> <%= command.id %>'},
    {description: 'TOPSIS with AHP weights, your prices, Markdown out', command: '<%= config.bin %> <%= command.id %> --method topsis --weights weights.yaml --providers providers.yaml --format md'},
    {description: 'Use measured latency and computed TCO', command: '<%= config.bin %> <%= command.id %> --latency latency.json --tco tco.json --json'},
    {description: 'Only providers that can meet GDPR and MLPS, gaps flagged', command: '<%= config.bin %> <%= command.id %> --compliance gdpr,mlps'},
  ]

  static flags = {
    method: Flags.option({options: ['wsm', 'topsis'] as const, default: 'wsm' as const, summary: 'Weighted sum model or TOPSIS.'})(),
    weights: Flags.string({summary: 'Weights file (YAML/JSON): dimension weights or an AHP matrix, indicator shares.'}),
    providers: Flags.string({summary: 'Providers file laid over the bundled catalog.'}),
    latency: Flags.string({summary: 'Latency report (mailops latency --json) for network-quality values.'}),
    tco: Flags.string({summary: 'TCO report (mailops tco --json) for the cost-per-seat-year values.'}),
    compliance: Flags.option({options: COMPLIANCE, multiple: true, multipleNonGreedy: true, delimiter: ',', summary: 'Regimes the provider must meet: one it cannot meet is not ranked, one met only with extra work is flagged.'})(),
    draws: Flags.integer({min: 1, max: 1_000_000, default: 10_000, summary: 'Monte Carlo draws of the weights (Dirichlet around the chosen ones).'}),
    format: Flags.option({options: ['table', 'md'] as const, default: 'table' as const, summary: 'Human output form.'})(),
  }

  async run(): Promise<ReturnType<typeof rankProviders>> {
    const {flags} = await this.parse(Score)
    const report = rankProviders({
      weightsFile: flags.weights, providersFile: flags.providers, latencyFile: flags.latency, tcoFile: flags.tco,
      method: flags.method, compliance: flags.compliance ?? [], draws: flags.draws,
    })
    this.warnings(report.warnings)
    this.log(renderScore(report, flags.format))
    return report
  }
}
