import * as Flags from '@oclif/core/flags'

import {assess, type Interview} from '../src/assess/assess.js'
import {MailopsCommand} from '../src/command.js'
import {COMPLIANCE, CURRENT_SYSTEMS, INDUSTRIES, VARIANTS, ZONES} from '../src/config/constants.js'

const list = {multiple: true, multipleNonGreedy: true, delimiter: ','} as const

export default class Assess extends MailopsCommand {
  static summary = "The consultant's assessment: answers in, a report (Markdown + self-contained HTML), answers and an inventory skeleton out."
  static description =
    'Asks for the company, its markets, compliance needs and candidates (or takes them from flags and --answers), measures latency to the chosen zones, scores the candidates, works out budget and TCO and lays out the rollout, then writes a report folder. answers.yaml in it replays the assessment exactly. Without a TTY, or with --no-prompt, a missing answer is an error naming it.'

  static examples = [
    {description: 'Interactive, on a terminal', command: '<%= config.bin %> <%= command.id %>'},
    {description: 'Replay a saved assessment in Chinese, without probing', command: '<%= config.bin %> <%= command.id %> --answers answers.yaml --no-probe --lang zh-CN --out-dir report-zh'},
    {description: 'Everything from flags (CI)', command: '<%= config.bin %> <%= command.id %> --company "ACME Trading" --industry fmcg --revenue 80000000 --seats 600 --zone apac,europe --no-probe'},
    {description: 'A manufacturer invoicing in euros (1 USD = 0.92 EUR), GDPR and PIPL', command: '<%= config.bin %> <%= command.id %> --company "ACME Werke" --industry manufacturing --currency EUR --fx-rate 0.92 --revenue 120M --seats 1500 --seat-growth 5% --zone apac,europe --compliance gdpr,pipl --current-system exchange-onprem --no-probe'},
  ]

  static flags = {
    answers: Flags.string({summary: 'Answers file (YAML/JSON): any subset of the answers.'}),
    'out-dir': Flags.string({aliases: ['out'], charAliases: ['o'], deprecateAliases: true, default: 'mailops-report', summary: 'Folder for the report files.'}),
    probe: Flags.boolean({allowNo: true, default: true, summary: 'Measure latency to the chosen zones (--no-probe: use catalog values).'}),
    latency: Flags.string({summary: 'Use this latency report (mailops latency --json) instead of probing.'}),
    company: Flags.string({summary: 'Company name.'}),
    industry: Flags.option({options: INDUSTRIES, summary: 'Industry profile.'})(),
    revenue: Flags.string({summary: 'Annual revenue in --currency: 120000000, 120M or 1.5bn.'}),
    currency: Flags.string({summary: 'Currency of every amount (ISO 4217); not USD needs --fx-rate.'}),
    'fx-rate': Flags.string({summary: 'Value of 1 USD in --currency (catalog prices and cost defaults are in USD).'}),
    seats: Flags.integer({min: 1, summary: 'Mail seats.'}),
    'seat-growth': Flags.string({summary: 'Yearly seat growth: 10% or 0.1.'}),
    zone: Flags.option({options: ZONES, ...list, aliases: ['zones'], deprecateAliases: true, summary: 'Target markets: apac, europe, americas (repeatable).'})(),
    compliance: Flags.option({options: COMPLIANCE, ...list, summary: 'Compliance needs.'})(),
    'current-system': Flags.option({options: CURRENT_SYSTEMS, summary: 'Current mail system.'})(),
    candidates: Flags.string({...list, summary: 'Provider ids to compare.'}),
    billing: Flags.option({options: ['annual', 'monthly'] as const, summary: 'Billing.'})(),
    years: Flags.integer({min: 1, max: 15, summary: 'Years to cost.'}),
    start: Flags.string({summary: 'Rollout start, YYYY-MM-DD.'}),
    variant: Flags.option({options: VARIANTS, summary: 'Rollout plan.'})(),
  }

  async run() {
    const {flags} = await this.parse(Assess)
    // The prompts load only for an interview: a replay starts faster without them.
    const interview: Interview | undefined = this.canPrompt(flags) ? async (...args) => (await import('../src/ui/prompts.js')).askAnswers(...args) : undefined
    // Progress times count from the first step after the interview, not from its first question.
    let progress: ((message: string) => void) | undefined
    const {out, files, answers, assessment, warnings, summary} = await assess({
      answersFile: flags.answers, latencyFile: flags.latency, outDir: flags['out-dir'], probe: flags.probe, interview, version: this.config.version, progress: (message) => (progress ??= this.progress())(message),
      flags: {
        company: flags.company, industry: flags.industry, revenue: flags.revenue, currency: flags.currency, fxRate: flags['fx-rate'], seats: flags.seats,
        seatGrowth: flags['seat-growth'], zones: flags.zone, compliance: flags.compliance, currentSystem: flags['current-system'], candidates: flags.candidates,
        billing: flags.billing, years: flags.years, start: flags.start, variant: flags.variant,
      },
    })
    this.warnings(warnings)
    // The summary on stderr, beside the progress: stdout stays the list of files a script reads.
    if (!this.jsonEnabled()) process.stderr.write(summary.join('\n') + '\n')
    for (const f of files) this.log(f)
    return {out, files, answers, recommended: assessment.score.ranking[0].id, cheapestPerSeat: assessment.tco.cheapestPerSeat}
  }
}
