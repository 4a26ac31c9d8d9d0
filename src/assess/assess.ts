import {loadOptional} from '../config/load.js'
import type {Answers, AnswersFile} from '../config/schemas/answers.js'
import type {Assessment} from '../config/schemas/assessment.js'
import {outputFolder, positiveAmount, shareValue} from '../config/values.js'
import {getLang, t} from '../i18n/index.js'
import {executiveSummary} from '../report/summary.js'
import {now} from '../util/clock.js'
import {completeAnswers, interruptedInterview, mergeAnswers} from './answers.js'
import {runAssessment} from './compute.js'
import {writeReport} from './write.js'

/** Answers given as flags, amounts and shares as typed (120M, 5%). */
export type AnswerFlags = Omit<AnswersFile, 'revenue' | 'fxRates' | 'seatGrowth'> & {revenue?: string; fxRate?: string; seatGrowth?: string}

/** Asks for the answers still missing (the interview), recording each in `sofar` as it is given. */
export type Interview = (given: AnswersFile, now: Date, sofar: AnswersFile) => Promise<AnswersFile>

export interface AssessRequest {
  answersFile?: string
  /** a saved `mailops latency --json` to use instead of probing */
  latencyFile?: string
  outDir: string
  probe: boolean
  flags: AnswerFlags
  /** absent when no prompt may be shown */
  interview?: Interview
  version: string
  progress: (message: string) => void
}

export interface AssessResult {
  out: string
  files: string[]
  answers: Answers
  assessment: Assessment
  warnings: string[]
  /** for the person who ran it: the recommendation and why (the deciding dimensions, stability), the TCO line, compliance, budget, plan, and where the files went */
  summary: string[]
}

/**
 * `mailops assess`: the answers from the file, the flags over them and the interview for the
 * rest (an interrupted one keeps what was given), then latency, TCO, score and plan, written
 * into the report folder. Every path and file is checked before any work.
 */
export async function assess(request: AssessRequest): Promise<AssessResult> {
  const clock = now()
  outputFolder('--out-dir', request.outDir)
  const file = loadOptional('answers', request.answersFile)
  const latency = loadOptional('latency-report', request.latencyFile)
  const {revenue, fxRate, seatGrowth, ...plain} = request.flags
  const fromFlags: AnswersFile = {
    ...plain,
    revenue: revenue === undefined ? undefined : positiveAmount('--revenue', revenue),
    fxRates: fxRate === undefined ? undefined : {...file.data?.fxRates, USD: positiveAmount('--fx-rate', fxRate)},
    seatGrowth: seatGrowth === undefined ? undefined : shareValue('--seat-growth', seatGrowth),
  }
  let given = mergeAnswers(file.data, fromFlags)
  if (request.interview) {
    const sofar: AnswersFile = {}
    try {
      given = await request.interview(given, clock, sofar)
    } catch (error) {
      throw interruptedInterview(error, sofar, request.outDir)
    }
  }
  const answers = completeAnswers(given, clock)
  const assessment = await runAssessment(answers, {latency: latency.data, probe: request.probe, now: clock, progress: request.progress})
  request.progress(t('assess.writing'))
  const {files, keptInventory} = writeReport(request.outDir, assessment, {now: clock, version: request.version, lang: getLang()})
  request.progress(t('assess.wrote', {dir: request.outDir}))
  const summary = [t('assess.summaryTitle'), ...executiveSummary(assessment).map((line) => `  ${line}`), `  ${t('assess.wrote', {dir: request.outDir})}: ${files.map((f) => f.split('/').pop()).join(', ')}`]
  return {out: request.outDir, files, answers, assessment, warnings: keptInventory ? [t('assess.keptInventory', {path: keptInventory})] : [], summary}
}
