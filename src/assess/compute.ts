import {loadInput} from '../config/load.js'
import {t, type MessageKey} from '../i18n/index.js'
import type {Answers} from '../config/schemas/answers.js'
import type {LatencyReport} from '../config/schemas/latency.js'
import type {Assessment} from '../config/schemas/assessment.js'
import {feedProviders} from '../matrix/feeds.js'
import {DEFAULT_DRAWS} from '../matrix/montecarlo.js'
import {mergeProviders} from '../matrix/providers.js'
import {scoreProviders} from '../matrix/score.js'
import {resolveWeights} from '../matrix/weights.js'
import {buildPlan} from '../rollout/build.js'
import {tcoReport} from '../tco/report.js'
import {assignDefined} from '../util/object.js'

export interface AssessOptions {
  /** Measurements to use instead of probing (a saved `mailops latency --json`). */
  latency?: LatencyReport
  /** Probe the bundled regions of the chosen zones (TCP 443) when no measurement is given. */
  probe: boolean
  now: Date
  progress: (message: string) => void
}

/** Latency, TCO, score and plan from one set of answers: what `mailops assess` reports. */
export async function runAssessment(answers: Answers, options: AssessOptions): Promise<Assessment> {
  let latency = options.latency
  if (!latency && options.probe) {
    // The probes (and ping) load only when probing: a replay with --no-probe or --latency starts without them.
    const [{selectTargets}, {probeTargets}, {latencyReport}] = await Promise.all([import('../latency/targets.js'), import('../latency/runner.js'), import('../latency/report.js')])
    const targets = selectTargets({zones: answers.zones, probes: ['tcp']})
    const run = {samples: 5, warmup: 1, intervalMs: 200, timeoutMs: 1000, concurrency: 128}
    options.progress(t('assess.probing', {count: targets.length}))
    latency = latencyReport(await probeTargets(targets, run), run, ['tcp'], options.now)
  }
  const catalog = mergeProviders()
  const providers = answers.candidates.map((id) => catalog.find((p) => p.id === id)!)
  const scenario = loadInput('tco-scenario').data
  assignDefined(scenario, {
    revenue: answers.revenue,
    currency: answers.currency,
    fxRates: answers.fxRates,
    seats: answers.seats,
    seatGrowth: answers.seatGrowth,
    years: answers.years,
    billing: answers.billing,
    industry: answers.industry,
    migrateFrom: answers.currentSystem,
  })
  // The self-hosted topology is the inventory skeleton's: an edge and a core per chosen zone.
  scenario.selfHosted.regions = answers.zones.length
  options.progress(t('assess.costing', {count: providers.length, years: scenario.years}))
  const tco = tcoReport(scenario, providers)
  options.progress(t('assess.scoring', {count: providers.length, draws: DEFAULT_DRAWS.toLocaleString('en-US')}))
  const score = scoreProviders(feedProviders(providers, latency, tco, answers.zones), resolveWeights(), 'wsm', answers.compliance)
  options.progress(t('assess.planning', {variant: t(`plan.variant.${answers.variant}` as MessageKey)}))
  const plan = buildPlan(
    {variant: answers.variant, start: answers.start, currency: answers.currency, budget: tco.budget.mid.amount, migrateFrom: answers.currentSystem},
    {now: options.now},
  )
  return {answers, ...(latency ? {latency} : {}), tco, score, plan}
}
