import {Flags} from '@oclif/core'

import {completeAnswers, interruptedInterview, mergeAnswers} from '../src/assess/answers.js'
import {runAssessment} from '../src/assess/compute.js'
import {writeReport} from '../src/assess/write.js'
import {MailopsCommand} from '../src/command.js'
import {COMPLIANCE, CURRENT_SYSTEMS, INDUSTRIES, VARIANTS, ZONES} from '../src/config/constants.js'
import {loadOptional} from '../src/config/load.js'
import {outputFolder, positiveAmount, shareValue} from '../src/config/values.js'
import type {AnswersFile} from '../src/config/schemas/answers.js'
import {getLang, t} from '../src/i18n/index.js'
import {printWarnings} from '../src/ui/errors.js'
import {progressReporter} from '../src/ui/progress.js'
import {now} from '../src/util/clock.js'

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
    const clock = now()
    outputFolder('--out-dir', flags['out-dir'])
    const file = loadOptional('answers', flags.answers)
    const latency = loadOptional('latency-report', flags.latency)
    const fromFlags: AnswersFile = {
      company: flags.company,
      industry: flags.industry,
      revenue: flags.revenue === undefined ? undefined : positiveAmount('--revenue', flags.revenue),
      currency: flags.currency,
      fxRates: flags['fx-rate'] === undefined ? undefined : {...file.data?.fxRates, USD: positiveAmount('--fx-rate', flags['fx-rate'])},
      seats: flags.seats,
      seatGrowth: flags['seat-growth'] === undefined ? undefined : shareValue('--seat-growth', flags['seat-growth']),
      zones: flags.zone,
      compliance: flags.compliance,
      currentSystem: flags['current-system'],
      candidates: flags.candidates,
      billing: flags.billing,
      years: flags.years,
      start: flags.start,
      variant: flags.variant,
    }
    let given = mergeAnswers(file.data, fromFlags)
    if (this.canPrompt(flags)) {
      const {askAnswers} = await import('../src/ui/prompts.js')
      const sofar: AnswersFile = {}
      try {
        given = await askAnswers(given, clock, sofar)
      } catch (error) {
        throw interruptedInterview(error, sofar, flags['out-dir'])
      }
    }
    const answers = completeAnswers(given, clock)
    const progress = progressReporter()
    const assessment = await runAssessment(answers, {latency: latency.data, probe: flags.probe, now: clock, progress})
    const {files, keptInventory} = writeReport(flags['out-dir'], assessment, {now: clock, version: this.config.version, lang: getLang()})
    if (keptInventory) printWarnings([t('assess.keptInventory', {path: keptInventory})])
    progress(t('assess.wrote', {dir: flags['out-dir']}))
    for (const f of files) this.log(f)
    return {out: flags['out-dir'], files, answers, recommended: assessment.score.ranking[0].id, cheapestPerSeat: assessment.tco.cheapestPerSeat}
  }
}
